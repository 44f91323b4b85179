"""``-a warc=PATH`` (or ``-s WARC_INPUT=PATH``): crawl web archives instead of the network.

Sets ``WARC_INPUT``, routes http/https to :class:`crawler.warc.handler.WarcDownloadHandler`
(no request reaches the network) and, as for replay, turns politeness off: there is nobody to
be polite to. robots.txt is not consulted: the archive was made by a crawler that did, and
nothing is fetched. ``WARC_DIR`` is not applied to what is read (an archive is never archived
again). With ``REPLAY_DIR`` also set, the archive wins and replay is off.
"""
from __future__ import annotations

import logging

from crawler.replay import serve_offline

logger = logging.getLogger(__name__)

#: Above the project's settings.py (20) so the archive is never throttled, below the command
#: line (40) so an explicit -s still wins (the same as replay's).
PRIORITY = 30


class WarcAddon:
    def __init__(self, crawler=None):
        spider = getattr(crawler, "spider", None)
        self.spec = getattr(spider, "warc", None) if spider is not None else None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def update_settings(self, settings) -> None:
        spec = self.spec or settings.get("WARC_INPUT")
        if not spec:
            return
        settings.set("WARC_INPUT", str(spec), priority=PRIORITY)
        if settings.get("REPLAY_DIR"):
            logger.warning("warc=%s given: REPLAY_DIR is not used", spec)
        serve_offline(settings, "crawler.warc.handler.WarcDownloadHandler", PRIORITY)
        settings.set("ROBOTSTXT_OBEY", False, priority=PRIORITY)
