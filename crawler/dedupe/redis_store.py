"""The story index in Redis (issue 10): a `StoryStore` shared by every worker of a distributed crawl.

:class:`RedisStoryStore` keeps the same semantics as :class:`~crawler.dedupe.store.SQLiteStoryStore`
(see the rules in :mod:`crawler.dedupe.store`) in a handful of Redis keys under one prefix
(default ``crawler:dedupe:``)::

    S:next            counter of story references (INCR: they grow with creation order)
    S:sid             hash  story ref -> public story id
    S:parent          hash  story ref -> story it was merged into
    W                 set   story roots with a written copy
    K                 hash  hard key hash -> story ref (HSETNX: first writer wins)
    D:next            counter of doc references
    DI                hash  item hash -> doc ref
    D / DS / DB       hashes doc ref -> packed (item, n_body, n_lead, signature) / story / body hash
    B:<band key>      set   doc refs holding that LSH band key
    M:<namespace>     hash  meta of one worker (JSONL offsets of its own files, last commit)
    X:<key>           string  a setting of the whole index (``fingerprint``: how body sketches are taken)

Each mutation that reads-then-writes (create a story, merge, add a doc, mark written) is one Lua
script, so it is atomic. The assignment of an item to a story reads a lot (hard keys, band
candidates, signatures verified in Python) before it writes; two workers assigning two copies
of one story at the same moment would each see nothing and make two stories. So
:class:`LockedStoryIndex` runs every assignment under one Redis lock (``SET NX PX`` + a Lua
compare-and-delete release; a holder that dies frees it after ``lock_ttl`` seconds): the N
workers' assignments are serialised, exactly as a single process would run them, and the
story grouping is the same as a single-process run's. An assignment costs a few round trips
(~1 ms on a LAN), far below a page's parse time.

Writes are immediate (Redis has no open transaction): :meth:`commit` only exists for the
interface. Durability is Redis's: run it with ``appendonly yes`` (see docs/distributed.md).
"""
from __future__ import annotations

import os
import struct
import time
import uuid
from contextlib import contextmanager

from crawler.dedupe.index import Assignment, StoryIndex
from crawler.dedupe.store import Doc, StoryStore

_PACK = struct.Struct("<qii")  # item hash, n_body, n_lead; the signature bytes follow

# KEYS: S:next S:sid ; ARGV: sid
_NEW_STORY = """
local ref = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], ref, ARGV[1])
return ref
"""

_ROOT_FN = """
local function root(parent_key, s)
  local n = 0
  while true do
    local p = redis.call('HGET', parent_key, s)
    if not p then return s end
    s = p
    n = n + 1
    if n > 10000 then return redis.error_reply('story parent cycle at ' .. s) end
  end
end
"""

# KEYS: S:parent ; ARGV: story
_ROOT = _ROOT_FN + "return tonumber(root(KEYS[1], ARGV[1]))"

# KEYS: S:parent W ; ARGV: child into
_MERGE = _ROOT_FN + """
local c = root(KEYS[1], ARGV[1])
local i = root(KEYS[1], ARGV[2])
if c == i then return 0 end
redis.call('HSET', KEYS[1], c, i)
if redis.call('SISMEMBER', KEYS[2], c) == 1 then redis.call('SADD', KEYS[2], i) end
return 1
"""

# KEYS: S:parent W ; ARGV: story
_STORY_WRITTEN = _ROOT_FN + "return redis.call('SISMEMBER', KEYS[2], root(KEYS[1], ARGV[1]))"

# KEYS: DI D:next D DS B:<h>... ; ARGV: item story packed
_ADD_DOC = """
local ref = redis.call('HGET', KEYS[1], ARGV[1])
if not ref then
  ref = redis.call('INCR', KEYS[2])
  redis.call('HSET', KEYS[1], ARGV[1], ref)
end
redis.call('HSET', KEYS[3], ref, ARGV[3])
redis.call('HSET', KEYS[4], ref, ARGV[2])
for i = 5, #KEYS do redis.call('SADD', KEYS[i], ref) end
return tonumber(ref)
"""

# KEYS: DI DB DS S:parent W ; ARGV: item1 body1 item2 body2 ...
_MARK_WRITTEN = _ROOT_FN + """
local n = 0
for i = 1, #ARGV, 2 do
  local ref = redis.call('HGET', KEYS[1], ARGV[i])
  if ref then
    redis.call('HSET', KEYS[2], ref, ARGV[i + 1])
    local s = redis.call('HGET', KEYS[3], ref)
    if s then redis.call('SADD', KEYS[5], root(KEYS[4], s)) end
    n = n + 1
  end
end
return n
"""

# KEYS: DI D DS DB ; ARGV: item
_DOC_FOR_ITEM = """
local ref = redis.call('HGET', KEYS[1], ARGV[1])
if not ref then return nil end
return {ref, redis.call('HGET', KEYS[2], ref), redis.call('HGET', KEYS[3], ref), redis.call('HGET', KEYS[4], ref)}
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class LockTimeout(RuntimeError):
    pass


class RedisStoryStore(StoryStore):
    """A `StoryStore` in Redis. ``client``: a ``redis.Redis`` (bytes responses, the default).

    ``namespace`` separates the meta of workers (their JSONL offsets); the index itself is shared.
    """

    def __init__(self, client, prefix: str = "crawler:dedupe:", namespace: str = "default",
                 lock_ttl: float = 30.0, lock_timeout: float = 120.0):
        self.r = client
        self.p = prefix
        self.namespace = namespace
        self.lock_ttl = lock_ttl
        self.lock_timeout = lock_timeout
        self._lock_token: str | None = None
        self._depth = 0
        reg = client.register_script
        self._new_story = reg(_NEW_STORY)
        self._root = reg(_ROOT)
        self._merge = reg(_MERGE)
        self._story_written = reg(_STORY_WRITTEN)
        self._add_doc = reg(_ADD_DOC)
        self._mark_written = reg(_MARK_WRITTEN)
        self._doc_for_item = reg(_DOC_FOR_ITEM)
        self._release = reg(_RELEASE)

    def k(self, name: str) -> str:
        return self.p + name

    # --- the assignment lock ---------------------------------------------------------------
    @contextmanager
    def locked(self):
        """Hold the store-wide assignment lock (re-entrant within one store object)."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        token = f"{os.getpid()}:{uuid.uuid4().hex}"
        key = self.k("lock")
        ttl_ms = int(self.lock_ttl * 1000)
        deadline = time.monotonic() + self.lock_timeout
        delay = 0.0005
        while not self.r.set(key, token, nx=True, px=ttl_ms):
            if time.monotonic() > deadline:
                raise LockTimeout(f"could not take the story-index lock {key} in {self.lock_timeout:.0f}s")
            time.sleep(delay)
            delay = min(delay * 2, 0.02)
        self._lock_token, self._depth = token, 1
        try:
            yield
        finally:
            self._depth = 0
            self._lock_token = None
            self._release(keys=[key], args=[token])

    # --- stories and hard keys ---------------------------------------------------------------
    def new_story(self, sid: str) -> int:
        return int(self._new_story(keys=[self.k("S:next"), self.k("S:sid")], args=[sid]))

    def story_sid(self, story: int) -> str:
        v = self.r.hget(self.k("S:sid"), story)
        if v is None:
            raise KeyError(story)
        return v.decode("utf-8") if isinstance(v, bytes) else v

    def root(self, story: int) -> int:
        return int(self._root(keys=[self.k("S:parent")], args=[story]))

    def merge(self, child: int, into: int) -> None:
        self._merge(keys=[self.k("S:parent"), self.k("W")], args=[child, into])

    def find_keys(self, keys: list[int]) -> list[int]:
        if not keys:
            return []
        return [int(v) for v in self.r.hmget(self.k("K"), keys) if v is not None]

    def add_keys(self, keys: list[int], story: int) -> None:
        if not keys:
            return
        pipe = self.r.pipeline(transaction=True)
        for key in keys:
            pipe.hsetnx(self.k("K"), key, story)
        pipe.execute()

    # --- near-duplicate index --------------------------------------------------------------------
    def candidates(self, bands: list[int], limit: int) -> dict[int, int]:
        if not bands:
            return {}
        pipe = self.r.pipeline(transaction=False)
        for b in bands:
            pipe.smembers(self.k(f"B:{b}"))
        out: dict[int, int] = {}
        rows = 0
        for members in pipe.execute():
            for m in sorted(int(x) for x in members):
                if rows >= limit:
                    return out
                out[m] = out.get(m, 0) + 1
                rows += 1
        return out

    @staticmethod
    def _doc(ref, packed, story, body) -> Doc:
        item, nb, nl = _PACK.unpack_from(packed)
        return Doc(int(ref), item, int(story), nb, nl, bytes(packed[_PACK.size:]),
                   int(body) if body is not None else None)

    def docs(self, refs: list[int]) -> list[Doc]:
        if not refs:
            return []
        pipe = self.r.pipeline(transaction=False)
        pipe.hmget(self.k("D"), refs)
        pipe.hmget(self.k("DS"), refs)
        pipe.hmget(self.k("DB"), refs)
        packed, stories, bodies = pipe.execute()
        return [self._doc(ref, p, s, b) for ref, p, s, b in zip(refs, packed, stories, bodies) if p is not None]

    def doc_for_item(self, item: int) -> Doc | None:
        row = self._doc_for_item(keys=[self.k("DI"), self.k("D"), self.k("DS"), self.k("DB")], args=[item])
        if not row or row[1] is None:
            return None
        return self._doc(row[0], row[1], row[2], row[3])

    def add_doc(self, item: int, story: int, n_body: int, n_lead: int, sig: bytes, bands: list[int]) -> int:
        packed = _PACK.pack(item, n_body, n_lead) + bytes(sig)
        keys = [self.k("DI"), self.k("D:next"), self.k("D"), self.k("DS")] + [self.k(f"B:{b}") for b in dict.fromkeys(bands)]
        return int(self._add_doc(keys=keys, args=[item, story, packed]))

    # --- written state ------------------------------------------------------------------------------
    def mark_written(self, marks: list[tuple[int, int]]) -> None:
        if not marks:
            return
        args: list[int] = []
        for item, body in marks:
            args += [item, body]
        self._mark_written(keys=[self.k("DI"), self.k("DB"), self.k("DS"), self.k("S:parent"), self.k("W")], args=args)

    def story_written(self, story: int) -> bool:
        return bool(self._story_written(keys=[self.k("S:parent"), self.k("W")], args=[story]))

    # --- housekeeping -----------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        v = self.r.hget(self.k(f"M:{self.namespace}"), key)
        return v.decode("utf-8") if isinstance(v, bytes) else v

    def set_meta(self, key: str, value: str) -> None:
        self.r.hset(self.k(f"M:{self.namespace}"), key, value)

    def has_docs(self) -> bool:
        return bool(self.r.exists(self.k("D:next")))

    def index_setting(self, key: str, new_index: str, old_index: str) -> str:
        """Shared by every worker (``X:<key>``, not a worker's meta): the first one to set it wins."""
        name = self.k(f"X:{key}")
        value = self.r.get(name)
        if value is None:
            self.r.set(name, new_index if not self.has_docs() else old_index, nx=True)
            value = self.r.get(name)
        return value.decode("utf-8") if isinstance(value, bytes) else value

    def commit(self) -> None:
        """Nothing to do: every write is already applied (kept for the StoryStore interface)."""

    def close(self) -> None:
        """The client belongs to the caller; nothing to close here."""

    def aliases(self) -> dict[str, str]:
        parents = self.r.hgetall(self.k("S:parent"))
        out = {}
        for child in parents:
            out[self.story_sid(int(child))] = self.story_sid(self.root(int(child)))
        return out

    def stories(self) -> int:
        """Number of stories ever created (merged ones included)."""
        return int(self.r.get(self.k("S:next")) or 0)

    def clear(self) -> int:
        """Delete the whole index (every key under the prefix). Returns the number of keys."""
        n = 0
        batch = []
        for key in self.r.scan_iter(match=self.p + "*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                n += self.r.delete(*batch)
                batch = []
        if batch:
            n += self.r.delete(*batch)
        return n


class LockedStoryIndex(StoryIndex):
    """A `StoryIndex` whose every assignment runs under the store's Redis lock (see module doc)."""

    store: RedisStoryStore

    def assign(self, item_id: str, text: str | None, story_id: str | None = None,
               keys: list[str] | None = None, compilation: bool = False, content: int | None = None) -> Assignment:
        with self.store.locked():
            return super().assign(item_id, text, story_id, keys, compilation, content)
