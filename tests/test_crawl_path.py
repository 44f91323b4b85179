"""The crawl path outside the page object and the pipelines (issue 21): the fast stats collector,
the start-up objects frozen for the garbage collector, and the in-crawl CPU split of the bench."""
from __future__ import annotations

import gc
import json
import random
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from benchmarks.crawl_split import elsewhere, split
from crawler.extensions.faststats import FastStatsCollector
from crawler.extensions.gcfreeze import GCFreeze

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------- stats collector
def _ops(seed: int, n: int = 3000):
    rnd = random.Random(seed)
    keys = [f"k/{i}" for i in range(12)]
    for _ in range(n):
        op = rnd.choice(["inc", "inc_n", "inc_start", "set", "max", "min", "get", "get_default"])
        key = rnd.choice(keys)
        value = rnd.choice([rnd.randint(-5, 50), rnd.random(), 0])
        yield op, key, value


def _apply(stats, op, key, value):
    if op == "inc":
        return stats.inc_value(key)
    if op == "inc_n":
        return stats.inc_value(key, int(value))
    if op == "inc_start":
        return stats.inc_value(key, 2, start=int(value))
    if op == "set":
        return stats.set_value(key, value)
    if op == "max":
        return stats.max_value(key, value)
    if op == "min":
        return stats.min_value(key, value)
    if op == "get":
        return stats.get_value(key)
    return stats.get_value(key, default=value)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_stats_give_scrapys_values_for_any_sequence_of_calls(seed):
    crawler = get_crawler()
    fast, ref = FastStatsCollector(crawler), MemoryStatsCollector(crawler)
    for op, key, value in _ops(seed):
        assert _apply(fast, op, key, value) == _apply(ref, op, key, value), (op, key, value)
    assert fast.get_stats() == ref.get_stats()
    assert list(fast.get_stats()) == list(ref.get_stats())
    fast.set_stats({"a": 1})
    ref.set_stats({"a": 1})
    fast.clear_stats()
    ref.clear_stats()
    assert fast.get_stats() == ref.get_stats() == {}


def _warned(call) -> list[tuple]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [(type(w.message), str(w.message), w.filename) for w in caught]


@pytest.mark.parametrize("call", [
    lambda s: s.inc_value("x", spider=None),
    lambda s: s.inc_value("x", 1, 0, object()),
    lambda s: s.get_value("x", None, None),
    lambda s: s.get_value("x", spider=object()),
    lambda s: s.set_value("x", 1, spider=None),
    lambda s: s.max_value("x", 1, None),
    lambda s: s.min_value("x", 1, spider=None),
    lambda s: s.get_stats(None),
    lambda s: s.set_stats({}, spider=None),
    lambda s: s.clear_stats(None),
    lambda s: s.open_spider(None),
    lambda s: s.inc_value("x"),
    lambda s: s.get_value("x", 0),
    lambda s: s.get_stats(),
    lambda s: s.open_spider(),
])
def test_fast_stats_warn_about_a_spider_argument_exactly_as_scrapy_does(call):
    crawler = get_crawler()
    fast, ref = _warned(lambda: call(FastStatsCollector(crawler))), _warned(lambda: call(MemoryStatsCollector(crawler)))
    assert fast == ref
    assert fast == [] or fast[0][2] == __file__  # the warning points at the caller


def test_fast_stats_keep_the_spiders_stats_at_close():
    crawler = get_crawler()
    crawler.spider = crawler._create_spider("s")
    stats = FastStatsCollector(crawler)
    stats.inc_value("pages/article", 3)
    stats.close_spider(reason="finished")
    assert stats.spider_stats == {"s": {"pages/article": 3}}


def test_the_project_crawls_with_the_fast_stats_collector():
    from scrapy.utils.project import get_project_settings

    from crawler import config

    settings = get_project_settings()
    assert settings["STATS_CLASS"] == "crawler.extensions.faststats.FastStatsCollector"
    assert settings["EXTENSIONS"]["crawler.extensions.gcfreeze.GCFreeze"] == 0
    assert config.problems(lambda k, d=None: "maybe" if k == "GC_FREEZE" else settings.get(k, d),
                           list(settings) + ["GC_FREEZE"]) == [
        "setting GC_FREEZE=maybe is not allowed: GC_FREEZE takes " + config.boolean("maybe")]


# ---------------------------------------------------------------------------- gc freeze
@pytest.fixture
def no_freeze():
    gc.unfreeze()
    GCFreeze.open_crawlers = 0
    yield
    gc.unfreeze()
    GCFreeze.open_crawlers = 0


def test_gc_freeze_freezes_while_a_crawl_is_open_and_unfreezes_after_the_last(no_freeze):
    a = GCFreeze.from_crawler(get_crawler())
    b = GCFreeze.from_crawler(get_crawler())
    assert gc.get_freeze_count() == 0
    a.spider_opened()
    assert gc.get_freeze_count() > 1000  # the test process's modules and objects
    b.spider_opened()
    a.spider_closed(reason="finished")
    assert gc.get_freeze_count() > 1000, "unfrozen while another crawler of the process was open"
    b.spider_closed(reason="finished")
    assert gc.get_freeze_count() == 0
    b.spider_closed(reason="finished")  # a second close changes nothing
    assert GCFreeze.open_crawlers == 0


def test_garbage_made_during_the_crawl_is_still_collected(no_freeze):
    ext = GCFreeze.from_crawler(get_crawler())
    ext.spider_opened()
    try:
        class Node:
            pass

        a, b = Node(), Node()
        a.other, b.other = b, a
        del a, b
        assert gc.collect() >= 2
    finally:
        ext.spider_closed(reason="finished")


def test_gc_freeze_is_off_with_the_setting():
    with pytest.raises(NotConfigured):
        GCFreeze.from_crawler(get_crawler(settings_dict={"GC_FREEZE": False}))


# ---------------------------------------------------------------------------- same crawl either way
def _crawlall(work: Path, *settings: str) -> tuple[dict, list[dict]]:
    cmd = [sys.executable, "-m", "scrapy", "crawlall", "-s", f"REPLAY_DIR={ROOT / 'fixtures'}",
           "-s", f"OUTPUT_DIR={work / 'out'}", "-s", f"STATE_DIR={work / 'state'}", "-s", "LOG_LEVEL=INFO"]
    for s in settings:
        cmd += ["-s", s]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    reports = sorted((work / "out" / "reports").glob("*.json"))
    assert len(reports) == 1
    report = json.loads(reports[0].read_text().replace(str(work), "WORK"))
    records = [json.loads(line) for f in sorted((work / "out").glob("*/*.jsonl")) for line in f.read_text().splitlines()]
    return report, records


_CLOCK = ("time", "elapsed", "memusage", "duration", "fetched_at", "_at", "rss", "finished", "started", "run_id")


def _steady(value):
    """VALUE without what depends on the clock or the memory (times, durations, RSS)."""
    if isinstance(value, dict):
        return {k: _steady(v) for k, v in value.items() if not any(c in k for c in _CLOCK)}
    if isinstance(value, list):
        return [_steady(v) for v in value]
    return value


def test_a_crawl_gives_the_same_stats_logs_counts_and_records_with_and_without_the_changes(tmp_path):
    new_report, new_records = _crawlall(tmp_path / "new")
    from crawler import settings

    # the control crawl leaves the extension out (GC_FREEZE=False would add Scrapy's "Disabled" WARNING)
    extensions = {k: v for k, v in settings.EXTENSIONS.items() if not k.endswith("GCFreeze")}
    old_report, old_records = _crawlall(tmp_path / "old", "EXTENSIONS=" + json.dumps(extensions),
                                        "STATS_CLASS=scrapy.statscollectors.MemoryStatsCollector")
    assert new_records and len(new_records) == len(old_records)
    assert _steady(new_records) == _steady(old_records)
    assert _steady(new_report) == _steady(old_report)
    spiders = new_report.get("spiders") or [new_report]
    assert any(s.get("stats", {}).get("item_scraped_count") for s in spiders)


# ---------------------------------------------------------------------------- the bench's split
def test_split_parts_add_up_and_elsewhere_is_what_the_floor_does_not_do():
    full = {"cpu_s": 10.0, "parse_s": 2.0, "parse_in_page_for_s": 2.0, "page_for_s": 3.0, "items_s": 3.0,
            "pipelines_s": 2.5, "gc_s": 0.5}
    floor = {"cpu_s": 5.0, "parse_s": 2.0, "parse_in_page_for_s": 0.0, "page_for_s": 0.0, "items_s": 0.0,
             "pipelines_s": 0.1, "gc_s": 0.1}
    f, fl = split(full, 1000), split(floor, 1000)
    assert f["parse"] == pytest.approx(2.0) and f["page_object"] == pytest.approx(4.0)
    assert f["pipelines"] == pytest.approx(2.5) and f["rest"] == pytest.approx(1.5)
    assert f["parse"] + f["page_object"] + f["pipelines"] + f["rest"] == pytest.approx(f["total"])
    assert fl["page_object"] == 0 and fl["rest"] == pytest.approx(2.9)
    assert elsewhere(f, fl) == pytest.approx(1.5 - 2.9)
    # a parse outside page_for (looks_like_article) is the parse, not the page object
    outside = dict(full, parse_in_page_for_s=1.0)
    assert split(outside, 1000)["page_object"] == pytest.approx(5.0)


def test_the_split_extension_times_the_parts_of_a_real_crawl(tmp_path):
    from crawler import settings

    out = tmp_path / "split.json"
    url = "https://theconversation.com/small-town-libraries-are-becoming-climate-refuges-without-the-money-to-do-it-299012"
    extensions = dict(settings.EXTENSIONS, **{"benchmarks.crawl_split.CrawlSplit": 0})
    cmd = [sys.executable, "-m", "scrapy", "crawl", "conversation", "-a", f"url={url}",
           "-s", f"REPLAY_DIR={ROOT / 'fixtures'}", "-s", f"OUTPUT_DIR={tmp_path / 'out'}",
           "-s", f"STATE_DIR={tmp_path / 'state'}", "-s", "LOG_LEVEL=WARNING",
           "-s", "EXTENSIONS=" + json.dumps(extensions), "-s", f"BENCH_SPLIT_OUT={out}"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    res = json.loads(out.read_text())
    assert res["pages"] >= 1 and res["items"] == 1
    assert 0 < res["parse_in_page_for_s"] <= res["parse_s"] <= res["page_for_s"] + res["parse_s"]
    assert res["items_s"] > 0 and res["pipelines_s"] > 0
    parts = split(res, res["pages"])
    assert parts["page_object"] > 0 and parts["rest"] > 0
