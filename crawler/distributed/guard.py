"""RedisGuard: the first Redis connection error anywhere becomes one clear error and a clean stop."""
from __future__ import annotations

from crawler.distributed.common import REDIS_ERRORS, logger, mask_url, redis_url


class RedisGuard:
    """Turns the first Redis connection error into one clear error and a clean stop."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.down: BaseException | None = None
        self.url = mask_url(redis_url(crawler.settings))

    @classmethod
    def of(cls, crawler) -> "RedisGuard":
        guard = getattr(crawler, "_redis_guard", None)
        if guard is None:
            guard = crawler._redis_guard = cls(crawler)
        return guard

    def call(self, fn, where: str, default=None):
        """FN(), or DEFAULT when Redis is down already or goes down now (then :meth:`fail`)."""
        if self.down is not None:
            return default
        try:
            return fn()
        except REDIS_ERRORS as exc:
            self.fail(exc, where)
            return default

    def fail(self, exc: BaseException, where: str) -> None:
        if self.down is not None:
            return
        self.down = exc
        stats = self.crawler.stats
        stats.set_value("distributed/redis_error", f"{where}: {type(exc).__name__}: {exc}")
        logger.error(
            "Redis at %s is unreachable (%s: %s, in %s): this worker stops now and exits with code 1. "
            "Lines already written are complete; nothing is lost: start the same command again when "
            "Redis is back and the crawl resumes.", self.url, type(exc).__name__, exc, where)
        journal = getattr(self.crawler, "_distributed_journal", None)
        if journal is not None:   # before anything else ends: what was finished until now
            coordinator = getattr(self.crawler, "_distributed_coordinator", None)
            journal.redis_lost(list(coordinator.done) if coordinator is not None else [])
        engine = getattr(self.crawler, "engine", None)
        if engine is None or getattr(engine, "spider", None) is None:
            return
        self.drop_not_started(engine)
        from twisted.internet import reactor

        from scrapy.utils.defer import deferred_from_coro

        def close():
            if getattr(engine, "spider", None) is not None:
                deferred_from_coro(engine.close_spider_async(reason="redis_unavailable"))
        reactor.callLater(0, close)

    def drop_not_started(self, engine) -> int:
        """Requests waiting in the downloader's slot queues are not downloaded: each stays in this
        worker's in-flight hash in Redis, and its restart queues it again (fetched once, then);
        :class:`LossJournal` refuses the ones that reach the downloader later. Downloads already
        under way and answers in the callbacks finish: their pages are kept in the journal and
        processed on resume without a second fetch (``distributed/in_progress_at_loss``)."""
        from scrapy.exceptions import IgnoreRequest
        from twisted.python.failure import Failure

        slots = list(engine.downloader.slots.values())
        # everything the downloader holds (transfers, answers in its middlewares, robots.txt
        # waits) but the slot queues, and every answer in the spider's callbacks
        scraper = getattr(engine.scraper, "slot", None)
        in_progress = (len(engine.downloader.active) - sum(len(slot.queue) for slot in slots)
                       + ((len(scraper.queue) + len(scraper.active)) if scraper is not None else 0))
        dropped = 0
        for slot in slots:
            while slot.queue:
                request, dfd = slot.queue.popleft()
                dropped += 1
                dfd.errback(Failure(IgnoreRequest("not started: Redis is unavailable; queued again on restart")))
        stats = self.crawler.stats
        stats.inc_value("distributed/not_started", dropped)
        stats.set_value("distributed/in_progress_at_loss", in_progress)
        logger.warning("Redis lost: %d requests this worker had not started are left in its in-flight list "
                       "(queued again when it restarts); %d in progress finish and are kept in its journal "
                       "(processed on restart without fetching them again)", dropped, in_progress)
        return dropped
