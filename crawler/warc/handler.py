"""Download handler of a ``-a warc=`` crawl: a request's archived record as its response.

Every http(s) request of such a crawl comes here; none reaches the network. A request made by
:mod:`crawler.warc.source` carries where its record is (``meta["warc"]``: file, offset); the
page the first pass kept (``warc/served_kept``), else the record read back, is served with the
status, headers and body of its HTTP block, and its
``WARC-Date`` as the fetch time (the ``X-Replay-Fetched-At`` header, which
:class:`crawler.middlewares.FetchTimeMiddleware` turns into ``fetched_at``). A request with
no record (anything the spider would follow from a page) gets a 404 (``warc/miss``).

A record in a remote archive (``http(s)://`` file) is fetched by byte range through Scrapy's
own HTTP handler (concurrent, with its timeouts), then read like a local one.
"""
from __future__ import annotations

import io
import logging
from collections import OrderedDict

from scrapy import Request
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.misc import build_from_crawler, load_object

from crawler.replay import FETCHED_AT_HEADER
from crawler.warc.paths import is_url
from crawler.warc.reader import read_at

logger = logging.getLogger(__name__)

#: open local archive files kept at once (reads go file by file, offset by offset)
OPEN_FILES = 8


class WarcDownloadHandler(BaseDownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        if not crawler.settings.get("WARC_INPUT"):
            raise NotConfigured("WARC_INPUT is not set")
        self.max_body = crawler.settings.getint("DOWNLOAD_MAXSIZE", 0) or None
        self.inc = crawler.stats.inc_value
        self._open: OrderedDict[str, object] = OrderedDict()
        self._http = None

    def _file(self, path: str):
        fh = self._open.get(path)
        if fh is not None:
            self._open.move_to_end(path)
            return fh
        fh = open(path, "rb")
        self._open[path] = fh
        if len(self._open) > OPEN_FILES:
            _, old = self._open.popitem(last=False)
            old.close()
        return fh

    async def _range(self, url: str, offset: int, length: int | None) -> bytes:
        """The bytes of one record of a remote archive (an HTTP range request)."""
        if self._http is None:
            self._http = {}
        scheme = "https" if url.lower().startswith("https") else "http"
        handler = self._http.get(scheme)
        if handler is None:
            base = self.crawler.settings.getdict("DOWNLOAD_HANDLERS_BASE")
            handler = self._http[scheme] = build_from_crawler(load_object(base[scheme]), self.crawler)
        end = f"{offset + length - 1}" if length else ""
        # a compressed record is smaller than its body; its headers add a little
        limit = self.max_body + (1 << 20) if self.max_body else 0
        req = Request(url, headers={"Range": f"bytes={offset}-{end}"}, meta={"download_maxsize": limit})
        resp = await handler.download_request(req)
        if resp.status != 206:
            raise OSError(f"HTTP {resp.status} for a byte range of {url} (the server must answer ranges)")
        return resp.body

    async def download_request(self, request):
        ref = request.meta.get("warc")
        if not ref:
            self.inc("warc/miss")
            return responsetypes.from_args(url=request.url)(url=request.url, status=404, body=b"", request=request)
        path, offset = ref["path"], ref["offset"]
        kept = getattr(self.crawler, "_warc_kept", None)
        rec = kept.pop((path, offset)) if kept is not None else None
        if rec is not None:
            self.inc("warc/served_kept")
            return self._response(request, ref, rec)
        try:
            if is_url(path):
                rec = read_at(io.BytesIO(await self._range(path, offset, ref.get("length"))), 0, self.max_body)
            else:
                rec = read_at(self._file(path), offset, self.max_body)
        except (OSError, ValueError) as exc:
            self.inc("warc/read_errors")
            logger.warning("warc: %s at offset %d cannot be read back: %s", ref.get("file") or path, offset, exc)
            raise IgnoreRequest(f"archived record unreadable: {request.url}") from None
        if rec.too_large:
            self.inc("warc/too_large")
            logger.warning("warc: %s at offset %d: body over DOWNLOAD_MAXSIZE (%d bytes), skipped",
                           ref.get("file") or path, offset, self.max_body)
            raise IgnoreRequest(f"archived body over DOWNLOAD_MAXSIZE: {request.url}")
        return self._response(request, ref, rec)

    def _response(self, request, ref: dict, rec):
        self.inc("warc/served")
        headers = Headers(rec.headers)
        date = ref.get("date") or rec.date
        if date:
            headers[FETCHED_AT_HEADER] = date
        respcls = responsetypes.from_args(headers=headers, url=request.url, body=rec.body)
        return respcls(url=request.url, status=rec.status, headers=headers, body=rec.body, request=request)

    async def close(self) -> None:
        for fh in self._open.values():
            fh.close()
        self._open.clear()
        for handler in (self._http or {}).values():
            await handler.close()
