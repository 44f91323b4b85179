"""Which article URLs earlier runs already wrote (pure; sqlite3 only).

``STATE_DIR/seen.sqlite`` maps a canonicalised URL to the ``lastmod`` its feed or sitemap gave
when the article was written. An incremental run skips article links it has seen, unless the
feed now says the article was updated since.
"""
from __future__ import annotations

import sqlite3
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
