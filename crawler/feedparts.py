"""One feed file from several spiders of one process (``scrapy crawlall -O out/all.jsonl``).

Scrapy gives each crawler its own feed exporter; five crawlers on one path overwrite and
interleave each other (a corrupt file, and Scrapy still reports every item stored). So
``crawlall`` points each spider at a part file of its own (``<path>.<spider>.part``: Scrapy's
``%(name)s`` URI parameter), and after the run joins the parts into the path in spider order,
in a way valid for the format. A feed that cannot be joined (not a local file, a URI with other
parameters, batches, post-processing, an unknown format) is refused before anything starts.
Stdout (``-O -``) is joined the same way from parts in a scratch folder.

Pure: no Scrapy imports.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

PART = ".%(name)s.part"
CONCATENATED = {"jsonlines", "jsonl", "jl", "marshal", "pickle"}
JOINABLE = CONCATENATED | {"json", "csv", "xml"}


class Unjoinable(ValueError):
    """A feed several spiders would write at once that cannot be joined into one valid file."""


def local_path(uri: str) -> Path | None:
    """The file of a local feed URI (a path or ``file://``), None for any other storage."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(url2pathname(parsed.path))
    if parsed.scheme == "" or (len(parsed.scheme) == 1 and os.name == "nt"):
        return Path(uri)
    return None


STDOUT = "stdout:"   # Scrapy's URI of ``-O -``


def plan(feeds: dict, spiders: int, scratch: str | None = None) -> tuple[dict, dict[str, tuple[str, dict]]]:
    """FEEDS for a process of SPIDERS spiders and what to join afterwards.

    Returns ``(feeds, joins)``: feeds with every shared target replaced by its per-spider part
    URI, and ``{target: (parts base, options)}`` for each target to join. The parts of a local
    file lie beside it; those of stdout (``-O -``) under SCRATCH (a folder of the caller's).
    Raises :class:`Unjoinable` naming the feed.
    """
    if spiders < 2:
        return dict(feeds), {}
    out, joins = {}, {}
    for key, options in feeds.items():
        uri, options = str(key), dict(options or {})
        if "%(name)s" in uri:              # a file per spider already
            out[key] = options
            continue
        fmt = options.get("format")
        path = str(Path(scratch) / "stdout") if uri == STDOUT and scratch else local_path(uri)
        why = None
        if path is None:
            why = "it is not a local file"
        elif "%(" in uri:
            why = "its path has URI parameters other than %(name)s"
        elif options.get("batch_item_count"):
            why = "it is written in batches"
        elif options.get("postprocessing"):
            why = "it is post-processed"
        elif fmt not in JOINABLE:
            why = f"format {fmt!r} cannot be joined"
        if why:
            raise Unjoinable(f"feed {uri} would be written by {spiders} spiders at once and {why}; "
                             "put %(name)s in its path (a file per spider) or run `scrapy crawl` per spider")
        out[str(path) + PART] = options
        joins[STDOUT if uri == STDOUT else str(path)] = (str(path), options)
    return out, joins


def part_paths(path: str, names: list[str]) -> list[Path]:
    return [Path(str(path) + PART % {"name": name}) for name in names]


def _inner(data: bytes, start: bytes, end: bytes, path: Path) -> tuple[bytes, bytes]:
    """(head up to and with START, what lies between START and the last END) of a part."""
    i, j = data.find(start), data.rfind(end)
    if i < 0 or j < i:
        raise ValueError(f"{path} is not a whole {start.decode()}...{end.decode()} document")
    return data[: i + len(start)], data[i + len(start): j]


def join(target: str, base: str, options: dict, names: list[str], stdout=None) -> int:
    """Join the spiders' parts of BASE (deleted afterwards) into TARGET, a path or ``stdout:``
    (written to the binary file STDOUT); returns how many parts there were.

    ``overwrite`` in OPTIONS (``-O``) replaces a file, else the joined feed is appended (``-o``).
    A missing part (a spider that did not start, FEED_STORE_EMPTY off) is skipped. The feed is
    joined into ``<base>.joining`` first, one part in memory at a time (JSON and XML; the others
    are streamed), so a part that is not a whole document changes nothing (ValueError, the parts
    are kept).
    """
    fmt = options.get("format")
    if fmt not in JOINABLE:
        raise ValueError(f"format {fmt!r} cannot be joined")
    parts = [p for p in part_paths(base, names) if p.exists()]
    if not parts:
        return 0
    to_stdout = target == STDOUT
    path = Path(target)
    fresh = to_stdout or bool(options.get("overwrite")) or not path.exists() or path.stat().st_size == 0
    joining = Path(str(base) + ".joining")
    try:
        with open(joining, "wb") as out:
            _join_into(out, parts, fmt, options.get("item_export_kwargs") or {}, header_due=fresh)
        if to_stdout:
            with open(joining, "rb") as fh:
                shutil.copyfileobj(fh, stdout)
            stdout.flush()
        elif options.get("overwrite"):
            os.replace(joining, path)
        else:
            with open(joining, "rb") as fh, open(path, "ab") as dest:
                shutil.copyfileobj(fh, dest)
    finally:
        joining.unlink(missing_ok=True)
    for p in parts:
        p.unlink()
    return len(parts)


def _join_into(out, parts: list[Path], fmt: str, kwargs: dict, header_due: bool) -> None:
    root = str(kwargs.get("root_element", "items")).encode()
    first = True
    if fmt == "json":
        out.write(b"[")
    for part in parts:
        if fmt in CONCATENATED or fmt == "csv":
            with open(part, "rb") as fh:
                if fmt == "csv" and kwargs.get("include_headers_line", True):
                    header = fh.readline()        # a part without items has no header either
                    if header and header_due:     # the header once, at the top of a new file
                        out.write(header)
                        header_due = False
                shutil.copyfileobj(fh, out)
        elif fmt == "json":
            inner = _inner(part.read_bytes().strip(), b"[", b"]", part)[1].strip()
            if inner:
                out.write((b"\n" if first else b",\n") + inner)
                first = False
        else:  # xml
            head, inner = _inner(part.read_bytes(), b"<" + root + b">", b"</" + root + b">", part)
            out.write(head + inner if first else inner)
            first = False
    if fmt == "json":
        out.write(b"\n]")
    elif fmt == "xml":
        out.write(b"</" + root + b">\n")
