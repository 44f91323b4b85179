"""``-a since=YYYY-MM-DD``: a record whose date is known to be before that day is not written.

The spider already skips feed entries, sitemap URLs and listing links dated before ``since``;
this pipeline (after the dates pipeline, before dedupe) catches what only the page itself
dates: an article reached through a listing or given as a seed. The comparison is by calendar
day as the publisher wrote it (``date_published[:10]``); a record without a date is written.
Counted ``since/skipped`` (and ``since/skipped/<kind>``); the item is dropped quietly (DEBUG).
"""
from __future__ import annotations

from datetime import date

from scrapy.exceptions import DropItem


def before(day_or_instant: str | None, since: date) -> bool:
    """Pure: whether an ISO date or instant is on a day before SINCE (False when unknown)."""
    if not isinstance(day_or_instant, str) or len(day_or_instant) < 10:
        return False
    try:
        return date.fromisoformat(day_or_instant[:10]) < since
    except ValueError:
        return False


class SincePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        self.since = getattr(spider, "since_day", None)

    def process_item(self, item, spider=None):
        since = self.since
        if since is None:
            return item
        published = getattr(item, "date_published", None)
        if before(published, since):
            kind = getattr(item, "kind", None) or "article"
            self.stats.inc_value("since/skipped")
            self.stats.inc_value(f"since/skipped/{kind}")
            raise DropItem(f"since: {getattr(item, 'url', None)} was published {published[:10]}, before "
                           f"{since.isoformat()}", log_level="DEBUG")
        return item
