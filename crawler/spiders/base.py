"""NewsSpider: discovery (feeds, sitemaps, listings, ``-a url=``) and page dispatch.

Site spiders stay thin: they name their page classes (layout variants, most specific first,
a generic one last), their default start URLs, and how to recognise an article URL.
Arguments every spider accepts:

* ``-a url=URL``        one page: an article, a listing, a feed or a sitemap; it is parsed as
                        what it is and what it links to is followed.
* ``-a urls_file=PATH`` one URL per line (``#`` comments allowed).
* ``-a since=YYYY-MM-DD`` back-fill: sitemap/feed entries older than this are skipped.
"""
from __future__ import annotations

import codecs
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import unquote, urlparse

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.selector import Selector
from scrapy.utils.response import get_base_url
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.extract.feeds import FeedEntry, parse_feed, parse_sitemap, sniff
from crawler.items import Article
from crawler.sites.base import ArticlePage, PageSelector, choose_page


_ASCII_WS = " \t\n\r\x0b\x0c"


def _valid_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def page_selector(response: TextResponse) -> Selector:
    """``response.selector``, built once, and from the body bytes when that gives the same tree.

    Scrapy builds the selector from ``response.text``, which parsel encodes back to UTF-8 before
    lxml parses it: on a 190 KB page that round trip costs as much as half the parse. For an HTML
    response that is valid UTF-8 (no BOM, no exotic whitespace at either end) lxml is given the
    bytes directly; the tree is the same. The selector is cached on the response, so every later
    ``response.selector`` / ``response.css()`` / ``response.xpath()`` reuses it.
    """
    cached = getattr(response, "_cached_selector", None)
    if cached is not None:
        return cached
    body = response.body
    if body and type(response) is HtmlResponse and response.encoding == "utf-8" and not body.startswith(codecs.BOM_UTF8):
        text = response.text  # decoded once by Scrapy (w3lib), needed for the checks and base URL
        if text.strip() == text.strip(_ASCII_WS):  # parsel strips str whitespace, bytes strip only ASCII
            # the body must be valid UTF-8: w3lib replaces invalid bytes with U+FFFD, lxml would not.
            # A text without U+FFFD was decoded without a replacement, so only a text that has one
            # (a replacement, or a page that really contains U+FFFD) pays the strict decode.
            if "\ufffd" not in text or _valid_utf8(body):
                from parsel import Selector as ParselSelector

                base_url = get_base_url(response)
                root = ParselSelector(body=body, encoding="utf-8", type="html", base_url=base_url).root
                # no ``sel.response = response``: that reference cycle would keep each page's
                # tree alive until the cyclic GC runs, which lxml's C memory does not trigger
                sel = Selector(root=root, type="html", base_url=base_url)
                try:
                    response._cached_selector = sel
                except AttributeError:  # a future Scrapy without the cache slot: just don't cache
                    pass
                return sel
    return response.selector


class NewsSpider(scrapy.Spider):
    #: layout variants, most specific first; the last one is the fallback for unknown layouts
    page_classes: list[type[ArticlePage]] = [ArticlePage]
    #: default discovery (feeds, listings) for scheduled runs
    default_start_urls: list[str] = []
    #: regex an article URL matches (None: every same-site page link is a candidate)
    article_url_re: re.Pattern | None = None
    #: largest number of article links followed from one listing/feed/sitemap page
    max_links_per_page = 500

    def __init__(self, url: str | None = None, urls_file: str | None = None, since: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.url = url
        self.urls_file = urls_file
        self.since = since
        if since and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since):
            raise ValueError(f"since must be YYYY-MM-DD, got {since!r}")

    # ------------------------------------------------------------------ start
    def seed_urls(self) -> list[str]:
        return list(self.iter_seed_urls())

    def iter_seed_urls(self) -> Iterator[str]:
        """The seeds: ``-a url=``, else each line of ``-a urls_file=`` (read as the crawl goes, so
        a back-fill list of any length is never held in memory), else the default start URLs."""
        if self.url:
            yield self.seed_url(self.url)
        elif self.urls_file:
            with open(self.urls_file, encoding="utf-8") as fh:
                for line in fh:
                    line = line.strip()
                    if line and not line.startswith("#"):
                        yield self.seed_url(line)
        else:
            for url in self.default_start_urls:
                yield self.seed_url(url)

    def seed_url(self, url: str) -> str:
        """One seed as given, normalised (override per site)."""
        return url

    async def start(self) -> AsyncIterator[Any]:
        for url in self.iter_seed_urls():
            yield scrapy.Request(url, callback=self.parse, dont_filter=True, meta={"seed": True})

    # ------------------------------------------------------------------ dispatch
    def page_type(self, response: Response) -> str:
        """'atom'/'rss'/'rdf' (feed), 'sitemap'/'sitemapindex', 'article' or 'listing'."""
        kind = sniff(response.body)
        if kind:
            return kind
        if not isinstance(response, TextResponse):
            return "other"
        if self.is_article_url(response.url):
            return "article"
        return "article" if self.looks_like_article(response) else "listing"

    def is_article_url(self, url: str) -> bool:
        """Whether URL has the shape of an article; a percent-encoded slug (``mercurial%27s-…``)
        is also tried as it reads (``mercurial's-…``)."""
        rx = self.article_url_re
        if rx is None:
            return False
        return bool(rx.search(url) or ("%" in url and rx.search(unquote(url))))

    def looks_like_article(self, response: TextResponse) -> bool:
        """For URLs of unknown shape: article markers in the page."""
        sel = page_selector(response)
        if sel.xpath('//meta[@property="og:type"][@content="article"]'):
            return True
        if sel.xpath('//script[@type="application/ld+json"][contains(., "NewsArticle")]'):
            return True
        return bool(sel.xpath('//*[@itemprop="articleBody"] | //article//p[string-length(normalize-space()) > 200]'))

    def parse(self, response: Response, **kwargs):
        kind = self.page_type(response)
        self.crawler.stats.inc_value(f"pages/{kind}")
        if kind in ("atom", "rss", "rdf"):
            yield from self.parse_feed(response)
        elif kind in ("sitemap", "sitemapindex"):
            yield from self.parse_sitemap(response)
        elif kind == "article":
            yield from self.parse_article(response)
        elif kind == "listing":
            yield from self.parse_listing(response)

    # ------------------------------------------------------------------ discovery
    def follow_article(self, response: Response, url: str, lastmod: str | None = None, **cb_kwargs) -> scrapy.Request:
        """A request for an article page (incremental runs skip those already written)."""
        return response.follow(url, callback=self.parse_article, cb_kwargs=cb_kwargs or None,
                               errback=self.article_failed, meta={"article": True, "lastmod": lastmod})

    def listing_links(self, response: TextResponse) -> Iterable[str]:
        """Article links on a listing page (override for site selectors)."""
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if self.is_article_url(url):
                yield url

    def parse_listing(self, response: TextResponse):
        seen: set[str] = set()
        for url in self.listing_links(response):
            url = url.split("#", 1)[0]
            if url in seen or url == response.url:
                continue
            seen.add(url)
            if len(seen) > self.max_links_per_page:
                break
            yield self.follow_article(response, url)
        self.crawler.stats.inc_value("discovery/listing_links", len(seen))

    def keep_entry(self, entry: FeedEntry) -> bool:
        """Whether a feed entry's article should be fetched (``since`` filter)."""
        if not self.since:
            return True
        stamp = (entry.published or entry.updated or "")[:10]
        return not (re.fullmatch(r"\d{4}-\d{2}-\d{2}", stamp) and stamp < self.since)

    def parse_feed(self, response: Response):
        entries = parse_feed(response.body)
        if not entries:
            self.logger.warning("feed %s has no readable entries", response.url)
            self.crawler.stats.inc_value("discovery/empty_feed")
        for entry in entries[: self.max_links_per_page]:
            if not entry.link or not self.keep_entry(entry):
                continue
            self.crawler.stats.inc_value("discovery/feed_links")
            yield self.follow_article(response, entry.link, lastmod=entry.updated or entry.published, entry=entry)

    def parse_sitemap(self, response: Response):
        urls, children = parse_sitemap(response.body)
        for child in children:
            yield response.follow(child, callback=self.parse)
        for url, lastmod in urls[: self.max_links_per_page * 20]:
            if self.since and lastmod and lastmod[:10] < self.since:
                continue
            if self.article_url_re is None or self.is_article_url(url):
                yield self.follow_article(response, url, lastmod=lastmod)

    # ------------------------------------------------------------------ articles
    def page_for(self, response: TextResponse) -> ArticlePage:
        # variant checks and fields share its query cache; the page text (decoded once by Scrapy)
        # lets fields skip whole-page queries for elements the source does not mention
        sel = PageSelector.of(page_selector(response), text=response.text)
        cls = choose_page(self.page_classes, sel, response.url)
        return cls(sel, response.url, response.meta.get("fetched_at"))

    def parse_article(self, response: Response, entry: FeedEntry | None = None):
        if not isinstance(response, TextResponse):
            self.logger.warning("not a text page, skipped: %s", response.url)
            self.crawler.stats.inc_value("pages/not_text")
            return
        if sniff(response.body):  # a feed/sitemap reached through an article link
            yield from self.parse(response)
            return
        page = self.page_for(response)
        stats = self.crawler.stats
        stats.inc_value(f"pages/variant/{page.variant}")
        items = page.items()
        for name, err in page.errors:
            stats.inc_value(f"field/{name}/error")
        for item in items:
            item.hints.setdefault("lastmod", response.meta.get("lastmod"))
            if entry is not None:
                self.enrich_from_entry(item, entry)
            yield item
        # Scrapy's own response.selector points back at the response (a reference cycle): drop
        # the cached selector so the page's lxml tree is freed with the response, not whenever
        # the cyclic GC happens to run (peak RSS would otherwise wander with GC timing)
        try:
            response._cached_selector = None
        except AttributeError:
            pass

    def enrich_from_entry(self, item: Article, entry: FeedEntry) -> None:
        """Fill what the page lacks from the feed entry that linked it (override per site)."""
        if not item.date_published_raw and entry.published:
            item.date_published_raw = entry.published
        if not item.date_modified_raw and entry.updated:
            item.date_modified_raw = entry.updated

    def item_from_entry(self, entry: FeedEntry, failure) -> Article | None:
        """An item built from a feed entry alone when its page cannot be fetched (override)."""
        return None

    def article_failed(self, failure):
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # skipped on purpose: robots.txt, or written by an earlier run (incremental)
        request = failure.request
        self.crawler.stats.inc_value("pages/failed")
        self.logger.warning("article %s failed: %s", request.url, failure.value)
        entry = (request.cb_kwargs or {}).get("entry")
        if entry is not None:
            item = self.item_from_entry(entry, failure)
            if item is not None:
                self.crawler.stats.inc_value("items/from_feed_entry")
                yield item

    # ------------------------------------------------------------------ utils
    @staticmethod
    def host(url: str) -> str:
        return urlparse(url).netloc.lower()
