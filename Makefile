# Two commands on a fresh machine: `make demo` (local chat on SQLite) and `make test` (the whole suite).
# Each creates the virtualenv and compiles the catalogs first, so nothing needs installing by hand.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint run catalogs extract bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

catalogs: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d locales -D messages --statistics 2>&1 | tail -n 2

demo: catalogs
	$(BIN)/houvast demo

run: catalogs
	$(BIN)/houvast run

# The style (ruff) and the layers of the README's picture (import-linter, contracts in pyproject.toml) first.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo --no-cache

test: lint catalogs
	$(BIN)/pytest $(PYTEST_ARGS)

# Developers: after changing texts in code, refresh the template and both catalogs.
extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 -k npgettext:1c,2,3 -k pgettext:1c,2 --no-location --sort-output -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages -l en --no-fuzzy-matching --ignore-obsolete
	# The Dutch catalog is edited by hand: kept at 110 columns, so a refresh does not re-wrap every entry.
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages -l nl --no-fuzzy-matching --ignore-obsolete -w 110

bench: catalogs
	$(BIN)/houvast bench

clean:
	rm -rf $(VENV)
