"""Story dedupe pipeline (ITEM_PIPELINES 500): Scrapy glue around :mod:`crawler.dedupe`.

* sets ``story_id`` on every Article (the story's id, fixed when the story was first seen);
* ``DEDUPE_MODE = "link"`` (default) writes every copy; ``"drop"`` drops a republished copy
  whose story already has a written copy (``dedupe/dropped``); originals are always written;
* across runs (state in ``STATE_DIR/dedupe.sqlite``): an item whose line was written in an
  earlier run with the same fields is dropped (``dedupe/unchanged``); a changed one is written
  again with the same item_id and story_id (``dedupe/changed``); within one run an item_id is
  written once (``dedupe/duplicate_in_run``);
* an item counts as written only when the JSONL writer's ``item_written`` signal says its line is
  on disk; marks are committed every ``DEDUPE_COMMIT_ITEMS`` items / ``DEDUPE_COMMIT_SECONDS``
  seconds and at close, with the JSONL file size at that moment. At the next start, lines
  written after the last commit (a killed run) are read back from the JSONL and marked, so
  nothing is written twice.

Settings: DEDUPE_ENABLED (True), DEDUPE_MODE (link|drop), STATE_DIR (.state),
DEDUPE_COMMIT_ITEMS (200), DEDUPE_COMMIT_SECONDS (5.0), DEDUPE_SQLITE_CACHE_MB (8),
DEDUPE_SQLITE_MMAP_MB (0).
Stats: dedupe/new_story, dedupe/linked_hard, dedupe/linked_near, dedupe/merged, dedupe/dropped,
dedupe/unchanged, dedupe/changed, dedupe/duplicate_in_run, dedupe/errors, dedupe/recovered.
"""
from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from types import SimpleNamespace

from scrapy.exceptions import DropItem, NotConfigured

from crawler import signals as our_signals
from crawler.dedupe import SQLiteStoryStore, StoryIndex, key_hash
from crawler.dedupe.index import record_hash
from crawler.items import Article, to_record

logger = logging.getLogger(__name__)

MODES = ("link", "drop")

#: state file path -> [store, index, number of open pipelines] (see open_spider)
_SHARED: dict[str, list] = {}


class DedupePipeline:
    def __init__(self, crawler):
        s = crawler.settings
        if not s.getbool("DEDUPE_ENABLED", True):
            raise NotConfigured("DEDUPE_ENABLED is False")
        self.crawler = crawler
        self.stats = crawler.stats
        self.inc = crawler.stats.inc_value  # the project's STATS_CLASS has no per-call hook (extensions/faststats.py)
        mode = str(s.get("DEDUPE_MODE") or "link").strip().lower()
        if mode not in MODES:
            logger.error("DEDUPE_MODE=%r is not one of %s; using 'link'", mode, "|".join(MODES))
            mode = "link"
        self.mode = mode
        self.state_dir = Path(s.get("STATE_DIR") or ".state")
        self.output_dir = Path(s.get("OUTPUT_DIR") or "output")
        self.commit_items = max(1, s.getint("DEDUPE_COMMIT_ITEMS", 200))
        self.commit_seconds = s.getfloat("DEDUPE_COMMIT_SECONDS", 5.0)
        self.store: SQLiteStoryStore | None = None
        self.index: StoryIndex | None = None
        self.seen: set[str] = set()
        self.pending = 0
        self.last_commit = time.monotonic()
        crawler.signals.connect(self.item_written, signal=our_signals.item_written)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    # ------------------------------------------------------------------ lifecycle
    def open_spider(self):
        self.state_dir.mkdir(parents=True, exist_ok=True)
        s = self.crawler.settings
        key = str((self.state_dir / "dedupe.sqlite").resolve())
        shared = _SHARED.get(key)
        if shared is None:
            # One store and index per state file and process: `scrapy crawlall` runs its spiders
            # side by side in one thread, and two SQLite connections there would lock each other.
            store = SQLiteStoryStore(self.state_dir / "dedupe.sqlite",
                                     cache_mb=s.getint("DEDUPE_SQLITE_CACHE_MB", 8),
                                     mmap_mb=s.getint("DEDUPE_SQLITE_MMAP_MB", 0))
            shared = _SHARED[key] = [store, StoryIndex(store), 0]
        shared[2] += 1
        self._shared_key = key
        self.store, self.index = shared[0], shared[1]
        fresh = self.store.get_meta("last_commit") is None  # a new (or moved-aside, corrupt) state file
        try:
            n = self.recover()
        except Exception as exc:  # noqa: BLE001 - recovery is best effort, never fatal
            logger.error("dedupe: could not read back lines written after the last commit: %r", exc)
            n = 0
        if n:
            self.stats.inc_value("dedupe/recovered", n)
            if fresh:
                logger.info("dedupe: story index built from the %d lines of %s", n, self.spider_folder)
            else:
                logger.warning("dedupe: marked %d lines written after the last state commit of an interrupted run", n)

    def close_spider(self):
        if self.store is not None:
            self.flush()
            shared = _SHARED.get(getattr(self, "_shared_key", ""))
            if shared is not None and shared[0] is self.store:
                shared[2] -= 1
                if shared[2] <= 0:
                    del _SHARED[self._shared_key]
                    self.store.close()
            else:
                self.store.close()
            self.store = None

    @property
    def spider_folder(self) -> Path:
        return self.output_dir / (getattr(self.crawler.spider, "name", None) or "items")

    # ------------------------------------------------------------------ items
    def process_item(self, item):
        if not isinstance(item, Article) or self.index is None:
            return item
        item_id = item.item_id or item.canonical_url or item.url
        if not item_id:
            logger.warning("dedupe: item without item_id or URL passed through unlinked: %r", item.headline)
            self.inc("dedupe/errors")
            return item
        if item_id in self.seen and not item.hints.get("warc_newer"):
            self.inc("dedupe/duplicate_in_run")
            raise DropItem(f"dedupe: {item_id} already handled in this run", log_level="DEBUG")
        self.seen.add(item_id)
        try:
            a = self.index.assign_article(item, record_hash(to_record(item)))
        except Exception as exc:  # noqa: BLE001 - never lose the item over the index
            self.inc("dedupe/errors")
            logger.error("dedupe: could not assign %s to a story: %r", item_id, exc)
            return item
        if a.how == "unchanged":
            self.inc("dedupe/unchanged")
            raise DropItem(f"dedupe: {item_id} unchanged since it was written", log_level="DEBUG")
        if a.how == "changed":
            self.inc("dedupe/changed")
        elif a.how == "new":
            self.inc("dedupe/new_story")
        else:
            self.inc(f"dedupe/linked_{'hard' if a.how == 'hard' else 'near'}")
        if a.merged:
            self.inc("dedupe/merged", len(a.merged))
            logger.info("dedupe: %s links stories %s into %s", item_id, ", ".join(a.merged), a.story_id)
        if (self.mode == "drop" and a.how in ("hard", "near") and item.is_republication
                and self.store.story_written(a.story)):
            self.inc("dedupe/dropped")
            raise DropItem(f"dedupe: {item_id} is a copy of story {a.story_id}, already written", log_level="DEBUG")
        item.story_id = a.story_id
        item.hints["_dedupe"] = (a.item_hash, a.body_hash)
        return item

    # ------------------------------------------------------------------ written marks
    def item_written(self, item=None, record=None, spider=None, **kw):
        if self.store is None or not isinstance(item, Article):
            return
        mark = item.hints.get("_dedupe")
        if mark is None:
            return
        self.store.mark_written([mark])
        self.pending += 1
        if self.pending >= self.commit_items or time.monotonic() - self.last_commit >= self.commit_seconds:
            self.flush()

    def flush(self):
        """Commit the index and the written marks, with the JSONL sizes they correspond to."""
        if self.store is None:
            return
        path = self.stats.get_value("jsonl/path")
        if path and os.path.exists(path):
            self.store.set_meta("jsonl:" + os.path.abspath(path), str(os.path.getsize(path)))
        self.store.set_meta("last_commit", str(time.time()))
        self.store.commit()
        self.pending = 0
        self.last_commit = time.monotonic()

    def recover(self) -> int:
        """Mark the lines of this spider's JSONL files written after the last commit (a killed run).

        Each file's size is kept in the state at every commit; bytes beyond it are complete lines
        whose marks (and maybe index rows) were lost. A line whose item is unknown to the index is
        assigned again (its written story_id becomes a key of the story it lands in).
        """
        folder = self.spider_folder
        if not folder.is_dir():
            return 0
        n = 0
        for path in sorted(folder.glob("*.jsonl")):
            meta_key = "jsonl:" + os.path.abspath(path)
            offset = int(self.store.get_meta(meta_key) or 0)
            if path.stat().st_size <= offset:
                continue
            marks = []
            with open(path, "rb") as fh:
                fh.seek(offset)
                for line in fh:
                    if not line.endswith(b"\n"):
                        break
                    offset += len(line)
                    try:
                        rec = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(rec, dict):
                        marks.append(self._recover_record(rec))
            marks = [m for m in marks if m]
            self.store.mark_written(marks)
            self.store.set_meta(meta_key, str(offset))
            self.store.commit()
            n += len(marks)
        return n

    def _recover_record(self, rec: dict) -> tuple[int, int] | None:
        item_id = rec.get("item_id") or rec.get("canonical_url") or rec.get("url")
        if not item_id:
            return None
        item_h = key_hash("item:" + item_id)
        if self.store.doc_for_item(item_h) is None:
            fields = ("item_id", "story_id", "headline", "body", "description", "canonical_url", "url", "original_url")
            a = self.index.assign_article(SimpleNamespace(**{k: rec.get(k) for k in fields}))
            if rec.get("story_id"):
                self.store.add_keys([key_hash(rec["story_id"])], a.story)
        return item_h, record_hash(rec)
