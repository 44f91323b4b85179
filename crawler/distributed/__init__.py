"""Distributed crawling on Redis (issues 10, 20): N workers, one frontier, one story index.

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
  Requests not started stay in flight (queued again on restart); the pages in progress finish
  and are kept, with the ids of the requests finished since the last heartbeat, in a journal in
  ``STATE_DIR``, so that the resumed run processes them without fetching them again.

Settings: ``REDIS_URL``; ``DISTRIBUTED_WORKER_ID`` (default ``<host>-<hash of OUTPUT_DIR>``,
stable across restarts); ``DISTRIBUTED_HEARTBEAT`` (1.0 s); ``DISTRIBUTED_RECLAIM_AFTER`` (30 s);
``DISTRIBUTED_RESET_ON_FINISH`` (True); ``DISTRIBUTED_KEY_PREFIX`` (``crawler:``, for the seen
store and story index); ``DISTRIBUTED_FETCH_LOG`` (a file: every fetched URL, one a line);
``REDIS_PREFETCH`` (2: requests a worker holds beyond its transfers, see ``scheduler.py``).

Where each piece lives (one component a file, as in ``crawler/pipelines/``):

============================  ==================================================================
``addon.py``                  :class:`DistributedAddon` (``ADDONS``): switches the components on
``scheduler.py``              :class:`RedisScheduler`: shared frontier, in-flight hash, prefetch bound
``tracking.py``               :class:`DistributedSpiderMiddleware`: seeds through the dupefilter,
                              a response stays in flight until its items are done
``coordinator.py``            :class:`DistributedCoordinator` (extension): heartbeat, requeue of
                              dead workers' requests, start-URL feeding, closing rule, fetch log
``seen.py``                   :class:`RedisSeenStore` (the incremental store in Redis)
``incremental.py``            :class:`RedisIncrementalMiddleware` (over that store)
``dedupe.py``                 :class:`RedisDedupePipeline` (story index in Redis)
``guard.py``                  :class:`RedisGuard`: Redis lost -> one ERROR, clean stop, exit 1
``journal.py``                :class:`LossJournal` (downloader middleware): what a Redis loss
                              left in progress, kept in STATE_DIR and replayed on restart
``common.py``                 the Redis URL/client, worker id, key names (no Scrapy component)
``warc.py``                   :class:`DistributedWarcSource` (``-a warc=``): archive files claimed
                              one at a time with a lease, a killed worker's file taken over
``cli.py``, ``__main__.py``   ``python -m crawler.distributed {seed,status,reset}``
============================  ==================================================================

A new shared resource gets its own file here and is switched on by :class:`DistributedAddon`
(a component built by ``from_crawler`` that raises ``NotConfigured`` without ``REDIS_URL``),
as ``warc.py`` is; the WARC reader and writer themselves stay in ``crawler/warc/``.
"""
from __future__ import annotations

#: Public names, imported from their files on first use (a crawl without REDIS_URL loads only the addon).
_EXPORTS = {
    "DistributedAddon": "addon", "RedisScheduler": "scheduler", "DistributedSpiderMiddleware": "tracking",
    "DistributedCoordinator": "coordinator", "RedisSeenStore": "seen", "RedisIncrementalMiddleware": "incremental",
    "RedisDedupePipeline": "dedupe", "RedisGuard": "guard", "redis_url": "common", "mask_url": "common",
    "client_from_url": "common", "crawler_client": "common", "worker_id": "common", "prefix": "common",
    "REDIS_ERRORS": "common", "QUEUE_KEY": "common", "DUPEFILTER_KEY": "common", "START_URLS_KEY": "common",
    "DistributedWarcSource": "warc", "LossJournal": "journal",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'crawler.distributed' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"crawler.distributed.{module}"), name)
