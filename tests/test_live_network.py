"""Issue 20 (network): each scenario of points 4 and 5 on the local HTTPS server (tests/liveserver.py).

The crawls are ``scrapy crawlall <spider>`` through the real downloader, as cron runs them.
"""
from __future__ import annotations

import pytest

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
