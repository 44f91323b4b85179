"""``log_count/<LEVEL>`` per crawler: each spider counts its own log lines, not the process's.

Scrapy's LogCount extension puts one handler per crawler on the root logger and every handler
counts every record, so in ``scrapy crawlall`` one spider's errors were counted by all of them
and healthy spiders failed the ``error`` rule. This replaces it (``EXTENSIONS``:
``scrapy.extensions.logcount.LogCount: None``) with one process-wide handler that gives each
record to the crawler it belongs to:

1. the record's ``spider`` or ``crawler`` attribute (``extra={"spider": ...}``, which Scrapy's
   engine, scraper, retry and spider loggers set);
2. else the calling code: the nearest frame whose ``self.crawler``, ``crawler`` or ``spider``
   is a crawler of this process (a middleware, pipeline or extension logging without
   ``extra``), for WARNING and above only (cheap: such lines are few);
3. else the only crawler of the process, when there is one (a lone ``scrapy crawl``);
4. else nobody: the record is counted in :data:`ROUTER` ``.unattributed``, which
   ``scrapy crawlall`` reports beside the spiders (and fails on, for ERROR and above),
   naming no spider.

Each crawler counts records at or above its ``LOG_LEVEL``, as Scrapy's handler did.
"""
from __future__ import annotations

import logging
import sys
import weakref
from collections import Counter
from typing import Any

from scrapy import signals

#: frames searched for the calling component of a record without spider/crawler
MAX_FRAMES = 40


class CrawlerLogRouter(logging.Handler):
    """The process-wide handler: ``log_count/<LEVEL>`` in the stats of each record's crawler."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.levels: "weakref.WeakKeyDictionary[Any, int]" = weakref.WeakKeyDictionary()
        self.open: "weakref.WeakSet[Any]" = weakref.WeakSet()
        self.unattributed: Counter[str] = Counter()

    # -- registry ------------------------------------------------------------------------
    def add(self, crawler: Any, level: int) -> None:
        self.levels[crawler] = level
        self.open.add(crawler)
        if self not in logging.root.handlers:
            logging.root.addHandler(self)

    def closed(self, crawler: Any) -> None:
        """CRAWLER stays known (its late lines are still its own) but is no longer 'the only one'."""
        self.open.discard(crawler)

    # -- attribution ---------------------------------------------------------------------
    def _known(self, obj: Any) -> Any:
        if obj is None:
            return None
        try:
            if obj in self.levels:
                return obj
        except TypeError:  # unhashable
            return None
        crawler = getattr(obj, "crawler", None)  # a Spider
        try:
            return crawler if crawler is not None and crawler in self.levels else None
        except TypeError:
            return None

    def _from_stack(self) -> Any:
        frame = sys._getframe(2)
        for _ in range(MAX_FRAMES):
            if frame is None:
                return None
            local = frame.f_locals
            for name in ("self", "crawler", "spider"):
                obj = local.get(name)
                if obj is None:
                    continue
                found = self._known(obj)  # a crawler, a spider, or a component with .crawler
                if found is not None:
                    return found
            frame = frame.f_back
        return None

    def owner(self, record: logging.LogRecord) -> Any:
        found = self._known(getattr(record, "spider", None)) or self._known(getattr(record, "crawler", None))
        if found is not None:
            return found
        if record.levelno >= logging.WARNING:
            found = self._from_stack()
            if found is not None:
                return found
        open_now = list(self.open)
        if len(open_now) == 1:
            return open_now[0]
        if len(self.levels) == 1:
            return next(iter(self.levels.keys()))
        return None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            crawler = self.owner(record)
            if crawler is None:
                self.unattributed[record.levelname] += 1
            elif record.levelno >= self.levels.get(crawler, logging.NOTSET):
                crawler.stats.inc_value(f"log_count/{record.levelname}")
        except Exception:  # noqa: BLE001 - counting must never break logging
            self.handleError(record)


#: The one handler of the process (every crawler of ``crawlall`` registers with it).
ROUTER = CrawlerLogRouter()


def unattributed_errors() -> int:
    """ERROR and CRITICAL records of this process that belong to no crawler."""
    return ROUTER.unattributed["ERROR"] + ROUTER.unattributed["CRITICAL"]


class SpiderLogCount:
    """Register the crawler with :data:`ROUTER` when it is built (so errors of its components'
    start-up count too); its lines stay its own after it closes."""

    def __init__(self, crawler):
        level = crawler.settings.get("LOG_LEVEL") or "DEBUG"
        level = logging.getLevelName(level) if isinstance(level, str) else int(level)
        ROUTER.add(crawler, level if isinstance(level, int) else logging.DEBUG)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider, reason):
        ROUTER.closed(self.crawler)
