"""The Conversation spider: edition Atom feeds, section feeds, sitemaps, topic listings, articles.

    scrapy crawl conversation                                   # edition feeds (EDITIONS)
    scrapy crawl conversation -a editions=uk,fr                 # other editions' feeds
    scrapy crawl conversation -a url=https://theconversation.com/sitemap.xml -a since=2026-01-01
    scrapy crawl conversation -a url=https://theconversation.com/<slug>-<id>

Parsing lives in crawler/sites/conversation.py; this file is discovery glue only.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse

from crawler.extract.feeds import FeedEntry, sniff
from crawler.items import Article
from crawler.sites import conversation as tc
from crawler.spiders.base import NewsSpider, SpiderArgumentError, page_selector

#: English-language editions whose ``/<edition>/articles.atom`` feeds are the default seeds.
#: Article URLs carry no edition, so an article in several editions is fetched once.
EDITIONS = ("uk", "us", "au", "africa", "ca", "nz")
#: every edition ``-a editions=`` accepts (those whose time zone and language we know)
KNOWN_EDITIONS = tuple(tc.EDITION_TZ)


def editions_problem(value) -> str | None:
    """Why ``-a editions=VALUE`` is refused (None: every name is a known edition)."""
    names = [e.strip().lower() for e in str(value).split(",") if e.strip()]
    if not names:
        return f"no edition named; editions takes a comma-separated list of {', '.join(KNOWN_EDITIONS)}"
    unknown = [e for e in names if e not in KNOWN_EDITIONS]
    if unknown:
        return (f"unknown edition{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                f"editions takes a comma-separated list of {', '.join(KNOWN_EDITIONS)}")
    return None


class ConversationSpider(NewsSpider):
    name = "conversation"
    allowed_domains = ["theconversation.com"]
    page_classes = tc.PAGE_CLASSES
    article_url_re = tc.ARTICLE_URL_RE

    arguments = {**NewsSpider.arguments,
                 "editions": f"comma-separated editions whose feeds are read: {', '.join(KNOWN_EDITIONS)}"}
    argument_checks = {**NewsSpider.argument_checks, "editions": lambda v: editions_problem(v)}

    def __init__(self, *args, editions: str | None = None, **kwargs):
        problem = self.arguments_problem({"editions": editions}) if editions is not None else None
        if problem:
            raise SpiderArgumentError(problem)
        super().__init__(*args, **kwargs)
        chosen = [e.strip().lower() for e in (editions or "").split(",") if e.strip()] or list(EDITIONS)
        self.default_start_urls = [f"{tc.SITE}/{e}/articles.atom" for e in chosen]
        self.feed_meta: dict[str, dict[str, Any]] = {}
        self.seeds_sent = 0
        self.seeds_refused = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.report_robots_refusal, signal=signals.spider_closed)
        return spider

    # ------------------------------------------------------------------ seeds + robots.txt
    def seed_request(self, seed) -> scrapy.Request:
        self.seeds_sent += 1
        return super().seed_request(seed)

    def seed_failed(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self.seeds_refused += 1
            self.crawler.stats.inc_value("robotstxt/refused_seeds")
            self.logger.warning("seed %s refused by robots.txt for our user agent", request.url)
            if self.seed_tracker is not None:
                self.seed_tracker.settle(request.meta.get("seed_line"))
            return None
        return super().seed_failed(failure)

    def report_robots_refusal(self, spider, reason=None):
        if spider is not self:
            return
        stats = self.crawler.stats
        forbidden = stats.get_value("robotstxt/forbidden") or 0
        if forbidden and not stats.get_value("item_scraped_count") and self.seeds_refused < self.seeds_sent:
            self.logger.error("robots.txt forbade %d requests and no item was scraped; check the site's "
                              "robots.txt rules for our USER_AGENT", forbidden)
        if self.seeds_sent and self.seeds_refused == self.seeds_sent:
            self.logger.error(
                "robots.txt refused every seed request (%d of %d): nothing was crawled. "
                "The Conversation's robots.txt disallows some user agents (e.g. 'Scrapy'); check "
                "USER_AGENT / ROBOTSTXT_USER_AGENT. Stats robotstxt/refused_seeds=%d, robotstxt/forbidden=%s",
                self.seeds_refused, self.seeds_sent, self.seeds_refused,
                self.crawler.stats.get_value("robotstxt/forbidden"),
            )

    # ------------------------------------------------------------------ discovery
    def is_article_url(self, url: str) -> bool:
        return tc.is_article_url(url)

    def looks_like_article(self, response: TextResponse) -> bool:
        """For URLs not shaped like an article: the article template's markers only (topic and
        section pages have long teaser paragraphs inside ``<article>`` elements)."""
        sel = page_selector(response)  # the one parse page_for uses too
        if sel.css("article#article, [itemprop=articleBody]"):
            return True
        return bool(sel.xpath('//meta[@property="og:type"][@content="article"]'))

    def listing_links(self, response: TextResponse) -> Iterable[str]:
        """``a.article-link`` first, then any link shaped like an article URL."""
        hrefs = response.css("a.article-link::attr(href)").getall()
        hrefs += response.css("a::attr(href)").getall()
        seen: set[str] = set()
        for href in hrefs:
            url = tc.force_https(response.urljoin(href.strip()))
            if self.is_article_url(url):
                url = url.split("?", 1)[0].split("#", 1)[0]
                if url not in seen:
                    seen.add(url)
                    yield url

    def follow_article(self, response: Response, url: str, **cb_kwargs) -> scrapy.Request:
        cb_kwargs.setdefault("via", response.url)
        return super().follow_article(response, url, **cb_kwargs)

    def parse_feed(self, response: Response):
        info: dict[str, Any] = dict(tc.feed_info(response.body))
        info["fetched_at"] = response.meta.get("fetched_at")
        self.feed_meta[response.url] = info
        yield from super().parse_feed(response)

    def parse_article(self, response: Response, entry: FeedEntry | None = None, via: str | None = None):
        """An article page gives its item. Contracts for ``scrapy check`` (fixtures/ replayed, README):

        @url https://theconversation.com/britain-has-some-of-the-worlds-highest-tides-why-has-it-never-built-a-tidal-lagoon-301544
        @returns items 1 1
        @returns requests 0 0
        @fields headline body date_published_raw item_id language publisher authors images doi license
        """
        if isinstance(response, TextResponse) and not sniff(response.body) and not self.is_article_url(response.url) \
                and not self.looks_like_article(response):
            yield from self.parse_listing(response)  # e.g. a topic page linked from a sitemap
            return
        section = self.section_via(via)
        for item in super().parse_article(response, entry=entry):
            if isinstance(item, Article) and item.kind == "article":
                if section and not item.section:
                    item.section = section
            yield item

    def section_via(self, via: str | None) -> str | None:
        if not via:
            return None
        return tc.section_from_url(via, (self.feed_meta.get(via) or {}).get("title"))

    def enrich_from_entry(self, item: Article, entry: FeedEntry) -> None:
        # a day-only page value (meta pubdate "YYYYMMDD") yields to the entry's full timestamp
        if entry.published and item.date_published_raw and re.fullmatch(r"\d{8}", item.date_published_raw):
            cands = item.hints.setdefault("date_published_candidates", [])
            cands.insert(0, item.date_published_raw)
            item.date_published_raw = None
        super().enrich_from_entry(item, entry)
        if not item.description and entry.summary:
            item.description = entry.summary
        if not item.license and entry.rights:
            item.license = tc.licence_from_rights(entry.rights)
        if entry.authors:
            fallback = tc.article_from_entry(entry)
            if fallback is not None:
                item.authors = tc.merge_authors(item.authors, fallback.authors)

    def article_failed(self, failure):
        """Like the base, but an article page refused by robots.txt still gets its item from the
        feed entry (the feed itself was allowed and carries the whole text); an incremental skip
        (also an IgnoreRequest) stays silent."""
        request = failure.request
        entry = (request.cb_kwargs or {}).get("entry")
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value) and entry is not None:
            self.crawler.stats.inc_value("robotstxt/forbidden_articles_from_feed")
            item = self.item_from_entry(entry, failure)
            if item is not None:
                self.crawler.stats.inc_value("items/from_feed_entry")
                yield item
            return
        yield from super().article_failed(failure)

    def item_from_entry(self, entry: FeedEntry, failure) -> Article | None:
        via = (failure.request.cb_kwargs or {}).get("via")
        info = self.feed_meta.get(via) or {}
        # the entry's text was fetched with the feed, so the feed's fetch time is the item's
        return tc.article_from_entry(entry, feed_url=via, feed_title=info.get("title"), feed_lang=info.get("lang"),
                                     fetched_at=info.get("fetched_at"))

    def keep_sitemap_child(self, url: str, lastmod: str | None) -> bool:
        """Like the base, but ``sitemap_archive_<year>.xml`` children older than ``since`` are
        skipped by their year (the index's own lastmod values are all "today")."""
        m = re.search(r"sitemap_archive_(\d{4})\.xml", url)
        if self.since_day and m and int(m.group(1)) < self.since_day.year:
            self.crawler.stats.inc_value("discovery/sitemaps_skipped_since")
            return False
        return super().keep_sitemap_child(url, lastmod)

    def sitemap_link(self, url: str) -> str | None:
        return tc.force_https(url) if self.is_article_url(url) else None
