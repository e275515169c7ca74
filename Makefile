# The two commands of the README: `make demo` and `make test`. Everything they need is installed here.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test check lint bench schema clean

$(STAMP): pyproject.toml
	@# Debian's Chromium, its driver and Xvfb for the browser agent (as root; otherwise install them first).
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && command -v Xvfb >/dev/null && test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || \
	  { apt-get update -qq && apt-get install -y -qq chromium chromium-driver xvfb fonts-dejavu-core; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench,agents,browser]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/talvix demo

test: lint
	$(BIN)/pytest

# The fast tiers, for running often: lint, formatting, types, migrations, unit and integration tests
# (no browsers, faults or acceptance).
check: lint
	$(BIN)/pytest -q -n 2 tests/unit tests/integration

lint: $(STAMP)
	$(BIN)/ruff check listeners handlers tests bench
	$(BIN)/ruff format --check listeners handlers tests bench
	$(BIN)/mypy
	$(BIN)/squawk sql/engine/migrations/*.sql sql/product/migrations/*.sql

# sql/schema.sql again, after adding a migration (a test fails until it matches the migrations).
schema: $(STAMP)
	$(BIN)/python -m tests.support.schema

bench: $(STAMP)
	$(BIN)/talvix bench engine
	$(BIN)/talvix bench peers
	$(BIN)/talvix bench discovery

clean:
	rm -rf $(VENV) .talvix
