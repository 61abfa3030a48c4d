# Two commands from a fresh machine:  make run  |  make test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
HOST ?= 127.0.0.1:8000

.PHONY: install run test bench loadtest lock lint typecheck worker beat search clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.installed: requirements.lock | $(PY)
	$(UV) pip install --quiet --python $(PY) -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

## make run: install, migrate, load the demo data and serve on 127.0.0.1:8000 (SQLite, no services)
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving the portal at http://$(HOST)/ (Ctrl+C to stop)"
	$(PY) manage.py runserver $(HOST)

## make test: install and run the whole suite (browser tests need Debian's chromium)
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

## make search: a single-node Elasticsearch 8 on 127.0.0.1:9200 (from Maven Central; Java 17 and Maven),
## data in a temporary folder. Then: ELASTICSEARCH_URL=http://127.0.0.1:9200 make run (after rebuild_index)
search:
	tools/elasticsearch/run "" 9200

## make bench: the performance benchmarks (pages on the demo data; matching and reports on scratch data;
## matching on Elasticsearch too when ELASTICSEARCH_URL is set)
bench: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py bench_pages
	$(PY) manage.py bench_matching
	$(PY) manage.py bench_reports
	$(PY) manage.py bench_http

## make loadtest: Locust, 200 users for 60 s, against gunicorn on PostgreSQL with Redis on programme-scale
## data (seed_loadtest); prints p50/p95/p99 and errors per page. Settings: loadtest/run
loadtest: install
	loadtest/run

## make lock: re-pin requirements.lock after changing pyproject.toml
lock: $(PY)
	$(UV) pip compile --quiet pyproject.toml --group dev --generate-hashes --python-version 3.11 -o requirements.lock

lint: install
	$(VENV)/bin/ruff check .

## make typecheck: mypy with the django-stubs plugin on the packages listed in pyproject.toml [tool.mypy]
typecheck: install
	$(VENV)/bin/mypy

worker: install
	$(VENV)/bin/celery -A portal worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A portal beat --loglevel=info

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 tools/elasticsearch/target
