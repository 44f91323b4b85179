"""Structured data readers: JSON-LD, <meta> tags, microdata (pure; parsel only)."""
from __future__ import annotations

import json
import re
from typing import Any

from parsel import Selector

from crawler.text import clean

ARTICLE_TYPES = {
    "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
    "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "Report", "LiveBlogPosting",
    "ScholarlyArticle", "WebPage",
}
_CTRL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _flatten(obj: Any, out: list[dict]) -> None:
    if isinstance(obj, list):
        for o in obj:
            _flatten(o, out)
    elif isinstance(obj, dict):
        if "@graph" in obj:
            _flatten(obj["@graph"], out)
        out.append(obj)


def jsonld_objects(sel: Selector) -> list[dict]:
    """Every JSON-LD object on the page (``@graph`` flattened); broken blocks are skipped."""
    out: list[dict] = []
    for raw in sel.xpath('//script[@type="application/ld+json"]/text()').getall():
        raw = _CTRL.sub(" ", raw).strip().rstrip(";")
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        _flatten(data, out)
    return out


def _types(obj: dict) -> set[str]:
    t = obj.get("@type")
    if isinstance(t, str):
        return {t}
    if isinstance(t, list):
        return {x for x in t if isinstance(x, str)}
    return set()


def jsonld_article(sel: Selector) -> dict:
    """The page's article object from JSON-LD, or {} (NewsArticle preferred over WebPage)."""
    best: dict = {}
    for obj in jsonld_objects(sel):
        types = _types(obj)
        if types & (ARTICLE_TYPES - {"WebPage"}):
            return obj
        if "WebPage" in types and not best and ("headline" in obj or "datePublished" in obj):
            best = obj
    return best


def ld_text(value: Any) -> str | None:
    """A JSON-LD value as text: strings as they are, {name: ...} objects by name."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id") or value.get("url")
    if isinstance(value, (int, float)):
        value = str(value)
    return clean(value) if isinstance(value, str) else None


def ld_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def meta(sel: Selector, *names: str) -> str | None:
    """Content of the first <meta name|property|itemprop=NAME> present, in the order given."""
    for name in names:
        v = sel.xpath(
            f'//meta[@name="{name}" or @property="{name}" or @itemprop="{name}"]/@content'
        ).get()
        v = clean(v)
        if v:
            return v
    return None


def metas(sel: Selector, name: str) -> list[str]:
    vals = sel.xpath(f'//meta[@name="{name}" or @property="{name}"]/@content').getall()
    return [c for c in (clean(v) for v in vals) if c]


def canonical(sel: Selector) -> str | None:
    return clean(sel.xpath('//link[@rel="canonical"]/@href').get())


def itemprop(sel: Selector, prop: str) -> str | None:
    """Microdata value of the first element with itemprop=PROP (content/datetime/href or text)."""
    node = sel.xpath(f'//*[@itemprop="{prop}"]')
    if not node:
        return None
    node = node[0]
    for attr in ("content", "datetime", "href", "src"):
        v = node.attrib.get(attr)
        if v:
            return clean(v)
    return clean(" ".join(node.xpath(".//text()").getall()))


def html_lang(sel: Selector) -> str | None:
    return clean(sel.xpath("/html/@lang").get()) or meta(sel, "og:locale", "language", "Content-Language") or clean(
        sel.xpath('//meta[@http-equiv="Content-Language"]/@content').get()
    )
