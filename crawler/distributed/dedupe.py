"""RedisDedupePipeline: the dedupe pipeline over the story index in Redis."""
from __future__ import annotations

from scrapy.exceptions import DropItem

from crawler.distributed.common import REDIS_ERRORS, crawler_client, logger, prefix, worker_id
from crawler.distributed.guard import RedisGuard


def _dedupe_pipeline_base():
    from crawler.pipelines.dedupe import DedupePipeline
    return DedupePipeline


class RedisDedupePipeline(_dedupe_pipeline_base()):
    """The dedupe pipeline over :class:`RedisStoryStore` + :class:`LockedStoryIndex`.

    Unlike the SQLite pipeline, an item whose story cannot be looked up because Redis is gone is
    not written without a story: it is dropped, and its request, still in flight, is fetched
    again when the crawl resumes.
    """

    def open_spider(self):
        from crawler.dedupe.redis_store import LockedStoryIndex, RedisStoryStore
        s = self.crawler.settings
        self.guard = RedisGuard.of(self.crawler)
        self.store = RedisStoryStore(crawler_client(self.crawler), prefix(s) + "dedupe:", namespace=worker_id(s))
        guard = self.guard

        class GuardedIndex(LockedStoryIndex):
            def assign(self, *a, **kw):
                try:
                    return super().assign(*a, **kw)
                except REDIS_ERRORS as exc:  # tell the guard before the pipeline logs and moves on
                    guard.fail(exc, "story index")
                    raise

        self.index = GuardedIndex(self.store)
        try:
            n = self.recover()
        except REDIS_ERRORS as exc:
            self.guard.fail(exc, "story index (recovery)")
            return
        except Exception as exc:  # noqa: BLE001 - recovery is best effort, as in the SQLite pipeline
            logger.error("dedupe: could not read back lines written after the last commit: %r", exc)
            n = 0
        if n:
            self.stats.inc_value("dedupe/recovered", n)
            logger.warning("dedupe: marked %d lines written after the last state commit of an interrupted run", n)

    def process_item(self, item):
        if self.guard.down:
            raise DropItem("Redis is unavailable: not written; fetched again when the crawl resumes")
        out = super().process_item(item)
        if self.guard.down:
            raise DropItem("Redis is unavailable: not written; fetched again when the crawl resumes")
        return out

    def item_written(self, item=None, record=None, spider=None, **kw):
        try:
            super().item_written(item=item, record=record, spider=spider, **kw)
        except REDIS_ERRORS as exc:
            self.guard.fail(exc, "story index (mark written)")

    def flush(self):
        try:
            super().flush()
        except REDIS_ERRORS as exc:
            self.guard.fail(exc, "story index (commit)")

    def close_spider(self):
        try:
            super().close_spider()
        except REDIS_ERRORS as exc:
            self.guard.fail(exc, "story index (close)")
            self.store = None
