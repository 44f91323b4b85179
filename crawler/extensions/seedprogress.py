"""How far a ``-a urls_file=`` back-fill got, saved as it goes so a restart finds its place.

Built by :class:`crawler.spiders.base.NewsSpider` for a seed file (logic in
:mod:`crawler.seeds`, the saved state in :class:`crawler.state.SeedProgressStore`).

A seed line is *settled* when its outcome is final: every item of its page went through the
pipelines (written, unchanged, dropped), or the request failed or was skipped (known from an
earlier run, refused by robots.txt). A seed whose page led to more requests (a feed, a sitemap,
a listing) stays open until the run finishes, since what it led to is not done yet. The line
number and byte offset before which every line is settled (the low-water mark) is saved at most
once a second, so a killed run loses at most that second; a run started again with the same
command seeks there and reads on. Lines after the mark that were done out of order are
skipped again by the incremental check (``STATE_DIR/seen.sqlite``), not fetched.

At the end: a finished run forgets the file (a rerun reads it from the top, and the incremental
check skips what was written); a run stopped with Ctrl-C saves the mark; with ``JOBDIR`` a
paused run saves the line after the last one read, since everything read is either done or in
the job's persisted request queue, which the resumed run works off first.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

from scrapy import signals
from scrapy.utils.job import job_dir

from crawler.seeds import BadSeed, Seed, SeedProgress
from crawler.state import SeedProgressStore

logger = logging.getLogger(__name__)


class SeedProgressTracker:
    SAVE_EVERY_S = 1.0

    def __init__(self, crawler, name: str, seed_file: str | Path, resume: bool):
        self.crawler = crawler
        self.seed_file = Path(seed_file)
        self.store = SeedProgressStore(crawler.settings.get("STATE_DIR") or ".state")
        self.store_key = f"{name}:{self.store.key(seed_file)}"
        self.jobdir = bool(job_dir(crawler.settings))
        point = self.store.resume_point(self.seed_file, key=self.store_key) if resume else None
        if self.store.problem:
            logger.warning("seed progress: %s", self.store.problem)
        self.start_line, self.start_offset = point or (1, 0)
        self.progress = SeedProgress(self.start_line, self.start_offset)
        self._items: dict[int, list] = {}  # line -> [items yielded (None until parsed), items done]
        self._held: set[int] = set()
        self._saved_at = time.monotonic()
        self._dirty = False
        if point:
            logger.info("urls_file %s: resuming at line %d (byte %d); lines before it were settled by an earlier "
                        "run", seed_file, self.start_line, self.start_offset)
            crawler.stats.set_value("seeds/resumed_at_line", self.start_line)
        for handler, sig in ((self.item_done, signals.item_scraped), (self.item_done, signals.item_dropped),
                             (self.item_done, signals.item_error), (self.spider_closed, signals.spider_closed)):
            crawler.signals.connect(handler, signal=sig)

    @classmethod
    def from_crawler(cls, crawler, name: str, seed_file: str | Path, resume: bool = True):
        return cls(crawler, name, seed_file, resume)

    # ------------------------------------------------------------------ lines
    def read(self, entry: Seed | BadSeed) -> None:
        self.progress.read(entry.line, entry.start, entry.end)

    def settle(self, line: int | None) -> None:
        if line is None or line < self.start_line:
            return
        self._items.pop(line, None)
        if self.progress.settle(line):
            self._dirty = True
            if time.monotonic() - self._saved_at >= self.SAVE_EVERY_S:
                self.save()

    def parsed(self, line: int | None, items: int, followed: bool) -> None:
        """The seed page of LINE was parsed: it yielded ITEMS items, and requests if FOLLOWED."""
        if line is None or line < self.start_line:
            return
        if followed:
            self._held.add(line)  # settled only when the run finishes
            self._items.pop(line, None)
            return
        state = self._items.setdefault(line, [None, 0])
        state[0] = items
        if state[1] >= items:
            self.settle(line)

    def item_done(self, item=None, response=None, **kwargs) -> None:
        meta = getattr(response, "meta", None) if response is not None else None
        line = meta.get("seed_line") if meta else None
        if line is None or line < self.start_line or line in self._held:
            return
        state = self._items.setdefault(line, [None, 0])
        state[1] += 1
        if state[0] is not None and state[1] >= state[0]:
            self.settle(line)

    # ------------------------------------------------------------------ state
    def save(self, point: tuple[int, int] | None = None) -> None:
        line, offset = point or self.progress.mark
        try:
            self.store.save(self.seed_file, line, offset, key=self.store_key)
        except OSError as exc:
            logger.warning("seed progress: cannot save %s (%s)", self.store.path, exc)
        self._saved_at = time.monotonic()
        self._dirty = False

    def spider_closed(self, spider, reason=None) -> None:
        stats = self.crawler.stats
        if reason == "finished":
            try:
                self.store.clear(self.seed_file, key=self.store_key)
            except OSError as exc:
                logger.warning("seed progress: cannot update %s (%s)", self.store.path, exc)
            return
        point = self.progress.mark
        if self.jobdir and reason == "shutdown" and not self._held:
            point = self.progress.read_to
        self.save(point)
        stats.set_value("seeds/saved_at_line", point[0])
        logger.info("urls_file %s: stopped (%s); the same command resumes at line %d", self.seed_file, reason,
                    point[0])
