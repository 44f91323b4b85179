"""Downloader middlewares."""
from __future__ import annotations

from datetime import datetime, timezone

from crawler.replay import FETCHED_AT_HEADER


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class FetchTimeMiddleware:
    """Stamp ``response.meta["fetched_at"]``: the replayed fetch time, or now (UTC)."""

    def process_response(self, request, response, spider=None):
        stamp = response.headers.get(FETCHED_AT_HEADER)
        request.meta["fetched_at"] = stamp.decode("ascii", "replace") if stamp else utc_now_iso()
        return response
