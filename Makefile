# Car-loan platform (车贷管理系统): `make run` starts everything locally, `make test` runs every test.
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: install run test unit bench clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip==25.3"
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) scripts/run.py

test: install
	$(PY) -m pytest

unit: install
	$(PY) -m pytest tests/unit

bench: install
	$(PY) bench/gateway_vs_amqp.py

clean:
	rm -rf $(VENV) var .pytest_cache
