"""Fill the contract's derived fields: ids, canonical URL, publisher defaults."""
from __future__ import annotations

import hashlib
import re

from crawler.items import Article

PUBLISHERS = {
    "conversation": "The Conversation",
    "kyodo": "Kyodo News",
    "jiji": "Jiji Press",
    "japantimes": "The Japan Times",
}


def https(url: str | None) -> str | None:
    if url and url.startswith("http://"):
        return "https://" + url[len("http://"):]
    return url


def url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


_LANG = re.compile(r"^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$")


def fill_defaults(item: Article, spider_name: str | None = None) -> Article:
    """Pure: complete ids and defaults of an Article in place and return it.

    Optional fields a garbled page filled with junk are nulled (and noted in
    ``hints["invalid_fields"]``) rather than costing the whole article at the schema check.
    """
    item.source = item.source or spider_name
    invalid = item.hints.setdefault("invalid_fields", [])
    if item.canonical_url and not str(item.canonical_url).startswith(("http://", "https://")):
        invalid.append("canonical_url")
        item.canonical_url = None
    if item.language and not _LANG.match(str(item.language)):
        invalid.append("language")
        item.language = None
    item.canonical_url = https(item.canonical_url) or item.url
    if not item.item_id:
        item.item_id = f"{item.source}:{url_hash(item.canonical_url or item.url or '')}"
    if not item.publisher:
        item.publisher = PUBLISHERS.get(item.source or "")
    if not item.is_republication and not item.original_publisher:
        item.original_publisher = item.publisher
    if item.tags:
        seen: list[str] = []
        for t in item.tags:
            if t and t not in seen:
                seen.append(t)
        item.tags = seen
    return item


class DefaultsPipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if isinstance(item, Article):
            spider = self.crawler.spider
            fill_defaults(item, getattr(spider, "name", None))
            for name in item.hints.get("invalid_fields", []):
                self.crawler.stats.inc_value(f"field/{name}/invalid")
        return item
