"""What ``-a warc=PATH`` names, as a list of archive files (pure: no Scrapy).

PATH may be

* a file: ``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz``;
* a folder: every such file under it, recursively, in name order (files still being written,
  ``*.open``, are left out);
* a glob (``/data/CC-NEWS-2024*.warc.gz``), in name order (archive files only);
* a text file listing paths or URLs, one a line (``#`` comments), plain or gzipped; CC-NEWS's
  own ``warc.paths.gz`` is one: its relative entries (``crawl-data/CC-NEWS/…``) are resolved
  against ``WARC_BASE_URL`` (Common Crawl's data host by default), or against the list's own
  host when the list was fetched by URL;
* an ``http(s)://`` URL of one archive file or of such a list.

Entries are yielded as :class:`Source` (where to read it, and the name records carry in
``warc_file``) while the list is read, so a list of any length is never held in memory.
A remote archive is never stored: its first pass streams it, and the records taken are then
fetched by HTTP byte range (:mod:`crawler.warc.handler`), as Common Crawl's index users do.
"""
from __future__ import annotations

import glob as globmod
import gzip
import io
import os
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

#: Common Crawl's public data host: where ``warc.paths`` entries live.
DEFAULT_BASE_URL = "https://data.commoncrawl.org/"
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class Source:
    location: str  # a local path or an http(s) URL
    name: str      # what records say in ``warc_file``: the absolute path, or the URL

    @property
    def remote(self) -> bool:
        return is_url(self.location)


def is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://"))


def is_archive_name(name: str) -> bool:
    low = name.lower().split("?", 1)[0]
    return low.endswith(ARCHIVE_SUFFIXES)


def _local(path: str | Path) -> Source:
    p = os.path.abspath(os.path.expanduser(str(path)))
    return Source(p, p)


def expand(spec: str, base_url: str = DEFAULT_BASE_URL, user_agent: str | None = None,
           timeout: float = 60.0) -> Iterator[Source]:
    """The archive files SPEC names, in order (see the module's docstring)."""
    spec = spec.strip()
    if not spec:
        raise ValueError("warc= is empty")
    if is_url(spec):
        if is_archive_name(spec):
            yield Source(spec, spec)
        else:
            with open_url(spec, user_agent, timeout) as fh:
                yield from _list_entries(fh, list_url=spec, base_url=base_url)
        return
    path = Path(os.path.expanduser(spec))
    if path.is_dir():
        found = sorted(str(p) for p in path.rglob("*") if p.is_file() and is_archive_name(p.name))
        for p in found:
            yield _local(p)
        return
    if _GLOB_CHARS & set(spec) and not path.exists():
        for p in sorted(globmod.glob(os.path.expanduser(spec), recursive=True)):
            if os.path.isfile(p) and is_archive_name(p):
                yield _local(p)
        return
    if not path.is_file():
        raise FileNotFoundError(f"warc={spec}: no such file, folder or glob match")
    if is_archive_name(path.name):
        yield _local(path)
        return
    with open(path, "rb") as fh:
        yield from _list_entries(fh, list_dir=path.parent, base_url=base_url)


def _lines(fh) -> Iterator[str]:
    head = fh.read(2)
    raw = io.BufferedReader(_Prefixed(head, fh)) if head else fh
    stream = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
    for line in io.TextIOWrapper(stream, encoding="utf-8", errors="replace"):
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


class _Prefixed(io.RawIOBase):
    """A stream with bytes already read put back in front (to sniff the gzip magic)."""

    def __init__(self, head: bytes, fh):
        self.head, self.fh = head, fh

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        if self.head:
            n = min(len(b), len(self.head))
            b[:n] = self.head[:n]
            self.head = self.head[n:]
            return n
        data = self.fh.read(len(b))
        b[: len(data)] = data
        return len(data)


def _list_entries(fh, list_url: str | None = None, list_dir: Path | None = None,
                  base_url: str = DEFAULT_BASE_URL) -> Iterator[Source]:
    if list_url:
        parts = urlsplit(list_url)
        base = f"{parts.scheme}://{parts.netloc}/"  # CC's entries are relative to the bucket root
    else:
        base = base_url
    for entry in _lines(fh):
        if is_url(entry):
            yield Source(entry, entry)
        elif os.path.isabs(os.path.expanduser(entry)):
            yield _local(entry)
        elif list_dir is not None and (list_dir / entry).exists():
            yield _local(list_dir / entry)
        else:
            url = urljoin(base if base.endswith("/") else base + "/", entry.lstrip("/"))
            yield Source(url, url)


def open_url(url: str, user_agent: str | None = None, timeout: float = 60.0):
    req = urllib.request.Request(url, headers={"User-Agent": user_agent or "news-crawler"})
    return urllib.request.urlopen(req, timeout=timeout)  # noqa: S310 - http(s) only (is_url)

