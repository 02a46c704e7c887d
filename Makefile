# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
FRONT := frontend
PYTEST_ARGS ?=

.PHONY: run test install frontend frontend-test services bench load security clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

$(FRONT)/node_modules/.install-stamp: $(FRONT)/package-lock.json
	cd $(FRONT) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

frontend:
	@if [ -f $(FRONT)/package-lock.json ]; then \
	  $(MAKE) --no-print-directory $(FRONT)/node_modules/.install-stamp && \
	  (cd $(FRONT) && npm run build --silent); \
	else echo "no front end yet"; fi

frontend-test:
	@if [ -f $(FRONT)/package-lock.json ]; then cd $(FRONT) && npm test --silent; fi

services:
	@bash scripts/ensure-services.sh

run: install frontend
	$(VENV)/bin/formloom run

test: install services frontend frontend-test
	$(PY) -m pytest -n 3 --dist loadfile --durations=15 $(PYTEST_ARGS)

bench: install services
	$(PY) -m bench.run_all

load: install services frontend
	$(PY) -m bench.load --minutes 10

security: install services frontend
	$(PY) -m pytest tests/security -n 3 --dist loadfile

clean:
	rm -rf $(VENV) $(FRONT)/node_modules $(FRONT)/dist instance
