"""Item pipelines that do nothing: the item path the floor crawl pays for, without our work.

``NoopPipeline1``, ``NoopPipeline2``, ... are made on first use (PEP 562 module ``__getattr__``),
as many as a setting names; each is a class of its own because ITEM_PIPELINES is keyed by class
path. ``item_pipelines(priorities)`` is the ITEM_PIPELINES value: one no-op pipeline per priority.

    scrapy crawl floor -s SPIDER_MODULES=benchmarks.spiders \
        -s 'ITEM_PIPELINES={"benchmarks.noop_pipelines.NoopPipeline1": 100, ...}'
"""
from __future__ import annotations

import re
from collections.abc import Iterable

PREFIX = "NoopPipeline"


class NoopPipeline:
    """Returns the item as it came (Scrapy 2.19 signature: no spider argument)."""

    def process_item(self, item):
        return item


def __getattr__(name: str) -> type[NoopPipeline]:
    m = re.fullmatch(PREFIX + r"([1-9][0-9]*)", name)
    if m is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    cls = type(name, (NoopPipeline,), {"__module__": __name__, "__qualname__": name})
    globals()[name] = cls  # the same class on every later look-up
    return cls


def item_pipelines(priorities: Iterable[int]) -> dict[str, int]:
    """ITEM_PIPELINES with one no-op pipeline at each of PRIORITIES (in that order)."""
    return {f"{__name__}.{PREFIX}{i}": p for i, p in enumerate(priorities, start=1)}
