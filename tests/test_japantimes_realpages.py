"""The real saved Japan Times homepage (2019) and top-stories feed (2017) parse into the right
article links. The expectations are computed here from the raw files with plain regexes, not
taken from the parser. Skipped only when ../shared/realpages is not there."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.sites import japantimes as jt

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "realpages"
HOME = REAL / "japantimes_2019_homepage.html"
FEED = REAL / "japantimes_2017_feed_topstories.xml"

#: the six top-level sections of the jt_theme era, a date path and a slug
DATE_ARTICLE = re.compile(
    r'^https?://www\.japantimes\.co\.jp/(?:news|opinion|life|culture|sports|community)/\d{4}/\d{2}/\d{2}/[^"#?]+$')


@pytest.mark.skipif(not HOME.exists(), reason="../shared/realpages/japantimes_2019_homepage.html is not present")
def test_real_homepage_article_links():
    html = HOME.read_text(encoding="utf-8")
    # real anchors only (href="…"); the single-quoted hrefs inside data-fresco-caption are not links
    hrefs = re.findall(r'<a\b[^>]*?\shref="([^"]+)"', html)
    expected = {h.split("#", 1)[0].replace("http://", "https://", 1) for h in hrefs
                if DATE_ARTICLE.match(h.split("#", 1)[0])}
    assert len(expected) > 50  # the capture has several dozen date-path articles

    links = jt.listing_links(html, "https://www.japantimes.co.jp/")
    assert len(links) == len(set(links))
    assert set(links) == expected
    assert all(u.startswith("https://www.japantimes.co.jp/") for u in links)
    for skipped in ("/archive/", "/n2u/", "/jnu/", "/multimedia/", "/announcements/"):
        assert not any(skipped in u for u in links), skipped
    # the sponsored, multimedia and calendar links the page does carry were really left out
    assert any("/n2u/" in h for h in hrefs) and any("/jnu/" in h for h in hrefs)
    assert any(re.search(r"\.co\.jp/\d{4}/\d{2}/\d{2}/$", h) for h in hrefs)

    # the Top News teasers (the first data-tb-region block) come first, in page order
    top = html.split('data-tb-region="Top News"', 1)[1].split("data-tb-region=", 1)[0]
    top_links = re.findall(r'<hgroup>.*?<p>\s*<a href="([^"]+)"', top, flags=re.S)
    assert len(top_links) == 4
    assert links[:4] == top_links


@pytest.mark.skipif(not FEED.exists(), reason="../shared/realpages/japantimes_2017_feed_topstories.xml is not present")
def test_real_feed_article_links():
    body = FEED.read_bytes()
    items = re.findall(rb"<item>(.*?)</item>", body, flags=re.S)
    raw_links = [re.search(rb"<link>\s*([^<\s]+)\s*</link>", it).group(1).decode() for it in items]
    assert len(raw_links) == 118
    assert all(u.startswith("http://www.japantimes.co.jp/") for u in raw_links)  # as the 2017 feed gives them
    assert not any(b"<pubDate>" in it for it in items)  # and no item dates: the URL path is the date

    expected = [u.replace("http://", "https://", 1) for u in raw_links]
    assert jt.feed_links(body) == expected
    assert all(jt.url_day(u) for u in expected)


@pytest.mark.skipif(not HOME.exists(), reason="../shared/realpages/japantimes_2019_homepage.html is not present")
def test_real_homepage_is_a_listing_not_an_article():
    from parsel import Selector

    html = HOME.read_text(encoding="utf-8")
    assert "<article" in html  # it is full of teaser <article>s with long excerpts
    assert jt.looks_like_article(Selector(text=html), "https://www.japantimes.co.jp/") is False
