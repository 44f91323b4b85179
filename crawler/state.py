"""Which article URLs earlier runs already wrote (pure; sqlite3 only).

``STATE_DIR/seen.sqlite`` maps a canonicalised URL to the ``lastmod`` its feed or sitemap gave
when the article was written. An incremental run skips article links (and seeds) it has seen,
unless the feed now says the article was updated since. ``STATE_DIR/seed-progress.json``
(:class:`SeedProgressStore`) records how far each ``urls_file`` back-fill got.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

from w3lib.url import canonicalize_url


def url_key(url: str) -> str:
    try:
        key = canonicalize_url(url)
    except Exception:  # noqa: BLE001
        key = url
    return key.split("://", 1)[-1]


class SeenStore:
    def __init__(self, state_dir: str | Path):
        path = Path(state_dir)
        path.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path / "seen.sqlite", isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("CREATE TABLE IF NOT EXISTS seen (url TEXT PRIMARY KEY, lastmod TEXT) WITHOUT ROWID")

    def should_fetch(self, url: str, lastmod: str | None = None) -> bool:
        row = self.db.execute("SELECT lastmod FROM seen WHERE url = ?", (url_key(url),)).fetchone()
        if row is None:
            return True
        return bool(lastmod and row[0] and lastmod > row[0])

    def mark(self, urls: list[str | None], lastmod: str | None = None) -> None:
        """Record URLs as written (one autocommit statement per URL: a kill loses nothing marked)."""
        for url in {u for u in urls if u}:
            self.db.execute(
                "INSERT INTO seen (url, lastmod) VALUES (?, ?) ON CONFLICT(url) DO UPDATE SET lastmod ="
                " CASE WHEN excluded.lastmod > COALESCE(seen.lastmod, '') THEN excluded.lastmod ELSE seen.lastmod END",
                (url_key(url), lastmod),
            )

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM seen").fetchone()[0]

    def close(self) -> None:
        self.db.close()


class SeedProgressStore:
    """How far earlier runs got through each seed file: ``STATE_DIR/seed-progress.json``.

    One entry per spider and file (``<spider>:<absolute path>``): the line number and byte offset before which every
    line was settled, and a digest of the bytes just before that offset. A restart seeks there
    after checking the digest (a file edited since is read from the top instead). Saved by
    writing a temporary file and renaming it, so a kill leaves the previous version whole.
    """

    NAME = "seed-progress.json"
    CHECK_BYTES = 256

    def __init__(self, state_dir: str | Path):
        self.folder = Path(state_dir)
        self.path = self.folder / self.NAME
        self.problem: str | None = None  # why the file could not be read (it is then rewritten)

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            self.problem = f"{self.path} is unreadable ({exc}); seed files are read from the top"
            return {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def key(seed_file: str | Path) -> str:
        return str(Path(seed_file).resolve())

    @classmethod
    def _digest(cls, seed_file: str | Path, offset: int) -> str | None:
        begin = max(0, offset - cls.CHECK_BYTES)
        try:
            with open(seed_file, "rb") as fh:
                fh.seek(begin)
                chunk = fh.read(offset - begin)
        except OSError:
            return None
        if len(chunk) != offset - begin:
            return None
        return hashlib.sha1(chunk).hexdigest()

    def resume_point(self, seed_file: str | Path, key: str | None = None) -> tuple[int, int] | None:
        """``(line, offset)`` to resume SEED_FILE at, or None (no entry, or the file changed)."""
        entry = self._load().get(key or self.key(seed_file))
        if not isinstance(entry, dict):
            return None
        try:
            line, offset = int(entry["line"]), int(entry["offset"])
        except (KeyError, TypeError, ValueError):
            return None
        if offset <= 0 or line <= 1:
            return None
        if self._digest(seed_file, offset) != entry.get("check"):
            self.problem = f"{seed_file} changed since the interrupted run; it is read from the top"
            return None
        return line, offset

    def save(self, seed_file: str | Path, line: int, offset: int, key: str | None = None) -> None:
        data = self._load()
        key = key or self.key(seed_file)
        if offset <= 0:
            data.pop(key, None)
        else:
            data[key] = {"line": line, "offset": offset, "check": self._digest(seed_file, offset),
                         "saved": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        self._write(data)

    def clear(self, seed_file: str | Path, key: str | None = None) -> None:
        data = self._load()
        if data.pop(key or self.key(seed_file), None) is not None:
            self._write(data)

    def _write(self, data: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.NAME}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)
