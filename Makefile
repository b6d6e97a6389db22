# dtz-letters: `make render` and `make test` set everything up on a fresh machine.
# The interpreter of the virtual environment: scripts/interpreter.sh picks one, PYTHON=... another.
PYTHON ?=
VENV   := .venv
BIN    := $(VENV)/bin
LETTERS := $(wildcard letters/*.yaml)

.PHONY: render test fuzz check templates schemas lint bench bench-preview clean

# The virtual environment is rebuilt when pyproject.toml or scripts/interpreter.sh changes
# (after `make PYTHON=...` with another interpreter, remove .venv first).
$(VENV)/.installed: pyproject.toml scripts/interpreter.sh
	scripts/system-packages.sh python
	$(or $(PYTHON),$$(scripts/interpreter.sh)) -m venv --clear $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,dev]'
	touch $@

render: $(VENV)/.installed
	scripts/system-packages.sh render
	$(BIN)/dtz-letters render $(LETTERS)
	$(BIN)/dtz-letters archive --final-only $(LETTERS)
	$(BIN)/dtz-letters verify
	$(BIN)/dtz-letters publish $(LETTERS)

check: $(VENV)/.installed
	$(BIN)/dtz-letters check $(LETTERS)

test: $(VENV)/.installed
	scripts/system-packages.sh test
	$(BIN)/python -m pytest

# The fuzz test with hundreds of generated letters instead of a few (some minutes):
# `make fuzz`, or `make fuzz FUZZ_PROFILE=quick` for the short run alone.
FUZZ_PROFILE ?= long
fuzz: $(VENV)/.installed
	scripts/system-packages.sh test
	HYPOTHESIS_PROFILE=$(FUZZ_PROFILE) $(BIN)/python -m pytest tests/test_fuzz.py -p no:logging

# Regenerate the Word template and the neutral wordmarks from their scripts.
templates: $(VENV)/.installed
	$(BIN)/python -m dtz_letters._tools.docx_template
	$(BIN)/python -m dtz_letters._tools.wordmark $(filter-out templates/base/ templates/fonts/,$(wildcard templates/*/))

# Regenerate the editor's JSON Schemas (dtz_letters/schemas/*.schema.json) from the models.
schemas: $(VENV)/.installed
	$(BIN)/python -m dtz_letters._input.schema

lint: $(VENV)/.installed
	$(BIN)/ruff check dtz_letters tests scripts
	$(BIN)/ruff format --check dtz_letters tests scripts
	$(BIN)/mypy dtz_letters

# The outputs, the overview and the output cache (.dtz-cache/); the next render renders all.
clean:
	rm -rf output/*/ output/index.html output/.index.json .dtz-cache build *.egg-info

# Throughput against LibreOffice at N=40 and N=200, re-runs through the output cache, cold
# latency, CPU, memory and bytes per letter, in one run with paired repetitions (several
# minutes). Earlier versions to compare with, each a checkout with its own .venv:
#   make bench DTZ_BENCH_BASELINES="old=../base before=../i15-before"
# A fresh clone has none: those comparisons are left out. `make bench BENCH_ARGS=--quick`.
BENCH_ARGS ?=
bench: $(VENV)/.installed
	scripts/system-packages.sh test
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# Save-to-page latency of the live preview in headless Chromium: `make bench-preview SAVES=20`.
SAVES ?= 20
bench-preview: $(VENV)/.installed
	scripts/system-packages.sh test
	$(BIN)/python scripts/bench_preview.py -n $(SAVES)
