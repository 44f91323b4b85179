"""Distributed crawling on Redis (issue 10): N workers, one frontier, one story index.

Nothing here is active unless ``REDIS_URL`` is set (setting or environment variable); without
it the crawler runs exactly as before and needs no Redis. With it, :class:`DistributedAddon`
(registered in ``ADDONS``) switches a crawl to:

* **scrapy-redis's scheduler and dupefilter** (``scrapy_redis.dupefilter.RFPDupeFilter``, the
  request queue format of ``scrapy_redis.queue.PriorityQueue``): one shared frontier per spider,
  ``<spider>:requests`` (sorted set) and ``<spider>:dupefilter`` (set of request fingerprints),
  so every URL is fetched once across all workers. :class:`RedisScheduler` subclasses
  scrapy-redis's Scheduler to make two steps atomic (Lua): "fingerprint unseen → add it and
  queue the request" and "pop a request → park it in this worker's in-flight hash
  ``<spider>:inflight:<worker>``". A request leaves the in-flight hash when its response and
  every item it yielded went through the pipelines (or, wholesale, when the worker is idle);
  what a dead worker left in flight goes back to the queue (its own restart takes it back at
  once, other workers after ``DISTRIBUTED_RECLAIM_AFTER`` seconds without a heartbeat). So a
  worker killed or cut off from Redis loses nothing.
* **start URLs**: the spider's own ``start()`` requests (``-a url=``, ``-a urls_file=``, its
  default feeds) go through the shared dupefilter, so N workers started with the same command
  fetch each seed once; URLs pushed to the Redis list ``<spider>:start_urls`` (``python -m
  crawler.distributed seed``) are fed to the frontier by whichever worker is idle. scrapy-redis's
  own ``RedisSpider`` feeds start URLs through ``start_requests``/``next_requests``, which
  predate Scrapy 2.13's ``async def start()``; it is not used.
* **state in Redis**: the incremental seen-URL store (:class:`RedisSeenStore`, hash
  ``crawler:seen``) and the story index (:class:`crawler.dedupe.redis_store.RedisStoryStore`,
  ``crawler:dedupe:*``), so N workers' outputs together hold every article once, one
  ``story_id`` per story.
* **a closing rule for a shared crawl**: a worker stays up while the frontier has requests or
  another live worker has requests in flight (they may yield more), and closes when the crawl
  is done. The last worker out clears the dupefilter (``DISTRIBUTED_RESET_ON_FINISH``) so the
  next scheduled run starts a fresh crawl; an interrupted crawl keeps it, and a rerun resumes.
* **Redis going away**: the first connection error anywhere (scheduler, dupefilter, seen
  store, story index) logs one clear ERROR naming Redis (password masked), stops handing items
  to the JSONL writer and closes the spider with reason ``redis_unavailable``: exit code 1.

Settings: ``REDIS_URL``; ``DISTRIBUTED_WORKER_ID`` (default ``<host>-<hash of OUTPUT_DIR>``,
stable across restarts); ``DISTRIBUTED_HEARTBEAT`` (1.0 s); ``DISTRIBUTED_RECLAIM_AFTER`` (30 s);
``DISTRIBUTED_RESET_ON_FINISH`` (True); ``DISTRIBUTED_KEY_PREFIX`` (``crawler:``, for the seen
store and story index); ``DISTRIBUTED_FETCH_LOG`` (a file: every fetched URL, one a line).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import socket
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, DropItem, IgnoreRequest, NotConfigured

from crawler import signals as our_signals
from crawler.incremental import IncrementalMiddleware
from crawler.state import url_key

logger = logging.getLogger("crawler.distributed")

try:  # the redis extra (pyproject: .[redis]); only needed with REDIS_URL
    import redis
    from redis.exceptions import ConnectionError as _RedisConnectionError
    from redis.exceptions import TimeoutError as _RedisTimeoutError
    REDIS_ERRORS: tuple[type[BaseException], ...] = (_RedisConnectionError, _RedisTimeoutError)
except ImportError:  # pragma: no cover - exercised only without the extra
    redis = None
    REDIS_ERRORS = ()

QUEUE_KEY = "%(spider)s:requests"
DUPEFILTER_KEY = "%(spider)s:dupefilter"
START_URLS_KEY = "{spider}:start_urls"


# ---------------------------------------------------------------------------- helpers
def redis_url(settings=None) -> str | None:
    """REDIS_URL from the settings, else from the environment; None when unset/blank."""
    url = settings.get("REDIS_URL") if settings is not None else None
    url = url or os.environ.get("REDIS_URL")
    return url.strip() if isinstance(url, str) and url.strip() else None


def mask_url(url: str | None) -> str:
    """The URL with its password (and a bare-token user) replaced by ``***``, for logs."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//[^@/]*@", "//***@", url)
    if "@" not in parts.netloc:
        return url
    auth, host = parts.netloc.rsplit("@", 1)
    user, sep, _ = auth.partition(":")
    auth = f"{user}:***" if sep else "***"
    return urlunsplit((parts.scheme, f"{auth}@{host}", parts.path, parts.query, parts.fragment))


def client_from_url(url: str, **kw):
    if redis is None:
        raise NotConfigured("REDIS_URL is set but the redis package is missing: pip install -e '.[redis]'")
    params = {"socket_timeout": 10, "socket_connect_timeout": 5, "health_check_interval": 15}
    params.update(kw)
    return redis.Redis.from_url(url, **params)


def crawler_client(crawler):
    """One Redis client per crawler (shared by the scheduler, stores and coordinator)."""
    client = getattr(crawler, "_distributed_redis", None)
    if client is None:
        params = dict(crawler.settings.getdict("REDIS_PARAMS"))
        params.pop("redis_cls", None)
        params.pop("encoding", None)
        client = crawler._distributed_redis = client_from_url(redis_url(crawler.settings), **params)
    return client


def worker_id(settings) -> str:
    explicit = settings.get("DISTRIBUTED_WORKER_ID")
    if explicit:
        return str(explicit)
    out = os.path.abspath(settings.get("OUTPUT_DIR") or "output")
    return f"{socket.gethostname()}-{hashlib.sha1(out.encode()).hexdigest()[:8]}"


def prefix(settings) -> str:
    return settings.get("DISTRIBUTED_KEY_PREFIX") or "crawler:"


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


# ---------------------------------------------------------------------------- the addon
class DistributedAddon:
    """``ADDONS``: with REDIS_URL set, switch scheduler, dupefilter and state stores to Redis."""

    PRIORITY = 30  # above settings.py (20), below the command line (40)

    def update_settings(self, settings) -> None:
        url = redis_url(settings)
        if not url:
            return
        if redis is None or _ScrapyRedisScheduler is object:
            raise NotConfigured("REDIS_URL is set but scrapy-redis/redis are missing: pip install -e '.[redis]'")
        p = self.PRIORITY
        settings.set("REDIS_URL", url, priority=max(p, settings.getpriority("REDIS_URL") or 0))
        settings.set("SCHEDULER", "crawler.distributed.RedisScheduler", priority=p)
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority=p)
        settings.set("SCHEDULER_PERSIST", True, priority=p)
        settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue", priority=p)
        settings.set("SCHEDULER_QUEUE_KEY", QUEUE_KEY, priority=p)
        settings.set("SCHEDULER_DUPEFILTER_KEY", DUPEFILTER_KEY, priority=p)
        if (settings.getpriority("REDIS_PARAMS") or 0) < p:
            settings.set("REDIS_PARAMS", {"socket_timeout": 10, "socket_connect_timeout": 5,
                                          "health_check_interval": 15}, priority=p)
        # a worker of a shared crawl may rightly write nothing: the others took the pages
        if (settings.getpriority("HEALTH_MIN_ITEMS") or 0) <= 20:
            settings.set("HEALTH_MIN_ITEMS", 0, priority=p)
        for name, old, new in (
            ("DOWNLOADER_MIDDLEWARES", IncrementalMiddleware, RedisIncrementalMiddleware),
            ("ITEM_PIPELINES", "crawler.pipelines.dedupe.DedupePipeline", "crawler.distributed.RedisDedupePipeline"),
        ):
            _replace_component(settings, name, old, new)
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", DistributedSpiderMiddleware, 5)
        settings.set_in_component_priority_dict("EXTENSIONS", DistributedCoordinator, 10)


def _replace_component(settings, name: str, old, new) -> None:
    from scrapy.utils.misc import load_object
    old_cls = load_object(old) if isinstance(old, str) else old
    comps = settings.getdict(name)
    for key in list(comps):
        try:
            cls = load_object(key) if isinstance(key, str) else key
        except Exception:  # noqa: BLE001 - not ours to judge
            continue
        if cls is old_cls and comps[key] is not None:
            new_cls = load_object(new) if isinstance(new, str) else new
            settings.replace_in_component_priority_dict(name, old_cls, new_cls)
            return


# ---------------------------------------------------------------------------- scheduler
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

    def close(self, reason):
        return None  # persistent frontier: never flushed here (see DistributedCoordinator)

    def enqueue_request(self, request):
        if self.guard.down:
            return False
        try:
            fp = self.df.request_fingerprint(request)
            data = self.queue._encode_request(request)
            added = self._enqueue(keys=[self.df.key, self.queue.key],
                                  args=[fp, -request.priority, data, "1" if request.dont_filter else "0"])
        except REDIS_ERRORS as exc:
            self.guard.fail(exc, "scheduler.enqueue_request")
            return False
        if not added:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        if self.guard.down:
            return None
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
        try:
            return len(self.queue) > 0
        except REDIS_ERRORS as exc:
            self.guard.fail(exc, "scheduler.has_pending_requests")
            return False


# ---------------------------------------------------------------------------- seen store
_MARK_SEEN = """
for i = 1, #ARGV - 1 do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  if (not old) or (ARGV[#ARGV] ~= '' and ARGV[#ARGV] > old) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[#ARGV])
  end
end
return 1
"""


class RedisSeenStore:
    """:class:`crawler.state.SeenStore` in one Redis hash: canonical URL key -> lastmod ('' = none)."""

    def __init__(self, client, key: str = "crawler:seen"):
        self.r = client
        self.key = key
        self._mark = client.register_script(_MARK_SEEN)

    def should_fetch(self, url: str, lastmod: str | None = None) -> bool:
        row = self.r.hget(self.key, url_key(url))
        if row is None:
            return True
        known = row.decode("utf-8") if isinstance(row, bytes) else row
        return bool(lastmod and known and lastmod > known)

    def mark(self, urls: list[str | None], lastmod: str | None = None) -> None:
        keys = sorted({url_key(u) for u in urls if u})
        if keys:
            self._mark(keys=[self.key], args=keys + [lastmod or ""])

    def __len__(self) -> int:
        return int(self.r.hlen(self.key))

    def close(self) -> None:
        """The client belongs to the crawler; nothing to close."""


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


# ---------------------------------------------------------------------------- dedupe
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


# ---------------------------------------------------------------------------- in-flight tracking
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


# ---------------------------------------------------------------------------- coordinator
class DistributedCoordinator:
    """Heartbeat, in-flight bookkeeping, start-URL feeding, closing rule, progress, fetch log."""

    def __init__(self, crawler):
        s = crawler.settings
        self.crawler = crawler
        self.guard = RedisGuard.of(crawler)
        self.r = crawler_client(crawler)
        self.worker = worker_id(s)
        self.heartbeat_s = s.getfloat("DISTRIBUTED_HEARTBEAT", 1.0)
        self.reclaim_after = s.getfloat("DISTRIBUTED_RECLAIM_AFTER", 30.0)
        self.reset_on_finish = s.getbool("DISTRIBUTED_RESET_ON_FINISH", True)
        self.start_batch = s.getint("DISTRIBUTED_START_BATCH", 100)
        fetch_log = s.get("DISTRIBUTED_FETCH_LOG")
        self.fetch_log = open(fetch_log, "a", buffering=1, encoding="utf-8") if fetch_log else None
        self.pending: dict[str, int] = {}
        self.owner: dict[int, str] = {}
        self.done: list[str] = []
        self.start_running = False
        self.loop = None
        crawler._distributed_coordinator = self
        cs = crawler.signals
        cs.connect(self.spider_opened, signals.spider_opened)
        cs.connect(self.spider_idle, signals.spider_idle)
        cs.connect(self.spider_closed, signals.spider_closed)
        cs.connect(self.item_done, signals.item_scraped)
        cs.connect(self.item_done, signals.item_dropped)
        cs.connect(self.item_done, signals.item_error)
        cs.connect(self.response_received, signals.response_received)

    @classmethod
    def from_crawler(cls, crawler):
        if not redis_url(crawler.settings):
            raise NotConfigured
        return cls(crawler)

    # --- keys
    def key(self, what: str) -> str:
        return f"{self.spider.name}:{what}"

    @property
    def inflight_key(self) -> str:
        return self.key(f"inflight:{self.worker}")

    # --- tracking (called by the spider middleware and item signals)
    def starting(self, running: bool) -> None:
        self.start_running = running
        if not running:
            self._safe(lambda: self.r.hdel(self.key("starting"), self.worker), "heartbeat")

    def begin(self, rid: str) -> None:
        self.pending[rid] = self.pending.get(rid, 0) + 1

    def own(self, item: Any, rid: str) -> None:
        self.owner[id(item)] = rid
        self.pending[rid] = self.pending.get(rid, 0) + 1

    def end(self, rid: str) -> None:
        self._dec(rid)

    def item_done(self, item, **kw) -> None:
        rid = self.owner.pop(id(item), None)
        if rid:
            self._dec(rid)

    def _dec(self, rid: str) -> None:
        n = self.pending.get(rid, 0) - 1
        if n > 0:
            self.pending[rid] = n
        else:
            self.pending.pop(rid, None)
            self.done.append(rid)

    def response_received(self, response, request, **kw) -> None:
        if self.fetch_log is not None:
            self.fetch_log.write(request.url + "\n")

    # --- redis helpers
    def _safe(self, fn, where: str, default=None):
        if self.guard.down:
            return default
        try:
            return fn()
        except REDIS_ERRORS as exc:
            self.guard.fail(exc, where)
            return default

    def _now(self) -> float:
        sec, usec = self.r.time()
        return sec + usec / 1e6

    def _flush_done(self) -> None:
        if self.done:
            done, self.done = self.done, []
            self.r.hdel(self.inflight_key, *done)

    def requeue(self, inflight_key: str) -> int:
        """Put every request of an in-flight hash back into the queue (with its priority)."""
        from scrapy_redis import picklecompat
        rows = self.r.hgetall(inflight_key)
        if not rows:
            return 0
        pipe = self.r.pipeline(transaction=True)
        qkey = QUEUE_KEY % {"spider": self.spider.name}
        for field, data in rows.items():
            try:
                score = -int(picklecompat.loads(data).get("priority", 0))
            except Exception:  # noqa: BLE001
                score = 0
            pipe.zadd(qkey, {data: score})
            pipe.hdel(inflight_key, field)
        pipe.execute()
        return len(rows)

    def workers(self) -> dict[str, float]:
        return {k.decode(): float(v) for k, v in self.r.hgetall(self.key("workers")).items()}

    # --- signals
    def spider_opened(self, spider) -> None:
        self.spider = spider
        logger.info("distributed crawl: worker %s, Redis %s, frontier %s", self.worker, self.guard.url,
                    QUEUE_KEY % {"spider": spider.name})

        def opened():
            self.r.hset(self.key("workers"), self.worker, self._now())
            self.r.hset(self.key("starting"), self.worker, 1)
            n = self.requeue(self.inflight_key)
            if n:
                self.crawler.stats.inc_value("distributed/requeued_own", n)
                logger.warning("distributed: %d requests this worker had in flight when it stopped are queued again", n)
            self.feed()
        self._safe(opened, "spider_opened")
        from scrapy.utils.asyncio import create_looping_call
        self.loop = create_looping_call(self.tick)
        self.loop.start(self.heartbeat_s, now=False)

    def tick(self) -> None:
        def beat():
            self.r.hset(self.key("workers"), self.worker, self._now())
            self._flush_done()
            st = self.crawler.stats
            self.r.hset(self.key("progress"), self.worker, json.dumps({
                "pages": st.get_value("response_received_count", 0),
                "items": st.get_value("item_scraped_count", 0),
                "written": st.get_value("jsonl/written", 0),
                "dropped": st.get_value("item_dropped_count", 0),
                "at": time.time()}))
            engine = self.crawler.engine
            if engine is not None and engine.spider is not None and engine.spider_is_idle():
                if self.feed() or self.r.zcard(QUEUE_KEY % {"spider": self.spider.name}):
                    slot = getattr(engine, "_slot", None)
                    if slot is not None:
                        slot.nextcall.schedule()  # wake up now, not at the engine's 5 s heartbeat
        self._safe(beat, "heartbeat")

    def feed(self) -> int:
        """Move up to DISTRIBUTED_START_BATCH URLs from <spider>:start_urls into the frontier."""
        key = START_URLS_KEY.format(spider=self.spider.name)
        urls = self.r.lpop(key, self.start_batch) or []
        for raw in urls:
            url = raw.decode("utf-8", "replace").strip() if isinstance(raw, bytes) else str(raw).strip()
            if url:
                self.crawler.engine.crawl(Request(url, callback=self.spider.parse, meta={"seed": True}))
        if urls:
            self.crawler.stats.inc_value("distributed/start_urls_fed", len(urls))
        return len(urls)

    def reclaim_dead(self) -> int:
        now = self._now()
        n = 0
        for w, seen in self.workers().items():
            if w == self.worker or now - seen < self.reclaim_after:
                continue
            k = self.key(f"inflight:{w}")
            moved = self.requeue(k)
            self.r.hdel(self.key("workers"), w)
            self.r.hdel(self.key("starting"), w)
            self.r.hdel(self.key("progress"), w)
            if moved:
                logger.warning("distributed: worker %s silent for %.0fs; its %d in-flight requests are queued again",
                               w, now - seen, moved)
                n += moved
        if n:
            self.crawler.stats.inc_value("distributed/requeued_dead", n)
        return n

    def busy_elsewhere(self) -> bool:
        """Another live worker has requests in flight or is still reading its start requests."""
        now = self._now()
        for w, seen in self.workers().items():
            if w == self.worker:
                continue
            if now - seen >= self.reclaim_after:
                if self.r.hlen(self.key(f"inflight:{w}")):
                    return True  # dead with work left: wait for the reclaim
                continue
            if self.r.hlen(self.key(f"inflight:{w}")) or self.r.hexists(self.key("starting"), w):
                return True
        return False

    def spider_idle(self, spider) -> None:
        if self.guard.down:
            return

        def decide() -> bool:
            # nothing is in progress in this process: whatever it popped is done
            self.done.clear()
            self.r.delete(self.inflight_key)
            if self.feed() or self.reclaim_dead():
                return True
            if self.r.zcard(QUEUE_KEY % {"spider": spider.name}):
                return True
            return self.busy_elsewhere()
        if self._safe(decide, "spider_idle", default=False):
            raise DontCloseSpider

    def spider_closed(self, spider, reason) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.fetch_log is not None:
            self.fetch_log.close()

        def closed():
            self._flush_done()
            if reason == "finished":
                self.r.delete(self.inflight_key)
            for what in ("workers", "starting", "progress"):
                self.r.hdel(self.key(what), self.worker)
            if reason == "finished" and self.reset_on_finish and self._crawl_complete():
                self.r.delete(DUPEFILTER_KEY % {"spider": spider.name})
                logger.info("distributed: crawl complete on every worker; frontier reset for the next run")
        self._safe(closed, "spider_closed")

    def _crawl_complete(self) -> bool:
        name = self.spider.name
        if self.r.zcard(QUEUE_KEY % {"spider": name}) or self.r.llen(START_URLS_KEY.format(spider=name)):
            return False
        if any(self.r.scan_iter(match=self.key("inflight:*"), count=1000)):
            return False
        # every other worker that registered has closed (or died long ago with nothing in flight)
        now = self._now()
        return all(now - seen >= self.reclaim_after for w, seen in self.workers().items() if w != self.worker)


# ---------------------------------------------------------------------------- CLI
def _cli(argv: list[str] | None = None) -> int:
    """python -m crawler.distributed {seed,status,reset} SPIDER ..."""
    import argparse
    ap = argparse.ArgumentParser(prog="python -m crawler.distributed", description=_cli.__doc__)
    ap.add_argument("--redis", default=os.environ.get("REDIS_URL"), help="Redis URL (default: $REDIS_URL)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    seed = sub.add_parser("seed", help="push start URLs into <spider>:start_urls")
    seed.add_argument("spider")
    seed.add_argument("urls", nargs="*")
    seed.add_argument("-f", "--file", help="file of URLs, one a line ('#' comments)")
    st = sub.add_parser("status", help="frontier size, seen fingerprints, workers and their progress")
    st.add_argument("spider")
    rs = sub.add_parser("reset", help="forget the frontier (queue, dupefilter, in-flight) of a spider")
    rs.add_argument("spider")
    rs.add_argument("--state", action="store_true", help="also forget the seen store and the story index")
    args = ap.parse_args(argv)
    if not args.redis:
        ap.error("no Redis URL: set REDIS_URL or pass --redis")
    r = client_from_url(args.redis)
    name = args.spider
    if args.cmd == "seed":
        urls = list(args.urls)
        if args.file:
            urls += [ln.strip() for ln in Path(args.file).read_text(encoding="utf-8").splitlines()
                     if ln.strip() and not ln.lstrip().startswith("#")]
        if urls:
            r.rpush(START_URLS_KEY.format(spider=name), *urls)
        print(f"{len(urls)} start URLs queued in {START_URLS_KEY.format(spider=name)} on {mask_url(args.redis)}")
        return 0
    if args.cmd == "status":
        workers = {k.decode(): float(v) for k, v in r.hgetall(f"{name}:workers").items()}
        sec, usec = r.time()
        now = sec + usec / 1e6
        progress = {k.decode(): json.loads(v) for k, v in r.hgetall(f"{name}:progress").items()}
        print(f"redis {mask_url(args.redis)}  spider {name}")
        print(f"  queued requests   {r.zcard(QUEUE_KEY % {'spider': name})}")
        print(f"  seen fingerprints {r.scard(DUPEFILTER_KEY % {'spider': name})}")
        print(f"  start URLs queued {r.llen(START_URLS_KEY.format(spider=name))}")
        for key in sorted(r.scan_iter(match=f"{name}:inflight:*")):
            w = key.decode().split(":inflight:", 1)[1]
            p = progress.get(w, {})
            age = f"{now - workers[w]:.0f}s ago" if w in workers else "gone"
            print(f"  worker {w}: in flight {r.hlen(key)}, heartbeat {age}, pages {p.get('pages', '?')}, "
                  f"written {p.get('written', '?')}")
        for w in sorted(set(workers) - {k.decode().split(':inflight:', 1)[1] for k in r.scan_iter(match=f'{name}:inflight:*')}):
            p = progress.get(w, {})
            print(f"  worker {w}: idle, heartbeat {now - workers[w]:.0f}s ago, pages {p.get('pages', '?')}, "
                  f"written {p.get('written', '?')}")
        return 0
    keys = [QUEUE_KEY % {"spider": name}, DUPEFILTER_KEY % {"spider": name}, START_URLS_KEY.format(spider=name),
            f"{name}:workers", f"{name}:starting", f"{name}:progress"]
    keys += list(r.scan_iter(match=f"{name}:inflight:*"))
    n = r.delete(*keys)
    if args.state:
        for key in r.scan_iter(match="crawler:*", count=1000):
            n += r.delete(key)
    print(f"reset {name}: {n} keys deleted")
    return 0


if __name__ == "__main__":
    sys.exit(_cli())
