# The two commands of the README: `make demo` and `make test`. Each sets up what it needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench setup system-deps clean

system-deps:
	@scripts/system-deps.sh

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: system-deps $(BIN)/.installed

# With a display: the touchscreen with the demo shop, simulated devices and the demo panel.
# Without one: a scripted visit under Xvfb; screenshots and receipts go to var/demo-run/<time>/.
demo: setup
	rm -f var/demo.sqlite var/demo.sqlite-wal var/demo.sqlite-shm
	$(BIN)/python -m kiosk.demo.run --database var/demo.sqlite --out var/demo-run

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# Figures, not pass/fail: each prints a JSON object as its last line (see README, "Figures").
bench: setup
	$(BIN)/python bench/checkout.py
	$(BIN)/python bench/lookup.py --volunteers 450000
	$(BIN)/python bench/crash.py --kills 50
	$(BIN)/python bench/qr_decode.py
	$(BIN)/python bench/sync.py --volunteers 450000
	$(BIN)/python bench/simulate.py --seeds 300
	$(BIN)/python bench/simulate.py --seeds 300 --postgres
	$(BIN)/python bench/district_push.py --postgres --kiosks 20 --volunteers 450000
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/sun_tap.py
	$(BIN)/python bench/accessibility.py
	$(BIN)/python bench/redeem.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
