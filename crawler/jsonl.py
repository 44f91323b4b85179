"""Append-only JSONL files that never hold a torn line (pure; no Scrapy imports)."""
from __future__ import annotations

import json
import os
from pathlib import Path

try:  # a dependency (pyproject.toml); without it every record goes through json
    import orjson
except ImportError:  # pragma: no cover - an environment installed before orjson was added
    orjson = None


def repair_torn_tail(path: Path) -> bytes:
    """Cut an incomplete last line (a write killed mid-way) off PATH.

    The cut bytes are appended to ``PATH.torn`` so nothing is silently lost, and returned
    (b"" when the file was whole).
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return b""
    if size == 0:
        return b""
    with open(path, "rb+") as fh:
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return b""
        # find the last newline, reading backwards in blocks
        pos, block = size, 65536
        cut = 0
        while pos > 0:
            start = max(0, pos - block)
            fh.seek(start)
            chunk = fh.read(pos - start)
            i = chunk.rfind(b"\n")
            if i >= 0:
                cut = start + i + 1
                break
            pos = start
        fh.seek(cut)
        torn = fh.read()
        with open(path.with_name(path.name + ".torn"), "ab") as side:
            side.write(torn + b"\n")
        fh.truncate(cut)
        fh.flush()
        os.fsync(fh.fileno())
    return torn


#: Line and paragraph separators: valid raw in JSON, but line boundaries to readers that split
#: with ``str.splitlines`` (and to JavaScript before ES2019), so written escaped.
_SEPARATORS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029"})
#: their UTF-8 bytes (a sequence no other character's encoding holds)
_LS, _PS = "\u2028".encode(), "\u2029".encode()

#: the types orjson writes byte for byte as ``json.dumps(ensure_ascii=False)`` does (exact types:
#: orjson has its own way with floats, enums, dataclasses, datetimes, UUIDs and subclasses)
_LEAVES = frozenset({str, int, bool, type(None)})


def _orjson_writes_as_json(value: dict) -> bool:
    """Whether every value of the dict VALUE is a leaf, a list of leaves or a list of dicts of
    leaves with string keys (what a record is; anything else is left to json)."""
    for v in value.values():
        t = type(v)
        if t in _LEAVES:
            continue
        if t is not list:
            return False
        for x in v:
            tx = type(x)
            if tx in _LEAVES:
                continue
            if tx is not dict:
                return False
            for k, y in x.items():
                if type(k) is not str or type(y) not in _LEAVES:
                    return False
    return True


def dumps_json(value: dict, sort_keys: bool = False, default=None) -> bytes:
    """``json.dumps(VALUE, ensure_ascii=False, separators=(",", ":"), sort_keys=SORT_KEYS,
    default=DEFAULT).encode("utf-8")``: the same bytes, by orjson (3-4x faster on an 8 KB
    body) when VALUE holds only strings, integers, booleans and nulls in lists and dicts
    (integers beyond 64 bits and lone surrogates, which orjson refuses, go through json too;
    tests/test_perf_pipelines.py compares both on every character)."""
    if orjson is not None and type(value) is dict and _orjson_writes_as_json(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
        except TypeError:
            pass
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys,
                      default=default).encode("utf-8")


def dumps_line(record: dict) -> bytes:
    """One JSONL line: UTF-8, ``\n`` only at its end (U+2028/U+2029 escaped as ``\\u2028``/``\\u2029``)."""
    data = dumps_json(record)
    if _LS in data or _PS in data:
        data = data.replace(_LS, b"\\u2028").replace(_PS, b"\\u2029")
    return data + b"\n"


def dumps_line_reference(record: dict) -> bytes:
    """:func:`dumps_line` by json alone, as first written: the reference of the tests."""
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    if "\u2028" in text or "\u2029" in text:
        text = text.translate(_SEPARATORS)
    return (text + "\n").encode("utf-8")


def iter_lines(text: str):
    """The non-empty lines of a JSONL text, split at ``\n`` only (``str.splitlines`` would also
    split inside a record at a raw U+2028, U+0085, \\x1c...)."""
    return (line for line in text.split("\n") if line.strip())


def read_jsonl(path: Path) -> list[dict]:
    """Every complete record of a JSONL file (a torn last line is ignored)."""
    out = []
    with open(path, "rb") as fh:
        for line in fh:
            if line.endswith(b"\n") and line.strip():
                out.append(json.loads(line))
    return out


def last_record(path: Path) -> dict | None:
    """The last complete record of a JSONL file, reading only its tail."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    with open(path, "rb") as fh:
        block = 1 << 16
        while True:
            start = max(0, size - block)
            fh.seek(start)
            lines = fh.read(size - start).split(b"\n")
            complete = [ln for ln in lines[:-1] if ln.strip()]
            if complete and (start == 0 or len(lines) > 2):
                try:
                    return json.loads(complete[-1])
                except ValueError:
                    return None
            if start == 0:
                return None
            block *= 4
