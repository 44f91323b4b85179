"""Per-field coverage counters and the schema check before an item is written.

Stats (alltheplaces style): ``field/<name>/present`` and ``field/<name>/missing`` for every
contract field, ``items/<kind>``, ``items/body_truncated`` (articles cut short behind a wall); an item whose record breaks the JSON Schema is dropped and
counted under ``items/dropped/schema`` with a log line naming the violation.
"""
from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from crawler.items import RECORD_KEYS, Article, to_record
from crawler.schema import errors as schema_errors

logger = logging.getLogger(__name__)

#: Fields not counted: always present by construction, or only meaningful on some items.
NOT_COUNTED = {"url", "source", "kind", "item_id", "is_republication", "fetched_at", "parent_url",
               "date_published_precision", "warc_file", "warc_record_id"}
#: (key, stats key when present, stats key when missing) of every counted field
_COUNTED = tuple((key, f"field/{key}/present", f"field/{key}/missing") for key in RECORD_KEYS if key not in NOT_COUNTED)
_EMPTY = (None, "", [])


class CoveragePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.inc = crawler.stats.inc_value  # the project's STATS_CLASS has no per-call hook (extensions/faststats.py)
        self.validate = crawler.settings.getbool("SCHEMA_VALIDATE", True)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        if not isinstance(item, Article):
            return item
        record = to_record(item)
        inc = self.inc
        inc(f"items/{record['kind']}")
        if record["kind"] == "article":
            if record["body_truncated"] is True:
                inc("items/body_truncated")  # cut short behind a wall (see crawler.health.truncation)
            for key, present, missing in _COUNTED:
                inc(missing if record[key] in _EMPTY else present)
        if self.validate:
            problems = schema_errors(record)
            if problems:
                self.stats.inc_value("items/dropped/schema")
                logger.warning("dropping %s: schema: %s", record.get("url"), "; ".join(problems[:3]))
                raise DropItem(f"schema: {problems[0]}")
        item.hints["_record"] = record
        return item
