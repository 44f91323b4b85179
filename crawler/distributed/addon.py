"""DistributedAddon (``ADDONS``): with REDIS_URL set, switch a crawl to the Redis components.

Without REDIS_URL it changes nothing and imports nothing of Redis.
"""
from __future__ import annotations

from scrapy.exceptions import NotConfigured

from crawler.distributed.common import DUPEFILTER_KEY, QUEUE_KEY, redis, redis_url


class DistributedAddon:
    """``ADDONS``: with REDIS_URL set, switch scheduler, dupefilter and state stores to Redis."""

    PRIORITY = 30  # above settings.py (20), below the command line (40)

    def update_settings(self, settings) -> None:
        url = redis_url(settings)
        if not url:
            return
        try:
            import scrapy_redis  # noqa: F401
        except ImportError:
            scrapy_redis = None
        if redis is None or scrapy_redis is None:
            raise NotConfigured("REDIS_URL is set but scrapy-redis/redis are missing: pip install -e '.[redis]'")
        p = self.PRIORITY
        settings.set("REDIS_URL", url, priority=max(p, settings.getpriority("REDIS_URL") or 0))
        settings.set("SCHEDULER", "crawler.distributed.scheduler.RedisScheduler", priority=p)
        settings.set("DUPEFILTER_CLASS", "scrapy_redis.dupefilter.RFPDupeFilter", priority=p)
        settings.set("SCHEDULER_PERSIST", True, priority=p)
        settings.set("SCHEDULER_QUEUE_CLASS", "scrapy_redis.queue.PriorityQueue", priority=p)
        settings.set("SCHEDULER_QUEUE_KEY", QUEUE_KEY, priority=p)
        settings.set("SCHEDULER_DUPEFILTER_KEY", DUPEFILTER_KEY, priority=p)
        if (settings.getpriority("REDIS_PARAMS") or 0) < p:
            settings.set("REDIS_PARAMS", {"socket_timeout": 10, "socket_connect_timeout": 5,
                                          "health_check_interval": 15}, priority=p)
        # a worker of a shared crawl may rightly write nothing: the others took the pages
        if (settings.getpriority("HEALTH_MIN_ITEMS") or 0) <= 20:
            settings.set("HEALTH_MIN_ITEMS", 0, priority=p)
        from crawler.distributed.coordinator import DistributedCoordinator
        from crawler.distributed.incremental import RedisIncrementalMiddleware
        from crawler.distributed.journal import LossJournal
        from crawler.distributed.tracking import DistributedSpiderMiddleware
        from crawler.incremental import IncrementalMiddleware

        for name, old, new in (
            ("DOWNLOADER_MIDDLEWARES", IncrementalMiddleware, RedisIncrementalMiddleware),
            ("ITEM_PIPELINES", "crawler.pipelines.dedupe.DedupePipeline", "crawler.distributed.dedupe.RedisDedupePipeline"),
            # -a warc=: the archive files are claimed one at a time, each scanned by one worker
            ("SPIDER_MIDDLEWARES", "crawler.warc.source.WarcSource", "crawler.distributed.warc.DistributedWarcSource"),
        ):
            _replace_component(settings, name, old, new)
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", DistributedSpiderMiddleware, 5)
        settings.set_in_component_priority_dict("EXTENSIONS", DistributedCoordinator, 10)
        # next to the downloader (after WARC_DIR's archive, 990): raw responses kept and replayed
        settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", LossJournal, 995)


def _replace_component(settings, name: str, old, new) -> None:
    from scrapy.utils.misc import load_object
    old_cls = load_object(old) if isinstance(old, str) else old
    comps = settings.getdict(name)
    for key in list(comps):
        try:
            cls = load_object(key) if isinstance(key, str) else key
        except Exception:  # noqa: BLE001 - not ours to judge
            continue
        if cls is old_cls and comps[key] is not None:
            new_cls = load_object(new) if isinstance(new, str) else new
            settings.replace_in_component_priority_dict(name, old_cls, new_cls)
            return
