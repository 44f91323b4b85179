"""The project's settings checked once when the process starts (pure; no Scrapy imports).

:func:`problems` walks :data:`CHECKS` (and every ``*_ENABLED`` setting) and returns one line per
bad value: the setting, the value and what is allowed. :class:`crawler.settingsaddon.SettingsAddon`
prints them and stops the run with :data:`EX_CONFIG` before any request. Values are read raw
(``-s`` gives strings), so each check accepts what Scrapy's ``getbool``/``getint``/``getfloat``/
``getdict``/``getlist`` would accept and nothing those would raise on.

:func:`user_agent` builds the User-Agent from ``CONTACT``; :func:`resolve` puts a relative path
setting under the project root (the folder of ``scrapy.cfg``).
"""
from __future__ import annotations

import json
import os
import re
from typing import Any, Callable

#: sysexits.h EX_CONFIG: a configuration or environment error, nothing was crawled
EX_CONFIG = 78

#: relative values of these settings are resolved against the project root (where they write)
PATH_SETTINGS = ("OUTPUT_DIR", "STATE_DIR", "WARC_DIR", "JOBDIR")

_BOOL_WORDS = ("True", "False", "true", "false", "1", "0")
_LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
_CONTACT = re.compile(r"^(?:https?://[^\s/]+\S*|mailto:[^\s@]+@[^\s@]+\.\S+|[^\s@:/]+@[^\s@]+\.\S+)$")
_URL = re.compile(r"^https?://[^\s/]+\S*$")


def user_agent(contact: str, version: str) -> str:
    """The User-Agent of a live crawl: the crawler, its version and how to reach its operator."""
    return f"news-crawler/{version} (research news crawler; +{contact})"


def resolve(value: Any, root: str | os.PathLike | None) -> Any:
    """VALUE (a path setting) under ROOT when it is a relative path; anything else unchanged."""
    if not root or not isinstance(value, (str, os.PathLike)) or not str(value) or os.path.isabs(value):
        return value
    return os.path.normpath(os.path.join(root, value))


# ---------------------------------------------------------------------------- value checks
# Each returns None when VALUE is allowed, else what is allowed (the end of the message).

def _is_bool(v: Any) -> bool:
    if isinstance(v, (bool, int)):
        return True
    return isinstance(v, str) and (v in _BOOL_WORDS or v.strip().lstrip("-").isdigit())


def boolean(v: Any) -> str | None:
    return None if _is_bool(v) else "True or False (also true/false, 1/0)"


def number(kind: type, low: float | None = None, high: float | None = None, optional: bool = False) -> Callable:
    what = "a whole number" if kind is int else "a number"
    if low is not None and high is not None:
        what += f" from {low:g} to {high:g}"
    elif low is not None:
        what += f" of at least {low:g}" if low else " (0 or more)"

    def check(v: Any) -> str | None:
        if v is None or v == "":
            return None if optional else what
        if isinstance(v, bool):
            return what
        if kind is int and isinstance(v, float):  # Scrapy's getint would cut 2.5 to 2 silently
            return what
        try:
            n = kind(v)
        except (TypeError, ValueError):
            n = None
        if n is None or (low is not None and n < low) or (high is not None and n > high):
            return what
        return None
    return check


def choice(*allowed: str) -> Callable:
    def check(v: Any) -> str | None:
        return None if str(v if v is not None else "").strip().lower() in allowed else "one of " + ", ".join(allowed)
    return check


def folder(optional: bool = False, must_exist: bool = False) -> Callable:
    def check(v: Any) -> str | None:
        if v is None or v == "":
            return None if optional else "a folder path (not empty)"
        if not isinstance(v, (str, os.PathLike)):
            return "a folder path"
        if must_exist and not os.path.isdir(v):
            return "an existing folder"
        return None
    return check


def log_level(v: Any) -> str | None:
    if isinstance(v, int) and not isinstance(v, bool):
        return None
    return None if str(v).upper() in _LOG_LEVELS else "one of " + ", ".join(_LOG_LEVELS)


def contact(v: Any) -> str | None:
    return None if isinstance(v, str) and _CONTACT.match(v) else \
        "an https:// URL, a mailto: address or an e-mail address (no spaces)"


def optional_url(*schemes: str) -> Callable:
    def check(v: Any) -> str | None:
        if v is None or v == "":
            return None
        ok = isinstance(v, str) and any(v.startswith(s + "://") for s in schemes) and not re.search(r"\s", v)
        return None if ok else "unset, or a URL starting with " + " or ".join(s + "://" for s in schemes)
    return check


def _parsed(v: Any, kind: type) -> Any:
    """V as Scrapy's getdict/getlist read it (a JSON string, or for lists a comma-separated one)."""
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v.split(",") if kind is list else None
    return v


def shares(v: Any) -> str | None:
    what = "a dict of field name to a share from 0 to 1 (JSON with -s)"
    d = _parsed(v, dict)
    if v is None or d is None or not isinstance(d, dict):
        return None if v is None else what
    for share in d.values():
        if number(float, 0, 1)(share):
            return what
    return None


def urls(v: Any) -> str | None:
    items = _parsed(v, list)
    if isinstance(items, (list, tuple)) and all(isinstance(u, str) and _URL.match(u.strip()) for u in items):
        return None
    return "a list of http(s) URLs (comma-separated or JSON with -s)"


#: setting -> check. Every ``*_ENABLED`` setting is also checked as a boolean.
CHECKS: dict[str, Callable[[Any], str | None]] = {
    "OUTPUT_DIR": folder(), "STATE_DIR": folder(), "WARC_DIR": folder(optional=True),
    "JOBDIR": folder(optional=True), "REPLAY_DIR": folder(optional=True, must_exist=True),
    "INCREMENTAL": boolean, "JSONL_FSYNC": boolean, "SCHEMA_VALIDATE": boolean, "HEALTH_DRIFT": boolean,
    "ROBOTSTXT_OBEY": boolean, "RUN_REPORT_STANDALONE": boolean, "DISTRIBUTED_RESET_ON_FINISH": boolean,
    "SCRATCH_RUN": boolean, "GC_FREEZE": boolean,
    "DEDUPE_MODE": choice("link", "drop"),
    "LOG_LEVEL": log_level,
    "CONTACT": contact,
    "REDIS_URL": optional_url("redis", "rediss", "unix"),
    "WARC_BASE_URL": optional_url("http", "https"),
    "REPUBLISHER_FEEDS": urls,
    "HEALTH_FLOORS": shares, "HEALTH_AUTHOR_FLOORS": shares,
    "MAX_LINKS_PER_PAGE": number(int, 1),
    "DEDUPE_COMMIT_ITEMS": number(int, 1), "DEDUPE_COMMIT_SECONDS": number(float, 0),
    "DEDUPE_SQLITE_CACHE_MB": number(int, 0), "DEDUPE_SQLITE_MMAP_MB": number(int, 0),
    "WARC_MAX_SIZE": number(int, 1), "WARC_GZIP_LEVEL": number(int, 0, 9), "WARC_MAX_PENDING": number(int, 1),
    "HEALTH_MIN_ITEMS": number(int, 0), "HEALTH_DRIFT_MIN_ARTICLES": number(int, 0),
    "HEALTH_DRIFT_MIN_RUNS": number(int, 0), "RETRY_AFTER_MAX_WAIT": number(float, 0),
    "DISTRIBUTED_HEARTBEAT": number(float, 0.01), "DISTRIBUTED_RECLAIM_AFTER": number(float, 0.01),
    "DISTRIBUTED_START_BATCH": number(int, 1),
    # Scrapy's own, as this project sets or documents them
    "DOWNLOAD_DELAY": number(float, 0), "DOWNLOAD_TIMEOUT": number(float, 0.001),
    "CONCURRENT_REQUESTS": number(int, 1), "CONCURRENT_REQUESTS_PER_DOMAIN": number(int, 1),
    "CONCURRENT_ITEMS": number(int, 1), "RETRY_TIMES": number(int, 0),
    "DOWNLOAD_MAXSIZE": number(int, 0), "DOWNLOAD_WARNSIZE": number(int, 0),
    "AUTOTHROTTLE_START_DELAY": number(float, 0), "AUTOTHROTTLE_MAX_DELAY": number(float, 0),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": number(float, 0.01),
    "CLOSESPIDER_ITEMCOUNT": number(int, 0, optional=True), "CLOSESPIDER_PAGECOUNT": number(int, 0, optional=True),
    "CLOSESPIDER_ERRORCOUNT": number(int, 0, optional=True), "CLOSESPIDER_TIMEOUT": number(float, 0, optional=True),
}


def _shown(value: Any, mask: Callable[[Any], Any]) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = str(mask(text))
    return text if len(text) <= 120 else text[:117] + "..."


def problems(get: Callable[[str], Any], names: list[str] | tuple[str, ...] = (),
             mask: Callable[[Any], Any] = lambda v: v) -> list[str]:
    """One line per bad setting: ``SETTING=value: allowed is ...``. GET returns a setting's raw
    value (None when unset); NAMES are every setting name known (for the ``*_ENABLED`` ones);
    MASK hides secrets in a value shown."""
    out = []
    enabled = sorted(n for n in names if n.endswith("_ENABLED") and n not in CHECKS)
    for name, check in [*CHECKS.items(), *((n, boolean) for n in enabled)]:
        value = get(name)
        if value is None:
            continue
        allowed = check(value)
        if allowed:
            out.append(f"setting {name}={_shown(value, mask)} is not allowed: {name} takes {allowed}")
    return out
