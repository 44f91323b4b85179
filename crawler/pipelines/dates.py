"""Turn the spiders' raw date strings into ``date_published`` / ``date_modified``.

Thin Scrapy glue over :mod:`crawler.dates` (all the logic and its tests live there).

For each item: ``date_published`` from ``date_published_raw``, then
``hints["date_published_candidates"]`` in order, then the dateline date
(``hints["dateline_date"]``), then the URL path; ``date_modified`` the same
without the dateline and URL fallbacks.  ``*_raw`` is set to the string that
produced the value.  A string that gives nothing is logged (WARNING, with the
item URL) and counted; the item is never dropped and nothing raises.

Setting: ``DATES_ENABLED`` (default True).
Stats: ``dates/parsed``, ``dates/fallback_dateparser``, ``dates/from_url``,
``dates/from_dateline``, ``dates/invalid``, ``dates/invalid/<site>``,
``dates/missing/<published|modified>``.
"""
from __future__ import annotations

import logging
from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import NotConfigured

from crawler.dates import DateResult, resolve

logger = logging.getLogger(__name__)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, str)]
    return []


class DatesPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.inc = crawler.stats.inc_value  # the project's STATS_CLASS has no per-call hook (extensions/faststats.py)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("DATES_ENABLED", True):
            raise NotConfigured("DATES_ENABLED is False")
        return cls(crawler)

    def process_item(self, item, spider=None):
        try:
            self._process(ItemAdapter(item))
        except Exception:  # noqa: BLE001 - never lose the item over a date
            logger.exception("dates: unexpected error on %r", getattr(item, "url", None))
            self.inc("dates/error")
        return item

    def _process(self, adapter: ItemAdapter) -> None:
        hints = adapter.get("hints")
        hints = hints if isinstance(hints, dict) else {}
        site = adapter.get("source") or "republisher"
        url = adapter.get("url")
        # the same string often comes as raw and again as a candidate: try it once
        pub_raws = list(dict.fromkeys(_strings(adapter.get("date_published_raw")) + _strings(
            hints.get("date_published_candidates"))))
        mod_raws = list(dict.fromkeys(_strings(adapter.get("date_modified_raw")) + _strings(
            hints.get("date_modified_candidates"))))
        # year evidence for yearless strings: every other raw date of the page
        language = adapter.get("language")
        context = dict(site=site, fetched_at=adapter.get("fetched_at"), tz=hints.get("tz"),
                       reference=pub_raws + mod_raws, language=language if isinstance(language, str) else None)
        published = resolve(pub_raws, url=url, dateline_date=hints.get("dateline_date"), **context)
        modified = resolve(mod_raws, **context)
        for name, result in (("published", published), ("modified", modified)):
            self._store(adapter, name, result, site, url)

    def _store(self, adapter: ItemAdapter, name: str, result: DateResult, site: str, url: Any) -> None:
        for raw, reason in result.failures:
            logger.warning("dates: invalid date_%s %r (%s) on %s", name, raw, reason, url)
            self.inc("dates/invalid")
            self.inc(f"dates/invalid/{site}")
        adapter[f"date_{name}"] = result.value
        if result.value is None:
            self.inc(f"dates/missing/{name}")
            return
        adapter[f"date_{name}_raw"] = result.raw
        self.inc("dates/parsed")
        if result.method == "dateparser":
            self.inc("dates/fallback_dateparser")
        elif result.method in ("url", "dateline"):
            self.inc(f"dates/from_{result.method}")
