"""Each spider judged on its own: its own errors, not the process's (crawler/extensions/logcount.py)."""
from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path

from crawler.extensions.logcount import CrawlerLogRouter
from crawler.golden import ROOT

WALL = ("<html><head><title>Just a moment...</title></head><body>"
        "<div id='cf-chl-widget'>Checking if the site connection is secure</div></body></html>")


class _Stats:
    def __init__(self):
        self.values: dict[str, int] = {}

    def inc_value(self, key, count=1, start=0):
        self.values[key] = self.values.get(key, start) + count


class _Crawler:
    def __init__(self):
        self.stats = _Stats()


class _Spider:
    def __init__(self, crawler):
        self.crawler = crawler


class _Middleware:
    def __init__(self, crawler, log):
        self.crawler, self.log = crawler, log

    def process_response(self):
        self.log.error("something broke in this crawler's middleware")


def _router_with(*crawlers, level=logging.INFO):
    router = CrawlerLogRouter()
    for c in crawlers:
        router.levels[c] = level
        router.open.add(c)
    log = logging.getLogger("test.logcount")
    log.propagate = False
    log.handlers = [router]
    log.setLevel(logging.DEBUG)
    return router, log


def test_each_record_counts_for_its_own_crawler_only():
    a, b = _Crawler(), _Crawler()
    router, log = _router_with(a, b)
    log.error("tagged", extra={"spider": _Spider(a)})         # Scrapy's engine, retry, spider loggers
    log.error("tagged by crawler", extra={"crawler": b})      # Scrapy's addons, extensions
    _Middleware(b, log).process_response()                   # our components: no extra, found on the stack
    log.warning("nobody's")                                  # two crawlers open, no owner: counted apart
    log.debug("below the level", extra={"spider": _Spider(a)})
    assert a.stats.values == {"log_count/ERROR": 1}
    assert b.stats.values == {"log_count/ERROR": 2}
    assert router.unattributed == {"WARNING": 1}


def test_a_lone_crawler_gets_the_untagged_lines_and_a_closed_one_keeps_its_late_lines():
    a, b = _Crawler(), _Crawler()
    router, log = _router_with(a, b)
    router.closed(a)
    _Middleware(a, log).process_response()  # a's closing lines are still a's, not b's
    log.error("untagged while only b is open")
    assert a.stats.values == {"log_count/ERROR": 1}
    assert b.stats.values == {"log_count/ERROR": 1}
    assert not router.unattributed


def _crawlall(replay: Path, out: Path, state: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "scrapy", "crawlall", "-s", f"REPLAY_DIR={replay}", "-s", f"OUTPUT_DIR={out}",
           "-s", f"STATE_DIR={state}", "-s", "LOG_LEVEL=INFO", "-s", f"LOG_FILE={out / 'crawl.log'}"]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_crawlall_one_spider_walled_the_others_reported_healthy(tmp_path):
    """Kyodo answers with a challenge (logged at ERROR by a middleware, with no spider on the
    record): only Kyodo fails, and only with its own errors; the other four are healthy."""
    replay = tmp_path / "replay"
    shutil.copytree(ROOT / "fixtures", replay, ignore=shutil.ignore_patterns("dedupe-eval"))
    walled = ("japanwire_homepage", "japanwire_feed", "japanwire_section_list", "japanwire_partner_list")
    for case in walled:  # every default start page of Kyodo's that the fixtures hold
        folder = replay / "kyodo" / case
        meta = json.loads((folder / "page.meta.json").read_text())
        (folder / "wall.html").write_text(WALL)
        meta.update(status=403, body="wall.html")
        (folder / "page.meta.json").write_text(json.dumps(meta))
    out = tmp_path / "out"
    out.mkdir()
    proc = _crawlall(replay, out, tmp_path / "state")
    assert proc.returncode == 1, proc.stderr[-3000:]
    report = json.loads(sorted((out / "reports").glob("run-*.json"))[-1].read_text())
    verdicts = {s["spider"]: s for s in report["spiders"]}
    assert sorted(verdicts) == ["conversation", "japantimes", "jiji", "kyodo", "republisher"]
    kyodo = verdicts.pop("kyodo")
    rules = {f["rule"]: f["message"] for f in kyodo["failed_rules"]}
    assert "bot_wall" in rules and "error" in rules, rules
    n = len(walled)
    assert kyodo["errors"]["log_errors"] == n, kyodo["errors"]  # its walled start pages, nothing else
    # the walled answers are in the HTTP status counts, and the summary says so beside "0 pages"
    assert kyodo["http_status"].get("403") == n, kyodo["http_status"]
    assert re.search(rf"kyodo: FAILED - \d+ pages \({n} more answered with a challenge; responses: HTTP 403 x{n}\b",
                     proc.stderr), proc.stderr[-2000:]  # (its other pages: robots.txt, the 404s of the other lists)
    for name, verdict in verdicts.items():
        assert verdict["ok"], (name, verdict["failed_rules"])
        assert verdict["errors"]["log_errors"] == 0, (name, verdict["errors"])
    assert "unattributed_errors" not in report
    # the FAILED summary is not an error line: nothing else was logged at ERROR
    log = (out / "crawl.log").read_text()
    assert log.count("] ERROR:") == n, [line for line in log.splitlines() if "ERROR" in line]
    assert "kyodo: FAILED" in log and "] WARNING: kyodo: FAILED" in log
