"""Issue 20 (network): each scenario of points 4 and 5 on the local HTTPS server (tests/liveserver.py).

The crawls are ``scrapy crawlall <spider>`` (or ``scrapy crawl jiji -a url=<the finance feed>``:
the feed and its four articles) through the real downloader, as cron runs them. Point 5
(politeness): robots.txt Crawl-delay per host, AutoThrottle that one slow page cannot hold,
conditional requests for feeds and listings; request spacing is measured on the server
(``Hit.at``).
"""
from __future__ import annotations

import json
import re

from tests.faultserver import Route

JIJI = "https://jen.jiji.com"
#: jiji articles its seeds (homepage, finance feed) link to, in the fixtures
ARTICLE = f"{JIJI}/jc/eng?g=eco&k=2025100200455"
ARTICLE2 = f"{JIJI}/jc/eng?g=soc&k=2025091400218"
ARTICLE3 = f"{JIJI}/jc/eng?g=int&k=2025062800512"


def _fetched(live, url: str) -> int:
    return live.count(url)


# ---------------------------------------------------------------------------- point 4: no silent drops

def test_redirect_loop_is_logged_with_its_chain_and_counted(live, tmp_path):
    detour = live.redirect_loop(ARTICLE)
    run = live.crawlall(tmp_path, ["jiji"])
    assert run.stat("jiji", "pages/failed/redirect_loop") == 1, run.log[-3000:]
    lines = run.warnings("redirect loop")
    assert len(lines) == 1 and f"{ARTICLE} -> {detour} -> {ARTICLE}" in lines[0], lines
    assert _fetched(live, ARTICLE) == 1 and _fetched(live, detour) == 1  # cut at once, not 20 hops
    assert all(r["url"] != ARTICLE for r in run.records("jiji"))


def test_redirect_to_another_site_is_logged_with_its_chain_and_counted(live, tmp_path):
    live.redirect(ARTICLE2, "https://news.example.org/moved/story")
    run = live.crawlall(tmp_path, ["jiji"])
    assert run.stat("jiji", "pages/failed/offsite_redirect") == 1, run.log[-3000:]
    assert run.stat("jiji", "offsite/redirect_filtered") == 1
    lines = run.warnings("redirect to another site")
    assert len(lines) == 1 and f"{ARTICLE2} -> https://news.example.org/moved/story" in lines[0], lines
    assert "news.example.org" not in {h.host for h in live.hits}


def test_redirect_to_a_page_fetched_already_is_logged(live, tmp_path):
    live.redirect(ARTICLE3, ARTICLE)
    live.slow(ARTICLE3, 1.5)  # ARTICLE itself is fetched first, from the feed
    run = live.crawlall(tmp_path, ["jiji"])
    assert _fetched(live, ARTICLE) == 1
    assert run.stat("jiji", "redirect/duplicate_dropped") == 1, run.log[-3000:]
    lines = run.warnings("already requested")
    assert len(lines) == 1 and f"{ARTICLE3} -> {ARTICLE}" in lines[0], lines
    assert run.exitcode == 0, run.report("jiji")["failed_rules"]


# ---------------------------------------------------------------------------- point 5: politeness

FEED = f"{JIJI}/rss/finance"


#: server-side arrival gaps may run short of the client's spacing by a TLS handshake's jitter
SLACK = 0.8


def _gaps(live, host: str = "jen.jiji.com") -> list[float]:
    """Seconds between the starts of consecutive requests to HOST (robots.txt left out)."""
    ats = [h.at for h in live.fetches(host)]
    return [b - a for a, b in zip(ats, ats[1:])]


# ---------------------------------------------------------------------------- Crawl-delay

def test_crawl_delay_spaces_requests_to_the_host(live, tmp_path):
    live.crawl_delay("jen.jiji.com", 1.5)
    run = live.crawl("jiji", tmp_path, args={"url": FEED})       # FAST: DOWNLOAD_DELAY=0
    assert run.exitcode == 0, run.log[-3000:]
    gaps = _gaps(live)
    assert len(gaps) >= 3, [h.url for h in live.hits]
    assert min(gaps) >= 1.5 * SLACK, gaps                          # ~0 s apart without it
    assert run.stat("jiji", "robotstxt/crawl_delay/hosts") == 1
    assert "robots.txt of jen.jiji.com: Crawl-delay 1.5 s" in run.log


def test_download_delay_wins_when_larger_than_crawl_delay(live, tmp_path):
    live.crawl_delay("jen.jiji.com", 0.5)
    run = live.crawl("jiji", tmp_path, args={"url": FEED}, settings={"DOWNLOAD_DELAY": "1.2"})
    assert run.exitcode == 0, run.log[-3000:]
    gaps = _gaps(live)
    # the larger delay, and without the ±50 % jitter that would go under the Crawl-delay
    assert len(gaps) >= 3 and min(gaps) >= 1.2 * SLACK, gaps


def test_crawl_delay_above_the_cap_is_held_to_it_with_a_warning(live, tmp_path):
    live.crawl_delay("jen.jiji.com", 600)
    run = live.crawl("jiji", tmp_path, args={"url": FEED}, settings={"CRAWL_DELAY_MAX": "1"})
    assert run.exitcode == 0, run.log[-3000:]
    gaps = _gaps(live)
    assert len(gaps) >= 3 and all(SLACK <= g < 3 for g in gaps), gaps
    assert run.stat("jiji", "robotstxt/crawl_delay/capped") == 1
    assert run.warnings(r"Crawl-delay: 600 s; held to CRAWL_DELAY_MAX = 1 s")


# ---------------------------------------------------------------------------- AutoThrottle

THROTTLE = {"AUTOTHROTTLE_ENABLED": "True", "AUTOTHROTTLE_START_DELAY": "0.1", "AUTOTHROTTLE_MAX_DELAY": "30",
            "AUTOTHROTTLE_DEBUG": "True", "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "DOWNLOAD_DELAY": "0"}
SLOW_S = 4.0


def _redirect_chain(live, url: str, hops: int) -> None:
    """URL -> URL&hop=1 -> ... -> URL&hop=HOPS, which answers with URL's page."""
    chain = [url] + [f"{url}&hop={i}" for i in range(1, hops + 1)]
    page = live.fixture(url)
    for a, b in zip(chain, chain[1:]):
        live.redirect(a, b, 302)
    live.route(chain[-1], page)


def test_one_slow_response_does_not_hold_the_site(live, tmp_path):
    """The feed answers after 4 s; then a 5-hop redirect chain and the other articles. Scrapy's
    AutoThrottle set the delay to ~4 s and kept it through the redirects (~30 s); here the
    delay is back at its floor within a few answers and the rest goes at the server's pace."""
    live.slow(FEED, SLOW_S)
    _redirect_chain(live, ARTICLE, 5)
    run = live.crawl("jiji", tmp_path, args={"url": FEED}, settings=THROTTLE)
    assert run.exitcode == 0, run.log[-3000:]
    hits = live.fetches("jen.jiji.com")
    slow_end = next(h.at for h in hits if h.path == "/rss/finance") + SLOW_S
    after = [h for h in hits if h.at > slow_end - 0.5]
    assert len(after) >= 9, [h.path for h in hits]              # 6 chain answers + 3 more articles
    gaps = [b.at - a.at for a, b in zip(after, after[1:])]
    assert max(gaps) < 1.5, gaps
    assert after[-1].at - slow_end < 6, [round(h.at - slow_end, 2) for h in after]
    # the AUTOTHROTTLE_DEBUG lines: delay per answer, in order
    delays = [(int(d), int(lat)) for d, lat in re.findall(r"delay:\s*(-?\d+) ms \([^)]*\) \| latency:\s*(\d+) ms",
                                                           run.log)]
    slow_at = next(i for i, (_, lat) in enumerate(delays) if lat >= SLOW_S * 1000 * 0.9)
    assert all(d <= 1000 for d, _ in delays[slow_at + 3:]), delays
    assert max(d for d, _ in delays[slow_at:]) <= 1000, delays


def test_autothrottle_never_goes_under_the_crawl_delay(live, tmp_path):
    live.crawl_delay("jen.jiji.com", 1.2)
    run = live.crawl("jiji", tmp_path, args={"url": FEED}, settings=THROTTLE)   # fast answers, 0.1 s start
    assert run.exitcode == 0, run.log[-3000:]
    gaps = _gaps(live)
    assert len(gaps) >= 3 and min(gaps) >= 1.2 * SLACK, gaps


def test_a_site_that_stays_slow_still_raises_the_delay(live, tmp_path):
    """The window is not a way to ignore a slow server: every article slow -> the delay goes up."""
    for path in ("/jc/eng?g=eco&k=2025100200455", "/jc/eng?g=eco&k=2025110500309",
                 "/jc/eng?g=eco&k=2026030300871", "/jc/eng?g=eco&k=2026030300990"):
        live.slow(JIJI + path, 1.0)
    live.slow(FEED, 1.0)
    run = live.crawl("jiji", tmp_path, args={"url": FEED}, settings=THROTTLE)
    assert run.exitcode in (0, 1), run.log[-3000:]
    delays = [int(d) for d in re.findall(r"delay:\s*(-?\d+) ms", run.log)]
    assert delays and max(delays) >= 800, delays


# ---------------------------------------------------------------------------- conditional requests

def test_second_run_sends_validators_and_a_304_counts_as_unchanged(live, tmp_path):
    first = live.crawlall(tmp_path, ["jiji"])
    assert first.exitcode == 0, first.log[-3000:]
    feed_hits = [h for h in live.hits if h.path == "/rss/finance"]
    assert len(feed_hits) == 1 and "If-None-Match" not in feed_hits[0].headers
    kept = json.loads((first.state / "validators" / "jiji.json").read_text(encoding="utf-8"))["urls"]
    assert FEED in kept and kept[FEED]["etag"] and kept[FEED]["last_modified"]
    assert not [u for u in kept if "/jc/eng?g=" in u and "&k=" in u], kept   # articles are never conditional
    etag = kept[FEED]["etag"]

    live.reset_hits()
    second = live.crawlall(tmp_path, ["jiji"])                  # the next cron run, same STATE_DIR
    assert second.exitcode == 0, second.log[-3000:]
    feed = [h for h in live.hits if h.path == "/rss/finance"]
    assert len(feed) == 1 and feed[0].headers.get("If-None-Match") == etag and feed[0].status == 304
    assert feed[0].headers.get("If-Modified-Since") == kept[FEED]["last_modified"]
    not_modified = sum(1 for h in live.hits if h.status == 304)
    assert not_modified >= 1 and second.stat("jiji", "pages/not_modified") == not_modified
    assert second.stat("jiji", "downloader/response_status_count/304") == not_modified
    rep = second.report("jiji")
    assert rep["ok"] and rep["errors"]["log_errors"] == 0, (rep["failed_rules"], rep["errors"])
    assert second.stat("jiji", "pages/failed") == 0 and second.stat("jiji", "seeds/failed") == 0
    assert not second.warnings(r"rss/finance")
    assert "unchanged since the last run (HTTP 304): https://jen.jiji.com/rss/finance" in second.log
    assert len(live.hits) < 5                                   # robots.txt and the 304s, no article


def test_robots_txt_is_never_conditional(live, tmp_path):
    """robots.txt comes with an ETag too, but a 304 for it would read as "no robots.txt" (allow
    all) in Scrapy: it is fetched whole every run, and its rules hold on the second run."""
    live.robots["jen.jiji.com"] = "User-agent: *\nDisallow: /jc/eng?g=eco&k=2025100200455\n"
    first = live.crawlall(tmp_path, ["jiji"])
    assert first.stat("jiji", "robotstxt/forbidden") == 1, first.log[-3000:]
    (first.state / "seen.sqlite").unlink()                      # the articles are wanted again
    live.transform("jen.jiji.com", lambda path, body: body + b"<!-- new -->" if path == "/" else body)
    live.reset_hits()
    second = live.crawlall(tmp_path, ["jiji"])
    robots = [h for h in live.hits if h.path == "/robots.txt"]
    assert [h.status for h in robots] == [200] and "If-None-Match" not in robots[0].headers
    assert second.stat("jiji", "robotstxt/forbidden") == 1 and live.count(ARTICLE) == 0


def test_a_changed_feed_is_fetched_whole(live, tmp_path):
    assert live.crawlall(tmp_path, ["jiji"]).exitcode == 0
    live.transform("jen.jiji.com", lambda path, body: body + b"\n<!-- changed -->" if path == "/rss/finance" else body)
    live.reset_hits()
    second = live.crawlall(tmp_path, ["jiji"])
    assert second.exitcode == 0, second.log[-3000:]
    feed = [h for h in live.hits if h.path == "/rss/finance"]
    assert len(feed) == 1 and feed[0].headers.get("If-None-Match") and feed[0].status == 200


def test_unreadable_validators_file_is_moved_aside_with_one_warning(live, tmp_path):
    folder = tmp_path / "state" / "validators"
    folder.mkdir(parents=True)
    (folder / "jiji.json").write_text('{"format": 1, "urls": [', encoding="utf-8")
    run = live.crawlall(tmp_path, ["jiji"])
    assert run.exitcode == 0, run.log[-3000:]
    lines = run.warnings(r"validators file .*jiji\.json unreadable")
    assert len(lines) == 1 and "moved aside" in lines[0], run.log[-3000:]
    assert len(list(folder.glob("jiji.json.corrupt-*"))) == 1
    assert json.loads((folder / "jiji.json").read_text(encoding="utf-8"))["urls"]   # rewritten whole
    assert all("If-None-Match" not in h.headers for h in live.hits)


def test_a_listing_whose_article_failed_is_fetched_whole_next_run(live, tmp_path):
    """An article answers 503 (may pass later): the listing that linked to it (its Referer: the
    homepage or the feed, both link to it) keeps no validators, so the next run reads that one
    whole and tries the article again, while the other answers 304."""
    live.route(ARTICLE, Route(body=b"busy", status=503, headers={"Content-Type": "text/plain"}))
    first = live.crawlall(tmp_path, ["jiji"])
    referer = next(h.headers.get("Referer") for h in live.hits if h.url == ARTICLE)
    assert referer in (f"{JIJI}/", FEED), referer
    kept = json.loads((first.state / "validators" / "jiji.json").read_text(encoding="utf-8"))["urls"]
    other = FEED if referer != FEED else f"{JIJI}/"
    assert referer not in kept and other in kept, kept
    live.routes.clear()
    live.reset_hits()
    second = live.crawlall(tmp_path, ["jiji"])
    assert second.exitcode == 0, second.log[-3000:]
    again = [h for h in live.hits if h.url == referer]
    assert len(again) == 1 and again[0].status == 200 and "If-None-Match" not in again[0].headers
    assert [h.status for h in live.hits if h.url == other] == [304]
    assert live.count(ARTICLE) == 1 and any(r["url"] == ARTICLE for r in second.records("jiji"))
