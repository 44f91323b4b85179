"""Downloader middlewares."""
from __future__ import annotations

from datetime import datetime, timezone

from scrapy.exceptions import IgnoreRequest

from crawler.replay import FETCHED_AT_HEADER


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class FetchTimeMiddleware:
    """Stamp ``response.meta["fetched_at"]``: the replayed fetch time, or now (UTC)."""

    def process_response(self, request, response, spider=None):
        stamp = response.headers.get(FETCHED_AT_HEADER)
        request.meta["fetched_at"] = stamp.decode("ascii", "replace") if stamp else utc_now_iso()
        return response


_CHALLENGE_MARKERS = (
    b"captcha", b"cf-chl", b"cf_chl", b"challenge-platform", b"just a moment", b"attention required",
    b"verify you are a human", b"are you a robot", b"px-captcha", b"enable javascript and cookies",
    b"access denied", b"request unsuccessful", b"incapsula", b"distil_r_captcha", b"perimeterx",
)


def is_challenge(status: int, body: bytes) -> bool:
    """A bot wall: HTTP 202/403/429/503 with a challenge body, or a small page with captcha markers."""
    head = body[:65536].lower()
    if status in (202, 403, 429, 503):
        return any(m in head for m in _CHALLENGE_MARKERS)
    if status == 200 and len(body) < 30000:
        return any(m in head for m in (b"g-recaptcha", b"h-captcha", b"hcaptcha.com", b"cf-chl", b"px-captcha"))
    return False


class ChallengeMiddleware:
    """Count, log and drop bot-wall/challenge pages (``health/challenge``): the run fails loudly
    with the ``bot_wall`` rule and the wall's text never becomes an article."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        if is_challenge(response.status, response.body):
            self.crawler.stats.inc_value("health/challenge")
            self.crawler.stats.inc_value(f"health/challenge/{response.status}")
            import logging

            logging.getLogger(__name__).error(
                "bot wall / challenge page (HTTP %s) at %s: the site is blocking the crawler", response.status, response.url
            )
            raise IgnoreRequest(f"challenge page (HTTP {response.status}) at {response.url}")
        return response
