"""The shape of a run's articles, for the drift rule (crawler/drift.py): stats ``profile/*``.

Per article (after the coverage counters, before the writer): ``profile/bodies``,
``profile/boilerplate_bodies`` and ``profile/boilerplate/<kind>`` (promos, "Related:" lines...
in the body; the first such URL in ``profile/boilerplate_example``),
``profile/date_published/instant|day``; at close, ``profile/body_length_median``.
Switched off with ``HEALTH_DRIFT = False``.
"""
from __future__ import annotations

from scrapy.exceptions import NotConfigured

from crawler.drift import Profile, precision
from crawler.items import Article, to_record


class ProfilePipeline:
    def __init__(self, crawler):
        if not crawler.settings.getbool("HEALTH_DRIFT", True):
            raise NotConfigured("HEALTH_DRIFT is off")
        self.stats = crawler.stats
        self.inc = crawler.stats.inc_value  # the project's STATS_CLASS has no per-call hook (extensions/faststats.py)
        self.profile = Profile()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, Article):
            return item
        record = item.hints.get("_record") or to_record(item)
        if record.get("kind") != "article":
            return item
        before = self.profile.boilerplate_bodies
        found = self.profile.add(record)
        inc = self.inc
        if record.get("body"):
            inc("profile/bodies")
        for kind in found:
            inc(f"profile/boilerplate/{kind}")
        if self.profile.boilerplate_bodies > before:
            inc("profile/boilerplate_bodies")
            if before == 0:
                self.stats.set_value("profile/boilerplate_example", record.get("url"))
        p = precision(record.get("date_published"))
        if p:
            inc(f"profile/date_published/{p}")
        return item

    def close_spider(self, spider=None):
        if self.profile.lengths:
            self.stats.set_value("profile/body_length_median", self.profile.body_median())
