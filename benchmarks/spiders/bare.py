"""The engine's own cost: a spider that only yields ``{"url": ...}`` for each page.

Loaded by the benchmark with ``-s SPIDER_MODULES=benchmarks.spiders`` and ``ITEM_PIPELINES={}``;
it goes through the same engine, middlewares and replay handler as the real spiders.

    scrapy crawl bare -a urls_file=PATH -s SPIDER_MODULES=benchmarks.spiders -s REPLAY_DIR=...
"""
from __future__ import annotations

from pathlib import Path

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls_file: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.urls_file = urls_file

    async def start(self):
        lines = Path(self.urls_file).read_text(encoding="utf-8").splitlines() if self.urls_file else []
        for url in (ln.strip() for ln in lines):
            if url and not url.startswith("#"):
                yield scrapy.Request(url, callback=self.parse, dont_filter=True)

    def parse(self, response, **kwargs):
        yield {"url": response.url}
