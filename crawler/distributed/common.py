"""Shared helpers of the distributed package: the Redis URL, client, worker id, key names."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import socket
from urllib.parse import urlsplit, urlunsplit

from scrapy.exceptions import NotConfigured

logger = logging.getLogger("crawler.distributed")

try:  # the redis extra (pyproject: .[redis]); only needed with REDIS_URL
    import redis
    from redis.exceptions import ConnectionError as _RedisConnectionError
    from redis.exceptions import TimeoutError as _RedisTimeoutError
    REDIS_ERRORS: tuple[type[BaseException], ...] = (_RedisConnectionError, _RedisTimeoutError)
except ImportError:  # pragma: no cover - exercised only without the extra
    redis = None
    REDIS_ERRORS = ()

QUEUE_KEY = "%(spider)s:requests"
DUPEFILTER_KEY = "%(spider)s:dupefilter"
START_URLS_KEY = "{spider}:start_urls"
#: the shared list of archive files of a ``-a warc=`` crawl (crawler/distributed/warc.py)
WARC_KEY = "{spider}:warc:{what}"
WARC_KEY_NAMES = ("files", "where", "leases", "done", "served")


def redis_url(settings=None) -> str | None:
    """REDIS_URL from the settings, else from the environment; None when unset/blank."""
    url = settings.get("REDIS_URL") if settings is not None else None
    url = url or os.environ.get("REDIS_URL")
    return url.strip() if isinstance(url, str) and url.strip() else None


def mask_url(url: str | None) -> str:
    """The URL with its password (and a bare-token user) replaced by ``***``, for logs."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return re.sub(r"//[^@/]*@", "//***@", url)
    if "@" not in parts.netloc:
        return url
    auth, host = parts.netloc.rsplit("@", 1)
    user, sep, _ = auth.partition(":")
    auth = f"{user}:***" if sep else "***"
    return urlunsplit((parts.scheme, f"{auth}@{host}", parts.path, parts.query, parts.fragment))


def client_from_url(url: str, **kw):
    if redis is None:
        raise NotConfigured("REDIS_URL is set but the redis package is missing: pip install -e '.[redis]'")
    params = {"socket_timeout": 10, "socket_connect_timeout": 5, "health_check_interval": 15}
    params.update(kw)
    return redis.Redis.from_url(url, **params)


def crawler_client(crawler):
    """One Redis client per crawler (shared by the scheduler, stores and coordinator)."""
    client = getattr(crawler, "_distributed_redis", None)
    if client is None:
        params = dict(crawler.settings.getdict("REDIS_PARAMS"))
        params.pop("redis_cls", None)
        params.pop("encoding", None)
        client = crawler._distributed_redis = client_from_url(redis_url(crawler.settings), **params)
    return client


def worker_id(settings) -> str:
    explicit = settings.get("DISTRIBUTED_WORKER_ID")
    if explicit:
        return str(explicit)
    out = os.path.abspath(settings.get("OUTPUT_DIR") or "output")
    return f"{socket.gethostname()}-{hashlib.sha1(out.encode()).hexdigest()[:8]}"


def prefix(settings) -> str:
    return settings.get("DISTRIBUTED_KEY_PREFIX") or "crawler:"
