# The two commands of the README: `make run` and `make test`.
# Both set up what they need on the first run and are quick after that.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
# Debian packages the tests and the browser benchmark drive: the browser, the PDF renderer, the
# load balancer of the rolling-restart test, and gettext (xgettext), with
# which a test checks that the .po files hold every string of the code.
TEST_DEBIAN_PACKAGES := chromium poppler-utils haproxy gettext
TEST_COMMANDS := /usr/bin/chromium /usr/bin/pdftoppm /usr/sbin/haproxy /usr/bin/xgettext

.PHONY: run banner test lint format check-system-packages bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.stamp-run: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.stamp-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.stamp-run

var:
	mkdir -p var

run: $(VENV)/.stamp-run | var
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py compile_translations
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py collectstatic --noinput --verbosity 0
	@$(MAKE) --no-print-directory banner
	@# exec: honcho itself gets make's SIGTERM (or Ctrl-C) and stops all three.
	@# TZ=UTC: honcho's time before each line is the UTC clock of the lines (config/logs.py).
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} TZ=UTC PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/honcho start

# The address gunicorn binds (config/gunicorn.py reads the same variable).
banner:
	@echo
	@echo "  Little Steps is starting at http://$${GUNICORN_BIND:-127.0.0.1:8000}  (Ctrl-C stops everything)"
	@echo

check-system-packages:
	@missing=""; for cmd in $(TEST_COMMANDS); do [ -x $$cmd ] || missing="yes"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian packages for the tests: $(TEST_DEBIAN_PACKAGES)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_DEBIAN_PACKAGES) >/dev/null; \
	  else \
	    echo "The tests need these Debian packages: $(TEST_DEBIAN_PACKAGES)."; \
	    echo "Install them with: sudo apt-get install $(TEST_DEBIAN_PACKAGES)"; \
	    exit 1; \
	  fi; \
	fi

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.stamp-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# A fresh random secret for each test run: no key is kept in the repository.
test: $(VENV)/.stamp-dev check-system-packages | var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit --quiet --recursive accounts config mentors personas plans --severity-level medium
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  $(BIN)/mypy
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  $(PY) manage.py compile_translations
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	  $(BIN)/pytest $(PYTEST_ARGS)

# The browser benchmark drives the same Debian Chromium as the tests.
bench: $(VENV)/.stamp-dev check-system-packages | var
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var
