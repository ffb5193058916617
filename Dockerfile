# carloan:0.1.0 — one image for every component; the command picks what runs:
#   python -m services.org migrate | python -m services.org run
#   gunicorn -c python:gateway.gunicorn_conf gateway.wsgi:app
# Build: docker build -t carloan:0.1.0 .   (docker compose builds it as the `org-migrate` service)

# The staff console (web/) is built in a Node stage; only its static files go into the image (the gateway serves
# them at /). The image has no Node.js.
FROM node:20-slim AS console
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM python:3.11-slim

LABEL org.opencontainers.image.title="carloan" \
      org.opencontainers.image.version="0.1.0" \
      org.opencontainers.image.description="Car-loan management platform: Nameko services behind a Flask gateway"

# MALLOC_ARENA_MAX: glibc keeps an arena per thread; the org service hashes passwords (scrypt, 16 MiB each) in a
# thread pool, and without a cap each thread keeps its freed blocks: the org service then idles at over 300 MiB.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CARLOAN_DATA_DIR=/tmp/carloan \
    MALLOC_ARENA_MAX=2

# Contracts (套打) are drawn by ReportLab with Debian's TrueType CJK font embedded (CARLOAN_PDF_FONT names another).
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-wqy-microhei \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 carloan \
 && useradd --system --uid 10001 --gid carloan --no-create-home --home-dir /app --shell /usr/sbin/nologin carloan

WORKDIR /app

# `pip install .` brings the pinned dependencies; the code itself runs from the source tree in /app
# (the working directory comes first on sys.path), which also carries the Alembic `migrations/`
# folders and their `script.py.mako` templates.
COPY pyproject.toml constraints.txt ./
COPY services/ services/
COPY gateway/ gateway/
COPY --from=console /web/dist web/dist/
RUN pip install --no-cache-dir -c constraints.txt . \
 && rm -rf build ./*.egg-info

USER 10001:10001

# 8000: gateway HTTP (gunicorn); 9101: org service /metrics and /healthz
EXPOSE 8000 9101

CMD ["python", "-m", "services.org", "run"]
