"""Back-fills that finish (issue 17): seeds, arguments, ``since`` on every path, stops that are not failures.

Pure parts (seed lines, progress marks, the state file, argument checks, the since filter) are
tested directly; the rest through the real engine in replay mode (``scrapy crawl`` in a
subprocess). The scale tests (60,000-URL sitemap, 1,200-entry feed, a killed 3,000-URL
back-fill) are in tests/test_backfill_scale.py.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from crawler.golden import FIXTURES, ROOT, crawl
from crawler.seeds import BadSeed, Seed, SeedFile, SeedProgress, parse_line, url_problem
from crawler.state import SeedProgressStore


def scrapy(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout)


def report_of(out: Path) -> dict:
    reports = sorted((out / "reports").glob("run-*.json"), key=lambda p: p.stat().st_mtime)
    assert reports, "no run report written"
    return json.loads(reports[-1].read_text())["spiders"][0]


# ----------------------------------------------------------------------------- seed lines
@pytest.mark.parametrize("line,want", [
    ("https://example.org/a", Seed("https://example.org/a")),
    ("  http://example.org/a  ", Seed("http://example.org/a")),
    ("https://example.org/a 2025-09-01T10:00:00Z", Seed("https://example.org/a", "2025-09-01T10:00:00Z")),
    ("https://example.org/a\t2025-09-01", Seed("https://example.org/a", "2025-09-01")),
    ("", None),
    ("   ", None),
    ("# a comment", None),
])
def test_good_lines_comments_and_blanks(line, want):
    assert parse_line(line) == want


@pytest.mark.parametrize("line,reason", [
    ("example.org/a", "no scheme"),
    ("ftp://example.org/a", "not http or https"),
    ("https://", "no host"),
    ("not a url at all", "more than a URL"),
    ("https://example.org/a yesterday", "more than a URL"),
    ("https://example.org:99x/a", "not a URL"),
    ("javascript:alert(1)", "not http or https"),
])
def test_bad_lines_say_why(line, reason):
    bad = parse_line(line)
    assert isinstance(bad, BadSeed) and reason in bad.reason, bad


def test_url_problem_accepts_only_absolute_http_urls():
    assert url_problem("https://theconversation.com/x-1") is None
    assert url_problem("HTTPS://EXAMPLE.ORG/") is None
    assert "whitespace" in url_problem("https://example.org/a b")


def test_seed_file_gives_line_numbers_and_byte_spans_and_resumes_at_an_offset(tmp_path):
    f = tmp_path / "urls.txt"
    raw = "# header\nhttps://a.example/1\n\nnope\nhttps://a.example/2 2025-01-02\n\xe9t\xe9\n".encode("utf-8")
    raw += b"\xff\xfe broken\nhttps://a.example/3"  # no newline at the end
    f.write_bytes(raw)
    entries = list(SeedFile(f))
    assert [(type(e).__name__, e.line) for e in entries] == [
        ("Seed", 2), ("BadSeed", 4), ("Seed", 5), ("BadSeed", 6), ("BadSeed", 7), ("Seed", 8)]
    for e in entries:
        assert raw[e.start:e.end].decode("utf-8", "replace").strip().startswith((getattr(e, "url", None) or e.text)[:5])
    assert "not UTF-8" in entries[4].reason
    reader = SeedFile(f)
    list(reader)
    assert reader.skipped == 2  # the comment and the blank line
    # resuming at line 5's offset gives the same entries from there
    fifth = entries[2]
    again = list(SeedFile(f, fifth.start, fifth.line))
    assert again == entries[2:]


def test_progress_mark_is_the_first_line_not_settled():
    p = SeedProgress()
    spans = [(1, 0, 10), (2, 10, 25), (3, 25, 30), (4, 30, 42)]
    for line, start, end in spans:
        p.read(line, start, end)
    assert p.mark == (1, 0)
    assert not p.settle(3)  # out of order: the mark stays at line 1
    assert p.mark == (1, 0)
    assert p.settle(1) and p.mark == (2, 10)
    assert p.settle(2) and p.mark == (4, 30)  # 3 was settled already
    assert not p.settle(2)  # twice: nothing changes
    assert p.settle(4) and p.mark == (5, 42) == p.read_to
    assert p.pending == 0


def test_progress_store_round_trip_digest_and_corrupt_file(tmp_path):
    seeds = tmp_path / "urls.txt"
    seeds.write_text("".join(f"https://a.example/{i}\n" for i in range(100)))
    store = SeedProgressStore(tmp_path / "state")
    assert store.resume_point(seeds) is None
    store.save(seeds, 41, 40 * len("https://a.example/10\n"))
    line, offset = store.resume_point(seeds)
    assert line == 41
    # an edited file (the bytes before the offset changed) is read from the top
    seeds.write_text("".join(f"https://b.example/{i}\n" for i in range(100)))
    assert store.resume_point(seeds) is None and "changed" in store.problem
    # a garbage state file: no resume point, a reason, and the next save rewrites it
    store.path.write_text("{not json")
    fresh = SeedProgressStore(tmp_path / "state")
    assert fresh.resume_point(seeds) is None and "unreadable" in fresh.problem
    fresh.save(seeds, 3, 40)
    assert json.loads(store.path.read_text())
    fresh.clear(seeds)
    assert fresh.resume_point(seeds) is None


# ----------------------------------------------------------------------------- -a arguments
def test_argument_checks_name_the_argument_and_what_is_allowed():
    from crawler.commands._arguments import arguments_problem
    from crawler.spiders.conversation import ConversationSpider
    from crawler.spiders.jiji import JijiSpider
    from crawler.spiders.kyodo import KyodoSpider

    one = {"conversation": ConversationSpider}
    assert arguments_problem(one, {"since": "2025-09-19", "editions": "uk,fr"}) is None
    assert "not a real date" in arguments_problem(one, {"since": "2025-13-45"})
    assert "YYYY-MM-DD" in arguments_problem(one, {"since": "19/09/2025"})
    msg = arguments_problem(one, {"editions": "uk,xx"})
    assert msg.startswith("-a editions=uk,xx:") and "'xx'" in msg and "africa" in msg
    msg = arguments_problem(one, {"sinse": "2025-01-01"})
    assert "unknown argument" in msg and "since" in msg and "urls_file" in msg
    assert "no such file" in arguments_problem(one, {"urls_file": "/nonexistent/urls.txt"})
    assert "no scheme" in arguments_problem(one, {"url": "theconversation.com/x-1"})
    # a password in a URL never reaches the message
    assert "hunter2" not in arguments_problem(one, {"url": "ftp://me:hunter2@example.org/"})
    # crawlall: an argument goes to the spiders that take it; none taking it is an error
    many = {"conversation": ConversationSpider, "kyodo": KyodoSpider, "jiji": JijiSpider}
    assert arguments_problem(many, {"editions": "uk", "feed_items": "1"}) is None
    assert "unknown edition" in arguments_problem(many, {"editions": "zz"})
    assert "unknown argument" in arguments_problem(many, {"editionz": "uk"})
    assert arguments_problem(many, {"_job": "42"}) is None  # scrapyd's own argument


def test_spider_refuses_a_bad_argument_when_built_directly():
    from crawler.spiders.base import SpiderArgumentError
    from crawler.spiders.conversation import ConversationSpider
    from crawler.spiders.kyodo import KyodoSpider

    with pytest.raises(SpiderArgumentError, match="since"):
        KyodoSpider(since="2025-02-30")
    with pytest.raises(SpiderArgumentError, match="edition"):
        ConversationSpider(editions="klingon")
    with pytest.raises(SpiderArgumentError, match="unknown argument"):
        KyodoSpider(editions="uk")
    assert KyodoSpider(since="2024-02-29").since_day == date(2024, 2, 29)


@pytest.mark.parametrize("arg,expect", [
    ("since=2025-13-45", "-a since=2025-13-45: not a real date"),
    ("editions=xx", "-a editions=xx: unknown edition 'xx'"),
    ("urlsfile=urls.txt", "-a urlsfile=urls.txt: unknown argument"),
])
def test_bad_argument_exits_2_with_one_line_before_any_request(tmp_path, arg, expect):
    out, state = tmp_path / "out", tmp_path / "state"
    proc = scrapy("crawl", "conversation", "-a", arg, "-s", f"REPLAY_DIR={FIXTURES}", "-s", f"OUTPUT_DIR={out}",
                  "-s", f"STATE_DIR={state}", "-s", "LOG_LEVEL=WARNING")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.strip().splitlines() == [f"crawler: {expect}" + proc.stderr.split(expect, 1)[1].splitlines()[0]]
    assert "Traceback" not in proc.stderr
    assert not out.exists() and not state.exists(), "the run started"


def test_crawlall_refuses_an_argument_no_spider_takes(tmp_path):
    proc = scrapy("crawlall", "kyodo", "jiji", "-a", "editions=uk", "-s", f"REPLAY_DIR={FIXTURES}",
                  "-s", f"OUTPUT_DIR={tmp_path / 'out'}", "-s", f"STATE_DIR={tmp_path / 'state'}", "-s", "LOG_LEVEL=WARNING")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "-a editions=uk: unknown argument" in proc.stderr


# ----------------------------------------------------------------------------- since everywhere
def test_since_pipeline_compares_calendar_days():
    from crawler.pipelines.since import before

    since = date(2025, 9, 19)
    assert before("2025-09-18T23:59:00+09:00", since)
    assert before("2025-09-18", since)
    assert not before("2025-09-19T00:00:00+09:00", since)
    assert not before(None, since) and not before("garbage", since) and not before("", since)


def test_link_and_entry_days():
    from crawler.spiders.japantimes import JapanTimesSpider
    from crawler.spiders.jiji import JijiSpider
    from crawler.spiders.kyodo import KyodoSpider

    jiji = JijiSpider(since="2025-09-19")
    assert jiji.link_before_since("https://jen.jiji.com/jc/eng?g=eco&k=2025091800123")
    assert not jiji.link_before_since("https://jen.jiji.com/jc/eng?g=eco&k=2025091900123")
    kyodo = KyodoSpider(since="2025-09-19")
    assert kyodo.link_before_since("https://english.kyodonews.net/news/2025/08/abc-x.html")  # the whole month is before
    assert not kyodo.link_before_since("https://english.kyodonews.net/news/2025/09/abc-x.html")  # could be the 20th
    assert not kyodo.link_before_since("https://english.kyodonews.net/articles/-/80230")  # no date: fetched, judged by the page
    jt = JapanTimesSpider(since="2025-09-19")
    assert jt.link_before_since("https://www.japantimes.co.jp/news/2025/09/18/japan/x/")
    assert jt.entry_day("Thu, 18 Sep 2025 23:00:00 +0900") == "2025-09-18"
    assert jt.entry_day("2025-09-20T01:00:00Z") == "2025-09-20"
    assert jt.entry_day(None) is None and jt.entry_day("soon") is None


def test_since_filters_listings_and_pages_kyodo(tmp_path):
    """`-a since` used to filter only feeds and sitemaps: Kyodo's listings wrote older articles."""
    records, proc = crawl("kyodo", {"since": "2026-10-02"}, workdir=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert records, "nothing written at all"
    early = [(r["url"], r["date_published"]) for r in records if (r["date_published"] or "9999")[:10] < "2026-10-02"]
    assert not early, early
    assert report_of(tmp_path / "out")["discovery"]["before_since"] > 0
    # the same crawl without since writes the older ones: the filter did the work
    older, _ = crawl("kyodo", workdir=tmp_path / "all")
    assert any((r["date_published"] or "9999")[:10] < "2026-10-02" for r in older)


def test_since_filters_a_seed_by_the_pages_own_date(tmp_path):
    """A seed carries no date of its own: the page's date_published decides (since pipeline)."""
    old_story = "https://english.kyodonews.net/articles/-/84012"  # published 2026-06-02
    records, proc = crawl("kyodo", {"url": old_story, "since": "2026-10-01"}, workdir=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert records == []
    report = report_of(tmp_path / "out")
    assert report["stats"]["since/skipped"] == 1 and report["discovery"]["before_since"] == 1
    kept, _ = crawl("kyodo", {"url": old_story, "since": "2026-06-02"}, workdir=tmp_path / "kept")
    assert [r["url"] for r in kept if r["kind"] == "article"] == [old_story]


def test_since_filters_rss_entries_by_their_rfc822_date(tmp_path):
    replay = tmp_path / "replay"
    replay.mkdir()
    items = "".join(
        f"<item><title>t{i}</title><link>https://www.japantimes.co.jp/news/{day}/national/story-{i}/</link>"
        f"<pubDate>{stamp}</pubDate></item>"
        for i, (day, stamp) in enumerate([("2025/09/20", "Sat, 20 Sep 2025 09:00:00 +0900"),
                                          ("2025/09/10", "Wed, 10 Sep 2025 09:00:00 +0900"),
                                          ("2025/08/01", "Fri, 01 Aug 2025 09:00:00 +0900")]))
    (replay / "feed.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>')
    url = "https://www.japantimes.co.jp/news/feed/"
    (replay / "feed.xml.meta.json").write_text(json.dumps(
        {"url": url, "status": 200, "headers": {"Content-Type": "application/rss+xml"}, "body": "feed.xml",
         "fetched_at": "2025-09-21T00:00:00Z"}))
    _, proc = crawl("japantimes", {"url": url, "since": "2025-09-15"}, replay=replay, workdir=tmp_path,
                    settings={"ROBOTSTXT_OBEY": "False"})
    stats = report_of(tmp_path / "out")["stats"]
    assert stats.get("discovery/feed_links") == 1, proc.stderr[-2000:]
    assert stats.get("discovery/before_since") == 2


def test_a_listing_whose_links_all_fall_before_since_stops_the_walk(tmp_path):
    """Jiji's genre listings are walked page after page; a page of links all dated before since
    (the date is in the article key) ends the walk instead of fetching older pages."""
    replay = tmp_path / "replay"
    replay.mkdir()
    base = "https://jen.jiji.com/jc/list?g=eco"

    def page(n: int, days: list[str]) -> None:
        links = "".join(f'<li><a href="/jc/eng?g=eco&k={d}{n:02d}{i:03d}">story {i}</a></li>' for i, d in enumerate(days))
        more = f'<p class="link-more"><a href="/jc/list?g=eco&p={n + 1}">More</a></p>'
        (replay / f"p{n}.html").write_text(f"<html><body><ul>{links}</ul>{more}</body></html>")
        url = base if n == 1 else f"{base}&p={n}"
        (replay / f"p{n}.html.meta.json").write_text(json.dumps(
            {"url": url, "status": 200, "headers": {"Content-Type": "text/html; charset=utf-8"}, "body": f"p{n}.html",
             "fetched_at": "2025-09-21T00:00:00Z"}))

    page(1, ["20250920", "20250919"])
    page(2, ["20250912", "20250911"])  # every link before since: stop here
    page(3, ["20250901"])
    _, proc = crawl("jiji", {"url": base, "since": "2025-09-15"}, replay=replay, workdir=tmp_path,
                    settings={"ROBOTSTXT_OBEY": "False", "HEALTH_MIN_ITEMS": "0"})
    stats = report_of(tmp_path / "out")["stats"]
    assert stats.get("discovery/listing_walk_stopped_since") == 1, proc.stderr[-3000:]
    assert stats.get("discovery/before_since") == 2
    # pages 1 and 2 were fetched (their articles are not saved: misses), page 3 never requested
    assert stats.get("replay/hit") == 2
    assert stats.get("replay/miss") == 2 == stats.get("discovery/listing_links") - stats.get("discovery/before_since")


# ----------------------------------------------------------------------------- seeds
def test_bad_seed_lines_are_skipped_with_a_warning_and_the_rest_is_crawled(tmp_path):
    urls = tmp_path / "urls.txt"
    good = ["https://english.kyodonews.net/articles/-/91240", "https://english.kyodonews.net/articles/-/91230"]
    urls.write_text(f"# Kyodo back-fill\n{good[0]}\nenglish.kyodonews.net/articles/-/1\n\n"
                    f"ftp://english.kyodonews.net/x\n{good[1]}\n", encoding="utf-8")
    records, proc = crawl("kyodo", {"urls_file": str(urls)}, workdir=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert {r["url"] for r in records if r["kind"] == "article"} == set(good)
    assert f"{urls}:3: skipped, not a URL (no scheme" in proc.stderr
    assert f"{urls}:5: skipped, not a URL (scheme 'ftp'" in proc.stderr
    report = report_of(tmp_path / "out")
    assert report["discovery"]["seeds_invalid"] == 2
    assert report["stats"]["seeds/invalid"] == 2


def test_seeds_are_incremental(tmp_path):
    """`-a urls_file=` twice: the second run fetched 18 pages and dropped 7 as unchanged. Now
    it fetches only the two feeds (and what they link to that was never written)."""
    args = {"urls_file": str(FIXTURES / "republisher" / "demo_urls.txt")}
    first, p1 = crawl("republisher", args, workdir=tmp_path)
    assert p1.returncode == 0, p1.stderr[-3000:]
    r1 = report_of(tmp_path / "out")
    _, p2 = crawl("republisher", args, workdir=tmp_path)
    assert p2.returncode == 0, p2.stderr[-3000:]
    r2 = report_of(tmp_path / "out")
    seeds = [s for s in (FIXTURES / "republisher" / "demo_urls.txt").read_text().split() if s.startswith("http")]
    articles = [s for s in seeds if "/feed" not in s]
    assert r2["discovery"]["seeds_known_skipped"] == len(articles)
    assert r2["items"]["unchanged"] == 0 and r2["items"]["written"] == 0
    assert r2["pages"] <= r1["pages"] - len(articles)
    # INCREMENTAL=False fetches them again (and the dedupe state writes nothing unchanged)
    _, p3 = crawl("republisher", args, settings={"INCREMENTAL": "False"}, workdir=tmp_path)
    r3 = report_of(tmp_path / "out")
    assert r3["discovery"]["seeds_known_skipped"] == 0 and r3["items"]["unchanged"] >= len(articles) - 2


def test_a_seed_with_a_newer_lastmod_is_fetched_again(tmp_path):
    url = "https://english.kyodonews.net/articles/-/91230"
    urls = tmp_path / "urls.txt"
    urls.write_text(f"{url} 2025-09-19T09:00:00Z\n")
    crawl("kyodo", {"urls_file": str(urls)}, workdir=tmp_path)
    _, p2 = crawl("kyodo", {"urls_file": str(urls)}, workdir=tmp_path)
    assert report_of(tmp_path / "out")["discovery"]["seeds_known_skipped"] == 1, p2.stderr[-2000:]
    urls.write_text(f"{url} 2025-09-20T09:00:00Z\n")
    _, p3 = crawl("kyodo", {"urls_file": str(urls)}, workdir=tmp_path)
    r3 = report_of(tmp_path / "out")
    assert r3["discovery"]["seeds_known_skipped"] == 0 and r3["pages"] >= 1, p3.stderr[-2000:]
    # a single -a url= seed already written says so in the log (INFO)
    _, p4 = crawl("kyodo", {"url": url}, workdir=tmp_path)
    assert "was written by an earlier run: skipped" in p4.stderr and p4.returncode == 0


# ----------------------------------------------------------------------------- stops that are not failures
def test_closespider_limit_exits_0_and_the_report_says_limit_reached(tmp_path):
    args = {"urls_file": str(FIXTURES / "republisher" / "demo_urls.txt")}
    _, proc = crawl("republisher", args, settings={"CLOSESPIDER_ITEMCOUNT": "3"}, workdir=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = report_of(tmp_path / "out")
    assert report["ok"] and report["finish_reason"] == "closespider_itemcount"
    assert report["ended"] == "limit reached"
    assert "closed early" not in proc.stderr
    assert "OK (limit reached)" in proc.stderr


def test_how_it_ended():
    from crawler.extensions.runreport import how_it_ended

    assert how_it_ended("finished") == "finished"
    assert how_it_ended("shutdown") == "interrupted"
    assert how_it_ended("shutdown", jobdir=True) == "paused"
    for reason in ("closespider_itemcount", "closespider_pagecount", "closespider_timeout",
                   "closespider_errorcount", "closespider_timeout_no_item"):
        assert how_it_ended(reason) == "limit reached"
    assert how_it_ended("redis_unavailable") == "closed early"
    assert how_it_ended("cancelled") == "closed early"


@pytest.fixture(scope="module")
def corpus300(tmp_path_factory):
    from benchmarks.corpus import build

    out = tmp_path_factory.mktemp("corpus300")
    build(out, 300, seed=5, sites={"conversation"})
    return out


def run_until(cmd: list[str], out: Path, lines: int, sig: int = signal.SIGINT, timeout: float = 120):
    """Start CMD, send SIG once OUT holds LINES JSONL lines; (returncode, stderr, lines then)."""
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    sent = False
    while proc.poll() is None and time.monotonic() < deadline:
        if count_lines(out) >= lines:
            proc.send_signal(sig)
            sent = True
            break
        time.sleep(0.02)
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err, sent


def count_lines(out: Path) -> int:
    n = 0
    for f in out.rglob("*.jsonl"):
        with open(f, "rb") as fh:
            n += sum(1 for _ in fh)
    return n


def crawl_cmd(corpus: Path, out: Path, state: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "conversation", "-a", f"urls_file={corpus / 'urls-conversation.txt'}",
            "-s", f"REPLAY_DIR={corpus}", "-s", f"OUTPUT_DIR={out}", "-s", f"STATE_DIR={state}",
            "-s", "LOG_LEVEL=INFO", "-s", "CONCURRENT_REQUESTS=4", *extra]


def test_ctrl_c_exits_0_and_the_report_says_interrupted(corpus300, tmp_path):
    out, state = tmp_path / "out", tmp_path / "state"
    rc, err, sent = run_until(crawl_cmd(corpus300, out, state), out, 20)
    assert sent, "the run ended before it could be interrupted"
    assert rc == 0, err[-3000:]
    report = report_of(out)
    assert report["ok"] and report["ended"] == "interrupted" and report["finish_reason"] == "shutdown"
    assert "closed early" not in err and "OK (interrupted)" in err
    # the same command goes on from where it stopped and fetches nothing it had written
    written = {json.loads(line)["url"] for f in out.rglob("*.jsonl") for line in f.read_text().splitlines()}
    proc = subprocess.run(crawl_cmd(corpus300, out, state), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    second = report_of(out)
    assert second["ended"] == "finished"
    assert "resuming at line" in proc.stderr
    assert second["stats"].get("replay/hit", 0) <= 300 - len(written) + 1  # + robots.txt
    lines = [json.loads(line) for f in out.rglob("*.jsonl") for line in f.read_text().splitlines()]
    assert len({r["url"] for r in lines}) == len(lines) == 300


# ----------------------------------------------------------------------------- JOBDIR
def test_job_dupefilter_keeps_articles_across_a_pause_and_forgets_a_finished_job(tmp_path):
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from crawler.dupefilter import JobDupeFilter

    fingerprinter = get_crawler().request_fingerprinter

    def dupefilter() -> JobDupeFilter:
        return JobDupeFilter(str(tmp_path), fingerprinter=fingerprinter)

    feed = Request("https://theconversation.com/uk/articles.atom")
    art = Request("https://theconversation.com/a-1", meta={"article": True, "lastmod": "2025-09-01T00:00:00Z"})
    df = dupefilter()
    assert not df.request_seen(feed) and not df.request_seen(art)
    assert df.request_seen(feed) and df.request_seen(art)  # within a run: Scrapy's behaviour
    df.close("shutdown")  # paused
    df = dupefilter()
    assert not df.request_seen(feed), "a feed was dropped by the persisted filter"
    assert df.request_seen(art.replace()), "an article fetched before the pause was fetched again"
    df.close("shutdown")  # paused again
    df = dupefilter()
    updated = art.replace(meta={"article": True, "lastmod": "2025-09-02T00:00:00Z"})
    assert not df.request_seen(updated), "an 'updated since' re-fetch was dropped"
    assert df.request_seen(art.replace()), "within one run an article is fetched once"
    df.close("finished")
    assert (tmp_path / "requests.seen").stat().st_size == 0
    df = dupefilter()
    assert not df.request_seen(art.replace()), "a finished job still filters the next run"
    df.close("finished")


def test_jobdir_pause_resume_and_repeat(corpus300, tmp_path):
    """Ctrl-C with JOBDIR: exit 0, report 'paused'; the same command resumes and fetches only
    what was not written; a repeat run after the finished one behaves like any other run."""
    out, state, job = tmp_path / "out", tmp_path / "state", tmp_path / "job"
    cmd = crawl_cmd(corpus300, out, state, "-s", f"JOBDIR={job}")
    rc, err, sent = run_until(cmd, out, 30)
    assert sent, "the run ended before it could be paused"
    assert rc == 0, err[-3000:]
    first = report_of(out)
    assert first["ok"] and first["ended"] == "paused", first["ended"]
    assert "OK (paused)" in err and "the same command (same JOBDIR) resumes it" in err
    written = count_lines(out)
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    second = report_of(out)
    assert second["ended"] == "finished"
    assert second["stats"].get("replay/hit", 0) <= 300 - written + 1  # + robots.txt
    records = [json.loads(line) for f in out.rglob("*.jsonl") for line in f.read_text().splitlines()]
    assert len(records) == len({r["url"] for r in records}) == 300
    # a repeat run with the same JOBDIR: the feed and seeds are read, nothing is written twice
    repeat = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert repeat.returncode == 0, repeat.stderr[-3000:]
    third = report_of(out)
    assert third["ok"] and third["items"]["written"] == 0
    assert third["discovery"]["seeds_known_skipped"] == 300
