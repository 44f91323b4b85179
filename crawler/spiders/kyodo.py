"""Kyodo News English (english.kyodonews.net): ``scrapy crawl kyodo``.

Discovery: the homepage of the relaunched site (links ``/articles/-/<n>``, ``.top-news-main__ttl``)
and the "Kyodo News+" latest-news listing (``div.sec-latest > ul > li a``). Kyodo's RSS feeds
are gone (404), so none is crawled by default; a feed given with ``-a url=`` is still read by
the base spider. Page parsing lives in :mod:`crawler.sites.kyodo`.
"""
from __future__ import annotations

from collections.abc import Iterable

from scrapy.http import TextResponse

from crawler.sites.kyodo import ARTICLE_URL_RE, PAGE_CLASSES
from crawler.spiders.base import NewsSpider

#: listing selectors, most specific first (old site, new site); any article link as fallback
LISTING_CSS = (
    "div.sec-latest > ul > li a::attr(href)",
    ".top-news-main__ttl a::attr(href)",
    "a.top-news-main__ttl::attr(href)",
    ".top-news-main__ttl::attr(href)",
)


class KyodoSpider(NewsSpider):
    name = "kyodo"
    allowed_domains = ["english.kyodonews.net"]
    default_start_urls = [
        "https://english.kyodonews.net/",       # relaunched site (2025-): homepage blocks
        "https://english.kyodonews.net/news/",  # Kyodo News+ latest-news listing
    ]
    article_url_re = ARTICLE_URL_RE
    page_classes = PAGE_CLASSES

    def listing_links(self, response: TextResponse) -> Iterable[str]:
        """Site selectors first (they keep the page's order), then every article-shaped link."""
        seen: set[str] = set()
        for css in LISTING_CSS:
            for href in response.css(css).getall():
                url = clean_article_url(response.urljoin(href.strip()))
                if self.is_article_url(url) and url not in seen:
                    seen.add(url)
                    yield url
        for url in super().listing_links(response):
            url = clean_article_url(url)
            if url not in seen:
                seen.add(url)
                yield url


def clean_article_url(url: str) -> str:
    """Kyodo article URLs carry no meaningful query: drop tracking parameters and fragments."""
    return url.split("#", 1)[0].split("?", 1)[0]
