"""Structured data readers: JSON-LD, <meta> tags, microdata (pure; parsel only)."""
from __future__ import annotations

import json
import re
import weakref
from typing import Any

from parsel import Selector

from crawler.extract.dom import element_text, head_first
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


class _MetaIndex:
    """Every ``<meta content>`` of one document, by name/property/itemprop, built in one pass.

    ``by_any[N]`` holds, in document order, the ``content`` of each ``<meta>`` whose ``name``,
    ``property`` or ``itemprop`` is N (what ``//meta[@name=N or @property=N or @itemprop=N]/@content``
    returns); ``by_np[N]`` the same for ``name``/``property`` only.
    """

    __slots__ = ("by_any", "by_np", "__weakref__")

    def __init__(self, root):
        self.by_any: dict[str, list[str]] = {}
        self.by_np: dict[str, list[str]] = {}
        for el in root.iter("meta"):
            content = el.get("content")
            if content is None:
                continue
            name, prop, ip = el.get("name"), el.get("property"), el.get("itemprop")
            for key in {name, prop} - {None}:
                self.by_np.setdefault(key, []).append(content)
            for key in {name, prop, ip} - {None}:
                self.by_any.setdefault(key, []).append(content)


#: document root element -> its meta index (entries go when the document goes)
_META_INDEXES: "weakref.WeakKeyDictionary[Any, _MetaIndex]" = weakref.WeakKeyDictionary()


#: (weak reference to the selector root seen last, its index): most calls repeat the same page
_LAST: list = [None]


def _meta_index(sel: Selector) -> _MetaIndex | None:
    """The meta index of SEL's document (None for selectors without an lxml HTML/XML root)."""
    root = getattr(sel, "root", None)
    last = _LAST[0]
    if last is not None and last[0]() is root and root is not None:
        return last[1]
    try:
        doc = root.getroottree().getroot()
    except AttributeError:
        return None
    if doc is None:
        return None
    index = _META_INDEXES.get(doc)
    if index is None:
        index = _META_INDEXES[doc] = _MetaIndex(doc)
    try:
        _LAST[0] = (weakref.ref(root), index)
    except TypeError:
        pass
    return index


def meta(sel: Selector, *names: str) -> str | None:
    """Content of the first <meta name|property|itemprop=NAME> present, in the order given."""
    index = _meta_index(sel)
    for name in names:
        if index is None:
            v = sel.xpath(
                f'//meta[@name="{name}" or @property="{name}" or @itemprop="{name}"]/@content'
            ).get()
        else:
            found = index.by_any.get(name)
            v = found[0] if found else None
        v = clean(v)
        if v:
            return v
    return None


def metas(sel: Selector, name: str) -> list[str]:
    index = _meta_index(sel)
    if index is None:
        vals = sel.xpath(f'//meta[@name="{name}" or @property="{name}"]/@content').getall()
    else:
        vals = index.by_np.get(name, [])
    return [c for c in (clean(v) for v in vals) if c]


def canonical(sel: Selector) -> str | None:
    return clean(head_first(sel, 'link[@rel="canonical"]/@href').get())


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
    return element_text(node)


def html_lang(sel: Selector) -> str | None:
    return clean(sel.xpath("/html/@lang").get()) or meta(sel, "og:locale", "language", "Content-Language") or clean(
        head_first(sel, 'meta[@http-equiv="Content-Language"]/@content').get()
    )
