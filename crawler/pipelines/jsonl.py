"""The JSONL writer: ``OUTPUT_DIR/<spider>/<UTC date>.jsonl``, complete lines only.

Each record is encoded first and written with one ``write`` + ``flush``, so a process killed
at any moment leaves at most one torn last line, which the next run cuts off (saved to
``<file>.torn``) and reports. After the flush the ``item_written`` signal lets the state mark
the item done. ``JSONL_FSYNC = True`` also fsyncs each line (survives power loss, slower).
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from crawler import signals as our_signals
from crawler.items import Article, to_record
from crawler.jsonl import dumps_line, last_record, repair_torn_tail

logger = logging.getLogger(__name__)


class JsonlWriterPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.root = Path(crawler.settings.get("OUTPUT_DIR") or "output")
        self.fsync = crawler.settings.getbool("JSONL_FSYNC", False)
        self.files: dict[Path, object] = {}
        self._by_day: dict[str, object] = {}  # UTC date -> open file (no Path work per item)
        self.inc = crawler.stats.inc_value  # the project's STATS_CLASS has no per-call hook (extensions/faststats.py)
        self.send = crawler.signals.send_catch_log

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def folder(self) -> Path:
        return self.root / (getattr(self.crawler.spider, "name", None) or "items")

    def open_spider(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        files = sorted(self.folder.glob("*.jsonl"))
        for path in files:
            torn = repair_torn_tail(path)
            if torn:
                self.stats.inc_value("jsonl/torn_lines_repaired")
                logger.warning(
                    "repaired %s: cut a torn last line of %d bytes (kept in %s.torn)", path, len(torn), path.name
                )
        if files:
            self._replay_last_line(files[-1])

    def _replay_last_line(self, path: Path) -> None:
        """Re-announce the newest line on disk: a run killed between the flush and the state
        update would otherwise write that article once more. Marking is idempotent."""
        last = last_record(path)
        if last is None:
            return
        item = Article(**{k: v for k, v in last.items() if k in Article.__dataclass_fields__ and k not in ("authors", "images")})
        item.hints["recovered"] = True
        self.crawler.signals.send_catch_log(our_signals.item_written, item=item, record=last, spider=self.crawler.spider)

    def _handle(self):
        day = time.strftime("%Y-%m-%d", time.gmtime())  # UTC date: a new file after midnight
        fh = self._by_day.get(day)
        if fh is not None:
            return fh
        path = self.folder / f"{day}.jsonl"
        fh = self.files.get(path)
        if fh is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            repair_torn_tail(path)
            fh = self.files[path] = open(path, "ab")
            self.stats.set_value("jsonl/path", str(path))
        self._by_day[day] = fh
        return fh

    def process_item(self, item):
        record = item.hints.pop("_record", None) if isinstance(item, Article) else None
        if record is None:
            record = to_record(item)
        line = dumps_line(record)
        fh = self._handle()
        fh.write(line)
        fh.flush()
        if self.fsync:
            os.fsync(fh.fileno())
        self.inc("jsonl/written")
        self.send(our_signals.item_written, item=item, record=record, spider=self.crawler.spider)
        return item

    def close_spider(self):
        for fh in self.files.values():
            try:
                fh.flush()
                os.fsync(fh.fileno())
            finally:
                fh.close()
        self.files.clear()
        self._by_day.clear()
