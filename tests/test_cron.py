"""Cron-grade runs through the real engine: lock, crash safety under SIGKILL, loud failures."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.corpus import build
from crawler.golden import ROOT
from crawler.jsonl import read_jsonl

SPIDER = "conversation"


def scrapy_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", *args]


def start_crawl(replay: Path, out: Path, state: Path, *extra: str, urls_file: Path | None = None) -> subprocess.Popen:
    cmd = scrapy_cmd("crawl", SPIDER, "-s", f"REPLAY_DIR={replay}", "-s", f"OUTPUT_DIR={out}",
                     "-s", f"STATE_DIR={state}", "-s", "LOG_LEVEL=WARNING", *extra)
    if urls_file:
        cmd += ["-a", f"urls_file={urls_file}"]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    listing = build(out, 300, seed=7, sites={SPIDER})
    assert len(listing) == 300
    return out


def all_lines(out: Path) -> list[bytes]:
    lines = []
    for f in sorted((out / SPIDER).glob("*.jsonl")):
        lines += f.read_bytes().splitlines(keepends=True)
    return lines


def wait_for_lock(state: Path, timeout: float = 60) -> dict:
    lock = state / "crawl.lock"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            info = json.loads(lock.read_text() or "{}")
            if info.get("pid"):
                return info
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    raise AssertionError("the first run never took the lock")


def test_killed_runs_lose_nothing_and_repeat_nothing(corpus, tmp_path):
    out, state = tmp_path / "out", tmp_path / "state"
    urls = corpus / f"urls-{SPIDER}.txt"
    rng = random.Random(11)
    kills = 0
    for _ in range(6):
        proc = start_crawl(corpus, out, state, urls_file=urls)
        wait_for_lock(state)
        # kill at a random moment once the run is writing: a few lines more than before
        target = len(all_lines(out)) + rng.randint(1, 40)
        deadline = time.monotonic() + 60
        while proc.poll() is None and len(all_lines(out)) < target and time.monotonic() < deadline:
            time.sleep(rng.uniform(0.001, 0.02))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=120)
    final = start_crawl(corpus, out, state, urls_file=urls)
    final.communicate(timeout=600)
    assert kills >= 3, "the runs finished before they could be killed: the test proves nothing"
    lines = all_lines(out)
    assert all(line.endswith(b"\n") for line in lines), "a torn line survived"
    records = [json.loads(line) for line in lines]
    ids = [r["item_id"] for r in records]
    assert len(ids) == len(set(ids)), f"{len(ids) - len(set(ids))} articles written twice"
    wanted = {u.strip() for u in urls.read_text().splitlines() if u.strip()}
    got = {r["url"] for r in records if r["kind"] == "article"}
    assert wanted <= got, f"{len(wanted - got)} articles lost"


def test_second_run_exits_75_naming_the_first(corpus, tmp_path):
    out, state = tmp_path / "out", tmp_path / "state"
    first = start_crawl(corpus, out, state, urls_file=corpus / f"urls-{SPIDER}.txt")
    info = wait_for_lock(state)
    second = start_crawl(corpus, out, state, urls_file=corpus / f"urls-{SPIDER}.txt")
    _, err = second.communicate(timeout=120)
    still_running = first.poll() is None
    first.send_signal(signal.SIGKILL)
    first.communicate()
    assert still_running, "the first run ended before the second started: nothing was tested"
    assert second.returncode == 75, err[-2000:]
    assert f"pid {info['pid']}" in err


def test_stale_lock_of_a_killed_run_is_taken_over(corpus, tmp_path):
    out, state = tmp_path / "out", tmp_path / "state"
    first = start_crawl(corpus, out, state, urls_file=corpus / f"urls-{SPIDER}.txt")
    info = wait_for_lock(state)
    first.send_signal(signal.SIGKILL)
    first.communicate()
    nxt = start_crawl(corpus, out, state, "-a", "url=" + (corpus / f"urls-{SPIDER}.txt").read_text().split()[0])
    _, err = nxt.communicate(timeout=120)
    assert nxt.returncode == 0, err[-2000:]
    assert f"stale lock left by dead pid {info['pid']}" in err


def latest_report(out: Path) -> dict:
    reports = sorted((out / "reports").glob("run-*.json"))
    assert reports, "no run report written"
    return json.loads(reports[-1].read_text())


def test_layout_drift_fails_the_run_with_the_coverage_rule(tmp_path):
    """A page whose headline markup vanished: the run exits 1 and the report names the rule."""
    import re as _re

    src = ROOT / "fixtures" / "conversation" / "uk2026_three_authors"
    meta = json.loads((src / "page.meta.json").read_text())
    page = (src / meta["body"]).read_text(encoding="utf-8")
    for pattern in (r"<h1[^>]*>.*?</h1>", r"<title>.*?</title>", r'<meta[^>]+(og:title|twitter:title)[^>]*>'):
        page = _re.sub(pattern, "", page, flags=_re.S)
    replay = tmp_path / "replay"
    replay.mkdir()
    (replay / "p.html").write_text(page, encoding="utf-8")
    (replay / "p.meta.json").write_text(json.dumps(dict(meta, body="p.html")))
    out = tmp_path / "out"
    proc = start_crawl(replay, out, tmp_path / "state", "-a", f"url={meta['url']}")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err[-2000:]
    report = latest_report(out)["spiders"][0]
    assert not report["ok"]
    rules = {f["rule"]: f["message"] for f in report["failed_rules"]}
    assert "coverage" in rules and "headline" in rules["coverage"], rules


def test_challenge_page_fails_the_run_with_the_bot_wall_rule(tmp_path):
    replay = tmp_path / "replay"
    replay.mkdir()
    url = "https://theconversation.com/uk/articles.atom"
    (replay / "wall.html").write_text("<html><head><title>Just a moment...</title></head><body>"
                                      "<div id='cf-chl-widget'>Checking if the site connection is secure</div></body></html>")
    (replay / "wall.meta.json").write_text(json.dumps({"url": url, "status": 403, "headers": {"Content-Type": "text/html"},
                                                       "body": "wall.html", "fetched_at": "2026-01-01T00:00:00Z"}))
    out = tmp_path / "out"
    proc = start_crawl(replay, out, tmp_path / "state", "-a", f"url={url}")
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err[-2000:]
    rules = [f["rule"] for f in latest_report(out)["spiders"][0]["failed_rules"]]
    assert "bot_wall" in rules, rules
    assert not list((out / SPIDER).glob("*.jsonl")) or all_lines(out) == [], "a wall's text was written"


def test_second_run_writes_no_unchanged_article(tmp_path):
    out, state = tmp_path / "out", tmp_path / "state"
    first = start_crawl(ROOT / "fixtures", out, state)
    _, err1 = first.communicate(timeout=300)
    assert first.returncode == 0, err1[-2000:]
    written = len(all_lines(out))
    assert written >= 5
    second = start_crawl(ROOT / "fixtures", out, state)
    _, err2 = second.communicate(timeout=300)
    assert second.returncode == 0, err2[-2000:]
    assert len(all_lines(out)) == written, "the second run wrote unchanged articles again"
    report = latest_report(out)["spiders"][0]
    assert report["items"]["written"] == 0
    assert report["stats"].get("incremental/known_skipped", 0) + report["items"]["unchanged"] >= written


def test_crawlall_runs_every_spider_in_one_process_and_shares_the_state(tmp_path):
    """`scrapy crawlall`: all five spiders side by side, one lock, one report; the spiders share
    STATE_DIR's story index without locking each other out; a second run writes nothing."""
    out, state = tmp_path / "out", tmp_path / "state"
    cmd = scrapy_cmd("crawlall", "-s", f"REPLAY_DIR={ROOT / 'fixtures'}", "-s", f"OUTPUT_DIR={out}",
                     "-s", f"STATE_DIR={state}", "-s", "LOG_LEVEL=WARNING")
    first = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "database is locked" not in first.stderr
    report = latest_report(out)
    assert report["ok"] and sorted(s["spider"] for s in report["spiders"]) == [
        "conversation", "japantimes", "jiji", "kyodo", "republisher"]
    written = sum(s["items"]["written"] for s in report["spiders"])
    assert written > 30
    second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr[-3000:]
    assert sum(s["items"]["written"] for s in latest_report(out)["spiders"]) == 0
