"""Spider middleware: each item says which archived capture it was read from.

``warc_file`` and ``warc_record_id`` come from the response's request: set by
:mod:`crawler.warc.archive` when ``WARC_DIR`` archived the response, or by
:mod:`crawler.warc.source` when the page was read from an archive. Off (``NotConfigured``)
in a crawl that neither writes nor reads archives, where both keys stay null.
"""
from __future__ import annotations

from scrapy.exceptions import NotConfigured

from crawler.items import Article


class WarcStampMiddleware:
    def __init__(self, crawler):
        s = crawler.settings
        if not (s.get("WARC_DIR") or s.get("WARC_INPUT")):
            raise NotConfigured

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @staticmethod
    def _stamp(response, item):
        if isinstance(item, Article) and item.warc_file is None:
            meta = getattr(response, "meta", None) or {}
            item.warc_file = meta.get("warc_file")
            item.warc_record_id = meta.get("warc_record_id") if item.warc_file else None
            if meta.get("warc_newer"):  # a later capture of a page served from an earlier archive file
                item.hints["warc_newer"] = True
        return item

    def process_spider_output(self, response, result, spider=None):
        for obj in result:
            yield self._stamp(response, obj)

    async def process_spider_output_async(self, response, result, spider=None):
        async for obj in result:
            yield self._stamp(response, obj)
