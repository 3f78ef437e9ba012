# ErrorKB: everything is reachable from here. `make run` and `make test` work on a
# fresh clone; DATABASE_URL and REDIS_URL pick PostgreSQL and Redis when set.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: install migrate load run serve test lint format fixtures kb-lint eval bench check-deploy clean

$(INSTALLED): requirements.txt requirements-dev.txt requirements-import.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(INSTALLED)

install: $(INSTALLED)

migrate: install
	$(PY) manage.py migrate --noinput

load: migrate
	$(PY) manage.py kb_load

# DEBUG off by default, so a missing page shows the site's own 404 as a visitor
# sees it; the local-only secret key and WhiteNoise (which finds static files
# without collectstatic; it only warns if STATIC_ROOT is missing) need no setup.
# `make run DEBUG=1` shows Django's debug pages.
run: load
	@mkdir -p staticfiles
	DEBUG=$${DEBUG:-0} $(PY) manage.py runserver 127.0.0.1:8000

# As production serves it: gunicorn with config/gunicorn.conf.py, against the
# configured DATABASE_URL and REDIS_URL (static files via whitenoise).
serve: load
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) -m gunicorn -c config/gunicorn.conf.py config.wsgi

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py kb_import --check

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# After editing fixtures by hand: load them, then write them back in canonical form.
fixtures: migrate
	$(PY) manage.py kb_load
	$(PY) manage.py kb_dump

kb-lint: migrate
	$(PY) manage.py kb_load
	$(PY) manage.py kb_lint

# Replays the catalogue's examples and tests/data/responses/ (and ../shared/samples
# when present) through the lookup and prints how often it is right, next to
# urllib3's status list; fails below the thresholds in kb_eval.
eval: load
	$(PY) manage.py kb_eval --check

bench: install
	$(PY) bench/run.py

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
		$(PY) manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
