"""ConditionalRequestMiddleware: feeds, listings and sitemaps fetched with the last run's validators.

Feeds and listings were downloaded whole every cron run although the sites send ``ETag`` and
``Last-Modified``. Now each such request (:func:`crawler.politeness.rules.wants_validators`:
the spider's own feeds, listings, sitemaps; never articles, which the incremental state
handles) carries ``If-None-Match`` / ``If-Modified-Since`` from
:class:`crawler.politeness.validators.ValidatorStore` (``STATE_DIR/validators/<spider>.json``).

A ``304 Not Modified`` answer to such a request means "unchanged since the last run": counted
``pages/not_modified``, logged at INFO, and the request ends with :class:`NotModified` (an
``IgnoreRequest``): not an error, not a failed page, and not a failure of the run (the
``zero_items`` health rule knows an unchanged source gives nothing new). A 304 to a request
sent without validators is left to Scrapy as before.

The validators a run learns are kept when it ends ``finished``. A page that failed this run for
a reason that may pass (an exception, 429, 5xx) must be found again from its listing next run:
the listing that linked to it (its ``Referer``) loses its validators and is fetched whole next
run (``conditional/listing_refetch``). Other 4xx are final (a 404 article is gone): no effect.

Off with ``CONDITIONAL_REQUESTS = False``, with ``INCREMENTAL = False`` (everything is fetched
again) and in replay/WARC input (``crawler.replay.serve_offline`` turns it off). Stats:
``conditional/sent``, ``pages/not_modified``, ``conditional/validators_kept``,
``conditional/listing_refetch``, ``conditional/state_unreadable``; ``seeds/not_modified``.
"""
from __future__ import annotations

import datetime as _dt
import logging
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.politeness.rules import wants_validators
from crawler.politeness.validators import ValidatorStore

logger = logging.getLogger(__name__)


class NotModified(IgnoreRequest):
    """A feed, listing or sitemap unchanged since the last run (HTTP 304 to our validators)."""


class ConditionalRequestMiddleware:
    """If-None-Match / If-Modified-Since on feeds, listings, sitemaps; a 304 is "unchanged"."""

    def __init__(self, crawler):
        s = crawler.settings
        if not s.getbool("CONDITIONAL_REQUESTS", True):
            raise NotConfigured("CONDITIONAL_REQUESTS is off")
        if not s.getbool("INCREMENTAL", True):
            raise NotConfigured("INCREMENTAL is off: everything is fetched whole")
        self.crawler = crawler
        self.folder = Path(s.get("STATE_DIR") or ".state") / "validators"
        self.max_age_days = s.getint("CONDITIONAL_MAX_AGE_DAYS", 30)
        self.store: ValidatorStore | None = None
        self.learned: dict[str, dict | None] = {}
        self.tainted: set[str] = set()     # listings that linked to a page that failed (may pass next run)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider) -> None:
        self.store = ValidatorStore(self.folder / f"{spider.name}.json", self.max_age_days)
        if self.store.problem:
            self.crawler.stats.inc_value("conditional/state_unreadable")
            logger.warning(self.store.problem)

    def _eligible(self, request, spider) -> bool:
        spider = spider or self.crawler.spider
        return self.store is not None and wants_validators(
            request.url, request.meta, user_seeds=bool(getattr(spider, "user_seeds", False)),
            since=getattr(spider, "since", None))

    def process_request(self, request, spider=None):
        if not self._eligible(request, spider):
            return None
        headers = self.store.headers(request.url)
        if headers and not any(h in request.headers for h in ("If-None-Match", "If-Modified-Since")):
            for name, value in headers.items():
                request.headers[name] = value
            request.meta["conditional"] = True
            self.crawler.stats.inc_value("conditional/sent")
        return None

    def process_response(self, request, response, spider=None):
        if response.status == 304 and request.meta.get("conditional"):
            stats = self.crawler.stats
            stats.inc_value("pages/not_modified")
            self.learned.setdefault(request.url, {k: v for k, v in (self.store.urls.get(request.url) or {}).items()
                                                  if k in ("etag", "last_modified")})
            logger.info("unchanged since the last run (HTTP 304): %s", request.url)
            raise NotModified(f"not modified since the last run: {request.url}")
        eligible = self._eligible(request, spider)
        if not eligible and (response.status >= 500 or response.status == 429):
            self._taint(request)
        if response.status == 200 and eligible:
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
            self.learned[request.url] = {"etag": etag.decode("latin-1") if etag else None,
                                         "last_modified": modified.decode("latin-1") if modified else None}
        return response

    def process_exception(self, request, exception, spider=None):
        if not isinstance(exception, IgnoreRequest) and not self._eligible(request, spider):
            self._taint(request)
        return None

    def _taint(self, request) -> None:
        referer = request.headers.get("Referer")
        if referer:
            self.tainted.add(referer.decode("utf-8", "replace"))

    def spider_closed(self, spider, reason) -> None:
        if self.store is None or not (self.learned or self.tainted):
            return
        if reason != "finished":
            logger.info("validators of this run not kept (the run ended '%s'): the next run compares with "
                        "the last complete run's", reason)
            return
        for url in self.tainted:
            if self.learned.get(url) or url in self.store.urls:
                self.crawler.stats.inc_value("conditional/listing_refetch")
                logger.info("%s linked to a page that failed: fetched whole next run", url)
            self.learned[url] = None
        self.store.merge(self.learned, _dt.datetime.now(_dt.timezone.utc).date().isoformat())
        try:
            self.store.save()
        except OSError as exc:
            logger.warning("validators not saved to %s (%s): the next run fetches feeds and listings whole",
                           self.store.path, exc)
            return
        self.crawler.stats.set_value("conditional/validators_kept", len(self.store.urls))
