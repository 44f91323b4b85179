"""Rotating, crash-safe WARC/1.1 files (pure: no Scrapy). Records are built by warcio.

* Each file starts with a ``warcinfo`` record; each fetch is a ``response`` record and its
  ``request`` record (``WARC-Concurrent-To`` the response), with ``WARC-Payload-Digest`` and
  ``WARC-Block-Digest`` (SHA-1, base32, as warcio writes them).
* Every record is its own gzip member (``.warc.gz``), so a file can be read, and seeked into,
  up to its last complete record whatever happens to the process.
* A file being written is named ``<name>.warc.gz.open`` and holds an ``flock``; it is renamed
  to ``<name>.warc.gz`` when full (``max_size``, checked after each fetch) or closed. Readers of
  a folder skip ``.open`` files. Records already name the final file.
* A fetch (its two records) is written with one ``write`` and flushed, so a killed process
  leaves at most one incomplete record at the end of its open file. The next writer on the
  folder (:meth:`WarcFolderWriter.recover`) finds each ``.open`` file whose lock is free, cuts
  what follows its last complete record into ``<name>.warc.gz.torn``, renames it to its final
  name, and reports it; it always starts a file of its own.
"""
from __future__ import annotations

import fcntl
import io
import os
import socket
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.warc.reader import scan

OPEN_SUFFIX = ".open"
TORN_SUFFIX = ".torn"
DEFAULT_MAX_SIZE = 1024 ** 3


def warc_date(when: datetime | None = None) -> str:
    """WARC-Date of now (UTC, whole seconds): also the record's ``fetched_at``."""
    when = when or datetime.now(timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Recovered:
    path: str          # the file's final name
    records: int       # complete records kept
    torn_bytes: int    # bytes cut after them (kept in <path>.torn), 0 when the file was whole
    torn_offset: int   # where the cut was made


def _member(raw: bytes, level: int) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return c.compress(raw) + c.flush()


class WarcFolderWriter:
    """Writes fetches to rotating ``.warc.gz`` files in FOLDER (see the module doc)."""

    def __init__(self, folder: str | os.PathLike, prefix: str = "crawl", max_size: int = DEFAULT_MAX_SIZE,
                 gzip_level: int = 6, info: dict[str, str] | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.prefix = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in prefix) or "crawl"
        self.max_size = max(1, int(max_size))
        self.level = gzip_level
        self.info = dict(info or {})
        self.serial = 0
        self.fh = None
        self.path: Path | None = None     # the final name of the file being written
        self.size = 0
        self.records = 0
        self.closed_files: list[str] = []
        self._builder = WARCWriter(io.BytesIO(), gzip=False, warc_version="1.1")
        self._host = socket.gethostname().split(".")[0] or "host"

    # ------------------------------------------------------------------ files
    def _new_name(self) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        while True:
            self.serial += 1
            name = f"{self.prefix}-{stamp}-{self.serial:05d}-{os.getpid()}-{self._host}.warc.gz"
            path = self.folder / name
            if not path.exists() and not Path(str(path) + OPEN_SUFFIX).exists():
                return path

    def _open(self) -> None:
        path = self._new_name()
        fh = open(str(path) + OPEN_SUFFIX, "xb")
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.fh, self.path, self.size, self.records = fh, path, 0, 0
        info = {"software": "news-crawler (warcio)", "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}
        info.update(self.info)
        rec = self._builder.create_warcinfo_record(path.name, info)
        self._write([rec])

    def _write(self, records) -> None:
        data = b"".join(_member(self._raw(r), self.level) for r in records)
        self.fh.write(data)
        self.fh.flush()
        self.size += len(data)
        self.records += len(records)

    def _raw(self, record) -> bytes:
        buf = io.BytesIO()
        WARCWriter(buf, gzip=False, warc_version="1.1").write_record(record)
        return buf.getvalue()

    def close_file(self) -> str | None:
        """Close the file being written and give it its final name."""
        if self.fh is None:
            return None
        fh, path = self.fh, self.path
        self.fh = None
        try:
            fh.flush()
            os.fsync(fh.fileno())
        finally:
            os.replace(str(path) + OPEN_SUFFIX, path)
            fh.close()  # releases the lock after the rename: no one sees a free .open file
        self.closed_files.append(str(path))
        return str(path)

    def close(self) -> None:
        self.close_file()

    # ------------------------------------------------------------------ fetches
    def write_fetch(self, url: str, status: int, headers: list[tuple[str, str]], body: bytes,
                    method: str = "GET", request_headers: list[tuple[str, str]] | None = None,
                    request_body: bytes = b"", date: str | None = None, ip: str | None = None) -> tuple[str, str]:
        """Archive one fetch; return (the file's final path, the response record's id)."""
        if self.fh is None:
            self._open()
        date = date or warc_date()
        b = self._builder
        reason = _reason(status)
        http = StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol="HTTP/1.1")
        wh = {"WARC-Date": date}
        if ip:
            wh["WARC-IP-Address"] = ip
        resp = b.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                    http_headers=http, warc_headers_dict=wh)
        resp_id = resp.rec_headers.get_header("WARC-Record-ID")
        req_http = StatusAndHeaders(f"{method} {_request_target(url)} HTTP/1.1", list(request_headers or []),
                                    is_http_request=True)
        req = b.create_warc_record(url, "request", payload=io.BytesIO(request_body), length=len(request_body),
                                   http_headers=req_http,
                                   warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": resp_id})
        self._write([resp, req])
        path = str(self.path)
        if self.size >= self.max_size:
            self.close_file()
        return path, resp_id

    # ------------------------------------------------------------------ after a kill
    def recover(self) -> list[Recovered]:
        """Finish the ``.open`` files of dead writers in the folder (see the module doc)."""
        done = []
        for open_path in sorted(self.folder.glob("*" + OPEN_SUFFIX)):
            try:
                fh = open(open_path, "r+b")
            except OSError:
                continue
            try:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # a live writer holds it
                good, records = _last_good_offset(fh)
                fh.seek(0, os.SEEK_END)
                size = fh.tell()
                final = Path(str(open_path)[: -len(OPEN_SUFFIX)])
                torn = size - good
                if torn:
                    fh.seek(good)
                    with open(str(final) + TORN_SUFFIX, "ab") as out:
                        out.write(fh.read())
                    fh.truncate(good)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(open_path, final)
                done.append(Recovered(str(final), records, torn, good))
            finally:
                fh.close()
        return done


def _last_good_offset(fh) -> tuple[int, int]:
    """(end of the last complete record, number of complete records) of an archive file."""
    fh.seek(0)
    end, records = 0, 0
    for cap, _payload, problem in scan(fh):
        if cap is None or problem is not None or not cap.record_id or cap.length is None:
            break
        records += 1
        end = cap.offset + (cap.length or 0)
    return end, records


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _request_target(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
