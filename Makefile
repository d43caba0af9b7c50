# Two commands: `make run` and `make test`. Both create .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
export HELPDESK_DATA_DIR ?= $(CURDIR)/instance
PORT ?= 5000
# links in mails and the demo's "draait op" follow the port, unless HELPDESK_PUBLIC_URL is set
PUBLIC_URL := $(or $(HELPDESK_PUBLIC_URL),http://127.0.0.1:$(PORT))

.PHONY: run test install install-test lint eval bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# pip keeps what pyproject.toml no longer asks for: Flask-Limiter (dropped, issue 18) would still load its `flask`
# plugin in every command of an existing .venv
DROPPED := Flask-Limiter

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	$(BIN)/pip uninstall --quiet --yes $(DROPPED) 2>/dev/null || true
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e ".[test]"
	$(BIN)/pip uninstall --quiet --yes $(DROPPED) 2>/dev/null || true
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	HELPDESK_DEV=1 $(FLASK) setup
	HELPDESK_DEV=1 HELPDESK_PUBLIC_URL=$(PUBLIC_URL) $(FLASK) demo --port $(PORT)
	HELPDESK_DEV=1 HELPDESK_PUBLIC_URL=$(PUBLIC_URL) HELPDESK_OUTBOX_THREAD=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .

eval: install
	$(BIN)/python bench/eval_triage.py

bench: install-test
	$(BIN)/python bench/faq_search.py
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/inbox.py

clean:
	rm -rf $(VENV) instance build *.egg-info
