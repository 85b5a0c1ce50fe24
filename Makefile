# gridapp: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

# Local development defaults; every one can be overridden from the environment.
export DEBUG ?= true

.PHONY: venv run serve test lint i18n messages bench clean backup restore

$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "gridapp needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

venv: $(STAMP) .env

# Local defaults for manage.py run by hand (gridapp/settings.py reads them; the environment wins).
.env:
	printf '# Local development defaults written by make; never commit, never deploy.\nDEBUG=true\n' > $@

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	bin/run-all

# Production mode on this machine: gunicorn, a Celery worker per queue kind and one beat (the
# Procfile, under honcho), after migrate and collectstatic. See docs/operations.md.
serve: venv
	bin/serve

# PostgreSQL and MEDIA_ROOT into $(BACKUP_DIR)/gridapp-<UTC time>/ (docs/operations.md, "Backups").
# make restore BACKUP=backups/gridapp-… refuses a database with tables in it unless REPLACE=1.
backup: venv
	$(PY) bin/backup $(if $(PRUNE),--prune)

restore: venv
	@test -n "$(BACKUP)" || { echo "say which backup: make restore BACKUP=backups/gridapp-YYYYmmdd-HHMMSS"; exit 2; }
	$(PY) bin/restore "$(BACKUP)" $(if $(filter 1 true yes,$(REPLACE)),--replace)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# Fails when a user-facing string has no Chinese translation (needs GNU gettext's xgettext).
i18n: venv
	$(PY) bin/check_translations.py

# Refresh the catalogue after changing strings, then translate the new entries.
messages: venv
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location -i ".venv/*" -i "var/*" -i "tests/*"
	$(PY) bin/check_translations.py --compile-only

test: venv lint i18n
	$(VENV)/bin/pytest $(PYTEST_ARGS); rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

# Speed and memory targets, on the PostgreSQL of this machine: a database of its own, created if
# missing, whose name must end in _bench (the benchmarks empty whole tables and refuse any other).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gridapp_bench
BENCH_DATABASE = $(lastword $(subst /, ,$(BENCH_DATABASE_URL)))
BENCH_SERVER_URL = $(patsubst %/$(BENCH_DATABASE),%/postgres,$(BENCH_DATABASE_URL))
bench: venv
	psql "$(BENCH_SERVER_URL)" -tAc "SELECT 1 FROM pg_database WHERE datname='$(BENCH_DATABASE)'" | grep -q 1 \
		|| psql "$(BENCH_SERVER_URL)" -c 'CREATE DATABASE "$(BENCH_DATABASE)"'
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_checkins
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_import --format xlsx
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_import --format csv
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) manage.py bench_search

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
