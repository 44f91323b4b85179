"""Jiji Press English (jen.jiji.com): ``scrapy crawl jiji``.

Discovery: the home page and genre listings (site link selectors + any article-URL link,
``p.link-more`` pagination up to ``max_listing_pages`` deep, and no deeper once every link of a
page is dated before ``-a since=``: the date is in the article key), the finance RSS feed,
``-a url=``.
Page parsing lives in :mod:`crawler.sites.jiji`.
"""
from __future__ import annotations

import html

import scrapy
from scrapy.http import TextResponse

from crawler.extract.feeds import FeedEntry
from crawler.items import Article
from crawler.sites import jiji
from crawler.spiders.base import NewsSpider


class JijiSpider(NewsSpider):
    name = "jiji"
    allowed_domains = ["jen.jiji.com", "www.jiji.com"]
    default_start_urls = [
        "https://jen.jiji.com/",
        "https://jen.jiji.com/rss/finance",
    ]
    article_url_re = jiji.ARTICLE_URL_RE
    page_classes = jiji.PAGE_CLASSES
    #: how many ``p.link-more`` pages are followed from a seed listing
    max_listing_pages = 3
    arguments = {**NewsSpider.arguments,
                 "feed_items": "1 (or true/yes): an item from the feed entry when its page fails; 0 (false/no): none"}
    argument_checks = {**NewsSpider.argument_checks, "feed_items": lambda v: None if str(v).strip().lower() in (
        "1", "true", "yes", "0", "false", "no", "") else "not a yes/no value; feed_items takes 1 or 0"}

    def seed_url(self, url: str) -> str:
        # a URL pasted from HTML may carry ``&amp;``; an article URL is normalised to https g&k
        return jiji.article_url(url) or html.unescape(url)

    def listing_links(self, response: TextResponse):
        return jiji.listing_article_links(response.selector, response.url, response.text)

    def parse_listing(self, response: TextResponse):
        yield from super().parse_listing(response)
        depth = response.meta.get("listing_depth", 0)
        if depth >= self.max_listing_pages or not self.older_pages_wanted(response):
            return
        for url in jiji.pagination_links(response.selector, response.url):
            yield scrapy.Request(url, callback=self.parse_listing, meta={"listing_depth": depth + 1})

    def follow_article(self, response, url: str, **cb_kwargs) -> scrapy.Request:
        request = super().follow_article(response, jiji.article_url(response.urljoin(url)) or url, **cb_kwargs)
        request.meta["feed_fetched_at"] = response.meta.get("fetched_at")
        return request

    def enrich_from_entry(self, item: Article, entry: FeedEntry) -> None:
        super().enrich_from_entry(item, entry)
        if not item.headline and entry.title:
            item.headline = jiji.strip_site_suffix(entry.title)

    def item_from_entry(self, entry: FeedEntry, failure) -> Article | None:
        """With ``-a feed_items=1``: a headline/date/teaser item when the article page fails.

        Off by default: such an item has no body, which the health floors count as layout drift.
        """
        if str(getattr(self, "feed_items", "")).lower() not in ("1", "true", "yes"):
            return None
        fetched_at = failure.request.meta.get("feed_fetched_at") if getattr(failure, "request", None) else None
        return jiji.entry_article(entry.link, entry.title, entry.published, entry.summary, fetched_at)

    def parse_article(self, response, entry=None):
        """An article page gives its item. Contracts for ``scrapy check`` (fixtures/ replayed, README):

        @url https://jen.jiji.com/jc/eng?g=eco&k=2026030300871
        @returns items 1 1
        @returns requests 0 0
        @fields headline body date_published_raw item_id language publisher dateline
        """
        return super().parse_article(response, entry)
