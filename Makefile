# Quick start: `make demo`, then `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPIDERS := conversation kyodo jiji japantimes republisher

.PHONY: venv demo test crawl regen-expected bench bench-quick bench-dates bench-dates-quick eval-dedupe clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,redis]'
	touch $(STAMP)

venv: $(STAMP)

## Crawl every spider's fixtures offline through the real engine; JSONL under output/.
demo: $(STAMP)
	$(BIN)/python -m crawler.demo --replay fixtures --output output --state .state/demo

## The distributed tests start a throwaway redis-server: installed here when missing (as root on
## Debian/Ubuntu), else they fail with a message saying how to install it.
test: $(STAMP)
	@command -v redis-server >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && echo "installing Debian's redis-server for the distributed tests" \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; } \
	  || echo "note: redis-server is not installed; the distributed tests need it (apt-get install redis-server)"
	$(BIN)/python -m pytest -q

## Regenerate fixtures/*/*/expected.json for review (git diff shows what changed).
regen-expected: $(STAMP)
	$(BIN)/python -m tools.regen_expected $(CASES)

## Crawl every spider live (what cron runs); exit 0 ok, 1 a spider failed, 75 locked.
crawl: $(STAMP)
	$(BIN)/scrapy crawlall $(SPIDERS_ARG)

## The benchmark suite: throughput beside a bare engine, lxml and trafilatura; dates; dedupe at
## scale; memory; start-up; distributed workers. Writes benchmarks/results.json.
bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python -m benchmarks.run

## The same on a few hundred pages and small sizes (under a minute): proves the suite works.
bench-quick: $(STAMP)
	$(BIN)/python -m benchmarks.run --quick

## Precision and recall of same-story pairs on the labelled set (fixtures/dedupe-eval/).
eval-dedupe: $(STAMP)
	$(BIN)/python -m tools.eval_dedupe

bench-dates: $(STAMP)
	$(BIN)/python -m benchmarks.bench_dates

bench-dates-quick: $(STAMP)
	$(BIN)/python -m benchmarks.bench_dates --quick

clean:
	rm -rf output .state .pytest_cache
