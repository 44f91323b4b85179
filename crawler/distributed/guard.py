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
        engine = getattr(self.crawler, "engine", None)
        if engine is None or getattr(engine, "spider", None) is None:
            return
        from twisted.internet import reactor

        from scrapy.utils.defer import deferred_from_coro

        def close():
            if getattr(engine, "spider", None) is not None:
                deferred_from_coro(engine.close_spider_async(reason="redis_unavailable"))
        reactor.callLater(0, close)
