"""Reliability under faults and hostile input: what Scrapy 2.19 does not already do.

What Scrapy already covers (not duplicated here, proven by tests/test_faults.py):

* 5xx / 408 / 429 and network errors are retried ``RETRY_TIMES`` times (RetryMiddleware), then
  given up with an ERROR line (``retry/max_reached``);
* ``DOWNLOAD_MAXSIZE`` cancels a body that is (or announces itself as) too large
  (``DownloadCancelledError``) and HttpCompressionMiddleware decompresses in 64 KiB steps and
  stops at ``DOWNLOAD_MAXSIZE`` (a gzip bomb never expands in memory);
* a wrong Content-Length / a connection cut mid-body fails the download
  (``ResponseDataLossError``, ``DOWNLOAD_FAIL_ON_DATALOSS``) and is retried;
* NUL bytes and unclosed tags are tolerated by lxml/parsel; robots.txt, offsite and redirect
  limits (``REDIRECT_MAX_TIMES``) are Scrapy middlewares.

What this module adds:

* :class:`RetryAfterMiddleware` — RetryMiddleware that honours ``Retry-After`` on a retried
  status (429/503): it waits that long before the retry, bounded by ``RETRY_AFTER_MAX_WAIT``
  (seconds, default 60); a server asking for longer is not retried at all. Stats
  ``retry_after/*``.
* :class:`CharsetRepairMiddleware` — HTML whose declared charset is wrong or missing:
  UTF-8 declared as cp1252/latin-1 (or as Shift_JIS), Shift_JIS/EUC-JP with no or a wrong
  declaration, a whole page double-encoded (UTF-8 read as cp1252 and saved again). Stats
  ``charset/repaired/<from>-><to>``.
* :class:`HttpCompressionMiddleware` — Scrapy's, plus a counter
  ``reliability/decompression_over_maxsize`` and an ERROR line when a compressed body expands
  past ``DOWNLOAD_MAXSIZE`` (Scrapy only logs a WARNING and the article errback drops it
  silently, so the run report would not show it).
* :class:`RedirectMiddleware` and :class:`MetaRefreshMiddleware` — Scrapy's, with no silent
  drop (issue 20): a redirect loop (A -> A?from=loop -> A) is cut at once, a redirect outside
  ``allowed_domains`` (seeds included) is not followed, each a WARNING with the chain and
  ``pages/failed/redirect_loop`` / ``pages/failed/offsite_redirect``; a chain cut at
  ``REDIRECT_MAX_TIMES`` is a WARNING and ``reliability/redirect_max_reached``; a redirect to
  a page the duplicate filter already saw is a WARNING and ``redirect/duplicate_dropped``.
* :func:`mask_secrets` and :class:`SecretMaskingExtension` — passwords in URLs (``REDIS_URL``
  and the like) and the values of secret-looking settings are masked in every log line.

The pure helpers (:func:`retry_after_seconds`, :func:`repair_encoding`, :func:`mask_secrets`)
have no Scrapy imports at call time and are unit-tested directly.
"""
from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------- Retry-After


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or HTTP-date); None if absent
    or unreadable. A date in the past means 0."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1", "replace")
    value = value.strip()
    if not value:
        return None
    if re.fullmatch(r"\d{1,10}", value):
        return float(int(value))
    if len(value) > 64:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


try:  # the Scrapy glue below is only defined when Scrapy is importable
    from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware as _ScrapyHttpCompression
    from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as _ScrapyMetaRefresh
    from scrapy.downloadermiddlewares.redirect import RedirectMiddleware as _ScrapyRedirect
    from scrapy.downloadermiddlewares.retry import RetryMiddleware as _ScrapyRetry
    from scrapy.exceptions import IgnoreRequest
    from scrapy.utils.response import response_status_message
except ImportError:  # pragma: no cover - the crawler always has Scrapy
    _ScrapyRetry = _ScrapyHttpCompression = _ScrapyRedirect = _ScrapyMetaRefresh = object  # type: ignore[assignment,misc]


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor, task

    from scrapy.utils.defer import maybe_deferred_to_future

    await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))


class RetryAfterMiddleware(_ScrapyRetry):  # type: ignore[misc,valid-type]
    """Scrapy's RetryMiddleware, honouring ``Retry-After`` (bounded by ``RETRY_AFTER_MAX_WAIT``).

    Replace Scrapy's at the same priority::

        DOWNLOADER_MIDDLEWARES = {"scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
                                  "crawler.reliability.RetryAfterMiddleware": 550}
    """

    def __init__(self, settings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("RETRY_AFTER_MAX_WAIT", 60.0)

    async def process_response(self, request, response):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None:
            return self._retry(request, response_status_message(response.status)) or response
        stats = self.crawler.stats
        stats.inc_value("retry_after/seen")
        if wait > self.max_wait:
            stats.inc_value("retry_after/too_long")
            logger.error(
                "HTTP %s at %s asks to retry after %.0f s, more than RETRY_AFTER_MAX_WAIT (%.0f s): not retried",
                response.status, request.url, wait, self.max_wait,
            )
            return response
        new = self._retry(request, response_status_message(response.status))
        if new is None:
            return response
        if wait > 0:
            stats.inc_value("retry_after/waited")
            stats.inc_value("retry_after/wait_seconds", wait)
            stats.max_value("retry_after/max_wait_seconds", wait)
            logger.info("HTTP %s at %s: waiting %.1f s (Retry-After) before retry %s",
                        response.status, request.url, wait, new.meta.get("retry_times"))
            await _sleep(wait)
        return new


class HttpCompressionMiddleware(_ScrapyHttpCompression):  # type: ignore[misc,valid-type]
    """Scrapy's HttpCompressionMiddleware, counting bodies that expand past DOWNLOAD_MAXSIZE."""

    def process_response(self, request, response):
        try:
            return super().process_response(request=request, response=response)
        except IgnoreRequest as exc:
            if self.stats:
                self.stats.inc_value("reliability/decompression_over_maxsize")
            logger.error("compressed body of %s expands past DOWNLOAD_MAXSIZE (gzip bomb?), dropped: %s", request.url, exc)
            raise


def redirect_chain(request) -> list[str]:
    """The URLs a redirected REQUEST went through, its own last: ``[first, ..., request.url]``."""
    return [*(request.meta.get("redirect_urls") or []), request.url]


def _canonical(url: str) -> str:
    from w3lib.url import canonicalize_url

    return canonicalize_url(url)


def _same_page(a: str, b: str) -> bool:
    return _canonical(a) == _canonical(b)


class _RedirectChecks:
    """What Scrapy's redirect middlewares let through or drop in silence, checked on every hop.

    * a hop back to a URL already in its own chain (A -> A?from=loop -> A) is a loop: Scrapy
      would hand it to the duplicate filter, which drops it without a word (or, for a seed with
      ``dont_filter``, follow it ``REDIRECT_MAX_TIMES`` times). It is cut at once: WARNING with
      the chain, ``pages/failed`` and ``pages/failed/redirect_loop``;
    * a hop to a host outside the spider's ``allowed_domains`` (seeds included: Scrapy copies
      ``dont_filter`` to the redirect) is not followed: WARNING with the chain,
      ``pages/failed``, ``pages/failed/offsite_redirect`` and ``offsite/redirect_filtered``
      (Scrapy's OffsiteMiddleware would drop it at scheduling with a DEBUG line at most).
      Spiders without ``allowed_domains`` (republisher) are not restricted.

    The IgnoreRequest raised goes to the request's errback, which already knows the page failed.
    """

    crawler: Any

    def _failed(self, kind: str) -> None:
        stats = self.crawler.stats
        stats.inc_value("pages/failed")
        stats.inc_value(f"pages/failed/{kind}")

    def check_redirect(self, request, result):
        from scrapy import Request

        if not isinstance(result, Request) or not result.meta.get("redirect_urls"):
            return result
        chain = redirect_chain(result)
        if any(_same_page(result.url, url) for url in chain[:-1]):
            self._failed("redirect_loop")
            logger.warning("redirect loop, not followed (%s): %s", request.url, " -> ".join(chain))
            raise IgnoreRequest(f"redirect loop: {' -> '.join(chain)}")
        spider = getattr(self.crawler, "spider", None)
        domains = [d for d in (getattr(spider, "allowed_domains", None) or []) if d]
        if domains and not result.meta.get("allow_offsite"):
            from scrapy.utils.url import url_is_from_any_domain

            if not url_is_from_any_domain(result.url, domains):
                self.crawler.stats.inc_value("offsite/redirect_filtered")
                self._failed("offsite_redirect")
                logger.warning("redirect to another site, not followed (allowed: %s): %s",
                               ", ".join(domains), " -> ".join(chain))
                raise IgnoreRequest(f"redirect to another site: {' -> '.join(chain)}")
        return result


class RedirectMiddleware(_RedirectChecks, _ScrapyRedirect):  # type: ignore[misc,valid-type]
    """Scrapy's RedirectMiddleware, with :class:`_RedirectChecks` on every hop, and no silent drop:

    * a chain cut at ``REDIRECT_MAX_TIMES`` is a WARNING (Scrapy: DEBUG),
      ``reliability/redirect_max_reached``, ``pages/failed/redirect_max``;
    * a redirect whose target the duplicate filter drops (requested already in this crawl, or
      by another worker) is a WARNING with the chain and ``redirect/duplicate_dropped``. When
      that target itself answers with a redirect (A -> B while B -> A, both linked), nothing of
      the chain is ever read: a loop, ``pages/failed/redirect_loop`` and a WARNING. Otherwise
      the target's own request reads the page once, and it is no failure.
    """

    #: most redirecting URLs remembered (to tell a loop through the duplicate filter)
    MAX_REMEMBERED = 100_000

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        mw = super().from_crawler(crawler)
        mw.redirecting: set[str] = set()        # canonical URLs that answered with a redirect
        mw.waiting: dict[str, list[list[str]]] = {}  # dropped redirect target -> chains led to it
        crawler.signals.connect(mw.request_dropped, signal=signals.request_dropped)
        return mw

    def process_response(self, request, response):
        try:
            result = super().process_response(request=request, response=response)
        except IgnoreRequest as exc:
            if "max redirections" in str(exc):
                self.crawler.stats.inc_value("reliability/redirect_max_reached")
                self._failed("redirect_max")
                logger.warning("%s: dropped after %d redirects (REDIRECT_MAX_TIMES); last hop to %s",
                               (request.meta.get("redirect_urls") or [request.url])[0],
                               request.meta.get("redirect_times", 0), response.headers.get("Location", b"").decode("latin-1"))
            raise
        result = self.check_redirect(request, result)
        if result is not response:  # REQUEST answered with a redirect
            self._redirects(_canonical(request.url))
        return result

    def _redirects(self, url: str) -> None:
        if len(self.redirecting) < self.MAX_REMEMBERED:
            self.redirecting.add(url)
        for chain in self.waiting.pop(url, []):
            self._loop(chain)

    def _loop(self, chain: list[str]) -> None:
        self._failed("redirect_loop")
        logger.warning("redirect loop, not followed (the last page redirects too, and was requested already): %s",
                       " -> ".join(chain))

    def request_dropped(self, request, spider=None):
        if not request.meta.get("redirect_urls"):
            return  # a link seen twice: Scrapy's dupefilter/filtered counts it
        chain = redirect_chain(request)
        self.crawler.stats.inc_value("redirect/duplicate_dropped")
        target = _canonical(request.url)
        if target in self.redirecting:
            self._loop(chain)
            return
        if len(self.waiting) < self.MAX_REMEMBERED:
            self.waiting.setdefault(target, []).append(chain)
        logger.warning("redirect leads to a page already requested in this crawl, not fetched again: %s",
                       " -> ".join(chain))


class MetaRefreshMiddleware(_RedirectChecks, _ScrapyMetaRefresh):  # type: ignore[misc,valid-type]
    """Scrapy's MetaRefreshMiddleware, with :class:`_RedirectChecks` on every hop, without its tag scan on a page that cannot hold a refresh.

    Scrapy looks for ``<meta http-equiv=refresh>`` in the first 4,096 characters of the text and
    only follows a tag whose attributes, lower-cased, contain ``refresh``; when those characters
    do not contain it at all, the scan (~40 us a page) can only find nothing.
    """

    def process_response(self, request, response, spider=None):
        from scrapy.http import HtmlResponse

        if (isinstance(response, HtmlResponse) and not request.meta.get("dont_redirect", False)
                and "refresh" not in response.text[:4096].lower()):
            return response
        return self.check_redirect(request, super().process_response(request=request, response=response))


# ---------------------------------------------------------------------------- charsets

#: Declared encodings that are single-byte Western: a body valid as UTF-8 is really UTF-8.
_WESTERN = {"cp1252", "latin_1", "iso8859_1", "iso8859_15", "ascii", "cp1250", "cp1251"}
_JAPANESE = ("cp932", "euc_jp")
_JA_FAMILY = {"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004", "euc_jisx0213", "iso2022_jp"}
_JA_CHAR = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff5e\u3000-\u303f]")
_HALFWIDTH = re.compile("[\uff61-\uff9f]")
_DOUBLE = re.compile("[\u00c2\u00c3\u00e2][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        import codecs

        return codecs.lookup(resolve_encoding(name) or name).name.replace("-", "_")
    except (LookupError, TypeError):
        return None


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _japanese_score(text: str) -> float:
    """Share of the non-ASCII characters that are Japanese script (half-width kana count against)."""
    high = sum(1 for ch in text if ord(ch) > 0x7F)
    if not high:
        return 0.0
    return (len(_JA_CHAR.findall(text)) - len(_HALFWIDTH.findall(text))) / high


def _best_japanese(body: bytes) -> tuple[str, str] | None:
    best = None
    for codec in _JAPANESE:
        text = _strict(body, codec)
        if text is None:
            continue
        score = _japanese_score(text)
        if score >= 0.8 and (best is None or score > best[0]):
            best = (score, codec, text)
    return (best[1], best[2]) if best else None


def _undouble(text: str) -> str | None:
    """A whole text that is UTF-8 read as cp1252 and saved again, decoded once more (or None).
    Two or more mojibake pairs are required; the repair itself is crawler.text.fix_mojibake."""
    if len(_DOUBLE.findall(text)) < 2:
        return None
    from crawler.text import fix_mojibake

    fixed = fix_mojibake(text)
    return fixed if fixed != text else None


def declared_encoding(content_type: str | None, body: bytes) -> str | None:
    """Codec the page declares (BOM, then Content-Type, then <meta>), normalised; None if none."""
    bom, _ = read_bom(body)
    if bom:
        return _codec(bom)
    return _codec(http_content_type_encoding(content_type or "")) or _codec(html_body_declared_encoding(body[:4096]))


def repair_encoding(body: bytes, content_type: str | None = None, decoded: str | None = None) -> tuple[str, str, str] | None:
    """Pure: ``(text, from_codec, to_codec)`` when the page's declared charset is wrong or
    missing and another reading is clearly right; None when the declaration stands.

    * valid UTF-8 with non-ASCII bytes, declared as anything else (cp1252, latin-1, Shift_JIS,
      nothing) → UTF-8 (random legacy-encoded text is practically never valid UTF-8);
    * not UTF-8, declared nothing/Western, failing its declared codec or read by it as no Japanese
      (EUC-JP declared as Shift_JIS) → Shift_JIS (cp932) or EUC-JP when one decodes strictly into
      Japanese script; anything else is left to Scrapy's own detection;
    * a UTF-8 page whose whole text is double-encoded (``â€™``) → decoded once more.

    DECODED, when given, is BODY decoded as UTF-8 with errors replaced (Scrapy's
    ``response.text``): without a U+FFFD (and without a BOM) it is the strict decoding, which
    is then not done a second time.
    """
    if not body or body.isascii():
        return None
    declared = declared_encoding(content_type, body)
    if decoded is not None and "\ufffd" not in decoded and read_bom(body)[0] is None:
        utf8: str | None = decoded  # nothing was replaced: the body is valid UTF-8
    else:
        utf8 = _strict(body, "utf_8")
    if utf8 is not None:
        if declared in (None, "utf_8", "utf_8_sig"):
            # cheap pre-check: every mojibake pair starts with Â, Ã or â (in valid UTF-8 exactly the
            # bytes C3 82 / C3 83 / C3 A2; single-character `in` is far faster than a bytes regex)
            fixed = _undouble(utf8) if ("\u00c2" in utf8 or "\u00c3" in utf8 or "\u00e2" in utf8) else None
            return (fixed, "utf_8(double)", "utf_8") if fixed is not None else None
        if read_bom(body)[0]:
            return None
        return utf8, declared, "utf_8"
    ja = _best_japanese(body)
    if declared and declared not in _WESTERN:
        own = _strict(body, declared)
        if own is not None and not (declared in _JA_FAMILY and ja and ja[0] != declared and _japanese_score(own) < 0.5):
            return None  # a legacy codec that reads the body cleanly (Shift_JIS, EUC-JP, GB...): trust it
    if ja and ja[0] != declared:
        return ja[1], declared or "none", ja[0]
    return None  # nothing better than what Scrapy reads: leave it


class CharsetRepairMiddleware:
    """Re-read HTML responses whose declared charset is wrong or missing (see repair_encoding).

    The repaired response carries the text re-encoded as UTF-8, a ``charset=utf-8``
    Content-Type and ``encoding="utf-8"``, so every later reader (parsel, lxml, trafilatura)
    sees the same text. Register after HttpCompressionMiddleware (590) in the response chain,
    i.e. with a smaller number, e.g. 560.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        from scrapy.http import HtmlResponse

        if not isinstance(response, HtmlResponse):
            return response
        ctype = response.headers.get("Content-Type")
        ctype = ctype.decode("latin-1") if ctype else None
        try:
            body = response.body
            # Scrapy's own decoding of a UTF-8 page (made anyway, for MetaRefresh and the spider)
            # spares repair_encoding a second decoding of the body
            decoded = response.text if body and not body.isascii() and response.encoding == "utf-8" else None
            fixed = repair_encoding(body, ctype, decoded)
        except Exception as exc:  # noqa: BLE001 - a repair must never lose the page
            logger.warning("charset repair failed on %s: %s", response.url, exc)
            return response
        if fixed is None:
            return response
        text, old, new = fixed
        self.crawler.stats.inc_value(f"charset/repaired/{old}->{new}")
        logger.info("charset repaired on %s: declared %s, read as %s", response.url, old, new)
        headers = response.headers.copy()
        headers["Content-Type"] = "text/html; charset=utf-8"
        return response.replace(body=text.encode("utf-8"), headers=headers, encoding="utf-8")


# ---------------------------------------------------------------------------- secrets

_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^:@/\s'\"]*:)(?P<pw>[^@/\s'\"]+)(?P<at>@)")
_SECRET_NAME = re.compile(r"PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|CREDENTIAL|AUTH", re.I)
MASK = "***"


def mask_secrets(value: Any, secrets: tuple[str, ...] | list[str] = ()) -> Any:
    """Pure: VALUE with URL passwords (``redis://:pw@host``) and the literal SECRETS masked;
    strings, dicts (values), lists and tuples are walked, anything else is returned as is."""
    if isinstance(value, str):
        out = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK + m.group("at"), value)
        for s in secrets:
            if s and len(s) >= 4:
                out = out.replace(s, MASK)
        return out
    if isinstance(value, dict):
        return {k: mask_secrets(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(mask_secrets(v, secrets) for v in value)
    return value


def secrets_in_settings(settings) -> list[str]:
    """Literal secrets to mask: passwords inside URL-valued settings and the values of settings
    whose name looks secret (``*PASSWORD*``, ``*TOKEN*``, ``*SECRET*``, ``*API_KEY*``…)."""
    found: list[str] = []
    attributes = getattr(settings, "attributes", None)  # Scrapy Settings: raw values, no deprecation warnings
    if isinstance(attributes, dict):
        items = [(k, getattr(a, "value", a)) for k, a in attributes.items()]
    else:
        items = list(settings.items())
    for name, value in items:
        if not isinstance(value, str) or not value:
            continue
        for m in _URL_PASSWORD.finditer(value):
            found.append(m.group("pw"))
        if _SECRET_NAME.search(name) and not value.isdigit() and value.lower() not in ("true", "false", "none"):
            found.append(value)
    return sorted(set(s for s in found if len(s) >= 4), key=len, reverse=True)


def secrets_in_args(args: dict[str, Any] | None = None, environ: dict[str, str] | None = None) -> list[str]:
    """Literal secrets of the command line and the environment: values of secret-looking spider
    arguments (``-a token=...``), passwords in URL-valued ones and in ``REDIS_URL``."""
    found: list[str] = []
    values = [(k, v) for k, v in (args or {}).items()]
    if environ is not None and environ.get("REDIS_URL"):
        values.append(("REDIS_URL", environ["REDIS_URL"]))
    for name, value in values:
        if not isinstance(value, str) or not value:
            continue
        found += [m.group("pw") for m in _URL_PASSWORD.finditer(value)]
        if _SECRET_NAME.search(name):
            found.append(value)
    return sorted(set(s for s in found if len(s) >= 4), key=len, reverse=True)


def install_masking(secrets: list[str] | tuple[str, ...]) -> None:
    """Put a :class:`SecretMaskingFilter` with SECRETS on every root log handler now (the
    commands call it before any crawler exists, so the addons' first lines are masked too)."""
    flt = SecretMaskingFilter(secrets)
    for handler in logging.getLogger().handlers:
        for old in [f for f in handler.filters if isinstance(f, SecretMaskingFilter)]:
            flt.secrets = tuple(sorted(set(flt.secrets) | set(old.secrets), key=len, reverse=True))
            handler.removeFilter(old)
        handler.addFilter(flt)


class SecretMaskingFilter(logging.Filter):
    """A logging filter that masks secrets in the formatted message of every record."""

    def __init__(self, secrets: list[str] | tuple[str, ...] = ()):
        super().__init__()
        self.secrets = tuple(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record is not ours to fix
            return True
        masked = mask_secrets(msg, self.secrets)
        if masked != msg:
            record.msg, record.args = masked, None
        return True


class SecretMaskingExtension:
    """Installs :class:`SecretMaskingFilter` on the root log handlers (Scrapy's console/file
    handler included) as soon as the crawler is built, so nothing logged afterwards, by us or
    by Scrapy, shows a credential. Register: ``EXTENSIONS = {"crawler.reliability.SecretMaskingExtension": 0}``.
    """

    def __init__(self, crawler):
        self.filter = SecretMaskingFilter(secrets_in_settings(crawler.settings))
        for handler in logging.getLogger().handlers:
            if not any(isinstance(f, SecretMaskingFilter) for f in handler.filters):
                handler.addFilter(self.filter)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


# ---------------------------------------------------------------------------- registration

#: What crawler/settings.py registers (see docs/reliability.md); tests use the same dicts.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.reliability.RetryAfterMiddleware": 550,
    "crawler.reliability.CharsetRepairMiddleware": 560,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.reliability.HttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.reliability.RedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.reliability.MetaRefreshMiddleware": 580,
}
EXTENSIONS = {
    "crawler.reliability.SecretMaskingExtension": 0,
}
