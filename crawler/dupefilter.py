"""``DUPEFILTER_CLASS``: Scrapy's duplicate filter, made safe for JOBDIR pause, resume and repeat runs.

Scrapy's own filter, with ``JOBDIR`` set, remembers every request of a job in
``JOBDIR/requests.seen`` forever: run the same command twice and the second run drops the
feed's article links (and every "updated since" re-fetch) as duplicates, and writes nothing.
This one keeps Scrapy's behaviour within a run, and across a pause differs in three ways:

* **Only article requests are remembered in the job** (``meta["article"]``). Feeds, sitemaps,
  listings and seeds are filtered within a run only: a resumed job reads its feeds again (they
  may have new entries) and a discovery page whose links were not all queued when the job was
  stopped is never lost.
* **An article is remembered with its lastmod**: a resumed job that finds the article updated
  since (a newer lastmod in the feed or sitemap) lets it through to the incremental check.
* **A finished job forgets**: at a close with reason ``finished`` the file is emptied, so the
  next run with the same JOBDIR is a new job and behaves like any other run (what was written
  before is skipped by the incremental state, ``STATE_DIR/seen.sqlite``, not by this filter).
  A run paused (Ctrl-C, SIGTERM) or stopped by a ``CLOSESPIDER_*`` limit keeps it, to resume.

Without JOBDIR this is Scrapy's in-memory filter, unchanged.
"""
from __future__ import annotations

import hashlib
import logging

from scrapy.dupefilters import RFPDupeFilter

logger = logging.getLogger(__name__)


class JobDupeFilter(RFPDupeFilter):
    def __init__(self, path: str | None = None, debug: bool = False, *, fingerprinter=None) -> None:
        super().__init__(path, debug, fingerprinter=fingerprinter)
        self.path = path
        self._run: set[bytes] = set()  # every request fingerprint of this run

    def request_seen(self, request) -> bool:
        fp = self._fingerprint(request)
        if fp in self._run:
            return True
        self._run.add(fp)
        if self.file is None or not request.meta.get("article"):
            return False
        key = hashlib.sha1(fp + b"\0" + str(request.meta.get("lastmod") or "").encode("utf-8")).digest()
        if key in self._fingerprints:
            return True  # the same article at the same lastmod: queued or fetched before the pause
        self._fingerprints.add(key)
        self.file.write(len(key).to_bytes(2, "big") + key)
        return False

    def close(self, reason: str) -> None:
        if self.file is not None and reason == "finished":
            self.file.seek(0)
            self.file.truncate()
            logger.info("JOBDIR %s: the job finished, its duplicate filter is emptied (the next run with it "
                        "is a new job)", self.path)
        super().close(reason)
