"""BoundedAutoThrottle: Scrapy's AutoThrottle, but one slow response cannot hold a site.

Scrapy 2.19's AutoThrottle (``scrapy.extensions.throttle``) sets a slot's delay from the newest
latency alone and never lowers it after a non-200 answer: after one 10 s page the site's delay
sat near 10 s, halving once a page, and a 21-hop redirect chain after it took 190 s. This
subclass keeps each slot's last ``AUTOTHROTTLE_WINDOW`` latencies and takes the delay from
their lower median (:func:`crawler.politeness.rules.throttle_delay`): one slow page among fast
ones moves nothing, a server that stays slow raises the delay (at most doubling it an answer),
and redirects and 304s lower it like 200s. The floor of a slot is the larger of
``DOWNLOAD_DELAY`` and its robots.txt Crawl-delay (``DOWNLOAD_SLOTS`` delay, set by
:class:`crawler.politeness.crawldelay.CrawlDelayMiddleware`).

Registered in ``EXTENSIONS`` in place of ``scrapy.extensions.throttle.AutoThrottle``; the same
``AUTOTHROTTLE_*`` settings switch and tune it, plus ``AUTOTHROTTLE_WINDOW``.
"""
from __future__ import annotations

from collections import deque

from scrapy.extensions.throttle import AutoThrottle

from crawler.politeness.rules import throttle_delay


class BoundedAutoThrottle(AutoThrottle):
    """AutoThrottle over a bounded window of latencies per slot (see the module doc)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.window_size = max(1, crawler.settings.getint("AUTOTHROTTLE_WINDOW", 5))
        self.windows: dict[str, deque] = {}
        self._key: str | None = None

    def _slot_floor(self, key: str) -> float:
        per_slot = self.crawler.engine.downloader.per_slot_settings.get(key) or {}
        return max(self.mindelay, float(per_slot.get("delay", 0.0) or 0.0))

    def _response_downloaded(self, response, request, spider) -> None:
        key = request.meta.get("download_slot")
        latency = request.meta.get("download_latency")
        if key is not None and latency is not None and not request.meta.get("autothrottle_dont_adjust_delay"):
            self.windows.setdefault(key, deque(maxlen=self.window_size)).append(float(latency))
        self._key = key   # read by _adjust_delay, which Scrapy calls with the slot only
        super()._response_downloaded(response, request, spider)

    def _adjust_delay(self, slot, latency, response) -> None:
        key = self._key
        window = self.windows.get(key) if key is not None else None
        new = throttle_delay(slot.delay, window or [latency], target_concurrency=self.target_concurrency,
                             min_delay=self._slot_floor(key) if key is not None else self.mindelay,
                             max_delay=self.maxdelay, start_delay=self._start_delay(), status=response.status)
        if new is not None:
            slot.delay = new
