"""The first pass over one archive file: which records a spider takes (pure: no Scrapy).

One streamed read of the file (:func:`crawler.warc.reader.scan`) gives, for the records the
spider's :class:`~crawler.warc.select.Selection` takes, the *latest* capture of each URL
(by ``WARC-Date``; at equal dates the later one in the file) and where its HTTP response is
stored: its own offset, or for a ``revisit`` record the offset of the original response it
refers to (same payload digest, or ``WARC-Refers-To-Target-URI`` + ``-Date``). Older captures
count as ``superseded``. Only these small entries are kept, never a body: memory is flat in
the size of the file. The second pass reads the taken records back by offset, unless the
first pass kept the page (:class:`KeptPages`: the bodies of the pages it takes, up to a size,
so a page is inflated once rather than twice).
"""
from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from w3lib.url import canonicalize_url

from crawler.warc.reader import Capture, Problem, Record, scan
from crawler.warc.select import PRECHECK_BYTES, Selection


@dataclass(slots=True)
class Taken:
    """A capture to serve: the URL, its date and record id, and where its response is."""
    uri: str
    date: str | None
    record_id: str | None
    path: str       # file holding the HTTP response (a revisit's original may be in an earlier file)
    offset: int
    length: int | None  # bytes of that record in the file (a remote file is read by byte range)
    order: int      # position in the scan (ties of equal dates: the later one wins)
    revisit: bool = False


@dataclass
class FileScan:
    records: int = 0
    taken: list[Taken] = field(default_factory=list)
    superseded: int = 0
    skipped: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    revisits_unresolved: list[Capture] = field(default_factory=list)


class KeptPages:
    """Pages the first pass read whole, kept for the second: (path, offset) -> :class:`Record`.

    Filled by the scan (a thread), emptied as the engine serves the pages (``pop``). At most
    ``max_bytes`` of bodies: the oldest go first (a page no longer kept is read back from the
    file, as without this), so memory stays flat whatever the file, and a page that is never
    served (skipped by the incremental check, or served by another worker) costs nothing for long.
    """

    def __init__(self, max_bytes: int, max_body: int | None = None):
        self.max_bytes = max(0, int(max_bytes))
        self.max_body = max_body or self.max_bytes
        self.size = 0
        self._pages: OrderedDict[tuple[str, int], Record] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pages)

    def put(self, key: tuple[str, int], record: Record) -> bool:
        n = len(record.body)
        if n > self.max_bytes or n > self.max_body:
            return False
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            while self._pages and self.size + n > self.max_bytes:
                _, gone = self._pages.popitem(last=False)
                self.size -= len(gone.body)
            self._pages[key] = record
            self.size += n
        return True

    def pop(self, key: tuple[str, int]) -> Record | None:
        with self._lock:
            rec = self._pages.pop(key, None)
            if rec is not None:
                self.size -= len(rec.body)
            return rec


def url_key(url: str) -> str:
    try:
        return canonicalize_url(url.strip())
    except Exception:  # noqa: BLE001 - a malformed URL is its own key
        return url.strip()


def _newer(a: Taken, b: Taken) -> bool:
    """Whether capture A is later than B (WARC dates are ISO 8601 UTC: they sort as text)."""
    da, db = (a.date or ""), (b.date or "")
    return da > db or (da == db and a.order > b.order)


class Originals:
    """Responses a revisit may refer to: payload digest -> (path, offset), and (URL, date) ->
    (path, offset). Kept across the files of a run (a revisit's original may be in an earlier
    file); only for responses the spider takes, so it grows with the pages, not the files."""

    def __init__(self):
        self.by_digest: dict[str, tuple[str, int, int | None]] = {}
        self.by_capture: dict[tuple[str, str], tuple[str, int, int | None]] = {}

    def add(self, cap: Capture, path: str) -> None:
        where = (path, cap.offset, cap.length)
        if cap.payload_digest:
            self.by_digest.setdefault(cap.payload_digest, where)
        if cap.uri and cap.date:
            self.by_capture[(url_key(cap.uri), cap.date)] = where

    def find(self, cap: Capture) -> tuple[str, int, int | None] | None:
        if cap.refers_to_uri and cap.refers_to_date:
            hit = self.by_capture.get((url_key(cap.refers_to_uri), cap.refers_to_date))
            if hit:
                return hit
        if cap.payload_digest:
            return self.by_digest.get(cap.payload_digest)
        return None


def scan_file(fh, path: str, selection: Selection, originals: Originals | None = None,
              keep: KeptPages | None = None) -> FileScan:
    """Scan the open file FH (stored at PATH): the latest capture of each URL the spider takes
    (with KEEP, the bodies of those pages are kept for serving)."""
    out = FileScan()
    originals = originals if originals is not None else Originals()
    latest: dict[str, Taken] = {}
    whole: set[int] = set()  # offsets of the records whose body was read whole

    def want(cap: Capture) -> int:
        n = selection.payload_bytes(cap)
        if keep is not None and keep.max_bytes and cap.rec_type == "response" and not selection.skip_reason(cap):
            whole.add(cap.offset)
            return keep.max_body + 1
        return n

    for order, (cap, payload, problem) in enumerate(scan(fh, want)):
        read_whole = cap is not None and cap.offset in whole
        whole.clear()  # want() is asked about the record being read only
        if cap is not None:
            out.records += 1
        if problem is not None:
            out.problems.append(problem)
            continue
        reason = selection.skip_reason(cap)
        if reason:
            out.skipped[reason] += 1
            continue
        if cap.rec_type == "response":
            if selection.needs_payload and not selection.takes_payload(payload and payload[:PRECHECK_BYTES]):
                out.skipped["precheck"] += 1
                continue
            originals.add(cap, path)
            taken = Taken(cap.uri, cap.date, cap.record_id, path, cap.offset, cap.length, order)
        else:  # revisit: served from the response it refers to
            where = originals.find(cap)
            if where is None:
                out.revisits_unresolved.append(cap)
                out.skipped["revisit_unresolved"] += 1
                continue
            taken = Taken(cap.uri, cap.date, cap.record_id, where[0], where[1], where[2], order, revisit=True)
        key = url_key(cap.uri)
        old = latest.get(key)
        if old is not None:
            out.superseded += 1
            if not _newer(taken, old):
                continue
            if keep is not None and not old.revisit and (old.path, old.offset) != (taken.path, taken.offset):
                keep.pop((old.path, old.offset))  # (a revisit of it is served from it)
        latest[key] = taken
        if read_whole and not taken.revisit and payload is not None:
            keep.put((path, cap.offset), Record(cap.uri, cap.date, cap.record_id, cap.status, cap.headers or [], payload))
    out.taken = sorted(latest.values(), key=lambda t: t.order)
    return out
