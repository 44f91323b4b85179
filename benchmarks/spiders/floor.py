"""The floor: what any Scrapy crawler of these pages pays before extracting a single field.

The bare spider (same engine, middlewares and replay handler) plus, for each page, the lxml tree
built exactly as the real spiders build it (``crawler.spiders.base.page_selector``), and the item
path: the benchmark runs it through as many no-op pipelines as the project has
(``benchmarks/noop_pipelines.py``, same priorities).

    scrapy crawl floor -a urls_file=PATH -s SPIDER_MODULES=benchmarks.spiders -s REPLAY_DIR=... \
        -s 'ITEM_PIPELINES={"benchmarks.noop_pipelines.NoopPipeline1": 100, ...}'
"""
from __future__ import annotations

from benchmarks.spiders.bare import BareSpider
from crawler.spiders.base import page_selector


class FloorSpider(BareSpider):
    name = "floor"

    def parse(self, response, **kwargs):
        page_selector(response)  # the page's tree, cached on the response as the real spiders do
        yield {"url": response.url}
