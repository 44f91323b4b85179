"""Back-fills at scale (issue 17), through the real engine in replay mode.

* a 60,000-URL sitemap: the protocol's 50,000 URLs are requested, the rest named in a WARNING
  and counted (``discovery/not_followed``);
* a 1,200-entry feed: every entry requested (there used to be a silent cap of 500);
* a 3,000-URL ``urls_file`` back-fill killed (SIGKILL) part-way and started again with the same
  command: it resumes at a saved line and fetches nothing it had written.

The sitemap and the feed are generated in a temporary folder; the pages behind them are not
saved (the replay answers 404), since only the requests count. Speed and memory targets live in
``make bench`` (benchmarks/run.py, memory part), not here.
"""
from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.golden import ROOT

SITEMAP_URL = "https://theconversation.com/sitemap_archive_big.xml"
JT_FEED_URL = "https://www.japantimes.co.jp/news/feed/big/"


def save(replay: Path, name: str, url: str, body: str, content_type: str) -> None:
    replay.mkdir(parents=True, exist_ok=True)
    (replay / name).write_text(body, encoding="utf-8")
    (replay / f"{name}.meta.json").write_text(json.dumps(
        {"url": url, "status": 200, "headers": {"Content-Type": content_type}, "body": name,
         "fetched_at": "2026-04-03T06:00:00Z"}))


def article_url(i: int) -> str:
    return f"https://theconversation.com/notes-from-the-tide-line-number-{i}-{200000 + i}"


def run(args: list[str], out: Path, state: Path, replay: Path, *extra: str, spider: str = "conversation",
        timeout: int = 1200):
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider, *args, "-s", f"REPLAY_DIR={replay}",
           "-s", f"OUTPUT_DIR={out}", "-s", f"STATE_DIR={state}", "-s", "LOG_LEVEL=WARNING",
           "-s", "ROBOTSTXT_OBEY=False", "-s", "HEALTH_MIN_ITEMS=0", *extra]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def report_of(out: Path) -> dict:
    reports = sorted((out / "reports").glob("run-*.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(reports[-1].read_text())["spiders"][0]


def test_a_60000_url_sitemap_requests_50000_and_names_the_rest(tmp_path):
    replay = tmp_path / "replay"
    n = 60_000
    body = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    body += [f"<url><loc>{article_url(i)}</loc><lastmod>2025-06-{1 + i % 28:02d}T10:00:00Z</lastmod></url>\n"
             for i in range(n)]
    body.append("</urlset>\n")
    save(replay, "sitemap.xml", SITEMAP_URL, "".join(body), "application/xml")
    proc = run(["-a", f"url={SITEMAP_URL}"], tmp_path / "out", tmp_path / "state", replay)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = report_of(tmp_path / "out")
    stats = report["stats"]
    assert stats["discovery/sitemap_links"] == 50_000
    assert stats["downloader/request_count"] == 50_001  # the sitemap and its first 50,000 URLs
    assert stats["replay/miss"] == 50_000
    assert report["discovery"]["not_followed"] == 10_000
    warning = [line for line in proc.stderr.splitlines() if "not followed" in line]
    assert len(warning) == 1, warning
    assert f"10000 links of {SITEMAP_URL} not followed" in warning[0]
    assert "allows 50,000 URLs a file" in warning[0] and article_url(50_000) in warning[0]
    # the links were handed to the scheduler as it ran low, not all at once (flat memory)
    assert stats.get("frontier/parked", 0) >= 1 and stats.get("frontier/fed", 0) > 40_000


def test_a_1200_entry_feed_is_followed_whole(tmp_path):
    """An RSS feed of 1,200 entries (The Japan Times' shape): 1,200 article requests, not 500."""
    replay = tmp_path / "replay"
    items = "".join(
        f"<item><title>Entry {i}</title><link>https://www.japantimes.co.jp/news/2025/06/{1 + i % 28:02d}/national/"
        f"story-number-{i}/</link><pubDate>Sun, {1 + i % 28:02d} Jun 2025 09:00:00 +0900</pubDate></item>"
        for i in range(1200))
    feed = f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'
    save(replay, "feed.xml", JT_FEED_URL, feed, "application/rss+xml; charset=utf-8")
    proc = run(["-a", f"url={JT_FEED_URL}"], tmp_path / "out", tmp_path / "state", replay, spider="japantimes")
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = report_of(tmp_path / "out")
    assert report["stats"]["discovery/feed_links"] == 1200
    assert report["stats"]["downloader/request_count"] == 1201
    assert report["discovery"]["not_followed"] == 0


@pytest.fixture(scope="module")
def corpus3000(tmp_path_factory):
    from benchmarks.corpus import build

    out = tmp_path_factory.mktemp("corpus3000")
    assert len(build(out, 3000, seed=17, sites={"conversation"})) == 3000
    return out


def lines_of(out: Path) -> list[bytes]:
    lines: list[bytes] = []
    for f in sorted((out / "conversation").glob("*.jsonl")):
        lines += f.read_bytes().splitlines(keepends=True)
    return lines


def test_a_killed_3000_url_backfill_resumes_and_fetches_nothing_it_had_written(corpus3000, tmp_path):
    out, state = tmp_path / "out", tmp_path / "state"
    urls = corpus3000 / "urls-conversation.txt"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "conversation", "-a", f"urls_file={urls}",
           "-s", f"REPLAY_DIR={corpus3000}", "-s", f"OUTPUT_DIR={out}", "-s", f"STATE_DIR={state}",
           "-s", "LOG_LEVEL=INFO"]
    first = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    target = random.Random(17).randint(600, 900)
    deadline = time.monotonic() + 600
    while first.poll() is None and len(lines_of(out)) < target and time.monotonic() < deadline:
        time.sleep(0.02)
    assert first.poll() is None, "the back-fill finished before it could be killed: the test proves nothing"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=60)
    saved = json.loads((state / "seed-progress.json").read_text())
    (entry,) = saved.values()
    assert entry["line"] > 1, "no progress was saved before the kill"

    second = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"resuming at line {entry['line']}" in second.stderr
    report = report_of(out)
    stats = report["stats"]
    # every page fetched by the restart was written by it: nothing written before was fetched again
    assert stats.get("replay/hit", 0) == report["items"]["written"], stats
    assert report["items"]["unchanged"] == 0
    # lines before the saved one were not even read; after it, those done out of order are skipped
    assert stats["seeds/resumed_at_line"] == entry["line"]
    assert stats.get("seeds/known_skipped", 0) < 3000 - entry["line"]
    lines = lines_of(out)
    assert all(line.endswith(b"\n") for line in lines), "a torn line survived"
    records = [json.loads(line) for line in lines]
    got = [r["url"] for r in records if r["kind"] == "article"]
    assert len(got) == len(set(got)), "an article was written twice"
    assert set(got) == {u.strip() for u in urls.read_text().splitlines() if u.strip()}
    assert json.loads((state / "seed-progress.json").read_text()) == {}, "a finished back-fill kept its place"
