"""Offline replay: answer every http(s) request from saved responses under ``REPLAY_DIR``.

``REPLAY_DIR`` is searched recursively for ``*.meta.json`` files, each describing one
response::

    {"url": ..., "status": 200, "headers": {...}, "body": "<file relative to the meta file>",
     "fetched_at": "<ISO 8601>"}

URLs are compared after canonicalisation (w3lib), then once more ignoring the scheme and a
trailing slash. A request with no entry gets a 404. No request ever reaches the network.
The response's fetch time travels in the ``X-Replay-Fetched-At`` header, which
:class:`crawler.middlewares.FetchTimeMiddleware` turns into ``response.meta["fetched_at"]``.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from w3lib.url import canonicalize_url

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

FETCHED_AT_HEADER = "X-Replay-Fetched-At"


def url_keys(url: str) -> tuple[str, str]:
    """(strict, loose) lookup keys of a URL."""
    try:
        strict = canonicalize_url(url.strip())
    except Exception:  # noqa: BLE001 - a malformed URL is simply never found
        strict = url.strip()
    loose = strict.split("://", 1)[-1].rstrip("/")
    if loose.startswith("www."):
        loose = loose[4:]
    return strict, loose


class ReplayIndex:
    """URL → meta-file index of a replay folder (built once, read-only afterwards).

    Compact, because it is held for the whole crawl and grows with the folder (20,000 saved
    pages in the benchmark): one dict from the 64-bit hash of each lookup key (strict, loose,
    and the URL exactly as saved) to a position in a list of meta paths relative to the root.
    Text keys and absolute paths took ~650 bytes an entry, this ~300. Two different keys of one
    folder share a hash with probability ~n²/2⁶⁵ (1e-10 for 60,000 keys).
    """

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        if not self.root.is_dir():
            raise NotConfigured(f"REPLAY_DIR {self.root} is not a folder")
        self._root = str(self.root)
        self._paths: list[str] = []
        self._keys: dict[int, int] = {}
        self.errors: list[str] = []
        self._count = 0  # distinct strict keys, i.e. responses a request can reach
        keys = self._keys
        for meta_path in sorted(self.root.rglob("*.meta.json")):
            try:
                url = json.loads(meta_path.read_text(encoding="utf-8"))["url"]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                self.errors.append(f"{meta_path}: {exc}")
                logger.warning("replay: unreadable meta file %s (%s)", meta_path, exc)
                continue
            strict, loose = url_keys(url)
            pos = len(self._paths)
            self._paths.append(str(meta_path.relative_to(self.root)))
            if keys.setdefault(hash(("s", strict)), pos) == pos:
                self._count += 1
                # the URL exactly as saved -> what a canonical lookup of it finds: a request for
                # that very string (the usual case) skips canonicalize_url
                keys.setdefault(hash(("e", url)), pos)
            keys.setdefault(hash(("l", loose)), pos)

    def __len__(self) -> int:
        return self._count

    def find(self, url: str) -> Path | None:
        where = self.locate(url)
        return Path(where) if where is not None else None

    def locate(self, url: str) -> str | None:
        """The meta file (as text) answering URL, or None."""
        keys = self._keys
        pos = keys.get(hash(("e", url)))
        if pos is None:
            strict, loose = url_keys(url)
            pos = keys.get(hash(("s", strict)))
            if pos is None:
                pos = keys.get(hash(("l", loose)))
                if pos is None:
                    return None
        return os.path.join(self._root, self._paths[pos])


def load_entry(meta_path: str | os.PathLike) -> tuple[int, dict, bytes, str | None]:
    with open(meta_path, "rb") as fh:
        meta = json.loads(fh.read().decode("utf-8"))
    body = b""
    if meta.get("body"):
        with open(os.path.join(os.path.dirname(meta_path), meta["body"]), "rb") as fh:
            body = fh.read()
    return int(meta.get("status", 200)), dict(meta.get("headers") or {}), body, meta.get("fetched_at")


_INDEXES: dict[str, ReplayIndex] = {}


def shared_index(root: str) -> ReplayIndex:
    """One index per folder and process (the http and https handlers share it)."""
    key = str(Path(root).resolve())
    if key not in _INDEXES:
        _INDEXES[key] = ReplayIndex(root)
        logger.info("replay: %d responses indexed under %s", len(_INDEXES[key]), root)
    return _INDEXES[key]


class ReplayDownloadHandler(BaseDownloadHandler):
    """Download handler for http/https that serves ``REPLAY_DIR`` and never touches the network."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        root = crawler.settings.get("REPLAY_DIR")
        if not root:
            raise NotConfigured("REPLAY_DIR is not set")
        self.index = shared_index(root)
        if crawler.stats:
            crawler.stats.set_value("replay/responses_indexed", len(self.index))
        self._inc = crawler.stats.inc_value if crawler.stats else None  # bound once (per-request path)

    async def download_request(self, request: Request) -> Response:
        inc = self._inc
        meta_path = self.index.locate(request.url)
        if meta_path is None:
            if inc:
                inc("replay/miss")
            return responsetypes.from_args(url=request.url)(url=request.url, status=404, body=b"", request=request)
        try:
            status, headers, body, fetched_at = load_entry(meta_path)
        except (OSError, ValueError) as exc:
            logger.error("replay: cannot read %s: %s", meta_path, exc)
            if inc:
                inc("replay/broken_entry")
            return responsetypes.from_args(url=request.url)(url=request.url, status=500, body=b"", request=request)
        if inc:
            inc("replay/hit")
        hdrs = Headers(headers)
        if fetched_at:
            hdrs[FETCHED_AT_HEADER] = fetched_at
        respcls = responsetypes.from_args(headers=hdrs, url=request.url, body=body)
        return respcls(url=request.url, status=status, headers=hdrs, body=body, request=request)


class ReplayAddon:
    """When ``REPLAY_DIR`` is set, route http/https to the replay handler and drop the delays.

    There is nobody to be polite to in replay mode, so AutoThrottle and download delays are off.
    ROBOTSTXT_OBEY stays as configured: a replayed robots.txt is obeyed, a missing one is a 404.
    """

    def update_settings(self, settings: BaseSettings) -> None:
        # Above the project's settings.py (20) so replay is never throttled, below the
        # command line (40) so an explicit -s still wins.
        PRIORITY = 30
        if not settings.get("REPLAY_DIR"):
            return
        serve_offline(settings, "crawler.replay.ReplayDownloadHandler", PRIORITY)


def serve_offline(settings: BaseSettings, handler: str, priority: int) -> None:
    """Route http/https to HANDLER and turn politeness off (replay mode, archive input)."""
    handlers = dict(settings.getdict("DOWNLOAD_HANDLERS"))
    handlers["http"] = handlers["https"] = handler
    settings.set("DOWNLOAD_HANDLERS", handlers, priority=priority)
    settings.set("AUTOTHROTTLE_ENABLED", False, priority=priority)
    settings.set("DOWNLOAD_DELAY", 0, priority=priority)
    settings.set("DOWNLOAD_DELAY_JITTER", 0, priority=priority)
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", settings.getint("CONCURRENT_REQUESTS"), priority=priority)
    settings.set("RETRY_ENABLED", False, priority=priority)
    settings.set("CRAWL_DELAY_ENABLED", False, priority=priority)     # crawler/politeness/
    settings.set("CONDITIONAL_REQUESTS", False, priority=priority)
