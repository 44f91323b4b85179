"""Which archived records a spider takes (pure: no Scrapy, no HTML parsing).

A site spider takes the ``response`` records (and ``revisit`` records, resolved to their
original) of its own domains whose URL is one of its article URLs, with HTTP status 200 and an
HTML (or unstated) content type. Everything else is skipped from the WARC headers and the HTTP
status line alone, before any body is read, and counted under its reason.

The ``republisher`` spider has no domains: it takes HTML pages of any other site whose bytes
carry one of the four sources' stories: the Conversation's counter pixel, a link to an article
of one of the sources, or a wire credit line (``(Kyodo)``, ``Jiji Press``, ``KYODO NEWS``…).
That check is a byte search over the body (no parse); the page parser decides the rest.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from crawler.warc.reader import Capture

#: The four sources' own sites: the site spiders read them, the republisher leaves them alone.
SOURCE_DOMAINS = ("theconversation.com", "kyodonews.net", "jiji.com", "japantimes.co.jp")

#: Byte-level evidence that a page carries a story of one of the sources (case-insensitive).
CARRIES_SOURCE = re.compile(
    rb"counter\.theconversation\.com/content/\d"                 # the Conversation's counter pixel
    rb"|theconversation\.com/[\w-]+-\d{4,}"                      # links to an article of a source
    rb"|kyodonews\.net/|jiji\.com/|nippon\.com/[a-z]{2}/news/yjj\d|japantimes\.co\.jp/"
    rb"|\bkyodo\b|\bjiji\b|\bthe japan times\b"                   # wire and credit lines: (Kyodo), ==Kyodo, Jiji Press
    rb"|(?:republished|first published|originally published) (?:from|in|by|on) the conversation",
    re.I,
)

#: Largest body prefix the byte pre-check reads (a counter pixel sits at an article's end).
PRECHECK_BYTES = 4 * 1024 * 1024


def host_of(url: str | None) -> str:
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


def host_in(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def carries_source(body: bytes) -> bool:
    return bool(CARRIES_SOURCE.search(body))


def _html(content_type: str | None) -> bool:
    if not content_type:
        return True
    ct = content_type.lower()
    return "html" in ct


class Selection:
    """The record filter of one spider.

    ``domains``: the spider's domains (empty: any site but the sources', with the byte check).
    ``is_article_url``: the spider's article URL test (None: every URL of its domains).
    """

    def __init__(self, domains: Iterable[str] = (), is_article_url: Callable[[str], bool] | None = None):
        self.domains = tuple(d.lower().lstrip(".") for d in domains if d)
        self.is_article_url = is_article_url
        #: the republisher's way: the body bytes decide
        self.needs_payload = not self.domains

    @classmethod
    def for_spider(cls, spider) -> "Selection":
        domains = getattr(spider, "allowed_domains", None) or ()
        return cls(domains, getattr(spider, "is_article_url", None) if domains else None)

    def skip_reason(self, cap: Capture) -> str | None:
        """Why CAP is not taken, from its headers alone; None when it may be taken."""
        if cap.rec_type not in ("response", "revisit"):
            return "type"
        if not cap.uri or not cap.uri.lower().startswith(("http://", "https://")):
            return "not_web"
        host = host_of(cap.uri)
        if self.domains:
            if not host_in(host, self.domains):
                return "domain"
            if self.is_article_url is not None and not self.is_article_url(cap.uri):
                return "not_article"
        elif host_in(host, SOURCE_DOMAINS):
            return "domain"
        if cap.rec_type == "response":
            if cap.status != 200:
                return "status"
            if not _html(cap.content_type):
                return "content_type"
        return None

    def payload_bytes(self, cap: Capture) -> int:
        """How much of CAP's body the byte check wants to see (0: none needed)."""
        if not self.needs_payload or cap.rec_type != "response" or self.skip_reason(cap):
            return 0
        return PRECHECK_BYTES

    def takes_payload(self, body: bytes | None) -> bool:
        return not self.needs_payload or (body is not None and carries_source(body))

