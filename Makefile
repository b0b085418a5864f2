# Two commands on a fresh clone: `make run` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint messages clean browser screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: install, migrate, load the demo network when the database is empty, serve on :8000
run: $(STAMP)
	$(BIN)/entregent demo --if-empty
	$(BIN)/entregent serve

## test: install with the test extras, lint, run the whole suite
# Tests keep their files (secret key, served demo databases) out of the user's data directory.
test: $(STAMP) browser
	$(BIN)/ruff check src tests bench
	ENTREGENT_DATA_DIR="$${ENTREGENT_DATA_DIR:-$(CURDIR)/$(VENV)/test-data}" $(BIN)/pytest

## browser: Debian's chromium for the browser tests (as root; otherwise they skip with the reason)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get install -y -qq chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; \
	  else echo "chromium is missing (sudo apt-get install chromium); the browser tests will skip"; fi; }

## screenshots: refresh docs/screenshots from the browser test of every screen
screenshots: $(STAMP) browser
	ENTREGENT_SCREENSHOTS=$(CURDIR)/docs/screenshots ENTREGENT_DATA_DIR="$(CURDIR)/$(VENV)/test-data" \
	  $(BIN)/pytest tests/browser/test_screens.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

## messages: refresh and compile the French catalogue (needs GNU gettext)
messages: $(STAMP)
	cd src/entregent && ../../$(BIN)/django-admin makemessages -l fr --no-obsolete --no-location --settings=entregent.settings
	cd src/entregent && ../../$(BIN)/django-admin compilemessages --settings=entregent.settings

clean:
	rm -rf $(VENV) .pytest_cache
