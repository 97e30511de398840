# The two commands first: `make run` (demo on 127.0.0.1:8069) and `make test`.
# Without Odoo 18.0 (at ODOO_PATH or importable) their first run fetches it from
# ODOO_REPO into .odoo/ and installs everything into .venv/ (tests/harness/bootstrap.py).
PYTHON ?= python3
export ODOO_PATH ?= /opt/odoo

.PHONY: run test test-bootstrap test-clock-ahead bench lint check-env pot help

help:
	@echo "make run        start PostgreSQL (if needed), Odoo with demo data and the connector"
	@echo "make test       static checks, every add-on's Odoo tests, pytest suite"
	@echo "make bench      benchmarks in bench/"
	@echo "make lint       static checks only"
	@echo "make test-bootstrap  first run on a fresh clone without Odoo (slow; needs"
	@echo "                HOTLINE_TEST_ODOO_REPO, a git repository with an 18.0 branch)"
	@echo "make test-clock-ahead  Odoo and pytest stages with the clock DAYS (365) ahead"
	@echo "                (libfaketime; a PostgreSQL cluster of its own)"
	@echo "make pot        regenerate i18n/<module>.pot of every add-on"

run:
	$(PYTHON) tests/harness/run_demo.py

test:
	$(PYTHON) tests/harness/run_suite.py

# Slow (pip installs, a demo database): not part of `make test`.
test-bootstrap:
	$(PYTHON) -m pytest -q -p no:cacheprovider -m slow tests/test_bootstrap.py

# No test may depend on today's date: the suites with the clock moved ahead.
test-clock-ahead:
	bash tests/harness/clock_ahead/run.sh

lint:
	$(PYTHON) tests/harness/run_suite.py --only static

bench:
	$(PYTHON) bench/run_all.py

pot:
	$(PYTHON) tests/harness/export_pot.py

check-env:
	@../shared/bin/check-env 2>/dev/null || echo "see README.md, Prerequisites"
