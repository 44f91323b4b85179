"""Downloader middlewares."""
from __future__ import annotations

import re
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


#: Bot-wall markers, as markup (class/id names, script hosts, titles), never as words that an
#: article or a link slug may contain.
_WALL_MARKUP = re.compile(
    rb"""(?:class|id)\s*=\s*["'][^"']*\b(?:g-recaptcha|h-captcha|cf-chl[\w-]*|cf-challenge[\w-]*|px-captcha|"""
    rb"""challenge-(?:form|platform|running|stage)|captcha-(?:container|box|form))\b"""
    rb"""|src\s*=\s*["'][^"']*(?:recaptcha/api|hcaptcha\.com|challenges\.cloudflare\.com|/cdn-cgi/challenge-platform|"""
    rb"""captcha\.px-cdn|perimeterx|incapsula|distil_r_captcha)"""
    rb"""|<title>\s*(?:just a moment|attention required|access denied|are you a robot|request unsuccessful)""",
    re.I,
)
_WALL_TEXT = (b"verify you are a human", b"enable javascript and cookies to continue", b"checking if the site connection is secure",
              b"checking your browser before accessing")


def is_challenge(status: int, body: bytes) -> bool:
    """A bot wall: HTTP 202/403/429/503 with a challenge body, or a small 200 page whose markup is a captcha."""
    head = body[:65536]
    if status in (202, 403, 429, 503):
        low = head.lower()
        return bool(_WALL_MARKUP.search(head)) or any(t in low for t in _WALL_TEXT)
    if status == 200 and len(body) < 30000:
        # a captcha on a page with text of its own is a form on an article (comments, newsletter)
        return bool(_WALL_MARKUP.search(head)) and visible_text_length(body) < WALL_TEXT_MAX
    return False


#: A challenge page says little ("Just a moment...", "Please verify you are a human"): a page
#: with more visible text than this is an article that happens to load a captcha.
WALL_TEXT_MAX = 1500
_INVISIBLE = re.compile(rb"(?is)<(script|style|noscript|template|svg)\b.*?</\1\s*>|<!--.*?-->")
_TAG = re.compile(rb"<[^>]*>")


def visible_text_length(body: bytes) -> int:
    """Bytes of the page's visible text (tags, scripts, styles and comments out, spaces collapsed)."""
    text = _TAG.sub(b" ", _INVISIBLE.sub(b" ", body))
    return len(b" ".join(text.split()))


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
