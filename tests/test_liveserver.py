"""The live-path harness (tests/liveserver.py) itself: the sites over HTTPS through the real downloader.

`scrapy crawlall` runs twice against the loopback server, reached through the
``TWISTED_DNS_RESOLVER`` setting only (no /etc/hosts, no proxy), with robots.txt, gzip,
redirects and validators served the way the sites serve them.
"""
from __future__ import annotations

import http.client
import ssl

from tests.liveserver import LiveServer, strip_structure

SPIDERS = ["conversation", "japantimes", "jiji", "kyodo", "republisher"]


def _get(live: LiveServer, host: str, path: str, headers: dict | None = None, scheme: str = "https"):
    if scheme == "https":
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection(live.ip, live.https_port, context=ctx, timeout=10)
    else:
        conn = http.client.HTTPConnection(live.ip, live.http_port, timeout=10)
    conn.request("GET", path, headers={"Host": host, **(headers or {})})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body


def test_server_answers_like_the_sites(live):
    status, headers, body = _get(live, "jen.jiji.com", "/rss/finance")
    assert status == 200 and body.startswith(b"<?xml") and headers["etag"] and headers["last-modified"]
    # a validator from this answer gets a 304, with no body
    status2, _, body2 = _get(live, "jen.jiji.com", "/rss/finance", {"If-None-Match": headers["etag"]})
    assert (status2, body2) == (304, b"")
    status3, _, _ = _get(live, "jen.jiji.com", "/rss/finance", {"If-Modified-Since": headers["last-modified"]})
    assert status3 == 304
    # gzip only when asked for
    _, gz, raw = _get(live, "jen.jiji.com", "/rss/finance", {"Accept-Encoding": "gzip"})
    assert gz.get("content-encoding") == "gzip" and raw[:2] == b"\x1f\x8b"
    # plain http redirects to https, a robots.txt is there for every host, unknown paths are 404
    status, headers, _ = _get(live, "jen.jiji.com", "/rss/finance", scheme="http")
    assert status == 301 and headers["location"] == "https://jen.jiji.com/rss/finance"
    assert _get(live, "english.kyodonews.net", "/robots.txt")[0] == 200
    assert _get(live, "english.kyodonews.net", "/no-such-page")[0] == 404
    assert [h.path for h in live.hits][:2] == ["/rss/finance", "/rss/finance"]


def test_crawlall_twice_through_the_real_downloader(live, tmp_path):
    live.redirect("https://jen.jiji.com/rss/finance", "https://jen.jiji.com/rss/finance?moved=1")
    live.route("https://jen.jiji.com/rss/finance?moved=1", live.fixture("https://jen.jiji.com/rss/finance"))
    first = live.crawlall(tmp_path)
    assert first.exitcode == 0, first.log[-4000:]
    assert sorted(first.reports) == SPIDERS
    for name in SPIDERS:
        assert first.report(name)["ok"], first.report(name)
        assert first.stat(name, "jsonl/written") > 0
        assert first.stat(name, "robotstxt/response_count") >= 1
    # every host asked for its robots.txt before any page, over TLS, by name
    seen: set[str] = set()
    for hit in live.hits:
        assert hit.scheme == "https"
        if hit.host not in seen:
            assert hit.path == "/robots.txt", f"{hit.host}: first request {hit.path}"
            seen.add(hit.host)
    assert {"theconversation.com", "english.kyodonews.net", "jen.jiji.com", "www.japantimes.co.jp"} <= seen
    assert first.stat("jiji", "downloader/response_status_count/301") == 1
    assert live.count("https://jen.jiji.com/rss/finance?moved=1") == 1
    assert sum(first.stat(n, "httpcompression/response_count") for n in SPIDERS) > 20  # gzip on the wire
    written = {n: len(first.records(n)) for n in SPIDERS}

    pages_before = len(live.hits)
    second = live.crawlall(tmp_path)  # the same STATE_DIR and OUTPUT_DIR: the next cron run
    assert second.exitcode == 0, second.log[-4000:]
    assert {n: len(second.records(n)) for n in SPIDERS} == written  # nothing written twice
    assert all(second.stat(n, "jsonl/written") == 0 for n in SPIDERS)
    assert len(live.hits) - pages_before < pages_before  # articles already written are not fetched again


def test_names_outside_the_table_never_resolve(tmp_path):
    with LiveServer(fixtures=None) as live:
        run = live.crawl("republisher", tmp_path, args={"url": "https://unknown-host.example/feed"})
        assert "DNSLookupError" in run.log or "DNS lookup failed" in run.log, run.log[-3000:]
        assert live.hits == []


def test_strip_structure_removes_what_selectors_use():
    page = (b'<html><head><script type="application/ld+json">{"@type": "NewsArticle"}</script>'
            b'<meta property="og:title" content="T"></head><body><div class="article-body" id="main" '
            b'data-x="1"><p itemprop="articleBody">Text</p></div></body></html>')
    out = strip_structure(page)
    assert b"ld+json" not in out and b"og:title" not in out and b"class=" not in out and b"itemprop" not in out
    assert b"<p>Text</p>" in out and b"<div>" in out
