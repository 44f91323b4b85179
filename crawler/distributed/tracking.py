"""DistributedSpiderMiddleware: start requests through the shared dupefilter; each response is
tracked (in flight) until every item it yielded went through the pipelines."""
from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.exceptions import NotConfigured

from crawler.distributed.common import redis_url

if TYPE_CHECKING:
    from crawler.distributed.coordinator import DistributedCoordinator


class DistributedSpiderMiddleware:
    """Start requests go through the shared dupefilter; responses are tracked until their items are done."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not redis_url(crawler.settings):
            raise NotConfigured
        return cls(crawler)

    @property
    def tracker(self) -> "DistributedCoordinator | None":
        return getattr(self.crawler, "_distributed_coordinator", None)

    async def process_start(self, start):
        tracker = self.tracker
        if tracker:
            tracker.starting(True)
        try:
            async for x in start:
                if isinstance(x, Request) and x.dont_filter:
                    x = x.replace(dont_filter=False)  # N workers, same seeds: fetched once
                yield x
        finally:
            if tracker:
                tracker.starting(False)

    def _rid(self, response):
        req = getattr(response, "request", None)
        return req.meta.get("_dist_id") if req is not None else None

    def process_spider_output(self, response, result, spider=None):
        rid, tracker = self._rid(response), self.tracker
        if not rid or tracker is None:
            yield from result
            return
        tracker.begin(rid)
        try:
            for x in result:
                if not isinstance(x, Request):
                    tracker.own(x, rid)
                yield x
        finally:
            tracker.end(rid)

    async def process_spider_output_async(self, response, result, spider=None):
        rid, tracker = self._rid(response), self.tracker
        if not rid or tracker is None:
            async for x in result:
                yield x
            return
        tracker.begin(rid)
        try:
            async for x in result:
                if not isinstance(x, Request):
                    tracker.own(x, rid)
                yield x
        finally:
            tracker.end(rid)
