"""Scrapy's feed exports (``-o``, ``-O``, ``FEEDS``) give the contract record, not the item.

The items are :class:`crawler.items.Article` dataclasses with an internal ``hints`` field
(dedupe signatures, raw evidence for the pipelines). Scrapy's stock exporters would write every
dataclass field, ``hints`` included, and CSV would get Python reprs of the authors and images.
Each exporter here is the stock one with ``export_item`` handed ``to_record(item)``: exactly the
record the JSONL writer (crawler/pipelines/jsonl.py) writes. :class:`RecordExportsAddon`
registers them in ``FEED_EXPORTERS`` for every format Scrapy ships.

* jsonlines/jsonl/jl: the JSONL writer's own line encoder (byte-identical lines) when the feed is
  UTF-8 (the project's FEED_EXPORT_ENCODING), Scrapy's encoder otherwise (unset: ASCII escapes).
* csv: one column per contract key in contract order; lists and objects (tags, authors, images)
  as JSON strings, booleans as ``true``/``false``, null as an empty cell.
* xml: nested elements as Scrapy writes them; null as an empty element, booleans ``true``/``false``.
"""
from __future__ import annotations

import json
from typing import Any

from scrapy.exporters import (
    CsvItemExporter,
    JsonItemExporter,
    JsonLinesItemExporter,
    MarshalItemExporter,
    PickleItemExporter,
    XmlItemExporter,
)

from crawler.items import RECORD_KEYS, to_record
from crawler.jsonl import dumps_line


class _RecordMixin:
    """Hand the base exporter the contract record of each item."""

    def export_item(self, item: Any) -> Any:
        return super().export_item(to_record(item))  # type: ignore[misc]


class JsonLinesRecordExporter(_RecordMixin, JsonLinesItemExporter):
    def export_item(self, item: Any) -> None:
        if (self.encoding or "").lower().replace("_", "-") in ("utf-8", "utf8"):
            self.file.write(dumps_line(to_record(item)))
        else:
            super().export_item(item)


class JsonRecordExporter(_RecordMixin, JsonItemExporter):
    pass


def csv_cell(value: Any) -> Any:
    """A record value as one CSV cell: text as it is, null empty, anything else as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class CsvRecordExporter(_RecordMixin, CsvItemExporter):
    def __init__(self, file, **kwargs: Any):
        # the contract's key order, the same header for every run (unless FEED_EXPORT_FIELDS says otherwise)
        kwargs["fields_to_export"] = kwargs.get("fields_to_export") or list(RECORD_KEYS)
        super().__init__(file, **kwargs)

    def serialize_field(self, field, name: str, value: Any) -> Any:
        serializer = field.get("serializer", csv_cell)
        return serializer(value)


def xml_value(value: Any) -> Any:
    """Nulls as empty text and booleans as ``true``/``false``, at any depth (Scrapy writes ``None``/``True``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return {k: xml_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [xml_value(v) for v in value]
    return value


class XmlRecordExporter(XmlItemExporter):
    def export_item(self, item: Any) -> None:
        super().export_item(xml_value(to_record(item)))


class MarshalRecordExporter(_RecordMixin, MarshalItemExporter):
    pass


class PickleRecordExporter(_RecordMixin, PickleItemExporter):
    pass


#: format -> exporter, the formats of Scrapy's FEED_EXPORTERS_BASE
RECORD_EXPORTERS: dict[str, str] = {
    "json": f"{__name__}.JsonRecordExporter",
    "jsonlines": f"{__name__}.JsonLinesRecordExporter",
    "jsonl": f"{__name__}.JsonLinesRecordExporter",
    "jl": f"{__name__}.JsonLinesRecordExporter",
    "csv": f"{__name__}.CsvRecordExporter",
    "xml": f"{__name__}.XmlRecordExporter",
    "marshal": f"{__name__}.MarshalRecordExporter",
    "pickle": f"{__name__}.PickleRecordExporter",
}


class RecordExportsAddon:
    """Registers :data:`RECORD_EXPORTERS` in ``FEED_EXPORTERS``; a format the user mapped to an
    exporter of their own (FEED_EXPORTERS in settings or ``-s``) keeps it."""

    def update_settings(self, settings) -> None:
        exporters = dict(settings.getdict("FEED_EXPORTERS"))
        for fmt, path in RECORD_EXPORTERS.items():
            exporters.setdefault(fmt, path)
        settings.set("FEED_EXPORTERS", exporters, priority=max(settings.getpriority("FEED_EXPORTERS") or 0, 15))
