"""A Scrapy extension that profiles the crawl itself (cProfile, in CPU time, from ``spider_opened`` to
``spider_closed``: start-up and imports left out) and writes the stats to ``BENCH_PROFILE_OUT``.

    scrapy crawl conversation ... -s EXTENSIONS='{"benchmarks.profile_ext.CrawlProfile": 0}' \
        -s BENCH_PROFILE_OUT=/tmp/crawl.prof

Used by ``benchmarks/run.py`` (``profile_set``); off (NotConfigured) without the setting.
"""
from __future__ import annotations

import cProfile
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured


class CrawlProfile:
    def __init__(self, out: str):
        self.out = out
        # CPU time, not wall time: on a shared machine other processes' time would be counted
        self.profiler = cProfile.Profile(time.process_time)

    @classmethod
    def from_crawler(cls, crawler):
        out = crawler.settings.get("BENCH_PROFILE_OUT")
        if not out:
            raise NotConfigured("BENCH_PROFILE_OUT is not set")
        ext = cls(out)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider):
        self.profiler.enable()

    def spider_closed(self, spider, reason):
        self.profiler.disable()
        self.profiler.dump_stats(self.out)
