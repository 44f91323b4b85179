"""Storage of the story index: the `StoryStore` interface and its SQLite implementation.

The assignment algorithm (:mod:`crawler.dedupe.index`) only talks to a `StoryStore`, so a
Redis implementation (issue 10) can replace SQLite without touching the logic. All ids the
store hands out are integers (``story`` and ``doc`` references); all keys it receives are
signed 64-bit (hard keys, item ids, body hashes) or signed 32-bit (LSH band keys) integers
produced by :func:`key_hash` and the fingerprint module, never raw strings — except a story's
public id (``sid``), stored once per story.

Semantics every implementation must keep:

* story references grow with creation order (``new_story`` returns a larger number than any
  before): "the earlier story" is the smaller reference;
* ``merge(child, into)`` makes ``root(child) == root(into)``; nothing is ever unmerged;
* ``add_keys`` never moves an existing key (first writer wins);
* a doc is one indexed copy (one item_id); ``add_doc`` for an item that has a doc replaces its
  signature and story and adds the new band keys;
* written marks (``mark_written``) record the body hash of the line on disk and flag the doc's
  story (its root) as written.

Per story on disk (SQLite, one copy per story): one ``stories`` row (sid), one ``docs`` row
(8-bit signatures, 192 bytes), its ``docs_item`` index entry, 16-32 ``bands`` rows of two small
integers in a WITHOUT ROWID table, and one ``keys`` row per hard key (64-bit hashes, not URLs).
"""
from __future__ import annotations

import hashlib
import sqlite3
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def key_hash(text: str) -> int:
    """Signed 64-bit hash of a key string (SQLite stores it as one 8-byte integer)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


@dataclass
class Doc:
    ref: int
    item: int            # key_hash(item_id)
    story: int           # story reference (not resolved through merges)
    n_body: int
    n_lead: int
    sig: bytes
    body: int | None     # body hash of the written line, None while not written


class StoryStore(ABC):
    """What the assignment algorithm needs from a storage engine."""

    # --- stories and hard keys ---------------------------------------------------------
    @abstractmethod
    def new_story(self, sid: str) -> int: ...

    @abstractmethod
    def story_sid(self, story: int) -> str: ...

    @abstractmethod
    def root(self, story: int) -> int:
        """The story this one was merged into (itself when never merged)."""

    @abstractmethod
    def merge(self, child: int, into: int) -> None: ...

    @abstractmethod
    def find_keys(self, keys: list[int]) -> list[int]:
        """Story references (unresolved) of those keys that are known."""

    @abstractmethod
    def add_keys(self, keys: list[int], story: int) -> None: ...

    # --- near-duplicate index -----------------------------------------------------------
    @abstractmethod
    def candidates(self, bands: list[int], limit: int) -> dict[int, int]:
        """Docs sharing at least one band key: {doc ref: number of shared bands}."""

    @abstractmethod
    def docs(self, refs: list[int]) -> list[Doc]: ...

    @abstractmethod
    def doc_for_item(self, item: int) -> Doc | None: ...

    @abstractmethod
    def add_doc(self, item: int, story: int, n_body: int, n_lead: int, sig: bytes, bands: list[int]) -> int:
        """Index a copy (insert, or replace the doc of that item); return the doc reference."""

    # --- written state -------------------------------------------------------------------
    @abstractmethod
    def mark_written(self, marks: list[tuple[int, int]]) -> None:
        """(item hash, body hash) of lines now on disk."""

    @abstractmethod
    def story_written(self, story: int) -> bool: ...

    # --- housekeeping ------------------------------------------------------------------
    @abstractmethod
    def get_meta(self, key: str) -> str | None: ...

    @abstractmethod
    def set_meta(self, key: str, value: str) -> None: ...

    @abstractmethod
    def commit(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    def aliases(self) -> dict[str, str]:
        """{story id: story id it was merged into} for every merged story (for readers of old lines)."""
        return {}

    # --- index-wide settings -------------------------------------------------------------
    def has_docs(self) -> bool:
        """Whether any copy is indexed (an index made before a setting existed has some)."""
        return True

    def index_setting(self, key: str, new_index: str, old_index: str) -> str:
        """The value of KEY for this whole index (every worker sharing it): the stored one; else
        NEW_INDEX when nothing is indexed yet, OLD_INDEX when the index was made without the
        setting; stored then, in the open transaction: it is committed with the first docs
        sketched under it, or not at all, and then the index is still empty next time."""
        value = self.get_meta(f"index:{key}")
        if value is None:
            value = new_index if not self.has_docs() else old_index
            self.set_meta(f"index:{key}", value)
        return value


SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stories(id INTEGER PRIMARY KEY, sid TEXT NOT NULL, parent INTEGER,
                                   written INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS keys(h INTEGER PRIMARY KEY, story INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS docs(id INTEGER PRIMARY KEY, item INTEGER NOT NULL, story INTEGER NOT NULL,
                                nb INTEGER NOT NULL, nl INTEGER NOT NULL, sig BLOB, body INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS docs_item ON docs(item);
CREATE TABLE IF NOT EXISTS bands(h INTEGER NOT NULL, doc INTEGER NOT NULL, PRIMARY KEY(h, doc)) WITHOUT ROWID;
"""


#: rows inserted by one statement at most (2 parameters a row, far under SQLite's limit)
_ROWS_A_STATEMENT = 200


@lru_cache(maxsize=None)
def _insert_pairs_sql(table: str, n: int) -> str:
    """One ``INSERT OR IGNORE`` of N (key, value) rows into TABLE (``bands(h, doc)``,
    ``keys(h, story)``): a doc's 32 band rows in one statement instead of an ``executemany`` of 32
    (~50 -> ~30 us a doc; the same rows, duplicates ignored alike)."""
    return f"INSERT OR IGNORE INTO {table} VALUES " + ",".join(["(?,?)"] * n)


def _insert_pairs(db: sqlite3.Connection, table: str, keys: list[int], value: int) -> None:
    """Rows (key, VALUE) for every key of KEYS into TABLE, INSERT OR IGNORE, in as few statements."""
    for i in range(0, len(keys), _ROWS_A_STATEMENT):
        chunk = keys[i:i + _ROWS_A_STATEMENT]
        db.execute(_insert_pairs_sql(table, len(chunk)), [x for k in chunk for x in (k, value)])


class SQLiteStoryStore(StoryStore):
    """The default store: one SQLite file (WAL, synchronous=NORMAL), e.g. ``STATE_DIR/dedupe.sqlite``.

    Writes go into one open transaction; :meth:`commit` ends it (the pipeline commits in
    batches). ``path=":memory:"`` gives a throw-away store (tests, evaluation). ``cache_mb`` and
    ``mmap_mb`` bound SQLite's page cache and memory map: touched mapped pages count in the
    process RSS (they are file pages the kernel can drop). The defaults (8 MB, no map) keep a
    crawl's memory flat however large the index grows: with 64 MB + 256 MB the RSS of a
    20,000-page crawl grew by ~40 MB over a 2,000-page one (16 MB: ~33 MB, 8 MB: ~25 MB), for
    ~0.1 ms a lookup at 100k stories (benchmarks, docs/performance.md); the OS page cache still
    holds the file.
    ``wal_pages`` is the WAL's autocheckpoint size (SQLite's default 1,000 pages checkpoints at
    nearly every batch commit once the index is large; 10,000 pages, ~40 MB, checkpoints a page
    rewritten by several batches once).
    """

    def __init__(self, path: str | Path = ":memory:", cache_mb: int = 8, mmap_mb: int = 0,
                 wal_pages: int = 10_000):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        c = self.db
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("PRAGMA synchronous=NORMAL")
        c.execute("PRAGMA temp_store=MEMORY")
        c.execute(f"PRAGMA cache_size={-1024 * int(cache_mb)}")      # page cache, in KiB
        c.execute(f"PRAGMA mmap_size={int(mmap_mb) * 2**20}")          # memory-mapped reads (0 = off)
        c.execute(f"PRAGMA wal_autocheckpoint={int(wal_pages)}")
        c.executescript(SCHEMA)
        self._roots: dict[int, int] = {}
        self._in_tx = False

    # --- transactions --------------------------------------------------------------------
    def _w(self) -> sqlite3.Connection:
        if not self._in_tx:
            self.db.execute("BEGIN")
            self._in_tx = True
        return self.db

    def commit(self) -> None:
        if self._in_tx:
            self.db.execute("COMMIT")
            self._in_tx = False

    def close(self) -> None:
        try:
            self.commit()
        finally:
            self.db.close()

    # --- stories ---------------------------------------------------------------------------
    def new_story(self, sid: str) -> int:
        return self._w().execute("INSERT INTO stories(sid) VALUES (?)", (sid,)).lastrowid

    def story_sid(self, story: int) -> str:
        row = self.db.execute("SELECT sid FROM stories WHERE id=?", (story,)).fetchone()
        if row is None:
            raise KeyError(story)
        return row[0]

    def root(self, story: int) -> int:
        cached = self._roots.get(story)
        if cached is not None:
            return cached
        seen = []
        cur = story
        while True:
            row = self.db.execute("SELECT parent FROM stories WHERE id=?", (cur,)).fetchone()
            if row is None or row[0] is None:
                break
            seen.append(cur)
            cur = row[0]
        if seen:
            for s in seen:
                self._roots[s] = cur
        return cur

    def merge(self, child: int, into: int) -> None:
        child, into = self.root(child), self.root(into)
        if child == into:
            return
        w = self._w()
        w.execute("UPDATE stories SET parent=? WHERE id=?", (into, child))
        w.execute("UPDATE stories SET written=1 WHERE id=? AND EXISTS "
                  "(SELECT 1 FROM stories WHERE id=? AND written=1)", (into, child))
        self._roots = {k: (into if v == child else v) for k, v in self._roots.items()}
        self._roots[child] = into

    def find_keys(self, keys: list[int]) -> list[int]:
        if not keys:
            return []
        q = "SELECT story FROM keys WHERE h IN (%s)" % ",".join("?" * len(keys))
        return [r[0] for r in self.db.execute(q, keys)]

    def add_keys(self, keys: list[int], story: int) -> None:
        if keys:
            _insert_pairs(self._w(), "keys(h, story)", keys, story)

    # --- docs and bands ---------------------------------------------------------------------
    def candidates(self, bands: list[int], limit: int) -> dict[int, int]:
        if not bands:
            return {}
        q = "SELECT doc FROM bands WHERE h IN (%s) LIMIT %d" % (",".join("?" * len(bands)), int(limit))
        out: dict[int, int] = {}
        for (d,) in self.db.execute(q, bands):
            out[d] = out.get(d, 0) + 1
        return out

    def docs(self, refs: list[int]) -> list[Doc]:
        if not refs:
            return []
        q = "SELECT id, item, story, nb, nl, sig, body FROM docs WHERE id IN (%s)" % ",".join("?" * len(refs))
        return [Doc(*r) for r in self.db.execute(q, refs)]

    def doc_for_item(self, item: int) -> Doc | None:
        r = self.db.execute("SELECT id, item, story, nb, nl, sig, body FROM docs WHERE item=?", (item,)).fetchone()
        return Doc(*r) if r else None

    def add_doc(self, item: int, story: int, n_body: int, n_lead: int, sig: bytes, bands: list[int]) -> int:
        w = self._w()
        ref = w.execute("INSERT INTO docs(item, story, nb, nl, sig) VALUES (?,?,?,?,?) ON CONFLICT(item) DO "
                        "UPDATE SET story=excluded.story, nb=excluded.nb, nl=excluded.nl, sig=excluded.sig "
                        "RETURNING id", (item, story, n_body, n_lead, sig)).fetchone()[0]
        _insert_pairs(w, "bands(h, doc)", bands, ref)
        return ref

    # --- written state ----------------------------------------------------------------------
    def mark_written(self, marks: list[tuple[int, int]]) -> None:
        if not marks:
            return
        w = self._w()
        w.executemany("UPDATE docs SET body=? WHERE item=?", [(b, i) for i, b in marks])
        stories = {r[0] for r in w.execute(
            "SELECT story FROM docs WHERE item IN (%s)" % ",".join("?" * len(marks)), [i for i, _ in marks])}
        w.executemany("UPDATE stories SET written=1 WHERE id=? AND written=0",
                      [(self.root(s),) for s in stories])

    def story_written(self, story: int) -> bool:
        r = self.db.execute("SELECT written FROM stories WHERE id=?", (self.root(story),)).fetchone()
        return bool(r and r[0])

    # --- meta ---------------------------------------------------------------------------------
    def has_docs(self) -> bool:
        return self.db.execute("SELECT 1 FROM docs LIMIT 1").fetchone() is not None

    def get_meta(self, key: str) -> str | None:
        r = self.db.execute("SELECT v FROM meta WHERE k=?", (key,)).fetchone()
        return r[0] if r else None

    def set_meta(self, key: str, value: str) -> None:
        self._w().execute("INSERT OR REPLACE INTO meta(k, v) VALUES (?, ?)", (key, value))

    def aliases(self) -> dict[str, str]:
        out = {}
        for sid, story in self.db.execute("SELECT sid, id FROM stories WHERE parent IS NOT NULL"):
            out[sid] = self.story_sid(self.root(story))
        return out
