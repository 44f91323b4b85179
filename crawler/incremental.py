"""Incremental runs: skip article links and seeds an earlier run already wrote.

A downloader middleware: a request the spider marked as an article link (``meta["article"]``)
or as a seed given by the user (``-a url=``/``-a urls_file=``, ``meta["incremental"]``) whose
URL is in ``STATE_DIR/seen.sqlite`` is dropped before download (``incremental/known_skipped``,
as :class:`KnownPage`), unless its feed, sitemap or seed line gives a newer ``lastmod``.
Default start URLs (feeds, home pages) are never checked: they are read every run.
URLs are recorded when the JSONL writer reports the line on disk (``item_written``).
Setting ``INCREMENTAL`` (default True); ``-s INCREMENTAL=False`` re-fetches everything (the
dedupe state still writes only new or changed articles).
"""
from __future__ import annotations

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler import signals as our_signals
from crawler.state import SeenStore


class KnownPage(IgnoreRequest):
    """A page an earlier run already wrote, skipped before download."""


class IncrementalMiddleware:
    def __init__(self, crawler):
        if not crawler.settings.getbool("INCREMENTAL", True):
            raise NotConfigured("INCREMENTAL is off")
        self.crawler = crawler
        self.store: SeenStore | None = None
        crawler.signals.connect(self.item_written, signal=our_signals.item_written)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _store(self) -> SeenStore:
        if self.store is None:
            self.store = SeenStore(self.crawler.settings.get("STATE_DIR") or ".state")
        return self.store

    def process_request(self, request, spider=None):
        meta = request.meta
        if not (meta.get("incremental") or (meta.get("article") and not meta.get("seed"))):
            return None
        if self._store().should_fetch(request.url, meta.get("lastmod")):
            return None
        self.crawler.stats.inc_value("incremental/known_skipped")
        raise KnownPage(f"already written in an earlier run: {request.url}")

    def item_written(self, item, record, spider=None):
        if record.get("kind") != "article":
            return
        self._store().mark([record.get("url"), record.get("canonical_url")], item.hints.get("lastmod"))

    def spider_closed(self, spider):
        if self.store is not None:
            self.store.close()
            self.store = None
