# Quick start: `make demo`, then `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPIDERS := conversation kyodo jiji japantimes republisher

.PHONY: venv demo test crawl regen-expected bench bench-quick eval-dedupe clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,redis]'
	touch $(STAMP)

venv: $(STAMP)

## Crawl every spider's fixtures offline through the real engine; JSONL under output/.
demo: $(STAMP)
	$(BIN)/python -m crawler.demo --replay fixtures --output output --state .state/demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

## Regenerate fixtures/*/*/expected.json for review (git diff shows what changed).
regen-expected: $(STAMP)
	$(BIN)/python -m tools.regen_expected $(CASES)

clean:
	rm -rf output .state .pytest_cache
