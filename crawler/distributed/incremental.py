"""RedisIncrementalMiddleware: the incremental middleware over the shared seen store."""
from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

from crawler.distributed.common import REDIS_ERRORS, crawler_client, prefix
from crawler.distributed.guard import RedisGuard
from crawler.distributed.seen import RedisSeenStore
from crawler.incremental import IncrementalMiddleware


class RedisIncrementalMiddleware(IncrementalMiddleware):
    """The incremental middleware over :class:`RedisSeenStore` (shared by all workers)."""

    def _store(self):
        if self.store is None:
            self.store = RedisSeenStore(crawler_client(self.crawler), prefix(self.crawler.settings) + "seen")
        return self.store

    def process_request(self, request, spider=None):
        guard = RedisGuard.of(self.crawler)
        if guard.down:
            raise IgnoreRequest("Redis is unavailable")
        try:
            return super().process_request(request, spider)
        except REDIS_ERRORS as exc:
            guard.fail(exc, "seen store")
            raise IgnoreRequest("Redis is unavailable") from exc

    def item_written(self, item, record, spider=None):
        try:
            super().item_written(item, record, spider)
        except REDIS_ERRORS as exc:  # the line is on disk; the dedupe recovery marks it at the next start
            RedisGuard.of(self.crawler).fail(exc, "seen store (mark written)")
