"""Reading WARC and ARC files with warcio (no Scrapy here).

Two operations, because a file is read in two passes (see :mod:`crawler.warc.source`):

* :func:`scan` streams every record of a file once, yielding a :class:`Capture` (the WARC
  headers and the HTTP status line, never the body unless the caller asks for it) and, for
  a record that is not sound, a :class:`Problem` naming its offset. Memory stays flat
  whatever the file's size: one record's headers at a time (plus the payload when asked).
* :func:`read_at` reads the one record that starts at a known offset (the second pass, for a
  record that was taken), with its status, headers and body.

What is not sound, and how it is seen (each one is skipped, never served):

* ``truncated``: a record whose block is shorter than its ``Content-Length`` (a truncated
  gzip member at a killed writer's tail, a ``Content-Length`` that claims more than there is);
* ``length``: a record followed by stray bytes (a ``Content-Length`` that claims less than
  there is; warcio finds the next record after it, so the file goes on);
* ``not_http``: a ``response``/``revisit`` record whose block is not an HTTP message;
* ``empty``: a file with no record at all;
* ``unreadable``: what warcio cannot read at all (a corrupt gzip member): the rest of that
  file is lost, and said so with its offset.

ARC files (``.arc``, ``.arc.gz``) are read by the same iterator, their records converted to
WARC ``response`` records by warcio (``arc2warc``).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed

#: Bytes warcio reads (and inflates) at a time when a record is read back: its default, 16 KB,
#: makes a 190 KB page a dozen trips through its Python buffering; 64 KB makes it three (the
#: bench's Conversation WARC: 1.01 -> 0.88-0.96 CPU ms a page). The scan keeps the default: with
#: bigger blocks it is slower (0.73 -> 0.92 ms a page: each gzip member's leftover is copied on).
READ_BLOCK_SIZE = 65536
#: Record types that carry an HTTP message we can serve.
HTTP_TYPES = ("response", "revisit")
_STATUS = re.compile(r"\d{3}")
#: HTTP headers that describe the transfer, not the body we hand on (the body is de-chunked
#: and its length is what it is); Content-Encoding stays: the crawler's own decompression
#: middleware undoes it, with its size limit.
HOP_HEADERS = frozenset({"transfer-encoding", "content-length", "connection", "keep-alive"})


class _Iterator(ArchiveIterator):
    """warcio's iterator, minus the warning it prints to stderr on a lying Content-Length: the
    reader counts those (``err_count``) and reports them as problems with their offset."""

    INC_RECORD = ""


@dataclass(slots=True)
class Capture:
    """One record as the scan sees it."""
    offset: int
    rec_type: str
    uri: str | None
    date: str | None
    record_id: str | None
    status: int | None = None
    content_type: str | None = None
    payload_digest: str | None = None
    refers_to_uri: str | None = None
    refers_to_date: str | None = None
    length: int | None = None  # bytes of the record in the file (known once it has been read)
    headers: list[tuple[str, str]] | None = None  # the HTTP headers to serve, when the body was read


@dataclass(slots=True)
class Problem:
    kind: str       # truncated | length | not_http | empty | unreadable
    offset: int
    message: str
    uri: str | None = None


@dataclass(slots=True)
class Record:
    """A record read back for serving."""
    uri: str
    date: str | None
    record_id: str | None
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    too_large: bool = False


def _status(rec) -> int | None:
    hh = rec.http_headers
    if hh is None or not str(hh.protocol or "").upper().startswith("HTTP/"):
        return None
    code = hh.get_statuscode()
    return int(code) if code and _STATUS.fullmatch(code) else None


def _body_stream(rec):
    """The payload, de-chunked when the stored message says chunked (never decompressed)."""
    hh = rec.http_headers
    if hh is not None and (hh.get_header("transfer-encoding") or "").lower() == "chunked":
        return ChunkedDataReader(rec.raw_stream, decomp_type=None)
    return rec.raw_stream


def _served_headers(rec) -> list[tuple[str, str]]:
    hh = rec.http_headers
    return [(k, v) for k, v in hh.headers if k.lower() not in HOP_HEADERS] if hh is not None else []


def _capture(rec, offset: int) -> Capture:
    h = rec.rec_headers
    cap = Capture(offset, rec.rec_type, h.get_header("WARC-Target-URI"), h.get_header("WARC-Date"),
                  h.get_header("WARC-Record-ID"))
    if rec.rec_type in HTTP_TYPES:
        cap.status = _status(rec)
        if rec.http_headers is not None:
            cap.content_type = rec.http_headers.get_header("content-type")
        cap.payload_digest = h.get_header("WARC-Payload-Digest")
        cap.refers_to_uri = h.get_header("WARC-Refers-To-Target-URI")
        cap.refers_to_date = h.get_header("WARC-Refers-To-Date")
    return cap


def scan(fh, want_payload: Callable[[Capture], int] | None = None) -> Iterator[tuple[Capture | None, bytes | None, Problem | None]]:
    """Every record of the open binary file FH: ``(capture, payload, problem)``.

    ``want_payload(capture)`` returns how many bytes of the body the caller wants to see (0 for
    none); ``payload`` is then the body's first bytes, else None. A record with a problem comes
    with it (``capture`` set, to be skipped); a file that cannot be read further, or has no
    record, ends with ``(None, None, problem)``.
    """
    it = _Iterator(fh, arc2warc=True)
    records = 0
    offset = it.offset
    try:
        for rec in it:
            records += 1
            offset = it.offset
            cap = _capture(rec, offset)
            problem = None
            payload = None
            if rec.rec_type in HTTP_TYPES and rec.http_headers is not None and cap.status is None:
                problem = Problem("not_http", offset, "a %s record whose block is not an HTTP message" % rec.rec_type, cap.uri)
            elif want_payload is not None:
                n = want_payload(cap)
                if n:
                    payload = _body_stream(rec).read(n)
                    cap.headers = _served_headers(rec)
            errors = it.err_count
            it.read_to_end()  # the rest of the record (and the blank lines after it)
            cap.length = it.member_info[1] if it.member_info else None
            if problem is None and getattr(rec.raw_stream, "limit", 0):
                problem = Problem("truncated", offset, "record is %d bytes shorter than its Content-Length"
                                  % rec.raw_stream.limit, cap.uri)
            elif problem is None and it.err_count > errors:
                problem = Problem("length", offset, "record is followed by stray bytes (its Content-Length is too short)", cap.uri)
            yield cap, (payload if problem is None else None), problem
    except Exception as exc:  # noqa: BLE001 - ArchiveLoadFailed, zlib.error, parser errors: the file stops here
        yield None, None, Problem("unreadable", it.offset if it.offset is not None else offset,
                                  "cannot read on (%s: %s); the rest of the file is skipped" % (type(exc).__name__, _short(exc)))
        return
    if not records:
        yield None, None, Problem("empty", 0, "no WARC or ARC record in the file")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())[:120]
    return text.encode("ascii", "backslashreplace").decode("ascii")


def read_at(fh, offset: int, max_body: int | None = None) -> Record:
    """The record starting at OFFSET of the open binary file FH, for serving.

    Raises ``ValueError`` when the record there is not a sound HTTP response (the scan said
    it was: the file changed since).
    """
    fh.seek(offset)
    it = _Iterator(fh, arc2warc=True, block_size=READ_BLOCK_SIZE)
    try:
        rec = next(iter(it))
    except StopIteration:
        raise ValueError("no record at offset %d" % offset) from None
    except ArchiveLoadFailed as exc:
        raise ValueError("no readable record at offset %d: %s" % (offset, _short(exc))) from None
    status = _status(rec)
    if status is None:
        raise ValueError("the record at offset %d is not an HTTP response" % offset)
    h = rec.rec_headers
    out = Record(h.get_header("WARC-Target-URI") or "", h.get_header("WARC-Date"), h.get_header("WARC-Record-ID"), status)
    out.headers = _served_headers(rec)
    stream = _body_stream(rec)
    if max_body:
        body = stream.read(max_body + 1)
        if len(body) > max_body:
            out.too_large = True
            body = b""
    else:
        body = stream.read()
    if getattr(rec.raw_stream, "limit", 0):
        raise ValueError("the record at offset %d is truncated" % offset)
    out.body = body
    it.close()
    return out
