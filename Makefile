# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint translations catalog clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# A file target, so that two `make test` started together (CI's two legs) never both rewrite it.
MO := core/translations/en/LC_MESSAGES/messages.mo

$(MO): core/translations/en/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel -q compile --use-fuzzy -d core/translations

translations: $(MO)

# Re-extract the messages and update the English catalogue (one line per msgid, sorted).
catalog: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--no-wrap -o $(VENV)/messages.pot .
	$(BIN)/pybabel -q update -i $(VENV)/messages.pot -d core/translations -l en --no-wrap \
		--ignore-obsolete --no-fuzzy-matching

run: export THIDUA_ENV ?= development
run: export THIDUA_EMBEDDED_WORKER ?= 1
run: translations
	$(BIN)/thidua db upgrade
	$(BIN)/thidua tenants load --quiet tenants/hanoi.yaml
	$(BIN)/thidua demo
	@echo "Thi Đua: http://$(if $(filter 0.0.0.0,$(HOST)),<this machine's address>,$(HOST)):$(PORT)"
	$(BIN)/gunicorn --workers 2 --threads 4 --bind $(HOST):$(PORT) --access-logfile - wsgi:app

test: translations
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance/thidua.db*
