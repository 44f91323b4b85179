"""DistributedWarcSource: with ``REDIS_URL`` and ``-a warc=PATH``, the workers share the archive files.

Every worker is started with the same command. Each reads the list PATH names (a folder, a
glob, a ``warc.paths.gz`` ...) and registers its files in Redis, in list order; then each
worker *claims* one file at a time (one Lua call: a file nobody holds, or one whose holder
stopped renewing its lease) and scans it (the first pass of :mod:`crawler.warc.source`): so
each file is scanned by one worker. The captures it takes go into the shared frontier, whose
in-flight bookkeeping (:mod:`crawler.distributed.scheduler`) already survives a killed worker;
any worker may serve a queued capture (its record is read back by offset), so the files must be
reachable at the same path on every worker (a shared folder) or be ``http(s)://`` URLs.

* **lease**: the claiming worker renews its file's lease every ``DISTRIBUTED_HEARTBEAT``
  seconds; a lease not renewed for ``DISTRIBUTED_RECLAIM_AFTER`` seconds (the worker was killed
  or lost its network) lets another worker take the file over, with a WARNING naming both.
  A restarted worker takes back its own file at once.
* **done**: a file is done when every capture it gave is in the frontier (the engine queues a
  start request before it asks for the next); from then on the frontier owns them.
* **once**: a capture's request carries its own dupefilter fingerprint (URL key, ``WARC-Date``,
  record id: ``meta["dist_fingerprint"]``), so a file taken over half-read queues only what the
  first worker had not queued, while a later capture of a URL is no duplicate of an earlier one.
  Which capture of a URL is served follows the one-process rule (the latest wins; older ones
  count as ``warc/superseded``) through the hash ``<spider>:warc:served``, checked and set in
  one Lua call. An article is then written once across workers (the story index in Redis says
  ``unchanged`` to a second fetch of a written page).
* **waiting**: a worker with no file left to claim while others still hold leases keeps its
  start open (the coordinator then keeps it up) and claims again every heartbeat, so a file
  whose holder dies is not left behind.
* **reset**: the last worker out of a finished crawl clears these keys (as the coordinator
  clears the dupefilter), so the next run of the same command reads the files again.

A ``revisit`` record resolves to a response only in the files the same worker scanned (CC-NEWS
holds none). Keys, per spider: ``warc:files`` (sorted set of unclaimed file names by their place
in the list), ``warc:where`` (name -> path or URL), ``warc:leases`` (name -> "worker expiry"),
``warc:done`` (set), ``warc:served`` (URL key -> "date record-id newer"). Stats:
``distributed/warc_claimed``, ``distributed/warc_taken_over``, ``distributed/warc_lease_lost``.
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.distributed.common import WARC_KEY, WARC_KEY_NAMES, crawler_client, redis_url, worker_id
from crawler.distributed.guard import RedisGuard
from crawler.warc.paths import Source
from crawler.warc.scan import url_key
from crawler.warc.source import WarcSource, _sleep

logger = logging.getLogger("crawler.distributed")

#: files registered with one Redis call
REGISTER_BATCH = 500

_REGISTER = """
local n = 0
for i = 1, #ARGV, 3 do
  local name = ARGV[i]
  if redis.call('SISMEMBER', KEYS[4], name) == 0 and redis.call('HEXISTS', KEYS[3], name) == 0 then
    n = n + redis.call('ZADD', KEYS[1], 'NX', ARGV[i + 2], name)
    redis.call('HSET', KEYS[2], name, ARGV[i + 1])
  end
end
return n
"""

# a lease of this worker (from before it restarted) or one not renewed in time first, then the
# next file of the list; else how many files other workers hold
_CLAIM = """
local now, worker = tonumber(ARGV[2]), ARGV[1]
local leases = redis.call('HGETALL', KEYS[3])
for i = 1, #leases, 2 do
  local owner, expires = string.match(leases[i + 1], '^(.*) (%S+)$')
  if owner == worker or tonumber(expires) < now then
    redis.call('HSET', KEYS[3], leases[i], worker .. ' ' .. ARGV[3])
    return {leases[i], redis.call('HGET', KEYS[2], leases[i]) or '', owner, '0'}
  end
end
local r = redis.call('ZRANGE', KEYS[1], 0, 0)
if #r == 0 then return {'', '', '', tostring(#leases / 2)} end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[3], r[1], worker .. ' ' .. ARGV[3])
return {r[1], redis.call('HGET', KEYS[2], r[1]) or '', '', '0'}
"""

_RENEW = """
local v = redis.call('HGET', KEYS[1], ARGV[2])
if v and string.match(v, '^(.*) %S+$') == ARGV[1] then
  redis.call('HSET', KEYS[1], ARGV[2], ARGV[1] .. ' ' .. ARGV[3])
  return 1
end
return 0
"""

_DONE = """
local v = redis.call('HGET', KEYS[1], ARGV[2])
if v and string.match(v, '^(.*) %S+$') == ARGV[1] then
  redis.call('HDEL', KEYS[1], ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[2])
  return 1
end
return 0
"""

# 0: a capture as late or later was served; 1: serve it; 2: serve it, later than one served
_TAKE = """
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local mine = ARGV[2] .. ' ' .. ARGV[3]
if not cur then
  redis.call('HSET', KEYS[1], ARGV[1], mine .. ' 0')
  return 1
end
if string.sub(cur, 1, #mine + 1) == mine .. ' ' then
  return 1 + tonumber(string.sub(cur, #mine + 2))
end
if ARGV[2] > string.match(cur, '^(%S*) ') then
  redis.call('HSET', KEYS[1], ARGV[1], mine .. ' 1')
  return 2
end
return 0
"""


@dataclass(frozen=True)
class Claim:
    name: str           # '' when there was nothing to claim
    location: str
    previous: str       # the worker whose lease ran out ('' for a file nobody had)
    held_elsewhere: int  # with nothing to claim: files other workers still hold


class WarcFileQueue:
    """The shared list of archive files of one spider, in Redis (no Scrapy; tested directly)."""

    def __init__(self, r, spider: str, worker: str, lease_s: float):
        self.r, self.worker, self.lease_s = r, worker, lease_s
        self.keys = {w: WARC_KEY.format(spider=spider, what=w) for w in WARC_KEY_NAMES}
        self._register = r.register_script(_REGISTER)
        self._claim = r.register_script(_CLAIM)
        self._renew = r.register_script(_RENEW)
        self._done = r.register_script(_DONE)
        self._take = r.register_script(_TAKE)

    def _expiry(self) -> str:
        sec, usec = self.r.time()
        return repr(sec + usec / 1e6 + self.lease_s)

    def _now(self) -> str:
        sec, usec = self.r.time()
        return repr(sec + usec / 1e6)

    def register(self, sources: list[tuple[int, Source]]) -> int:
        """Add (place in the list, file) pairs not yet known; the number added."""
        k = self.keys
        args: list = []
        for i, src in sources:
            args += [src.name, src.location, i]
        return int(self._register(keys=[k["files"], k["where"], k["leases"], k["done"]], args=args)) if args else 0

    def claim(self) -> Claim:
        k = self.keys
        name, where, prev, held = (x.decode() if isinstance(x, bytes) else str(x) for x in self._claim(
            keys=[k["files"], k["where"], k["leases"]], args=[self.worker, self._now(), self._expiry()]))
        return Claim(name, where, prev, int(float(held)))

    def renew(self, name: str) -> bool:
        return bool(self._renew(keys=[self.keys["leases"]], args=[self.worker, name, self._expiry()]))

    def done(self, name: str) -> bool:
        return bool(self._done(keys=[self.keys["leases"], self.keys["done"]], args=[self.worker, name]))

    def take(self, key: str, date: str, record_id: str) -> bool | None:
        """The shared form of :meth:`WarcSource.take` for one capture."""
        n = int(self._take(keys=[self.keys["served"]], args=[key, date, record_id]))
        return None if n == 0 else n == 2

    def pending(self) -> int:
        """Files not done: unclaimed or held."""
        return int(self.r.zcard(self.keys["files"])) + int(self.r.hlen(self.keys["leases"]))

    def reset(self) -> None:
        self.r.delete(*self.keys.values())


def capture_fingerprint(t) -> str:
    """The dupefilter fingerprint of one capture: URL key, WARC-Date and record id."""
    return hashlib.sha1(f"warc {url_key(t.uri)} {t.date or ''} {t.record_id or ''}".encode()).hexdigest()


class DistributedWarcSource(WarcSource):
    """:class:`WarcSource` of a worker of a shared crawl: files claimed in Redis (module doc)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        s = crawler.settings
        self.guard = RedisGuard.of(crawler)
        self.worker = worker_id(s)
        self.heartbeat_s = s.getfloat("DISTRIBUTED_HEARTBEAT", 1.0)
        self.lease_s = s.getfloat("DISTRIBUTED_RECLAIM_AFTER", 30.0)
        self.queue: WarcFileQueue | None = None
        self.current: str | None = None
        self.loop = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler):
        if not redis_url(crawler.settings):
            raise NotConfigured
        return cls(crawler)

    def _safe(self, fn, where: str, default=None):
        return self.guard.call(fn, where, default)

    def spider_opened(self, spider) -> None:
        self.queue = WarcFileQueue(crawler_client(self.crawler), spider.name, self.worker, self.lease_s)
        from scrapy.utils.asyncio import create_looping_call
        self.loop = create_looping_call(self.renew)
        self.loop.start(self.heartbeat_s, now=False)

    def renew(self) -> None:
        name = self.current
        if name is None or self.queue is None:
            return
        if self._safe(lambda: self.queue.renew(name), "warc lease", default=True) is False:
            self.crawler.stats.inc_value("distributed/warc_lease_lost")
            logger.warning("distributed: %s was taken over by another worker (this one renewed its lease too "
                           "late); the captures queued twice are dropped by the frontier", self.shown(name))
            self.current = None

    async def archive_files(self):
        n = 0
        batch: list[tuple[int, Source]] = []
        async for src in super().archive_files():  # the list, read as one process reads it
            batch.append((n, src))
            n += 1
            if len(batch) >= REGISTER_BATCH:
                self._safe(lambda b=batch: self.queue.register(b), "warc files")
                batch = []
        if batch:
            self._safe(lambda: self.queue.register(batch), "warc files")
        logger.info("distributed: warc=%s names %d files; claiming them one at a time", self.shown(self.spec), n)
        while not self.guard.down:
            claim = self._safe(self.queue.claim, "warc claim")
            if claim is None:
                return
            if not claim.name:
                if not claim.held_elsewhere:
                    return
                await _sleep(self.heartbeat_s)  # a file another worker holds may be left to us
                continue
            self.current = claim.name
            self.crawler.stats.inc_value("distributed/warc_claimed")
            if claim.previous and claim.previous != self.worker:
                self.crawler.stats.inc_value("distributed/warc_taken_over")
                logger.warning("distributed: %s taken over from worker %s (its lease ran out); the captures it "
                               "had queued are not queued again", self.shown(claim.name), claim.previous)
            elif claim.previous:
                logger.warning("distributed: %s, which this worker held when it stopped, is read again",
                               self.shown(claim.name))
            yield Source(claim.location, claim.name)

    async def file_queued(self, src: Source) -> None:
        self.current = None
        self._safe(lambda: self.queue.done(src.name), "warc done")

    def queued(self, scheduler) -> int | None:
        # the shared queue's length is a Redis call: a lost Redis stops the worker, not a traceback
        return self._safe(lambda: len(scheduler), "the WARC source's wait for room")

    @property
    def halted(self) -> bool:
        return self.guard.down is not None  # the worker is stopping; a rerun reads the file again

    def take(self, t) -> bool | None:
        return self._safe(lambda: self.queue.take(url_key(t.uri), t.date or "", t.record_id or ""), "warc served")

    def request_for(self, t, name: str, spider, newer: bool):
        request = super().request_for(t, name, spider, newer)
        request.meta["dist_fingerprint"] = capture_fingerprint(t)
        return request

    def spider_closed(self, spider, reason=None):
        super().spider_closed(spider, reason)
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        coordinator = getattr(self.crawler, "_distributed_coordinator", None)
        if reason != "finished" or self.queue is None or coordinator is None:
            return

        def reset():
            if not self.queue.pending() and coordinator._crawl_complete():
                self.queue.reset()
                logger.info("distributed: every archive file read; the file list is reset for the next run")
        self._safe(reset, "warc reset")
