"""NewsSpider: discovery (feeds, sitemaps, listings, ``-a url=``) and page dispatch.

Site spiders stay thin: they name their page classes (layout variants, most specific first,
a generic one last), their default start URLs, and how to recognise an article URL.
Arguments every spider accepts (:attr:`NewsSpider.arguments`; a site adds its own, and a bad
value or an unknown name stops the run before any request, exit code 2):

* ``-a url=URL``        one page: an article, a listing, a feed or a sitemap; it is parsed as
                        what it is and what it links to is followed.
* ``-a urls_file=PATH`` one URL per line, optionally followed by its lastmod; ``#`` comments
                        and blank lines are skipped, any other line that is not an http(s) URL
                        is skipped with a WARNING naming the file and line (``seeds/invalid``).
                        Read as the crawl goes; a restart resumes where the last run got to
                        (see :mod:`crawler.extensions.seedprogress`).
* ``-a since=YYYY-MM-DD`` back-fill from that day: an article whose date is known to be before
                        it is neither followed nor written, whatever led to it (feed entry,
                        sitemap lastmod, a date in a listing link, the page's own date).

Seeds given with ``url``/``urls_file`` are incremental like discovered links: one an earlier
run wrote is skipped unless ``INCREMENTAL=False`` or its lastmod says it changed.

Discovery never drops a link without saying so: a feed is followed whole; a sitemap up to
the protocol's 50,000 URLs a file (a sitemap index: every child); a listing up to
``MAX_LINKS_PER_PAGE`` article links (a guard against link bombs). Whatever is over a limit is
logged at WARNING with the count and the page and counted (``discovery/not_followed``).
"""
from __future__ import annotations

import codecs
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import scrapy
from parsel.selector import create_root_node
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.selector import Selector
from scrapy.utils.job import job_dir
from scrapy.utils.response import get_base_url
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.dates import date_from_url, parse_date
from crawler.extract.feeds import FeedEntry, iter_sitemap, parse_feed, sniff
from crawler.incremental import KnownPage
from crawler.items import Article
from crawler.politeness.conditional import NotModified
from crawler.reliability import mask_secrets
from crawler.seeds import BadSeed, Seed, SeedFile, url_problem
from crawler.sites.base import ArticlePage, PageSelector, choose_page
from crawler.extract.dom import HtmlParser

#: the sitemaps protocol's limit: one sitemap file lists at most 50,000 URLs
SITEMAP_MAX_URLS = 50_000
_URL_MONTH_RE = re.compile(r"/((?:19|20)\d\d)/(\d\d)/")
#: default of the MAX_LINKS_PER_PAGE setting: article links followed from one listing page
MAX_LINKS_PER_PAGE = 500


_ASCII_WS = " \t\n\r\x0b\x0c"


def _ascii_ws_ends(text: str) -> bool:
    """``text.strip() == text.strip(_ASCII_WS)``: no whitespace but ASCII's at either end. Read
    from the ends only (the two strips copy a 190 KB page twice: ~0.3 ms)."""
    i, j = 0, len(text)
    while i < j and text[i] in _ASCII_WS:
        i += 1
    while j > i and text[j - 1] in _ASCII_WS:
        j -= 1
    return i == j or not (text[i].isspace() or text[j - 1].isspace())


def _valid_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def page_selector(response: TextResponse) -> Selector:
    """``response.selector``, built once, and from the body bytes when that gives the same tree.

    Scrapy builds the selector from ``response.text``, which parsel encodes back to UTF-8 before
    lxml parses it: on a 190 KB page that round trip costs as much as half the parse. For an HTML
    response that is valid UTF-8 (no BOM, no exotic whitespace at either end) lxml is given the
    bytes directly; the tree is the same. The selector is cached on the response, so every later
    ``response.selector`` / ``response.css()`` / ``response.xpath()`` reuses it.
    """
    cached = getattr(response, "_cached_selector", None)
    if cached is not None:
        return cached
    body = response.body
    if body and type(response) is HtmlResponse and response.encoding == "utf-8" and not body.startswith(codecs.BOM_UTF8):
        text = response.text  # decoded once by Scrapy (w3lib), needed for the checks and base URL
        if _ascii_ws_ends(text):  # parsel strips str whitespace, bytes strip only ASCII
            # the body must be valid UTF-8: w3lib replaces invalid bytes with U+FFFD, lxml would not.
            # A text without U+FFFD was decoded without a replacement, so only a text that has one
            # (a replacement, or a page that really contains U+FFFD) pays the strict decode.
            if "\ufffd" not in text or _valid_utf8(body):
                base_url = get_base_url(response)
                root = create_root_node("", HtmlParser, base_url=base_url, body=body, encoding="utf-8")
                # no ``sel.response = response``: that reference cycle would keep each page's
                # tree alive until the cyclic GC runs, which lxml's C memory does not trigger
                sel = Selector(root=root, type="html", base_url=base_url)
                try:
                    response._cached_selector = sel
                except AttributeError:  # a future Scrapy without the cache slot: just don't cache
                    pass
                return sel
    return response.selector


class SpiderArgumentError(ValueError):
    """A bad ``-a NAME=VALUE``; the message is one line naming the argument and what it allows."""


def parse_since(value: str) -> date:
    """The day of ``-a since=``: a real date written YYYY-MM-DD (ValueError otherwise)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or ""):
        raise ValueError("not a date written YYYY-MM-DD (e.g. 2025-09-19)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("not a real date; since takes YYYY-MM-DD (e.g. 2025-09-19)") from None


def _check_url(value: Any) -> str | None:
    problem = url_problem(str(value).strip())
    return f"{problem}; url takes one http(s) URL" if problem else None


def _check_urls_file(value: Any) -> str | None:
    path = Path(str(value))
    if not path.is_file():
        return "no such file; urls_file takes a file of URLs, one a line"
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return None


def _check_since(value: Any) -> str | None:
    try:
        parse_since(str(value).strip())
    except ValueError as exc:
        return str(exc)
    return None


class NewsSpider(scrapy.Spider):
    #: layout variants, most specific first; the last one is the fallback for unknown layouts
    page_classes: list[type[ArticlePage]] = [ArticlePage]
    #: default discovery (feeds, listings) for scheduled runs
    default_start_urls: list[str] = []
    #: regex an article URL matches (None: every same-site page link is a candidate)
    article_url_re: re.Pattern | None = None
    #: largest number of article links followed from one listing page (setting MAX_LINKS_PER_PAGE)
    max_links_per_page = MAX_LINKS_PER_PAGE
    #: ``-a NAME=VALUE`` arguments and what each allows; a site spider adds its own to a copy
    arguments: dict[str, str] = {
        "url": "one http(s) URL: an article, a listing, a feed or a sitemap",
        "urls_file": "a file of http(s) URLs, one a line",
        "since": "a date YYYY-MM-DD",
        "warc": "a WARC/ARC file, folder, glob, list of paths or URLs, or CC-NEWS warc.paths.gz",
    }
    #: checks of argument values: name -> function(value) -> problem or None
    argument_checks: dict[str, Any] = {"url": _check_url, "urls_file": _check_urls_file, "since": _check_since}

    def __init__(self, url: str | None = None, urls_file: str | None = None, since: str | None = None, *args, **kwargs):
        given = {k: v for k, v in (("url", url), ("urls_file", urls_file), ("since", since)) if v is not None}
        problem = self.arguments_problem({**given, **kwargs})
        if problem:
            raise SpiderArgumentError(problem)
        super().__init__(*args, **kwargs)
        self.url = url.strip() if url else url
        self.urls_file = urls_file
        self.since = since.strip() if since else None
        self.since_day: date | None = parse_since(self.since) if self.since else None
        self.seed_tracker = None
        self.user_seeds = bool(url or urls_file)

    @classmethod
    def argument_problem(cls, name: str, value: Any) -> str | None:
        """What is wrong with ``-a NAME=VALUE`` for this spider (None: nothing)."""
        if name not in cls.arguments:
            if name.startswith("_"):  # scrapyd's _job and the like
                return None
            return f"unknown argument for spider {cls.name}; it takes {', '.join(sorted(cls.arguments))}"
        check = cls.argument_checks.get(name)
        return check(value) if check else None

    @classmethod
    def arguments_problem(cls, kwargs: dict[str, Any]) -> str | None:
        """The first bad argument of KWARGS as one line ``-a name=value: problem``, or None."""
        for name, value in kwargs.items():
            problem = cls.argument_problem(name, value)
            if problem:
                return f"-a {name}={mask_secrets(str(value))}: {problem}"
        if kwargs.get("url") and kwargs.get("urls_file"):
            return "-a url= and -a urls_file= are exclusive: give one"
        return None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.max_links_per_page = crawler.settings.getint("MAX_LINKS_PER_PAGE", cls.max_links_per_page)
        return spider

    # ------------------------------------------------------------------ start
    def seed_urls(self) -> list[str]:
        return list(self.iter_seed_urls())

    def iter_seeds(self, offset: int = 0, first_line: int = 1) -> Iterator[Seed | BadSeed]:
        """The seeds: ``-a url=``, else each line of ``-a urls_file=`` from byte OFFSET (read as
        the crawl goes, so a back-fill list of any length is never held in memory; bad lines
        come as :class:`BadSeed`), else the default start URLs."""
        if self.url:
            yield Seed(self.url)
        elif self.urls_file:
            self.seed_file = SeedFile(self.urls_file, offset, first_line)
            yield from self.seed_file
        else:
            for url in self.default_start_urls:
                yield Seed(url)

    def iter_seed_urls(self) -> Iterator[str]:
        """The good seeds' URLs, normalised."""
        for seed in self.iter_seeds():
            if isinstance(seed, Seed):
                yield self.seed_url(seed.url)

    def seed_url(self, url: str) -> str:
        """One seed as given, normalised (override per site)."""
        return url

    def seed_request(self, seed: Seed) -> scrapy.Request:
        """The request of one seed. Seeds given by the user (``url``, ``urls_file``) go through
        the incremental check like article links (``meta["incremental"]``); default start URLs
        (feeds, home pages) are fetched every run. Never dropped by a duplicate filter."""
        meta: dict[str, Any] = {"seed": True}
        if self.user_seeds:
            meta["incremental"] = True
        if seed.lastmod:
            meta["lastmod"] = seed.lastmod
        if seed.line:
            meta["seed_line"] = seed.line
        return scrapy.Request(self.seed_url(seed.url), callback=self.parse_seed, errback=self.seed_failed,
                              dont_filter=True, meta=meta)

    async def start(self) -> AsyncIterator[Any]:
        tracker = self.open_seed_tracker()
        offset, first_line = (tracker.start_offset, tracker.start_line) if tracker else (0, 1)
        for seed in self.iter_seeds(offset, first_line):
            if tracker:
                tracker.read(seed)
            if isinstance(seed, Seed):
                try:
                    request = self.seed_request(seed)
                except (ValueError, TypeError) as exc:  # a URL the site's normalisation or Scrapy refuses
                    seed = BadSeed(seed.url, str(exc), seed.line, seed.start, seed.end)
                else:
                    yield request
                    await self.wait_for_room()
                    continue
            self.bad_seed(seed)
            if tracker:
                tracker.settle(seed.line)
        reader = getattr(self, "seed_file", None)
        if reader is not None and reader.skipped:
            self.crawler.stats.set_value("seeds/comment_or_blank_lines", reader.skipped)

    def open_seed_tracker(self):
        """The progress tracker of ``-a urls_file=`` (None for other seeds)."""
        if not self.urls_file or getattr(self, "crawler", None) is None:
            return None
        from crawler.extensions.seedprogress import SeedProgressTracker

        settings = self.crawler.settings
        resume = settings.getbool("INCREMENTAL", True) or bool(job_dir(settings))
        self.seed_tracker = SeedProgressTracker.from_crawler(self.crawler, self.name, self.urls_file, resume=resume)
        return self.seed_tracker

    def bad_seed(self, seed: BadSeed) -> None:
        where = f"{self.urls_file}:{seed.line}" if seed.line else "seed"
        self.logger.warning("%s: skipped, not a URL (%s): %r", where, seed.reason, mask_secrets(seed.text[:200]))
        self.crawler.stats.inc_value("seeds/invalid")

    def backlog(self) -> int:
        """Requests waiting in the scheduler (from the stats: 0 where a scheduler keeps none)."""
        stats = self.crawler.stats
        return max(0, int(stats.get_value("scheduler/enqueued", 0)) - int(stats.get_value("scheduler/dequeued", 0)))

    def backlog_limit(self) -> int:
        return max(100, 4 * self.crawler.settings.getint("CONCURRENT_REQUESTS", 16))

    async def wait_for_room(self) -> None:
        """Hand out more only when the scheduler runs low: memory stays flat however long the
        seed list, and a kill loses no more than what was in flight."""
        limit = self.backlog_limit()
        if self.backlog() < limit:
            return
        from twisted.internet import reactor, task
        from scrapy.utils.defer import maybe_deferred_to_future

        while self.backlog() >= limit:
            await maybe_deferred_to_future(task.deferLater(reactor, 0.05, lambda: None))

    def parse_seed(self, response: Response, **kwargs):
        """A seed's page, parsed as what it is; its seed line is settled once all it gave is done."""
        items, followed = 0, False
        try:
            for out in self.parse(response, **kwargs):
                if isinstance(out, scrapy.Request):
                    followed = True
                else:
                    items += 1
                yield out
        except Exception:
            self._seed_parsed(response, items, followed)
            raise
        self._seed_parsed(response, items, followed)

    def _seed_parsed(self, response: Response, items: int, followed: bool) -> None:
        if self.seed_tracker is not None:
            self.seed_tracker.parsed(response.meta.get("seed_line"), items, followed)

    def seed_failed(self, failure):
        """A seed not fetched: known from an earlier run (skipped, INFO), or refused/failed (WARNING)."""
        request = failure.request
        stats = self.crawler.stats
        if failure.check(KnownPage):
            stats.inc_value("seeds/known_skipped")
            log = self.logger.info if self.url else self.logger.debug
            log("seed %s was written by an earlier run: skipped (-s INCREMENTAL=False fetches it again)",
                request.url)
        elif failure.check(NotModified):
            stats.inc_value("seeds/not_modified")   # logged by ConditionalRequestMiddleware
        elif failure.check(IgnoreRequest) and not failure.check(HttpError):
            stats.inc_value("seeds/ignored")
            self.logger.warning("seed %s not fetched: %s", request.url, failure.value)
        else:
            stats.inc_value("seeds/failed")
            self.logger.warning("seed %s failed: %s", request.url, failure.value)
        if self.seed_tracker is not None:
            self.seed_tracker.settle(request.meta.get("seed_line"))

    # ------------------------------------------------------------------ dispatch
    def page_type(self, response: Response) -> str:
        """'atom'/'rss'/'rdf' (feed), 'sitemap'/'sitemapindex', 'article' or 'listing'."""
        kind = sniff(response.body)
        if kind:
            return kind
        if not isinstance(response, TextResponse):
            return "other"
        if self.is_article_url(response.url):
            return "article"
        return "article" if self.looks_like_article(response) else "listing"

    def is_article_url(self, url: str) -> bool:
        """Whether URL has the shape of an article; a percent-encoded slug (``mercurial%27s-…``)
        is also tried as it reads (``mercurial's-…``)."""
        rx = self.article_url_re
        if rx is None:
            return False
        return bool(rx.search(url) or ("%" in url and rx.search(unquote(url))))

    def looks_like_article(self, response: TextResponse) -> bool:
        """For URLs of unknown shape: article markers in the page."""
        sel = page_selector(response)
        if sel.xpath('//meta[@property="og:type"][@content="article"]'):
            return True
        if sel.xpath('//script[@type="application/ld+json"][contains(., "NewsArticle")]'):
            return True
        return bool(sel.xpath('//*[@itemprop="articleBody"] | //article//p[string-length(normalize-space()) > 200]'))

    def parse(self, response: Response, **kwargs):
        kind = self.page_type(response)
        self.crawler.stats.inc_value(f"pages/{kind}")
        if kind in ("atom", "rss", "rdf"):
            yield from self.parse_feed(response)
        elif kind in ("sitemap", "sitemapindex"):
            yield from self.parse_sitemap(response)
        elif kind == "article":
            yield from self.parse_article(response)
        elif kind == "listing":
            yield from self.parse_listing(response)

    # ------------------------------------------------------------------ since
    def before_since(self, day: str | date | None) -> bool:
        """Whether DAY (a date, or a string starting YYYY-MM-DD) is known to be before ``since``."""
        if self.since_day is None or not day:
            return False
        if isinstance(day, str):
            if not re.match(r"\d{4}-\d{2}-\d{2}", day):
                return False
            try:
                day = date.fromisoformat(day[:10])
            except ValueError:
                return False
        return day < self.since_day

    def entry_day(self, raw: str | None) -> str | None:
        """The day (YYYY-MM-DD, as the source wrote it) of a feed or sitemap date, or None."""
        if not raw:
            return None
        if re.match(r"\d{4}-\d{2}-\d{2}", raw):
            return raw[:10]
        value = parse_date(raw, site=self.name)  # RFC 822 pubDate and friends
        return value[:10] if value else None

    def link_day(self, url: str) -> str | None:
        """The day a link's URL carries (``/YYYY/MM/DD/``, a Jiji key), or None (override per site)."""
        return date_from_url(url)

    def link_before_since(self, url: str) -> bool:
        """Whether a link's URL dates it before ``since``: its day, or a ``/YYYY/MM/`` month that
        ended before it. A link without a date is followed (the page's own date decides)."""
        if self.since_day is None:
            return False
        day = self.link_day(url)
        if day:
            return self.before_since(day)
        m = _URL_MONTH_RE.search(urlparse(url).path)
        if m:
            year, month = int(m.group(1)), int(m.group(2))
            if 1990 <= year and 1 <= month <= 12:
                return (year, month) < (self.since_day.year, self.since_day.month)
        return False

    # ------------------------------------------------------------------ discovery
    def follow_article(self, response: Response, url: str, lastmod: str | None = None, **cb_kwargs) -> scrapy.Request:
        """A request for an article page (incremental runs skip those already written)."""
        return response.follow(url, callback=self.parse_article, cb_kwargs=cb_kwargs or None,
                               errback=self.article_failed, meta={"article": True, "lastmod": lastmod})

    def not_followed(self, response: Response, count: int, why: str) -> None:
        """COUNT links of RESPONSE over a limit: one WARNING (count, page, why) and the stat."""
        self.crawler.stats.inc_value("discovery/not_followed", count)
        self.logger.warning("%d links of %s not followed: %s", count, response.url, why)

    def listing_links(self, response: TextResponse) -> Iterable[str]:
        """Article links on a listing page (override for site selectors)."""
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            if self.is_article_url(url):
                yield url

    def parse_listing(self, response: TextResponse):
        """Up to MAX_LINKS_PER_PAGE article links; links dated before ``since`` are skipped, and
        when all of them are, :meth:`older_pages_wanted` says so (pagination stops)."""
        seen: set[str] = set()
        stats = self.crawler.stats
        followed = over = before = 0
        for url in self.listing_links(response):
            url = url.split("#", 1)[0]
            if url in seen or url == response.url:
                continue
            seen.add(url)
            if self.link_before_since(url):
                before += 1
                continue
            if followed >= self.max_links_per_page:
                over += 1
                continue
            followed += 1
            yield self.follow_article(response, url)
        stats.inc_value("discovery/listing_links", len(seen))
        if before:
            stats.inc_value("discovery/before_since", before)
        if over:
            self.not_followed(response, over, f"over the MAX_LINKS_PER_PAGE limit of {self.max_links_per_page} "
                                              "a listing page (raise it with -s MAX_LINKS_PER_PAGE=N)")
        response.meta["listing_all_before_since"] = bool(seen) and before == len(seen)

    def older_pages_wanted(self, response: Response) -> bool:
        """False once a listing page's links all fall before ``since``: its older pages would too."""
        if response.meta.get("listing_all_before_since"):
            self.crawler.stats.inc_value("discovery/listing_walk_stopped_since")
            self.logger.info("every link of %s is older than since=%s: older listing pages are not walked",
                             response.url, self.since)
            return False
        return True

    def keep_entry(self, entry: FeedEntry) -> bool:
        """Whether a feed entry's article should be fetched (``since`` filter)."""
        return not self.before_since(self.entry_day(entry.published or entry.updated))

    def parse_feed(self, response: Response):
        """Every entry of the feed (no cap), except those dated before ``since``."""
        entries = parse_feed(response.body)
        stats = self.crawler.stats
        if not entries:
            self.logger.warning("feed %s has no readable entries", response.url)
            stats.inc_value("discovery/empty_feed")
        for entry in entries:
            if not entry.link:
                stats.inc_value("discovery/feed_entry_without_link")
                continue
            if not self.keep_entry(entry):
                stats.inc_value("discovery/before_since")
                continue
            stats.inc_value("discovery/feed_links")
            yield self.follow_article(response, entry.link, lastmod=entry.updated or entry.published, entry=entry)

    def keep_sitemap_child(self, url: str, lastmod: str | None) -> bool:
        """Whether a child sitemap of an index is followed: all are, except one whose lastmod is
        before ``since`` (nothing in it changed since)."""
        if self.before_since(lastmod):
            self.crawler.stats.inc_value("discovery/sitemaps_skipped_since")
            return False
        return True

    def sitemap_link(self, url: str) -> str | None:
        """The URL to follow for a sitemap ``<loc>`` (None: not an article; override per site)."""
        return url if self.article_url_re is None or self.is_article_url(url) else None

    def parse_sitemap(self, response: Response):
        """A sitemap index: every child. A sitemap: up to SITEMAP_MAX_URLS (the protocol's
        50,000) URLs, read as a stream; those past the limit are counted and named in a WARNING."""
        stats = self.crawler.stats
        urls = over = 0
        first_over = None
        for kind, loc, lastmod in iter_sitemap(response.body):
            if kind == "sitemap":
                if self.keep_sitemap_child(loc, lastmod):
                    stats.inc_value("discovery/sitemaps")
                    yield response.follow(loc, callback=self.parse)
                continue
            urls += 1
            if urls > SITEMAP_MAX_URLS:
                over += 1
                first_over = first_over or loc
                continue
            if self.before_since(lastmod):
                stats.inc_value("discovery/before_since")
                continue
            url = self.sitemap_link(loc)
            if url is None:
                stats.inc_value("discovery/sitemap_not_article")
                continue
            stats.inc_value("discovery/sitemap_links")
            yield self.follow_article(response, url, lastmod=lastmod)
        if over:
            self.not_followed(response, over, f"the sitemaps protocol allows {SITEMAP_MAX_URLS:,} URLs a file and "
                                              f"this one lists {urls:,}; the first not followed is {first_over}")

    # ------------------------------------------------------------------ articles
    def page_for(self, response: TextResponse) -> ArticlePage:
        # variant checks and fields share its query cache; the page text (decoded once by Scrapy)
        # lets fields skip whole-page queries for elements the source does not mention
        sel = PageSelector.of(page_selector(response), text=response.text)
        cls = choose_page(self.page_classes, sel, response.url)
        return cls(sel, response.url, response.meta.get("fetched_at"))

    def parse_article(self, response: Response, entry: FeedEntry | None = None):
        if not isinstance(response, TextResponse):
            self.logger.warning("not a text page, skipped: %s", response.url)
            self.crawler.stats.inc_value("pages/not_text")
            return
        if sniff(response.body):  # a feed/sitemap reached through an article link
            yield from self.parse(response)
            return
        page = self.page_for(response)
        stats = self.crawler.stats
        stats.inc_value(f"pages/variant/{page.variant}")
        items = page.items()
        for name, err in page.errors:
            stats.inc_value(f"field/{name}/error")
        for used in page.fallbacks:  # a library read the field the page's own layers missed
            stats.inc_value(f"fallback/{used}")
        for item in items:
            item.hints.setdefault("lastmod", response.meta.get("lastmod"))
            if entry is not None:
                self.enrich_from_entry(item, entry)
            yield item
        # Scrapy's own response.selector points back at the response (a reference cycle): drop
        # the cached selector so the page's lxml tree is freed with the response, not whenever
        # the cyclic GC happens to run (peak RSS would otherwise wander with GC timing)
        try:
            response._cached_selector = None
        except AttributeError:
            pass

    def enrich_from_entry(self, item: Article, entry: FeedEntry) -> None:
        """Fill what the page lacks from the feed entry that linked it (override per site)."""
        if not item.date_published_raw and entry.published:
            item.date_published_raw = entry.published
        if not item.date_modified_raw and entry.updated:
            item.date_modified_raw = entry.updated

    def item_from_entry(self, entry: FeedEntry, failure) -> Article | None:
        """An item built from a feed entry alone when its page cannot be fetched (override)."""
        return None

    def article_failed(self, failure):
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # skipped on purpose: robots.txt, or written by an earlier run (incremental)
        request = failure.request
        self.crawler.stats.inc_value("pages/failed")
        self.logger.warning("article %s failed: %s", request.url, failure.value)
        entry = (request.cb_kwargs or {}).get("entry")
        if entry is not None:
            item = self.item_from_entry(entry, failure)
            if item is not None:
                self.crawler.stats.inc_value("items/from_feed_entry")
                yield item

    # ------------------------------------------------------------------ utils
    @staticmethod
    def host(url: str) -> str:
        return urlparse(url).netloc.lower()
