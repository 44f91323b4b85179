"""GcFreeze: objects alive when the spider opens are frozen; later garbage is still collected."""
from __future__ import annotations

import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.extensions.gcfreeze import GcFreeze


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cyclic collector frees it


@pytest.fixture
def unfreeze():
    yield
    gc.unfreeze()


def test_freezes_on_spider_open_and_later_cycles_are_collected(unfreeze):
    crawler = get_crawler(settings_dict={"GC_FREEZE": True})
    ext = GcFreeze.from_crawler(crawler)
    crawler.stats.open_spider()

    class Spider:
        pass

    spider = Spider()
    spider.crawler = crawler
    gc.unfreeze()
    ext.spider_opened(spider)
    assert ext.frozen > 1000 and gc.get_freeze_count() == ext.frozen
    assert crawler.stats.get_value("gc/frozen_objects") == ext.frozen
    # a cycle made after the freeze is still found and freed
    import weakref

    n = Node()
    ref = weakref.ref(n)
    del n
    gc.collect()
    assert ref() is None


def test_switched_off_by_setting():
    with pytest.raises(NotConfigured):
        GcFreeze.from_crawler(get_crawler(settings_dict={"GC_FREEZE": False}))
