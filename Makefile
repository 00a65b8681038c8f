# Aria Admin. Quick start: `make run` (serve) and `make test` (whole suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# First Python >= 3.12 among these; pyenv's own installs are tried too,
# because its python3.13 shim fails unless that version is selected.
PYTHON_CANDIDATES := python3.13 python3.12 python3 \
	$(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3) \
	$(wildcard /usr/local/bin/python3.1[2-9]) $(wildcard /usr/bin/python3.1[2-9])
FIND_PYTHON := for p in $(PYTHON_CANDIDATES); do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	  then command -v $$p; break; fi; done

.PHONY: run test venv bootstrap superuser serve collectstatic stop clean-db

$(VENV)/.installed: requirements.txt requirements-embedded.txt requirements-dev.txt
	@py="$$($(FIND_PYTHON))"; \
	if [ -z "$$py" ]; then echo "error: Aria Admin needs Python >= 3.12; none found (tried: $(PYTHON_CANDIDATES))." >&2; exit 1; fi; \
	echo "Using $$py ($$($$py --version))"; \
	[ -x $(PY) ] || $$py -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

bootstrap: venv
	$(PY) manage.py aria_bootstrap

superuser: venv
	$(PY) manage.py ensure_superuser

run: bootstrap superuser
	DEBUG=$${DEBUG:-true} $(PY) manage.py runserver 127.0.0.1:$${PORT:-8000}

# The embedded PostgreSQL keeps running after `make run` (the tests and
# commands share it): `make stop` stops it, `make clean-db` also deletes its
# data (ARIA_PGDATA). Neither touches a DATABASE_URL server.
stop:
	@[ -x $(PY) ] || { echo "No $(VENV) here: no embedded PostgreSQL was started by this checkout."; exit 0; }
	@$(PY) -m aria_admin.embedded stop

clean-db:
	@[ -x $(PY) ] || { echo "No $(VENV) here: no embedded PostgreSQL to remove."; exit 0; }
	@$(PY) -m aria_admin.embedded clean

test: venv
	@[ -x /usr/bin/chromium ] || echo "NOTE: e2e browser tests will be SKIPPED: /usr/bin/chromium is not installed (apt-get install chromium chromium-driver)."
	@command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || echo "NOTE: PgBouncer tests will be SKIPPED: pgbouncer is not installed (tests/install-pgbouncer.sh)."
	$(PY) -m pytest $(PYTEST_ARGS)

# Production serving (docs/production.md): hashed, compressed static files,
# then gunicorn with gunicorn.conf.py. Needs SECRET_KEY (50+ random characters).
collectstatic: venv
	DEBUG=false $(PY) manage.py collectstatic --noinput --verbosity 0

serve: collectstatic
	DEBUG=false $(VENV)/bin/gunicorn --config gunicorn.conf.py

# Warehouse-scale benchmark (issue 7): builds the bench databases once (set-based SQL),
# serves them with gunicorn next to a stock-admin baseline, writes bench/RESULTS.md.
# BENCH_ARGS="--scale 0.01" for a quick small run; "--rebuild" to rebuild the data.
.PHONY: bench
bench: venv
	@command -v wrk >/dev/null || echo "NOTE: wrk is not installed (apt-get install -y wrk): the throughput test will be reported as NOT measured."
	$(PY) -m bench.run $(BENCH_ARGS)

# Real-browser screenshots (issue 6): the e2e suite's screenshot tests write
# docs/screenshots/*.png. Needs Debian's Chromium (tests/e2e/install-chromium.sh).
.PHONY: screenshots
screenshots: venv
	@[ -x /usr/bin/chromium ] || { echo "error: /usr/bin/chromium is not installed; run tests/e2e/install-chromium.sh (apt-get install chromium chromium-driver)." >&2; exit 1; }
	ARIA_SCREENSHOTS_DIR=docs/screenshots $(PY) -m pytest tests/e2e/test_screenshots.py $(PYTEST_ARGS)
