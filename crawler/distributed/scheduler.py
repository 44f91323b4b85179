"""RedisScheduler: scrapy-redis's scheduler, with an atomic seen+push, a pop that parks the
request in this worker's in-flight hash, and a prefetch bound.

Prefetch bound (issue 20.8). Scrapy's engine asks the scheduler for requests until the
downloader holds ``CONCURRENT_REQUESTS`` (16): a worker took 16 requests from the shared queue
into its own downloader slots, where they waited for the per-host delay while other workers
idled (one worker did all 14 fetches of a run), and after Redis died it downloaded them and
threw them away. Now :meth:`RedisScheduler.next_request` hands out a request only while this
worker holds fewer than ``REDIS_PREFETCH`` (default 2) requests beyond those it is
transferring: requests waiting in its downloader (slot queues, robots.txt) plus responses
waiting for or in its spider callbacks (:func:`held`). The rest stays in the shared queue for
whichever worker is free. ``REDIS_PREFETCH = 0`` lifts the bound (Scrapy's behaviour).
Stat: ``scheduler/prefetch_held_max``, the most it held right after taking one (<= REDIS_PREFETCH).

A request may carry its own dupefilter fingerprint in ``meta["dist_fingerprint"]``: a capture
of a web archive (:mod:`crawler.distributed.warc`) is one URL at one date, not the URL.
"""
from __future__ import annotations

from crawler.distributed.common import DUPEFILTER_KEY, QUEUE_KEY, REDIS_ERRORS, crawler_client, logger, worker_id
from crawler.distributed.guard import RedisGuard


def held(engine) -> int:
    """Requests this worker took and is not transferring: waiting in the downloader (slot
    queues, a robots.txt wait), or answered and waiting for / in the spider's callbacks."""
    downloader = engine.downloader
    transferring = sum(len(slot.transferring) for slot in downloader.slots.values())
    waiting = max(0, len(downloader.active) - transferring)
    slot = getattr(engine.scraper, "slot", None)
    in_scraper = (len(slot.queue) + len(slot.active)) if slot is not None else 0
    return waiting + in_scraper


_ENQUEUE = """
if ARGV[4] == '1' or redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
  return 1
end
return 0
"""

_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0)
if #r == 0 then return nil end
redis.call('ZREM', KEYS[1], r[1])
local id = redis.sha1hex(r[1])
redis.call('HSET', KEYS[2], id, r[1])
return {id, r[1]}
"""


try:  # the redis extra; importing this module must work without it (no REDIS_URL, no Redis)
    from scrapy_redis.scheduler import Scheduler as _ScrapyRedisScheduler
except ImportError:  # pragma: no cover
    _ScrapyRedisScheduler = object


class RedisScheduler(_ScrapyRedisScheduler):
    """scrapy-redis's Scheduler with an atomic seen+push and a pop that parks the request in flight."""

    @classmethod
    def from_crawler(cls, crawler):
        guard = RedisGuard.of(crawler)
        server = crawler_client(crawler)
        try:
            server.ping()
        except REDIS_ERRORS as exc:
            logger.error("cannot reach Redis at %s (%s: %s); start it first (see docs/distributed.md)",
                         guard.url, type(exc).__name__, exc)
            raise
        s = crawler.settings
        from scrapy.utils.misc import load_object
        inst = cls(server=server, persist=True, queue_key=s.get("SCHEDULER_QUEUE_KEY") or QUEUE_KEY,
                   queue_cls=s.get("SCHEDULER_QUEUE_CLASS") or "scrapy_redis.queue.PriorityQueue",
                   dupefilter_key=s.get("SCHEDULER_DUPEFILTER_KEY") or DUPEFILTER_KEY,
                   dupefilter_cls=s.get("DUPEFILTER_CLASS"))
        df_cls = load_object(inst.dupefilter_cls)
        inst.df = df_cls(server, key=inst.dupefilter_key % {"spider": "%(spider)s"}, debug=s.getbool("DUPEFILTER_DEBUG"))
        inst.stats = crawler.stats
        inst.crawler = crawler
        inst.guard = guard
        inst.worker = worker_id(s)
        inst.prefetch = max(0, s.getint("REDIS_PREFETCH", 2))
        inst.local = []
        inst._enqueue = server.register_script(_ENQUEUE)
        inst._pop = server.register_script(_POP)
        return inst

    def open(self, spider):
        self.df.key = self.dupefilter_key % {"spider": spider.name}
        self.inflight_key = f"{spider.name}:inflight:{self.worker}"
        from scrapy.utils.misc import load_object
        self.spider = spider  # what scrapy-redis's open() does, minus its deprecated Spider.log call
        self.queue = load_object(self.queue_cls)(server=self.server, spider=spider,
                                                 key=self.queue_key % {"spider": spider.name},
                                                 serializer=self.serializer)
        try:
            queued = len(self.queue)
        except REDIS_ERRORS as exc:
            self.guard.fail(exc, "scheduler.open")
            return
        if queued:
            logger.info("resuming the crawl: %d requests in the shared frontier %s", queued, self.queue.key)
        self.local = self._from_journal(spider)

    def _from_journal(self, spider) -> list:
        """The requests of this worker's last Redis loss whose pages the journal kept (answered
        from it by :class:`LossJournal`, not fetched): handed out before the shared queue."""
        journal = getattr(self.crawler, "_distributed_journal", None)
        if journal is None or self.guard.down:
            return []
        rows = self.guard.call(lambda: journal.resume(spider, self.server, self.inflight_key), "journal", {})
        out = []
        for rid, data in rows.items():
            try:
                request = self.queue._decode_request(data)
            except Exception as exc:  # noqa: BLE001 - as in next_request
                logger.error("dropped a journaled request that cannot be decoded: %r", exc)
                self.stats.inc_value("distributed/undecodable")
                continue
            request.meta["_dist_id"] = rid
            out.append(request)
        return out

    def close(self, reason):
        journal = getattr(self.crawler, "_distributed_journal", None)
        if journal is not None:   # downloads and callbacks are over: what a Redis loss left, kept
            journal.close(self.spider, reason)
        return None  # persistent frontier: never flushed here (see DistributedCoordinator)

    def enqueue_request(self, request):
        if self.guard.down:   # a link found after the loss: its page is in the journal and yields it again
            self.stats.inc_value("distributed/not_enqueued")
            return False
        try:
            fp = request.meta.get("dist_fingerprint") or self.df.request_fingerprint(request)
            data = self.queue._encode_request(request)
            added = self._enqueue(keys=[self.df.key, self.queue.key],
                                  args=[fp, -request.priority, data, "1" if request.dont_filter else "0"])
        except REDIS_ERRORS as exc:
            self.guard.fail(exc, "scheduler.enqueue_request")
            return False
        if not added:
            self.df.log(request, self.spider)
            self.stats.inc_value("dupefilter/filtered")  # as Scrapy's own filter counts it
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        if self.guard.down:
            return None
        if self.local:
            self.stats.inc_value("scheduler/dequeued/journal")
            return self.local.pop(0)
        if self.prefetch:
            now = held(self.crawler.engine)
            if now >= self.prefetch:
                return None  # the engine asks again when a download or a callback ends
            self.stats.max_value("scheduler/prefetch_held_max", now + 1)
        try:
            row = self._pop(keys=[self.queue.key, self.inflight_key])
        except REDIS_ERRORS as exc:
            self.guard.fail(exc, "scheduler.next_request")
            return None
        if not row:
            return None
        rid, data = row[0].decode() if isinstance(row[0], bytes) else row[0], row[1]
        try:
            request = self.queue._decode_request(data)
        except Exception as exc:  # noqa: BLE001 - a request this spider cannot rebuild
            logger.error("dropped a queued request that cannot be decoded: %r", exc)
            self.stats.inc_value("distributed/undecodable")
            return None
        request.meta["_dist_id"] = rid
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self):
        if self.guard.down:
            return False
        if self.local:
            return True
        try:
            return len(self.queue) > 0
        except REDIS_ERRORS as exc:
            self.guard.fail(exc, "scheduler.has_pending_requests")
            return False
