# gracemail: `make run` serves the demo inbox, `make test` installs what the tests need and runs them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
APT_PACKAGES := dovecot-imapd dovecot-lmtpd dovecot-sieve chromium postgresql

.PHONY: run test check bench system-deps clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# running needs only the package; the test tools come with `make test`
$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(VENV)/bin/gracemail serve

# Debian packages the tests drive for real: Dovecot (IMAP, LMTP), Chromium and PostgreSQL. A policy-rc.d
# that refuses keeps the package from starting a system Dovecot; the tests run their own on
# free ports, and nothing here stops a server it did not start.
system-deps:
	@dpkg -s $(APT_PACKAGES) >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  POLICY=/usr/sbin/policy-rc.d; OURS=; \
	  if [ ! -e $$POLICY ]; then printf '#!/bin/sh\nexit 101\n' | $$SUDO tee $$POLICY >/dev/null; \
	    $$SUDO chmod 755 $$POLICY; OURS=1; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(APT_PACKAGES) >/dev/null; \
	  STATUS=$$?; [ -n "$$OURS" ] && $$SUDO rm -f $$POLICY; exit $$STATUS; }

check: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/hadolint Dockerfile

test: system-deps check
	$(PY) -m pytest -q

bench: $(TEST_STAMP)
	for script in bench/bench_*.py; do $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .gracemail-test .pytest_cache .mypy_cache .ruff_cache
