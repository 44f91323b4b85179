"""Is the environment fit for a run? (pure; sqlite3 and files only, no Scrapy imports)

A broken environment must not look like a broken site. Before a run takes its lock,
:func:`folder_problem` checks each folder it writes (``OUTPUT_DIR``, ``STATE_DIR``, ``WARC_DIR``,
``JOBDIR``): one line naming the setting, the path, why and what to do; the run then does not
start (exit 78). Under the lock, :func:`repair_state` checks the SQLite state files: one that is
not a database is moved aside as ``<name>.corrupt-<UTC time>`` and rebuilt from the JSONL under
``OUTPUT_DIR`` (``dedupe.sqlite`` by the dedupe pipeline's read-back of lines written after its
last commit, which for an empty index is every line; ``seen.sqlite`` here).
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from crawler.state import SeenStore

#: state file -> what rebuilds it
STATE_FILES = {
    "dedupe.sqlite": "the story index is rebuilt from the JSONL under OUTPUT_DIR as the run starts",
    "seen.sqlite": "the list of written articles was rebuilt from the JSONL under OUTPUT_DIR",
}


@dataclass
class Problem:
    path: Path
    message: str                     # one line: the path, why, what to do
    error: BaseException | None = None


def folder_problem(path: str | os.PathLike, setting: str) -> Problem | None:
    """Why the folder SETTING names cannot be written (created if missing), or None."""
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=p)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        why = "a file is in the way" if p.exists() and not p.is_dir() else (exc.strerror or type(exc).__name__)
        if isinstance(exc, (FileExistsError, NotADirectoryError)) and not p.exists():
            why = "a file is in the way of a folder above it"
        return Problem(p, f"{setting} {p} is not a writable folder ({why}): make it writable, or give "
                          f"another folder with -s {setting}=PATH; nothing was crawled", exc)
    return None


def sqlite_problem(path: Path) -> str | None:
    """Why PATH (an existing SQLite state file) cannot be read as a database, or None."""
    try:
        if path.stat().st_size == 0:
            return None
        with open(path, "rb") as fh:  # the header first: opening garbage would touch its -wal file
            if fh.read(16) != b"SQLite format 3\0":
                return "file is not a database"
        db = sqlite3.connect(path, timeout=30)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
    except FileNotFoundError:
        return None
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None


def move_aside(path: Path, now: float | None = None) -> Path:
    """Rename PATH (and its ``-wal``/``-shm`` files) to ``<name>.corrupt-<UTC time>``."""
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    dest = path.with_name(f"{path.name}.corrupt-{stamp}")
    os.replace(path, dest)
    for side in ("-wal", "-shm"):
        extra = path.with_name(path.name + side)
        if extra.exists():
            os.replace(extra, dest.with_name(dest.name + side))
    return dest


def rebuild_seen(state_dir: Path, output_dir: Path) -> int:
    """``STATE_DIR/seen.sqlite`` from the article records under OUTPUT_DIR; returns the count."""
    store = SeenStore(state_dir)
    n = 0
    try:
        store.db.execute("BEGIN")
        for path in sorted(output_dir.glob("*/*.jsonl")):
            with open(path, "rb") as fh:
                for line in fh:
                    try:
                        rec = json.loads(line)
                    except ValueError:
                        continue  # a torn or bad line: the JSONL writer repairs and reports it
                    if isinstance(rec, dict) and rec.get("kind") == "article":
                        store.mark([rec.get("url"), rec.get("canonical_url")])
                        n += 1
        store.db.execute("COMMIT")
    finally:
        store.close()
    return n


def repair_state(state_dir: str | os.PathLike, output_dir: str | os.PathLike) -> list[str]:
    """Move aside every state file of STATE_DIR that is not a database and rebuild it; one line
    (an ERROR for the log) per file repaired."""
    state, out = Path(state_dir), Path(output_dir)
    lines = []
    for name, rebuilt in STATE_FILES.items():
        path = state / name
        why = sqlite_problem(path)
        if why is None:
            continue
        dest = move_aside(path)
        if name == "seen.sqlite":
            rebuilt += f" ({rebuild_seen(state, out)} articles)"
        lines.append(f"state file {path} is not a usable database ({why}): moved aside as {dest.name}; {rebuilt}. "
                     f"If it happens again, check the disk and whatever else writes into STATE_DIR")
    return lines
