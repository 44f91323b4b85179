"""LossJournal (downloader middleware): what a worker had fetched when Redis went away, kept in
``STATE_DIR`` so that the resumed run fetches nothing twice (issue 20.6).

Why pages were fetched twice. A request popped from the shared frontier is parked in the
worker's in-flight hash ``<spider>:inflight:<worker>`` (its fingerprint went into the shared
dupefilter when it was queued, so the filter is not the cause) and leaves it when its response
and all its items are through the pipelines; the worker removes finished ones from the hash once
a heartbeat. When Redis dies, (a) the pages being downloaded or in the spider's callbacks finish,
but their items cannot get a story id without the story index and are dropped, so their
requests stay in the hash; (b) pages finished since the last heartbeat are still in the hash,
too. The restart queues everything in its hash again: (a) was fetched a second time, and (b) too
unless the seen-URL store knew it (articles written; not feeds or listings).

What this component does about it:

* it keeps, in memory, the raw response of each in-flight request (next to the downloader, as
  received) until the request is done (:meth:`forget`); that is a handful of pages, the prefetch
  bound's worth (``REDIS_PREFETCH`` + the transfers);
* when Redis is lost (:meth:`redis_lost`, from :class:`RedisGuard`), it notes which requests
  were finished already, and from then on refuses to start a request taken from the frontier
  (``distributed/not_started``: it stays in the in-flight hash and is queued again on restart);
  what is being downloaded finishes (Scrapy's close waits for it);
* at the close (the scheduler's, once downloads and callbacks are over) it writes ``STATE_DIR/distributed/<spider>.journal.json`` (atomically): the
  finished request ids and the responses of the unfinished ones, with one WARNING;
* at the next start, before anything is scheduled (:meth:`resume`, from the coordinator), the
  finished ids leave the in-flight hash, and each kept response whose request is still in this
  worker's hash is handed to the scheduler and answered from the journal instead of the network
  (flag ``journal``; ``distributed/journal/replayed``): its callbacks run again, its items get
  their story ids, nothing is fetched. A request another worker took over meanwhile (after
  ``DISTRIBUTED_RECLAIM_AFTER``) is left to it (``distributed/journal/taken_over``).

A journal that cannot be read is moved aside (``*.corrupt-<time>``) with one WARNING; its
requests are then fetched again, as before (``distributed/journal/corrupt``).
"""
from __future__ import annotations

import base64
import json
import os
import time
from collections import OrderedDict
from pathlib import Path

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.distributed.common import logger, redis_url, worker_id

FLAG = "journal"


# ---------------------------------------------------------------------------- the file (no Scrapy)

def journal_path(state_dir: str | os.PathLike, spider: str) -> Path:
    return Path(state_dir) / "distributed" / f"{spider}.journal.json"


def write_journal(path: Path, doc: dict) -> None:
    """DOC as JSON at PATH, atomically (a temporary file, fsync, rename), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_journal(path: Path) -> tuple[dict | None, str | None]:
    """(the journal, None); (None, None) when there is none; (None, where it was moved) when it
    cannot be read: a corrupt file is moved aside, never deleted."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    try:
        doc = json.loads(raw)
        if not isinstance(doc, dict) or not isinstance(doc.get("done", []), list) \
                or not isinstance(doc.get("replay", {}), dict):
            raise ValueError("not a journal")
        for entry in doc.get("replay", {}).values():
            decode_body(entry)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
        os.replace(path, aside)
        return None, f"{aside} ({type(exc).__name__}: {exc})"
    return doc, None


#: response headers never written to the journal (a session is not kept on disk)
SECRET_HEADERS = {b"set-cookie", b"set-cookie2"}


def encode_response(url: str, status: int, headers: list[tuple[bytes, bytes]], body: bytes,
                    fetched_at: str) -> dict:
    """A response as a journal entry. URL is for people reading the file (pass it masked): the
    page is rebuilt at the URL of its request, which this layer answers unchanged."""
    return {"url": url, "status": status, "fetched_at": fetched_at,
            "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in headers
                        if k.lower() not in SECRET_HEADERS],
            "body": base64.b64encode(body).decode("ascii")}


def decode_body(entry: dict) -> bytes:
    return base64.b64decode(entry["body"].encode("ascii"), validate=True)


# ---------------------------------------------------------------------------- the component

class LossJournal:
    """Downloader middleware next to the downloader: keeps in-flight responses, refuses to start
    requests after a Redis loss, writes and replays the journal (see the module doc)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.state_dir = crawler.settings.get("STATE_DIR") or ".state"
        self.worker = worker_id(crawler.settings)
        # request id -> its response, until the request is done; a response that never reaches the
        # callbacks (a redirect, a page a middleware drops) is let go once KEEP_MAX newer ones came
        self.kept: OrderedDict[str, dict] = OrderedDict()
        self.keep_max = max(64, 4 * crawler.settings.getint("CONCURRENT_REQUESTS", 16))
        self.done_at_loss: list[str] = []    # finished before the loss, still in the in-flight hash
        self.replay: dict[str, dict] = {}    # read from the journal: answered from it, not fetched
        self.resumed: set[str] = set()       # ids of self.replay at start: in flight, not to queue again
        self.lost = False
        self.path: Path | None = None
        crawler._distributed_journal = self

    @classmethod
    def from_crawler(cls, crawler):
        if not redis_url(crawler.settings):
            raise NotConfigured
        return cls(crawler)

    # --- downloader middleware
    def process_request(self, request, spider=None):
        rid = request.meta.get("_dist_id")
        if not rid:
            return None
        entry = self.replay.pop(rid, None)
        if entry is not None:
            self.stats.inc_value("distributed/journal/replayed")
            self.kept[rid] = entry                  # journaled again if Redis goes once more
            return self._response(request, entry)
        if self.lost:
            self.stats.inc_value("distributed/not_started")
            raise IgnoreRequest("not started: Redis is unavailable; queued again on restart")
        return None

    def process_response(self, request, response, spider=None):
        rid = request.meta.get("_dist_id")
        if rid and FLAG not in response.flags:
            from crawler.middlewares import utc_now_iso
            from crawler.reliability import mask_secrets
            from crawler.replay import FETCHED_AT_HEADER
            stamp = response.headers.get(FETCHED_AT_HEADER)
            self.kept[rid] = encode_response(mask_secrets(response.url), response.status, _pairs(response.headers), response.body,
                                             stamp.decode("ascii", "replace") if stamp else utc_now_iso())
            self.kept.move_to_end(rid)
            if not self.lost:
                self._let_go_of_stale()
        return response

    def _let_go_of_stale(self) -> None:
        """Keep at most KEEP_MAX responses: the oldest ones whose callbacks are not running."""
        if len(self.kept) <= self.keep_max:
            return
        coordinator = getattr(self.crawler, "_distributed_coordinator", None)
        running = coordinator.pending if coordinator is not None else {}
        for rid in [r for r in self.kept if r not in running][:len(self.kept) - self.keep_max]:
            del self.kept[rid]

    def _response(self, request, entry: dict):
        from scrapy.http import Headers
        from scrapy.responsetypes import responsetypes

        from crawler.replay import FETCHED_AT_HEADER
        headers = Headers()
        for k, v in entry["headers"]:
            headers.appendlist(k.encode("latin-1"), v.encode("latin-1"))
        if entry.get("fetched_at") and FETCHED_AT_HEADER.encode() not in headers:
            headers[FETCHED_AT_HEADER] = entry["fetched_at"]   # relative dates resolve as at the fetch
        body = decode_body(entry)
        cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return cls(url=request.url, status=int(entry["status"]), headers=headers, body=body, flags=[FLAG],
                   request=request)

    # --- called by the coordinator and the guard
    def forget(self, rid: str) -> None:
        """RID is done (its items went through the pipelines): its response is not needed."""
        if not self.lost:
            self.kept.pop(rid, None)

    def forget_all(self) -> None:
        """The worker is idle: nothing of this process is in flight."""
        if not self.lost:
            self.kept.clear()

    def redis_lost(self, done: list[str]) -> None:
        """Redis went away: DONE (finished, not yet removed from the in-flight hash) are complete;
        whatever else is in flight is answered from the journal on resume."""
        if self.lost:
            return
        self.lost = True
        self.done_at_loss = list(done)
        for rid in self.done_at_loss:
            self.kept.pop(rid, None)

    def resume(self, spider, client, inflight_key: str) -> dict[str, bytes]:
        """At start, before scheduling: apply the journal to this worker's in-flight hash. Returns
        ``{request id: queued request data}`` of the requests to answer from the journal (they
        stay in flight and are handed to the scheduler, not queued again)."""
        self.path = journal_path(self.state_dir, spider.name)
        doc, aside = read_journal(self.path)
        if aside:
            self.stats.inc_value("distributed/journal/corrupt")
            logger.warning("distributed: the Redis-loss journal could not be read; moved to %s: the pages it "
                           "kept are fetched again", aside)
            return {}
        if doc is None:
            return {}
        done = [rid for rid in doc.get("done", []) if isinstance(rid, str)]
        if done:
            self.stats.inc_value("distributed/journal/done", int(client.hdel(inflight_key, *done)))
        replay = doc.get("replay", {})
        present = client.hmget(inflight_key, list(replay)) if replay else []
        out = {}
        for (rid, entry), data in zip(replay.items(), present):
            if data is None:
                self.stats.inc_value("distributed/journal/taken_over")
            else:
                self.replay[rid] = entry
                out[rid] = data
        self.resumed = set(out)
        logger.info("distributed: journal of the last Redis loss: %d finished requests cleared from the in-flight "
                    "list, %d pages answered from it instead of the network, %d taken over by other workers",
                    len(done), len(out), len(replay) - len(out))
        return out

    def close(self, spider, reason) -> None:
        """Called by the scheduler's close (downloads and callbacks are over, the run report not
        written yet): write the journal after a loss; remove it when nothing is left in it."""
        path = self.path or journal_path(self.state_dir, spider.name)
        # left to replay: kept unless the crawl finished (then nothing of it is in flight any more)
        pending = {**(self.replay if reason != "finished" else {}), **(self.kept if self.lost else {})}
        done = self.done_at_loss if self.lost else []
        try:
            if pending or done:
                write_journal(path, {"spider": spider.name, "worker": self.worker, "written": time.time(),
                                     "done": done, "replay": pending})
            elif path.exists():
                path.unlink()
        except OSError as exc:
            self.stats.inc_value("distributed/journal/write_errors")
            logger.error("distributed: cannot write the Redis-loss journal %s (%s): its %d pages are fetched "
                         "again on resume", path, exc, len(pending))
            return
        if self.lost:
            self.stats.set_value("distributed/journal/kept", len(pending))
            logger.warning("distributed: Redis lost: %d finished requests and %d fetched pages kept in %s; the "
                           "next start with Redis back clears the first and processes the second without "
                           "fetching them again", len(done), len(pending), path)


def _pairs(headers) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, values in headers.items() for v in values]
