# Car-loan platform (车贷管理系统): `make run` starts everything locally, `make test` runs every test.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
# The console is rebuilt when any of its sources is newer than the build.
WEB_SOURCES := $(shell find web/src web/public web/index.html web/package.json web/package-lock.json \
                 web/vite.config.ts web/tsconfig.json -type f 2>/dev/null)

.PHONY: install run test unit web-test bench clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip==25.3"
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed

web/dist/index.html: $(WEB_SOURCES)
	@scripts/build_console.sh

run: install web/dist/index.html
	$(PY) scripts/run.py

# The console's own checks (types, units), then every Python test; tests/e2e/test_console.py drives the built
# console in Chromium against the real platform.
test: install web/dist/index.html web-test
	$(PY) -m pytest

web-test:
	@scripts/build_console.sh --deps-only
	cd web && npm run --silent typecheck && npm run --silent types:check && npm test --silent

unit: install
	$(PY) -m pytest tests/unit

bench: install
	$(PY) bench/gateway_vs_amqp.py

clean:
	rm -rf $(VENV) var .pytest_cache web/dist web/node_modules
