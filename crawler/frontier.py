"""Flat memory on big discovery pages: a spider middleware that queues links only as they are needed.

Scrapy takes every request a callback yields at once: a 50,000-URL sitemap becomes 50,000
requests in the scheduler's memory (~1 KB each, 50 MB), a sitemap index of 30 such files a
gigabyte. This middleware (the last before the engine, so every other middleware has seen
each request) lets a page's requests through until the scheduler holds
``max(100, 4 x CONCURRENT_REQUESTS)`` of them; then it *parks* the rest of that page's output,
an unread generator (the sitemap is read as a stream, see
:func:`crawler.extract.feeds.iter_sitemap`), and hands out more whenever the scheduler runs low
and when the spider would otherwise go idle. The order of a page's links is kept; parked pages
are drained first in, first out. Stats: ``frontier/parked`` (pages parked),
``frontier/fed`` (requests handed out later).

Not used with ``JOBDIR`` (Scrapy's disk queue already keeps requests out of memory, and a
paused job must find every request it read in that queue) nor where the scheduler keeps no
local count (a Redis frontier): there it lets everything through, as Scrapy does.
"""
from __future__ import annotations

import logging
from collections import deque

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.job import job_dir
from twisted.python.failure import Failure

logger = logging.getLogger(__name__)


class FrontierMiddleware:
    def __init__(self, crawler):
        if job_dir(crawler.settings):
            raise NotConfigured("JOBDIR keeps the queue on disk")
        self.crawler = crawler
        self.stats = crawler.stats
        self.limit = max(100, 4 * crawler.settings.getint("CONCURRENT_REQUESTS", 16))
        self.parked: deque = deque()  # (iterator, response)
        self._feeding = False
        crawler.signals.connect(self.request_left_downloader, signal=signals.request_left_downloader)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def backlog(self) -> int:
        get = self.stats.get_value
        return max(0, int(get("scheduler/enqueued", 0)) - int(get("scheduler/dequeued", 0)))

    # ------------------------------------------------------------------ output
    def _park(self, it, response) -> None:
        self.parked.append((it, response))
        self.stats.inc_value("frontier/parked")

    def _full(self, passed: int) -> bool:
        return passed >= self.limit and self.backlog() >= self.limit

    def process_spider_output(self, response, result, spider=None):
        it = iter(result)
        passed = 0
        for x in it:
            yield x
            if isinstance(x, Request):
                passed += 1
                if self._full(passed):
                    self._park(it, response)
                    return

    async def process_spider_output_async(self, response, result, spider=None):
        it = result.__aiter__()
        passed = 0
        async for x in it:
            yield x
            if isinstance(x, Request):
                passed += 1
                if self._full(passed):
                    self._park(it, response)
                    return

    # ------------------------------------------------------------------ feeding
    def feed(self) -> None:
        """Start handing parked requests to the engine (until the scheduler holds ``limit``)."""
        if not self._feeding and self.parked:
            self._feeding = True
            deferred_from_coro(self._feed())

    async def _next(self, it):
        if hasattr(it, "__anext__"):
            return await it.__anext__()
        return next(it)

    async def _feed(self) -> None:
        fed = 0
        engine = self.crawler.engine
        try:
            while self.parked and self.backlog() < self.limit and engine.spider is not None:
                it, response = self.parked[0]
                try:
                    x = await self._next(it)
                except (StopIteration, StopAsyncIteration):
                    self.parked.popleft()
                    continue
                except Exception:  # noqa: BLE001 - the callback failed half-way: reported as Scrapy does
                    self.parked.popleft()
                    engine.scraper.handle_spider_error(Failure(), response.request, response)
                    continue
                if isinstance(x, Request):
                    engine.crawl(x)
                    fed += 1
                elif x is not None:
                    await engine.scraper.start_itemproc_async(x, response=response)
        finally:
            self._feeding = False
            if fed:
                self.stats.inc_value("frontier/fed", fed)

    def request_left_downloader(self, request=None, spider=None):
        if self.parked and self.backlog() < self.limit // 2:
            self.feed()

    def spider_idle(self, spider=None):
        if self.parked:
            self.feed()
            raise DontCloseSpider

    def spider_closed(self, spider=None, reason=None):
        if self.parked:
            logger.info("frontier: %d pages' links were still parked when the spider closed (%s)",
                        len(self.parked), reason)
        self.parked.clear()
