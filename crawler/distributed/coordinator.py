"""DistributedCoordinator (extension): heartbeat, in-flight bookkeeping, start-URL feeding, the
closing rule of a shared crawl, progress and the fetch log."""
from __future__ import annotations

import json
import time
from typing import Any

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

from crawler.distributed.common import (
    DUPEFILTER_KEY, QUEUE_KEY, START_URLS_KEY, crawler_client, logger, redis_url, worker_id,
)
from crawler.distributed.guard import RedisGuard


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
            if self.journal is not None:
                self.journal.forget(rid)

    @property
    def journal(self):
        return getattr(self.crawler, "_distributed_journal", None)

    def response_received(self, response, request, **kw) -> None:
        if self.fetch_log is not None and "journal" not in response.flags:   # a kept page is not fetched
            self.fetch_log.write(request.url + "\n")

    # --- redis helpers
    def _safe(self, fn, where: str, default=None):
        return self.guard.call(fn, where, default)

    def _now(self) -> float:
        sec, usec = self.r.time()
        return sec + usec / 1e6

    def _flush_done(self) -> None:
        if self.done:
            n = len(self.done)
            self.r.hdel(self.inflight_key, *self.done[:n])
            del self.done[:n]   # only once Redis took them: a loss in between leaves them to the journal

    def requeue(self, inflight_key: str, keep: set[str] = frozenset()) -> int:
        """Put every request of an in-flight hash back into the queue (with its priority), but
        those whose ids are in KEEP."""
        from scrapy_redis import picklecompat
        rows = {k: v for k, v in self.r.hgetall(inflight_key).items()
                if (k.decode() if isinstance(k, bytes) else k) not in keep}
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
            # the pages the journal of a Redis loss kept are processed from it (scheduler.py)
            n = self.requeue(self.inflight_key, keep=self.journal.resumed if self.journal is not None else set())
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
            if self.journal is not None:
                self.journal.forget_all()
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
