"""Seed lists (``-a urls_file=``): reading them line by line and knowing how far a run got (pure).

A seed file has one URL a line, optionally followed by whitespace and the page's lastmod
(``https://example.org/a 2025-09-01T10:00:00Z``: an article written by an earlier run is
fetched again when its lastmod is newer than the one recorded). Blank lines and lines starting
with ``#`` are skipped. Any other line that is not an http(s) URL is a bad line: the reader
reports it (line number, text, reason) and goes on with the next one.

The file is read as the crawl goes, never held in memory. :class:`SeedProgress` follows which
lines are settled (their page written, skipped as known, or failed) and gives the *low-water
mark*: the byte offset before which every line is settled. The spider saves it in the state
(:class:`crawler.state.SeedProgressStore`) as it goes; a run started again with the same
command seeks to that offset instead of reading the file from the top.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

_LASTMOD_RE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")


@dataclass(frozen=True)
class Seed:
    """A good line: its URL, optional lastmod, 1-based line number and byte span in the file."""

    url: str
    lastmod: str | None = None
    line: int = 0
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class BadSeed:
    """A line that is not a URL: what it says and why it is refused."""

    text: str
    reason: str
    line: int = 0
    start: int = 0
    end: int = 0


def url_problem(url: str) -> str | None:
    """Why URL cannot be a seed (None: it can). Only absolute http(s) URLs with a host are."""
    if not url:
        return "empty"
    if any(c.isspace() for c in url):
        return "contains whitespace"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        return f"not a URL ({exc})"
    if not parts.scheme:
        return "no scheme (it must start with http:// or https://)"
    if parts.scheme.lower() not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not http or https"
    if not parts.hostname:
        return "no host"
    return None


def parse_line(text: str) -> Seed | BadSeed | None:
    """One line of a seed file: a Seed, a BadSeed, or None for a blank or ``#`` comment line."""
    text = text.strip()
    if not text or text.startswith("#"):
        return None
    parts = text.split()
    url, lastmod = parts[0], None
    if len(parts) > 2 or (len(parts) == 2 and not _LASTMOD_RE.match(parts[1])):
        return BadSeed(text, "more than a URL and a lastmod date on the line")
    if len(parts) == 2:
        lastmod = parts[1]
    problem = url_problem(url)
    if problem:
        return BadSeed(text, problem)
    return Seed(url, lastmod)


class SeedFile:
    """The lines of a seed file from byte offset ``start`` (line number ``first_line``), read
    as they are asked for. ``skipped`` counts blank and comment lines."""

    def __init__(self, path: str | Path, start: int = 0, first_line: int = 1):
        self.path = Path(path)
        self.start = start
        self.first_line = first_line
        self.skipped = 0

    def __iter__(self) -> Iterator[Seed | BadSeed]:
        with open(self.path, "rb") as fh:
            fh.seek(self.start)
            pos, line = self.start, self.first_line - 1
            for raw in fh:
                line += 1
                begin, pos = pos, pos + len(raw)
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    yield BadSeed(raw.decode("utf-8", "replace").strip(), f"not UTF-8 ({exc.reason})", line, begin, pos)
                    continue
                entry = parse_line(text)
                if entry is None:
                    self.skipped += 1
                    continue
                if isinstance(entry, Seed):
                    yield Seed(entry.url, entry.lastmod, line, begin, pos)
                else:
                    yield BadSeed(entry.text, entry.reason, line, begin, pos)


class SeedProgress:
    """Which lines of a seed file are settled, and the low-water mark before which all are.

    ``read(line, start, end)`` for every line handed out (in file order), ``settle(line)`` when
    a line's outcome is final. Lines are settled in any order; :attr:`mark` is
    ``(line, offset)`` of the first line not yet settled (or of the line after the last one
    read): a restart reads from there and misses nothing.
    """

    def __init__(self, line: int = 1, offset: int = 0):
        self._open: deque[tuple[int, int]] = deque()  # (line, start offset) in file order
        self._settled: set[int] = set()
        self._next = (line, offset)  # the line after the last one read
        self.read_lines = 0

    def read(self, line: int, start: int, end: int) -> None:
        self._open.append((line, start))
        self._next = (line + 1, end)
        self.read_lines += 1

    def settle(self, line: int) -> bool:
        """Settle LINE; True when the mark moved."""
        if not self._open or line < self._open[0][0] or line in self._settled:
            return False
        self._settled.add(line)
        moved = False
        while self._open and self._open[0][0] in self._settled:
            self._settled.discard(self._open.popleft()[0])
            moved = True
        return moved

    @property
    def mark(self) -> tuple[int, int]:
        return self._open[0] if self._open else self._next

    @property
    def read_to(self) -> tuple[int, int]:
        """``(line, offset)`` after the last line read (what a resumed JOBDIR job reads next)."""
        return self._next

    @property
    def pending(self) -> int:
        return len(self._open)
