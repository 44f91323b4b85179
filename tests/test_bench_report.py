"""``make bench`` writes its table into the README between two markers, and nowhere else."""
from __future__ import annotations

from benchmarks.run import README, README_BEGIN, README_END, write_readme


def test_table_replaces_only_the_text_between_the_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{README_BEGIN}\nold table\n{README_END}\nafter\n", encoding="utf-8")
    assert write_readme("| a | b |\n|---|---|\n| 1 | 2 |\n", readme)
    text = readme.read_text(encoding="utf-8")
    assert "old table" not in text
    assert text == f"# Title\n\nbefore\n{README_BEGIN}\n| a | b |\n|---|---|\n| 1 | 2 |\n{README_END}\nafter\n"
    # a second run replaces its own table instead of adding another
    assert write_readme("new", readme)
    assert readme.read_text(encoding="utf-8").count(README_BEGIN) == 1
    assert f"{README_BEGIN}\nnew\n{README_END}" in readme.read_text(encoding="utf-8")


def test_missing_markers_leave_the_readme_alone(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# no markers here\n", encoding="utf-8")
    assert not write_readme("table", readme)
    assert readme.read_text(encoding="utf-8") == "# no markers here\n"
    assert "markers" in capsys.readouterr().err
    assert not write_readme("table", tmp_path / "absent.md")


def test_project_readme_has_the_markers_once():
    text = README.read_text(encoding="utf-8")
    assert text.count(README_BEGIN) == 1 and text.count(README_END) == 1
    assert text.index(README_BEGIN) < text.index(README_END)


def test_table_survives_a_net_figure_of_zero():
    # a quick run's bare crawl can cost no more than its empty crawl: no division by zero
    from benchmarks.run import table

    side = {"cpu_ms_per_page": 0.0, "pages_per_s": 120.0, "maxrss_mb": 100.0}
    tp = {"corpus": {"pages": 120, "median_kb": 190, "min_kb": 189, "max_kb": 196}, "full": dict(side, cpu_ms_per_page=7.5),
          "bare": side, "lxml_parse_ms": 0.8, "trafilatura_ms": 12.0, "ours_extract_ms": 3.0, "ours_above_engine_ms": 7.5}
    text = table({"machine": {}, "quick": True, "throughput": {"conversation": tp}, "targets": []})
    assert "| (a) bare Scrapy spider, same engine + replay | 0.00 | n/a |" in text
    assert "| full crawl, every pipeline | 7.50 | 133 |" in text


def _crawl(ms: float, pages_per_s: float = 150.0, rss: float = 120.0) -> dict:
    return {"cpu_ms_per_page": ms, "pages_per_s": pages_per_s, "maxrss_mb": rss}


def test_table_shows_the_floor_and_what_each_target_leaves_above_it():
    from benchmarks.run import derive, table

    full, bare, floor, lxml, traf = 6.9, 0.97, 2.31, 0.87, 12.6
    tp = derive({"corpus": {"pages": 120, "median_kb": 190, "min_kb": 189, "max_kb": 196},
                 "full": _crawl(full), "bare": _crawl(bare), "floor": dict(_crawl(floor, 310.0), noop_pipelines=6),
                 "lxml_parse_ms": lxml, "trafilatura_ms": traf, "ours_extract_ms": 3.0})
    # the derived figures: existing keys kept, the floor ones added
    assert tp["ours_above_engine_ms"] == round(full - bare, 3)
    assert tp["floor_ms"] == floor
    assert tp["ours_above_floor_ms"] == round(full - floor, 3)
    want = {"pages_per_s": 1000 / 200, "above_engine_vs_lxml": bare + 3 * lxml, "vs_trafilatura": traf / 3}
    assert set(tp["budgets"]) == set(want)
    for key, target in want.items():
        b = tp["budgets"][key]
        assert b["target_ms"] == round(target, 3)
        assert b["floor_ms"] == floor
        assert b["left_for_ours_ms"] == round(target - floor, 3)
        assert b["ours_now_ms"] == round(full - floor, 3)

    text = table({"machine": {}, "quick": True, "throughput": {"conversation": tp}, "targets": []})
    lines = text.splitlines()
    row = f"| (d) floor: bare + page parse + item path through 6 no-op pipelines | {floor:.2f} | {1000 / floor:.0f} | 310 | 120 |"
    assert row in lines
    # between the bare and the in-process rows of the throughput table
    bare_at = next(i for i, ln in enumerate(lines) if ln.startswith("| (a) bare"))
    ours_at = next(i for i, ln in enumerate(lines) if ln.startswith("| ours in-process"))
    assert bare_at < lines.index(row) < ours_at
    assert f"| full − floor (our own work: fields, dates, attribution, dedupe, JSONL) | {full - floor:.2f} |" in text
    header = "| target | target ms | floor ms | left for our work ms | our work now ms |"
    assert header in lines
    budget_rows = lines[lines.index(header) + 2: lines.index(header) + 5]
    for row, target in zip(budget_rows, want.values()):
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert [float(c) for c in cells[1:]] == [round(target, 2), floor, round(target - floor, 2), round(full - floor, 2)]


def test_budgets_without_trafilatura_and_results_without_a_floor():
    from benchmarks.run import derive, table

    base = {"corpus": {"pages": 1, "median_kb": 1, "min_kb": 1, "max_kb": 1}, "full": _crawl(6.0),
            "bare": _crawl(1.0), "lxml_parse_ms": 1.0, "trafilatura_ms": None, "ours_extract_ms": 2.0}
    tp = derive(dict(base, floor=dict(_crawl(2.0), noop_pipelines=6)))
    assert set(tp["budgets"]) == {"pages_per_s", "above_engine_vs_lxml"}
    # results.json written before the floor crawl existed still renders, without the new rows
    old = derive(dict(base))
    assert "floor_ms" not in old and "budgets" not in old
    text = table({"machine": {}, "throughput": {"conversation": old}, "targets": []})
    assert "(d) floor" not in text and "left for our work" not in text
    assert "| full − bare (our cost above the engine) | 5.00 |" in text


def test_floor_spider_builds_the_page_tree_and_yields_only_the_url():
    from scrapy.http import HtmlResponse, Request

    from benchmarks.spiders.floor import FloorSpider

    url = "https://example.org/a"
    body = b"<html><head><title>Floor</title></head><body><p>x</p></body></html>"
    response = HtmlResponse(url, body=body, encoding="utf-8", request=Request(url))
    assert response._cached_selector is None
    assert list(FloorSpider().parse(response)) == [{"url": url}]
    sel = response._cached_selector  # set by crawler.spiders.base.page_selector
    assert sel is not None
    assert sel.css("title::text").get() == "Floor"


def test_floor_crawl_runs_one_noop_pipeline_per_project_pipeline():
    from scrapy.utils.misc import load_object

    from benchmarks.run import floor_pipelines, project_pipelines

    floor, project = floor_pipelines(), project_pipelines()
    assert sorted(floor.values()) == sorted(project.values())
    assert len(set(floor)) == len(project)
    item = {"url": "https://example.org/a"}
    for path in floor:
        assert path.startswith("benchmarks.noop_pipelines.")
        assert load_object(path)().process_item(item) is item


def test_the_floor_spider_is_found_by_the_bench_spider_modules():
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    from benchmarks.spiders.floor import FloorSpider

    loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["benchmarks.spiders"]}))
    assert loader.load("floor") is FloorSpider
    assert loader.load("bare").name == "bare"


def test_repeated_crawls_count_the_run_with_the_least_cpu():
    from benchmarks.run import _least_cpu

    runs = [{"cpu_s": 15.2, "wall_s": 15.4}, {"cpu_s": 14.1, "wall_s": 14.3}, {"cpu_s": 16.0, "wall_s": 16.1}]
    best = _least_cpu(runs)
    assert best["cpu_s"] == 14.1 and best["wall_s"] == 14.3
    assert best["cpu_s_runs"] == [15.2, 14.1, 16.0]
    assert "cpu_s_runs" not in runs[1]  # the runs themselves are left as they were


def test_table_shows_the_start_up_with_a_bytecode_cache_when_measured():
    from benchmarks.run import table

    def pair(version, lst):
        return {"version": {"median_wall_s": version, "median_cpu_s": version, "runs": 7},
                "list": {"median_wall_s": lst, "median_cpu_s": lst, "runs": 7},
                "overhead_wall_s": round(lst - version, 3), "overhead_cpu_s": round(lst - version, 3)}

    plain = table({"machine": {}, "startup": pair(0.5, 0.6), "pythondontwritebytecode": True, "targets": []})
    assert "With a bytecode cache" not in plain
    both = table({"machine": {}, "startup": dict(pair(0.5, 0.6), with_bytecode_cache=pair(0.42, 0.45)),
                  "pythondontwritebytecode": True, "targets": []})
    assert "With a bytecode cache: overhead 0.03 s wall, 0.03 s CPU." in both


def test_table_shows_the_median_and_slowest_of_repeated_crawls():
    from benchmarks.run import run_spread, table

    def crawl(full_runs, empty_runs, pages=1000):
        return dict(_crawl(1.0), runs={"x": {"pages": pages, "cpu_s_runs": full_runs, "empty_cpu_s_runs": empty_runs}})

    full = crawl([6.0, 5.5, 7.0], [1.0, 1.2, 1.1])
    spread = run_spread(full)
    assert spread == {"runs": 3, "median_ms": round((6.0 - 1.1) / 1000 * 1000, 3), "slowest_ms": round((7.0 - 1.1), 3)}
    assert run_spread(crawl([6.0], [1.0])) is None  # one run: nothing to show
    tp = {"corpus": {"pages": 1000, "median_kb": 190, "min_kb": 189, "max_kb": 196}, "full": full,
          "bare": crawl([2.0, 2.1, 2.2], [1.0, 1.0, 1.0]), "lxml_parse_ms": 0.8, "ours_extract_ms": 3.0,
          "ours_above_engine_ms": 3.5}
    text = table({"machine": {}, "throughput": {"conversation": tp}, "targets": []})
    assert "median and slowest of the 3 runs, CPU ms per page: full 4.90 / 5.90; bare 1.10 / 1.20." in text


def test_warc_bench_corpus_as_warc_holds_every_page_and_the_edge_cases_judge_warcio_right(tmp_path):
    """benchmarks/bench_warc.py: the corpus as CC-NEWS-shaped WARC files, read back whole; warcio
    right on the edge cases the crawler needs (the bench's library choice rests on this)."""
    from benchmarks.bench_warc import build_warcs, corpus_entries, edge_cases, read_warcio
    from benchmarks.corpus import build
    from crawler.warc.reader import read_at, scan

    build(tmp_path / "c", 12, seed=4, sites={"jiji"})
    paths = build_warcs(tmp_path / "c", tmp_path / "w", files=2, spider="jiji")
    entries = corpus_entries(tmp_path / "c", "jiji")
    served = {}
    for path in paths:
        with open(path, "rb") as fh:
            caps = [c for c, _, p in scan(fh) if c is not None and p is None]
            assert [c.rec_type for c in caps[:4]] == ["warcinfo", "request", "response", "metadata"]
            for c in caps:
                if c.rec_type == "response":
                    served[c.uri] = read_at(fh, c.offset).body
    assert served == {u: body.read_bytes() for u, body, _ in entries}
    assert read_warcio(paths[0])[0] == 1 + 3 * 6
    cases = edge_cases(tmp_path / "edge")
    assert set(cases) == {"truncated tail", "lying length", "ARC file"}
    assert all(row["warcio"]["ok"] for row in cases.values())


def test_table_shows_the_warc_part_and_its_target():
    from benchmarks.run import table, targets

    r = {"warc": {"spider": "conversation", "fastwarc": "2.0.1",
                  "input": {"replay": {"pages": 10, "cpu_ms_per_page": 4.0, "pages_per_s": 100, "written": 10},
                            "warc": {"pages": 10, "cpu_ms_per_page": 4.5, "pages_per_s": 90, "written": 10},
                            "warc_above_replay_ms": 0.5, "warc_file_mb": 1.2},
                  "stages": {"scan_ms": 0.3, "read_back_ms": 0.2, "inflate_only_ms": 0.25},
                  "readers": {"warcio": {"records": 31, "records_per_s": 4000},
                              "fastwarc": {"records": 31, "records_per_s": 9000}},
                  "edge_cases": {"ARC file": {"expected": "2 responses",
                                              "warcio": {"ok": True, "records": 3, "short_records": 0, "error": None},
                                              "fastwarc": {"ok": False, "records": 0, "short_records": 0,
                                                           "error": "OSError: Invalid WARC header"}}}}}
    r["targets"] = targets(r)
    assert [(t["value"], t["met"]) for t in r["targets"]] == [(0.5, False)]
    text = table(r)
    assert "| -a warc=FILE | 4.50 | 90 | 10 |" in text and "+0.50 CPU ms a page" in text
    assert "| fastwarc | 31 | 9000 |" in text
    assert "| ARC file (2 responses) | right (3 records, 0 short) | **wrong** (0 records, 0 short; OSError) |" in text


def test_fallback_counters_are_read_from_the_run_report_and_shown_as_shares(tmp_path):
    import json

    from benchmarks.run import fallback_line, fallback_shares, fallback_stats

    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "run-1.json").write_text(json.dumps({"spiders": [
        {"stats": {"fallback/date_published/htmldate": 30, "fallback/body/trafilatura": 5, "items/written": 200}},
        {"stats": {"fallback/body/trafilatura": 15}}]}), encoding="utf-8")
    (reports / "run-2.json").write_text("not json", encoding="utf-8")      # skipped, not fatal
    fb = fallback_stats(tmp_path)
    assert fb == {"fallback/date_published/htmldate": 30, "fallback/body/trafilatura": 20}
    full = {"pages": 400, "fallback": fb, "fallback_share": fallback_shares(fb, 400)}
    assert full["fallback_share"] == {"fallback/body/trafilatura": 0.05, "fallback/date_published/htmldate": 0.075}
    line = fallback_line(full)
    assert "`fallback/body/trafilatura` 20 of 400 pages (5.0 %)" in line
    assert "`fallback/date_published/htmldate` 30 of 400 pages (7.5 %)" in line
    # no counter in the stats (no page needed a fallback, or the crawler does not count them yet)
    assert fallback_stats(tmp_path / "absent") == {}
    assert "none (0 of 120 pages; 0 %)" in fallback_line({"pages": 120, "fallback": {}, "fallback_share": {}})


def test_fallback_pages_cost_is_measured_apart_from_the_others():
    from benchmarks.run import fallback_cost, fallback_line

    per_page = {"a": (0.002, []), "b": (0.004, []), "c": (0.030, ["body/trafilatura"]),
                "d": (0.010, ["date_published/htmldate", "authors/trafilatura"])}
    cost = fallback_cost(per_page)
    assert cost["with"] == {"pages": 2, "ms_per_page": 20.0}
    assert cost["without"] == {"pages": 2, "ms_per_page": 3.0}
    assert cost["cpu_share_with"] == round(0.040 / 0.046, 4)
    full = {"pages": 4, "fallback": {"fallback/body/trafilatura": 1}, "fallback_share": {"fallback/body/trafilatura": 0.25}}
    line = fallback_line(full, cost)
    assert "the 2 pages with a fallback 20.00 ms a page, the 2 without 3.00 ms" in line and "87 %" in line
    none = fallback_cost({"a": (0.002, [])})
    assert none["with"] == {"pages": 0, "ms_per_page": None} and none["cpu_share_with"] == 0.0
    assert "known layouts pay nothing" in fallback_line({"pages": 1, "fallback": {}, "fallback_share": {}}, none)


def test_table_names_the_corpus_and_shows_the_profile_where_targets_are_missed():
    from benchmarks.run import THROUGHPUT_TARGETS, derive, table

    row = {"function": "crawler/extract/walls.py:128(<setcomp>)", "calls_per_page": 47.0,
           "own_ms_per_page": 0.9, "cum_ms_per_page": 2.5}
    tp = derive({"corpus": {"pages": 120, "median_kb": 183, "min_kb": 183, "max_kb": 184, "source": "real structure (x)"},
                 "full": _crawl(9.0), "bare": _crawl(1.0), "lxml_parse_ms": 1.0, "trafilatura_ms": 18.0,
                 "ours_extract_ms": 6.0, "profile": {"pages": 120, "profiled_ms_per_page": 20.0,
                                                    "top_own": [row] * 5, "top_ours_cumulative": [row] * 5}})
    missed = [{"target": THROUGHPUT_TARGETS[2], "value": 8.0, "limit": "<= 3", "unit": "x", "met": False}]
    text = table({"machine": {}, "throughput": {"conversation": tp}, "targets": missed})
    assert "Corpus: real structure (x)." in text
    assert f"Targets missed on the conversation corpus: {THROUGHPUT_TARGETS[2]}." in text
    assert text.count("| own | `crawler/extract/walls.py:128(<setcomp>)` | 47.0 | 0.900 | 2.500 |") == 5
    assert text.count("| ours | `crawler/extract/walls.py:128(<setcomp>)`") == 5
    met = table({"machine": {}, "throughput": {"conversation": tp}, "targets": [dict(missed[0], met=True)]})
    assert "Targets missed" not in met and "| own |" in met
