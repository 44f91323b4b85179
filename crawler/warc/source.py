"""``-a warc=PATH``: the start requests of a crawl read from web archives (a spider middleware).

The spider's own start requests (feeds, listings) are not used. For each archive file that
PATH names (:mod:`crawler.warc.paths`), in order:

1. the first pass (:func:`crawler.warc.scan.scan_file`, in a thread, so the engine goes on
   serving the previous file meanwhile) finds the records this spider takes and the latest
   capture of each URL; a remote file is streamed, never stored;
2. one request per taken capture goes to the engine, whose download handler
   (:mod:`crawler.warc.handler`) serves the page the first pass kept (``WARC_KEEP_MB`` of
   them at most, :class:`crawler.warc.scan.KeptPages`) or reads the record back by offset; the page
   then goes through the spider's ``parse_article``, the pipelines, dedupe and JSONL like a
   page of a live crawl. Nothing is followed from it: the archive is the crawl.

Requests are released as the scheduler drains (at most ``WARC_MAX_PENDING`` waiting), so
memory stays flat whatever the number and size of the files.

Across files, a URL already served from an earlier file is served again only for a later
capture (its item is then written again when its fields changed, with the same ids); an
older or equal one counts as ``warc/superseded``.

Progress: a log line per file when its scan is done (records read, taken, superseded,
skipped, problems), a line per file at the end with the records written, and the run
report's ``warc_files`` (one entry per file). A problem record (truncated, lying length,
not HTTP, an empty or unreadable file) is a WARNING naming the file and offset, counted under
``warc/problems/<kind>``; the run goes on.
"""
from __future__ import annotations

import logging
from collections import Counter

import scrapy
from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import signals as our_signals
from crawler.reliability import mask_secrets
from crawler.warc.paths import DEFAULT_BASE_URL, Source, expand, open_url
from crawler.warc.scan import FileScan, KeptPages, Originals, scan_file, url_key
from crawler.warc.select import Selection

logger = logging.getLogger(__name__)


async def _in_thread(func, *args):
    try:
        from scrapy.utils.asyncio import run_in_thread
    except ImportError:  # Scrapy < 2.15
        from twisted.internet.threads import deferToThread

        from scrapy.utils.defer import maybe_deferred_to_future

        return await maybe_deferred_to_future(deferToThread(func, *args))
    return await run_in_thread(func, *args)


async def _sleep(seconds: float) -> None:
    try:
        from scrapy.utils.asyncio import sleep
    except ImportError:  # Scrapy < 2.18
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        from scrapy.utils.defer import maybe_deferred_to_future

        await maybe_deferred_to_future(deferLater(reactor, seconds))
        return
    await sleep(seconds)


def _next(it):
    return next(it, None)


class FileReport(dict):
    """One file's entry in the run report."""

    def __init__(self, name: str):
        super().__init__(file=name, records=0, taken=0, superseded=0, written=0, skipped={}, problems={})


class WarcSource:
    """Spider middleware: the start requests of a ``-a warc=`` crawl (see the module doc)."""

    def __init__(self, crawler):
        s = crawler.settings
        self.spec = s.get("WARC_INPUT")
        if not self.spec:
            raise NotConfigured
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_pending = max(1, s.getint("WARC_MAX_PENDING", 200))
        self.base_url = s.get("WARC_BASE_URL") or DEFAULT_BASE_URL
        self.user_agent = s.get("USER_AGENT")
        self.timeout = s.getfloat("DOWNLOAD_TIMEOUT", 60)
        self.files: dict[str, FileReport] = {}
        # the run report reads this list at close; its entries are updated in place
        self.reports: list[FileReport] = []
        self.stats.set_value("warc/file_reports", self.reports)
        self.served: dict[str, str] = {}  # url key -> WARC-Date of the capture served in this run
        self.originals = Originals()
        # pages the first pass read whole, for the download handler (crawler/warc/handler.py)
        self.kept = crawler._warc_kept = KeptPages(int(s.getfloat("WARC_KEEP_MB", 32) * 1024 * 1024),
                                                   s.getint("DOWNLOAD_MAXSIZE", 0) or None)
        crawler.signals.connect(self.item_written, signal=our_signals.item_written)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    # ------------------------------------------------------------------ the files
    def sources(self):
        """The archive files to read, as an iterator (a path list is read as it goes)."""
        return expand(self.spec, self.base_url, self.user_agent, self.timeout)

    def shown(self, name: str) -> str:
        return mask_secrets(name)

    async def process_start(self, start=None):
        spider = self.crawler.spider
        selection = Selection.for_spider(spider)
        async for src in self.archive_files():
            async for request in self.requests_of(src, spider, selection):
                yield request
            # every request of SRC is in the scheduler now (the engine queues a start request
            # before it asks for the next one)
            await self.file_queued(src)

    async def archive_files(self):
        """The files to read, in order (a worker of a shared crawl claims them instead:
        :class:`crawler.distributed.warc.DistributedWarcSource`)."""
        try:
            sources = await _in_thread(self.sources)
        except (OSError, ValueError) as exc:
            logger.error("warc=%s: %s", self.shown(self.spec), exc)
            self.stats.inc_value("warc/file_errors")
            return
        while True:
            try:
                src = await _in_thread(_next, sources)
            except (OSError, ValueError) as exc:
                logger.error("warc=%s: the list of files cannot be read on: %s", self.shown(self.spec), exc)
                self.stats.inc_value("warc/file_errors")
                return
            if src is None:
                return
            yield src

    async def file_queued(self, src: Source) -> None:
        """Called when every request of SRC is queued (nothing to do in one process)."""

    async def requests_of(self, src: Source, spider, selection: Selection):
        """The requests of one file: scan it, then one request per capture to serve."""
        name = self.shown(src.name)
        report = self.files.get(name)
        if report is None:
            report = self.files[name] = FileReport(name)
            self.reports.append(report)
        try:
            scanned = await _in_thread(self.scan, src, selection)
        except OSError as exc:
            logger.warning("warc: %s cannot be read: %s", name, exc)
            self.stats.inc_value("warc/file_errors")
            report["problems"]["unreadable"] = report["problems"].get("unreadable", 0) + 1
            return
        self.account(name, report, scanned)
        taken = 0
        for t in scanned.taken:
            newer = self.take(t)
            if self.halted:
                break
            if newer is not False:  # older than a capture served, or a later one than it
                report["superseded"] += 1
                self.stats.inc_value("warc/superseded")
            if newer is None:
                continue
            await self.wait_for_room()
            taken += 1
            self.stats.inc_value("warc/taken")
            yield self.request_for(t, name, spider, newer=newer)
        report["taken"] += taken
        logger.info("warc: %s: %d records read, %d taken, %d superseded, %d skipped, %d problems",
                    name, scanned.records, taken, report["superseded"], sum(scanned.skipped.values()),
                    len(scanned.problems))

    @property
    def halted(self) -> bool:
        """Whether to stop handing out requests (a shared crawl whose Redis went away)."""
        return False

    def take(self, t) -> bool | None:
        """Whether capture T is served: None when a capture of its URL as late or later was served
        in this run, else whether it is later than one served from an earlier file."""
        key = url_key(t.uri)
        before = self.served.get(key)
        if before is not None and (t.date or "") <= before:
            return None
        self.served[key] = t.date or ""
        return before is not None

    def scan(self, src: Source, selection: Selection) -> FileScan:
        """The first pass over one file (runs in a thread)."""
        if src.remote:
            with open_url(src.location, self.user_agent, self.timeout) as fh:
                return scan_file(fh, src.location, selection, self.originals, self.kept)
        with open(src.location, "rb") as fh:
            return scan_file(fh, src.location, selection, self.originals, self.kept)

    def account(self, name: str, report: FileReport, scanned: FileScan) -> None:
        inc = self.stats.inc_value
        report["records"] += scanned.records
        report["superseded"] += scanned.superseded
        inc("warc/files")
        inc("warc/records", scanned.records)
        if scanned.superseded:
            inc("warc/superseded", scanned.superseded)
        skipped = Counter(report["skipped"])
        for reason, n in scanned.skipped.items():
            inc(f"warc/skipped/{reason}", n)
            skipped[reason] += n
        report["skipped"] = dict(sorted(skipped.items()))
        for p in scanned.problems:
            inc(f"warc/problems/{p.kind}")
            report["problems"][p.kind] = report["problems"].get(p.kind, 0) + 1
            logger.warning("warc: %s at offset %d: %s%s, skipped", name, p.offset, p.message,
                           f" ({self.shown(p.uri)})" if p.uri else "")
        for cap in scanned.revisits_unresolved:
            logger.warning("warc: %s at offset %d: revisit of %s refers to a response not in the archives read, skipped",
                           name, cap.offset, self.shown(cap.uri or "?"))

    def queued(self, scheduler) -> int | None:
        """Requests waiting in SCHEDULER (None: unknown; the distributed source asks Redis)."""
        return len(scheduler)

    async def wait_for_room(self) -> None:
        engine = self.crawler.engine
        while True:
            if self.halted or not engine.running:
                return
            scheduler = getattr(engine, "scheduler", None)
            if scheduler is None:
                slot = getattr(engine, "_slot", None)
                scheduler = getattr(slot, "scheduler", None)
            if scheduler is None:
                return
            queued = self.queued(scheduler)
            if queued is None or queued < self.max_pending:
                return
            await _sleep(0.01)

    def request_for(self, t, name: str, spider, newer: bool) -> scrapy.Request:
        meta = {
            # where the handler reads the response (plain data: requests may be serialised)
            "warc": {"path": t.path, "offset": t.offset, "length": t.length, "date": t.date,
                     "record_id": t.record_id, "file": name},
            "warc_file": name,
            "warc_record_id": t.record_id,
            "article": True,   # incremental runs skip pages an earlier run wrote
            "warc_newer": newer,
        }
        return scrapy.Request(t.uri, callback=spider.parse_article, errback=spider.article_failed,
                              dont_filter=True, meta=meta)

    # ------------------------------------------------------------------ progress
    def item_written(self, item=None, record=None, spider=None, **kw):
        name = (record or {}).get("warc_file")
        report = self.files.get(name) if name else None
        if report is not None:
            report["written"] += 1

    def spider_closed(self, spider, reason=None):
        for report in self.files.values():
            logger.info("warc: %s: %d records read, %d taken, %d written, %d superseded", report["file"],
                        report["records"], report["taken"], report["written"], report["superseded"])
