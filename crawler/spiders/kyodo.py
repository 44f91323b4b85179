"""Kyodo News English (english.kyodonews.net): ``scrapy crawl kyodo``.

Default discovery reads what the relaunched site ("Japan Wire by Kyodo News") serves: the
homepage blocks, the RSS feed the pages link to (``/list/feed/rss4kyodonews-fzone``), the latest
and section lists (``/list/news``, ``/list/news/<section>``) and the partner lists
(``/list/partners/<agency>``). Listing links are cleaned as a browser cleans them (the site
prints hrefs with stray whitespace and a literal TAB); with ``-a since=`` a listing link whose
printed date ("11 hours ago", ``Sep 26,2026``, the ``time`` beside it) is older is skipped and
counted. Page parsing lives in :mod:`crawler.sites.kyodo`.
"""
from __future__ import annotations

from collections.abc import Iterable

from scrapy.http import TextResponse

from crawler.sites.kyodo import ARTICLE_URL_RE, PAGE_CLASSES, article_url, clean_href, listing_day, listing_entries
from crawler.spiders.base import NewsSpider, page_selector

BASE = "https://english.kyodonews.net"
#: the sections of the homepage's category boxes and the partners of its Partners block
SECTIONS = ("japan", "world", "sports", "feature", "arts", "travel-tourism")
PARTNERS = ("yonhap", "reuters", "apnews", "animate")


class KyodoSpider(NewsSpider):
    name = "kyodo"
    allowed_domains = ["english.kyodonews.net"]
    default_start_urls = [
        f"{BASE}/",
        f"{BASE}/list/feed/rss4kyodonews-fzone",
        f"{BASE}/list/news",
        *(f"{BASE}/list/news/{s}" for s in SECTIONS),
        *(f"{BASE}/list/partners/{p}" for p in PARTNERS),
    ]
    article_url_re = ARTICLE_URL_RE
    page_classes = PAGE_CLASSES

    def seed_url(self, url: str) -> str:
        return clean_href(url) or url

    def is_article_url(self, url: str) -> bool:
        return article_url(url) is not None

    def looks_like_article(self, response: TextResponse) -> bool:
        """Not ``og:type``: the homepage says "article" too. An article has NewsArticle JSON-LD
        or the relaunched site's article header and body."""
        sel = page_selector(response)
        if sel.xpath('//script[@type="application/ld+json"][contains(., "NewsArticle")]'):
            return True
        return bool(sel.css("h1.article-ttl") and sel.css("div.article-body__inner, div.article-body"))

    def listing_links(self, response: TextResponse) -> Iterable[str]:
        """The site's blocks first (they keep the page's order), then every article-shaped link;
        with ``since``, links dated before it are skipped."""
        fetched_at = response.meta.get("fetched_at")
        for entry in listing_entries(page_selector(response), response.url):
            if self.since:
                day = listing_day(entry, fetched_at)
                if day and day < self.since:
                    self.crawler.stats.inc_value("discovery/listing_older_than_since")
                    continue
            yield entry.url

    def follow_article(self, response, url, lastmod=None, **cb_kwargs):
        """Feed and listing links cleaned the same way (whitespace, tabs, queries, fragments)."""
        return super().follow_article(response, article_url(url, response.url) or clean_href(url) or url,
                                      lastmod=lastmod, **cb_kwargs)

    def parse_article(self, response, entry=None):
        """An article page gives its item. Contracts for ``scrapy check`` (fixtures/ replayed, README):

        @url https://english.kyodonews.net/articles/-/91201
        @returns items 1 1
        @returns requests 0 0
        @fields headline body date_published_raw item_id language publisher section
        """
        return super().parse_article(response, entry)
