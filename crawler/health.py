"""Is a spider's run healthy? Rules over its final stats (pure; no Scrapy imports).

A cron job must fail loudly when a site changed its layout or put up a bot wall instead of
succeeding with nothing. Each failed rule is ``(rule, message)``; any failure makes the run
exit 1, and the run report names the rules.
"""
from __future__ import annotations

from typing import Any

#: Share of articles that must carry a field (layout drift when under it).
DEFAULT_FLOORS = {"headline": 1.0, "date_published": 0.99, "body": 0.99}
#: Per-site floors for authors: Kyodo and Jiji copy carries no personal bylines.
DEFAULT_AUTHOR_FLOORS = {"conversation": 0.95, "japantimes": 0.0, "kyodo": 0.0, "jiji": 0.0, "republisher": 0.0}
#: Share of articles cut short behind a login/pay wall above which a run fails (rule ``truncated``),
#: judged once a run has at least TRUNCATED_MIN_ARTICLES articles.
TRUNCATED_MAX_SHARE = 0.5
TRUNCATED_MIN_ARTICLES = 3


def coverage(stats: dict[str, Any], field: str) -> tuple[int, int]:
    """(present, total) article counts of FIELD from the ``field/<name>/…`` counters."""
    present = int(stats.get(f"field/{field}/present", 0))
    missing = int(stats.get(f"field/{field}/missing", 0))
    return present, present + missing


def truncation(stats: dict[str, Any], max_share: float = TRUNCATED_MAX_SHARE,
               min_articles: int = TRUNCATED_MIN_ARTICLES) -> tuple[str, str] | None:
    """The ``truncated`` rule: most articles came cut short behind a login or pay wall
    (``items/body_truncated`` of ``items/article``), i.e. the site's access changed."""
    cut, articles = int(stats.get("items/body_truncated", 0)), int(stats.get("items/article", 0))
    if articles >= min_articles and cut / articles > max_share:
        return ("truncated", f"{cut}/{articles} articles ({cut / articles:.0%}) came cut short behind a login or pay wall:"
                             " the site's access changed?")
    return None


def evaluate(spider: str, stats: dict[str, Any], floors: dict[str, float] | None = None,
             author_floors: dict[str, float] | None = None, min_items: int = 1) -> list[tuple[str, str]]:
    failures: list[tuple[str, str]] = []
    # log_count/* are this spider's own lines (crawler/extensions/logcount.py), not the process's
    errors = int(stats.get("log_count/ERROR", 0)) + int(stats.get("log_count/CRITICAL", 0))
    if errors:
        kinds = sorted(k.split("/", 1)[1] for k in stats if k.startswith("spider_exceptions/"))
        failures.append(("error", f"{errors} errors logged" + (f" ({', '.join(kinds)})" if kinds else "")))
    challenge = int(stats.get("health/challenge", 0))
    if challenge:
        failures.append(("bot_wall", f"{challenge} challenge/bot-wall pages (HTTP 202/403/429 with a challenge body or captcha markers)"))
    refused = int(stats.get("robotstxt/forbidden", 0))
    if refused:
        failures.append(("robots_refused", f"robots.txt refused {refused} requests"))
    # Items the source gave: written, or known already (unchanged, skipped as known, copies
    # dropped on purpose), or older than ``-a since``. Items dropped as invalid do not count.
    seen = sum(int(stats.get(k, 0)) for k in (
        "item_scraped_count", "incremental/known_skipped", "dedupe/unchanged", "dedupe/dropped",
        "dedupe/duplicate_in_run", "since/skipped", "discovery/before_since",
        "discovery/listing_older_than_since"))
    # a source that answered "unchanged" (HTTP 304 to the last run's validators) has nothing new
    if seen < min_items and not int(stats.get("pages/not_modified", 0)):
        dropped = int(stats.get("item_dropped_count", 0))
        failures.append(("zero_items", f"no items from a source that normally yields some ({seen} < {min_items}"
                         + (f"; {dropped} dropped as invalid" if dropped else "") + ")"))
    cut_short = truncation(stats)
    if cut_short:
        failures.append(cut_short)
    floors = dict(DEFAULT_FLOORS if floors is None else floors)
    floors.setdefault("authors", (DEFAULT_AUTHOR_FLOORS if author_floors is None else author_floors).get(spider, 0.0))
    for field, floor in floors.items():
        present, total = coverage(stats, field)
        if total and floor > 0 and present / total < floor:
            failures.append(("coverage", f"{field} on {present}/{total} articles ({present / total:.0%}) is under its floor {floor:.0%}: layout drift?"))
    return failures
