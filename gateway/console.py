"""The staff console (`web/`, built into `web/dist`), served at `/`: files by name, every other page by index.html."""
from pathlib import Path

from flask import Response, request, send_from_directory
from werkzeug.exceptions import NotFound

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[1] / "web" / "dist"

# Hashed file names change with their content, so a browser may keep them for good; index.html names the
# current ones and is checked again on every load.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Only the console's own origin: no CDN, no inline script. Element Plus positions popovers and dialogs with
# style attributes, which style-src must allow; data: covers the images its stylesheets embed.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
                           "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
NOT_BUILT = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>车贷管理系统</title></head>
<body><h1>控制台尚未构建</h1><p>The staff console has not been built: <code>cd web &amp;&amp; npm ci &amp;&amp;
npm run build</code> (<code>make run</code> does it when Node.js is installed). The API is at
<a href="/api/docs">/api/docs</a>.</p></body></html>"""

_NOT_CONSOLE = ("/api/", "/metrics")


def register(app, directory=None):
    directory = Path(directory or DEFAULT_DIRECTORY)

    def secured(response, cache_control):
        response.headers["Cache-Control"] = cache_control
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["Referrer-Policy"] = "same-origin"
        return response

    @app.before_request
    def console():
        # Only what no API route answers: an unknown /api/ path stays a problem+json 404.
        if request.endpoint is not None or request.method not in ("GET", "HEAD"):
            return None
        path = request.path
        if path == "/api" or path.startswith(_NOT_CONSOLE):
            return None
        name = path.lstrip("/")
        if name.startswith("assets/"):
            return secured(send_from_directory(directory, name, max_age=None), IMMUTABLE)
        if name and "." in name.rsplit("/", 1)[-1]:  # favicon.svg and other files at the top
            try:
                return secured(send_from_directory(directory, name, max_age=None), REVALIDATE)
            except NotFound:
                return None
        index = directory / "index.html"
        if not index.is_file():
            return secured(Response(NOT_BUILT, status=503, mimetype="text/html"), "no-store")
        return secured(send_from_directory(directory, "index.html", max_age=None), REVALIDATE)
