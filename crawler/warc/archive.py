"""``WARC_DIR``: archive every response the crawler receives (a downloader middleware).

Placed next to the downloader (``DOWNLOADER_MIDDLEWARES`` 990), so it sees each response as
it came off the network: before decompression, charset repair, redirects and the bot-wall
check; robots.txt, feeds, sitemaps, error pages and redirects are archived too. Each fetch is
a ``response`` and a ``request`` record in the rotating files of
:class:`crawler.warc.writer.WarcFolderWriter` (``WARC_MAX_SIZE``, default 1 GB;
``WARC_GZIP_LEVEL``, default 6). The record's ``WARC-Date`` is the page's ``fetched_at``, and
the request's meta gets ``warc_file``/``warc_record_id``, which
:class:`crawler.warc.stamp.WarcStampMiddleware` puts on each item.

Off in replay mode and when reading archives (``-a warc=``): what is read is never archived
again. Credentials in request headers (``Authorization``, ``Cookie``, ``Proxy-Authorization``)
and URL passwords are masked in the archived request. A response that cannot be archived (a
full disk) is an ERROR and counted (``warc/write_errors``); the page itself goes on.
Stats: ``warc/archived``, ``warc/files_closed``, ``warc/torn_tail_repaired``.
"""
from __future__ import annotations

import logging
import os

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import __version__
from crawler.reliability import mask_secrets
from crawler.replay import FETCHED_AT_HEADER
from crawler.warc.writer import DEFAULT_MAX_SIZE, WarcFolderWriter, warc_date

logger = logging.getLogger(__name__)

_SECRET_HEADERS = {"authorization", "proxy-authorization", "cookie"}
_HOP_HEADERS = {"transfer-encoding"}  # the body handed on is already de-chunked


def _pairs(headers, drop=()) -> list[tuple[str, str]]:
    out = []
    for key, values in headers.items():
        name = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        if name.lower() in drop:
            continue
        for v in values:
            out.append((name, v.decode("latin-1") if isinstance(v, bytes) else str(v)))
    return out


class WarcArchiveMiddleware:
    def __init__(self, crawler):
        s = crawler.settings
        folder = s.get("WARC_DIR")
        if not folder:
            raise NotConfigured
        if s.get("REPLAY_DIR") or s.get("WARC_INPUT"):
            logger.info("WARC_DIR=%s not used: pages read from %s are not archived again", folder,
                        "archives" if s.get("WARC_INPUT") else "REPLAY_DIR")
            raise NotConfigured
        self.crawler = crawler
        self.stats = crawler.stats
        self.folder = folder
        self.max_size = s.getint("WARC_MAX_SIZE", DEFAULT_MAX_SIZE)
        self.level = s.getint("WARC_GZIP_LEVEL", 6)
        self.writer: WarcFolderWriter | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        name = getattr(spider, "name", None) or "crawl"
        self.writer = WarcFolderWriter(
            self.folder, prefix=name, max_size=self.max_size, gzip_level=self.level,
            info={"software": f"news-crawler/{__version__} (Scrapy, warcio)", "isPartOf": name,
                  "http-header-user-agent": str(self.crawler.settings.get("USER_AGENT") or ""),
                  "robots": "obey" if self.crawler.settings.getbool("ROBOTSTXT_OBEY") else "ignore"})
        for r in self.writer.recover():
            if r.torn_bytes:
                self.stats.inc_value("warc/torn_tail_repaired")
                logger.warning("warc: %s was left open by a killed run: %d complete records kept, %d bytes after "
                               "offset %d cut (kept in %s.torn)", r.path, r.records, r.torn_bytes, r.torn_offset,
                               os.path.basename(r.path))
            else:
                logger.warning("warc: %s was left open by a killed run: complete (%d records), closed", r.path, r.records)
            self.stats.inc_value("warc/files_recovered")

    def process_response(self, request, response, spider=None):
        if self.writer is None or "journal" in response.flags:   # archived when it was fetched (distributed/journal.py)
            return response
        date = warc_date()
        try:
            path, record_id = self.writer.write_fetch(
                mask_secrets(response.url), response.status, _pairs(response.headers, _HOP_HEADERS), response.body,
                method=request.method,
                request_headers=[(k, "***" if k.lower() in _SECRET_HEADERS else v) for k, v in _pairs(request.headers)],
                request_body=request.body, date=date,
                ip=str(response.ip_address) if getattr(response, "ip_address", None) else None)
        except OSError as exc:
            self.stats.inc_value("warc/write_errors")
            logger.error("warc: cannot archive %s in %s: %s", response.url, self.folder, exc)
            return response
        self.stats.inc_value("warc/archived")
        request.meta["warc_file"] = path
        request.meta["warc_record_id"] = record_id
        response.headers[FETCHED_AT_HEADER] = date  # fetched_at is the record's WARC-Date
        if self.writer.fh is None:  # the file just filled up and was closed
            self.stats.inc_value("warc/files_closed")
            logger.info("warc: %s closed (%d bytes); the next fetch starts a new file", path, self.max_size)
        return response

    def spider_closed(self, spider, reason=None):
        if self.writer is not None:
            path = self.writer.close_file()
            if path:
                self.stats.inc_value("warc/files_closed")
            self.stats.set_value("warc/files_written", list(self.writer.closed_files))
            self.writer = None
