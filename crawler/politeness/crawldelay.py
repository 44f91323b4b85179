"""CrawlDelayMiddleware: the ``Crawl-delay`` of each host's robots.txt is honoured.

Scrapy's RobotsTxtMiddleware parses robots.txt with protego, which reads ``Crawl-delay``, but
nothing in Scrapy uses it: requests went out ~0.9 s apart under ``Crawl-delay: 5``. This
middleware listens to ``robots_parsed``, keeps the delay protego reads for our user agent, and
before each request to that host sets its downloader slot's delay to the larger of it and
``DOWNLOAD_DELAY`` (held to ``CRAWL_DELAY_MAX``), without the ±jitter that would go below it.
The floor is also put in the downloader's per-slot settings (``DOWNLOAD_SLOTS``), where
:class:`crawler.politeness.throttle.BoundedAutoThrottle` reads it: AutoThrottle never lowers
the delay of such a host under its Crawl-delay.

Placed right after RobotsTxtMiddleware (100) in ``DOWNLOADER_MIDDLEWARES``: when a request
reaches it, its host's robots.txt has been read. Off with ``ROBOTSTXT_OBEY = False`` or
``CRAWL_DELAY_ENABLED = False`` (replay and WARC input set it: nobody to be polite to).
Stats: ``robotstxt/crawl_delay/hosts`` (hosts with a Crawl-delay), ``robotstxt/crawl_delay/capped``.
"""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.politeness.rules import crawl_delay_floor

logger = logging.getLogger(__name__)


class CrawlDelayMiddleware:
    """Sets a host's downloader slot delay to max(DOWNLOAD_DELAY, its robots.txt Crawl-delay)."""

    def __init__(self, crawler):
        s = crawler.settings
        if not s.getbool("ROBOTSTXT_OBEY") or not s.getbool("CRAWL_DELAY_ENABLED", True):
            raise NotConfigured
        self.crawler = crawler
        self.useragent = s.get("ROBOTSTXT_USER_AGENT") or s.get("USER_AGENT") or "*"
        self.download_delay = s.getfloat("DOWNLOAD_DELAY")
        self.cap = s.getfloat("CRAWL_DELAY_MAX", 30.0)
        self.delays: dict[str, float] = {}   # host -> delay to apply (only hosts with a Crawl-delay)
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def robots_parsed(self, robotparser, request, **kw) -> None:
        host = (urlsplit(request.url).hostname or "").lower()
        reader = getattr(robotparser, "crawl_delay", None)
        try:
            given = reader(self.useragent) if reader is not None else None
        except Exception:  # noqa: BLE001 - a parser without the notion: no Crawl-delay
            given = None
        delay, capped = crawl_delay_floor(self.download_delay, given, self.cap)
        if given is None or given <= 0 or not host:
            return
        self.delays[host] = delay
        stats = self.crawler.stats
        stats.inc_value("robotstxt/crawl_delay/hosts")
        if capped:
            stats.inc_value("robotstxt/crawl_delay/capped")
            logger.warning("robots.txt of %s asks for Crawl-delay: %g s; held to CRAWL_DELAY_MAX = %g s",
                           host, given, self.cap)
        else:
            logger.info("robots.txt of %s: Crawl-delay %g s (requests to it at least %g s apart)", host, given, delay)

    def process_request(self, request, spider=None):
        if not self.delays:
            return None
        host = (urlsplit(request.url).hostname or "").lower()
        delay = self.delays.get(host)
        if delay is None:
            return None
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        downloader.per_slot_settings.setdefault(key, {}).update({"delay": delay, "jitter": 0.0})
        slot = downloader.slots.get(key)
        if slot is not None and (slot.delay < delay or slot.jitter):
            slot.delay = max(slot.delay, delay)
            slot.jitter = 0.0
        return None
