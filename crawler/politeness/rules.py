"""Pure politeness rules (no Scrapy imports), tested directly in tests/test_politeness.py."""
from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit


def crawl_delay_floor(download_delay: float, crawl_delay: float | None, cap: float) -> tuple[float, bool]:
    """(delay between two requests to a host, whether the robots.txt value was capped).

    The larger of DOWNLOAD_DELAY and the host's ``Crawl-delay`` applies; a Crawl-delay above CAP
    (CRAWL_DELAY_MAX) is held to CAP, so a robots.txt cannot stop a run for hours.
    """
    if crawl_delay is None or crawl_delay <= 0:
        return max(0.0, download_delay), False
    capped = crawl_delay > cap
    return max(download_delay, min(crawl_delay, cap)), capped


def low_median(values: Sequence[float]) -> float:
    """The lower median: one outlier in a window of two or more never decides it."""
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def throttle_delay(old: float, window: Sequence[float], *, target_concurrency: float, min_delay: float,
                   max_delay: float, start_delay: float, status: int) -> float | None:
    """The next AutoThrottle delay of a slot, or None to keep OLD.

    WINDOW is the slot's last few latencies (newest last). Scrapy's AutoThrottle sets the delay
    from the newest latency alone (and never lowers it after a non-200 answer), so one 10 s
    page held a site near 10 s and a redirect chain after it crawled at that pace. Here:

    * the target is the lower median of the window over the target concurrency: one slow answer
      among fast ones does not move it, a server that stays slow does (half the window);
    * one answer can at most double the delay (or raise it to the start delay): a window still
      holding a single slow sample cannot jump the delay to that sample;
    * redirects (3xx) and 304 lower it like 200; other errors (4xx/5xx) only raise it, as in
      Scrapy (error pages are small and fast).
    """
    if not window:
        return None
    target = low_median(window) / target_concurrency
    new = min(target, max(old * 2.0, start_delay, min_delay))
    new = min(max(min_delay, new), max_delay)
    if status >= 400 and new <= old:
        return None
    return new


def wants_validators(url: str, meta: dict, *, user_seeds: bool, since: object) -> bool:
    """Whether a request is fetched conditionally: the spider's own feeds, listings and sitemaps
    (its default start pages and the non-article pages they lead to). Articles never are (the
    incremental state decides on them); nor is anything in a run given its own seeds (``-a url=``
    may be an article) or a ``since`` (a back-fill wants entries an earlier run left out); nor
    robots.txt (Scrapy reads any failure to get it, a 304 included, as "allow all")."""
    if user_seeds or since is not None:
        return False
    if meta.get("dont_obey_robotstxt") or urlsplit(url).path == "/robots.txt":
        return False
    return not meta.get("article") and not meta.get("dont_conditional")
