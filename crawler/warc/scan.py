"""The first pass over one archive file: which records a spider takes (pure: no Scrapy).

One streamed read of the file (:func:`crawler.warc.reader.scan`) gives, for the records the
spider's :class:`~crawler.warc.select.Selection` takes, the *latest* capture of each URL
(by ``WARC-Date``; at equal dates the later one in the file) and where its HTTP response is
stored: its own offset, or for a ``revisit`` record the offset of the original response it
refers to (same payload digest, or ``WARC-Refers-To-Target-URI`` + ``-Date``). Older captures
count as ``superseded``. Only these small entries are kept, never a body: memory is flat in
the size of the file. The second pass reads the taken records back by offset.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from w3lib.url import canonicalize_url

from crawler.warc.reader import Capture, Problem, scan
from crawler.warc.select import Selection


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


def scan_file(fh, path: str, selection: Selection, originals: Originals | None = None) -> FileScan:
    """Scan the open file FH (stored at PATH): the latest capture of each URL the spider takes."""
    out = FileScan()
    originals = originals if originals is not None else Originals()
    latest: dict[str, Taken] = {}
    for order, (cap, payload, problem) in enumerate(scan(fh, selection.payload_bytes)):
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
            if selection.needs_payload and not selection.takes_payload(payload):
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
        if old is None:
            latest[key] = taken
        elif _newer(taken, old):
            latest[key] = taken
            out.superseded += 1
        else:
            out.superseded += 1
    out.taken = sorted(latest.values(), key=lambda t: t.order)
    return out
