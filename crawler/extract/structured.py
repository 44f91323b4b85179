"""Structured data readers: JSON-LD, <meta> tags, microdata (pure; parsel only)."""
from __future__ import annotations

import html
import json
import re
import weakref
from typing import Any

from lxml import html as lxml_html
from parsel import Selector

from crawler import attribution as attr
from crawler.extract.dom import attr_of, element_text, head_first
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
    """Every JSON-LD object on the page (``@graph`` flattened); broken blocks are skipped.

    The objects come normalised (:func:`normalise_jsonld`): text unescaped, a Person's name made
    from ``givenName``/``familyName``, ``articleBody`` HTML as text paragraphs, and ``{"@id": …}``
    references of the people, organisations and images resolved across every block of the page."""
    out: list[dict] = []
    texts = False  # whether any string may need unescaping or a name built (most pages: none)
    for raw in sel.xpath('//script[@type="application/ld+json"]/text()').getall():
        raw = _CTRL.sub(" ", raw).strip().rstrip(";")
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        texts = texts or bool(_NEEDS_TEXT_WORK.search(raw))
        _flatten(data, out)
    return normalise_jsonld(out, texts=texts) if out else out


# ------------------------------------------------------------------ JSON-LD normalisation
#: Keys whose ``{"@id": …}`` values are resolved to the node of that id (one level: the node's own
#: references stay references, so no structure refers back to itself).
REF_KEYS = ("author", "creator", "contributor", "editor", "publisher", "copyrightHolder",
            "sourceOrganization", "image")
#: An entity or numeric character reference (what a double-escaped string still holds after one pass).
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
#: Markup in a text field: an HTML tag a body or description is written with.
_HTML_TAG = re.compile(
    r"<(?:/?(?:p|br|div|span|h[1-6]|ul|ol|li|blockquote|strong|em|b|i|u|a|figure|figcaption|img|"
    r"section|table|tr|td|pre|iframe|script|style)\b[^<>]*|!--)", re.I)


def unescape_text(text: str) -> str:
    """HTML entities decoded (``Arnault&#8217;s`` -> ``Arnault’s``); a double-escaped string
    (``&amp;#8217;``) is decoded twice, never more."""
    if "&" not in text:
        return text
    # only references closed by ";": html.unescape alone also reads "&copy=2" in a URL's query as "©=2"
    text = _ENTITY.sub(_unescape_match, text)
    if "&" in text:
        text = _ENTITY.sub(_unescape_match, text)
    return text


def _unescape_match(m: re.Match) -> str:
    return html.unescape(m.group(0))


_WORD = re.compile(r"\w")
#: Elements whose text is not article body (a figure's caption, code, embeds).
_NOT_BODY = frozenset({"script", "style", "noscript", "template", "figure", "figcaption", "iframe", "svg",
                       "button", "form", "head", "title"})
#: Elements that start a new paragraph of the text.
_BLOCKS = frozenset({"p", "div", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt",
                     "dd", "blockquote", "pre", "table", "tr", "td", "th", "section", "article", "header",
                     "footer", "aside", "main", "address", "details", "summary", "center"})


def html_paragraphs(markup: str) -> list[str]:
    """Text paragraphs of an HTML fragment: one per block element (and ``<br>``), inline tags joined
    as written, entities decoded; figures, captions, scripts and embeds left out."""
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except Exception:  # noqa: BLE001 - markup lxml cannot read is read as text
        return [p for p in (clean(x) for x in re.sub(r"<[^>]+>", "\n", markup).split("\n")) if p]
    parts: list[str] = [root.text or ""]
    stack = [iter(root)]
    ends: list[Any] = [None]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            node = ends.pop()
            if node is not None:
                if node.tag in _BLOCKS:
                    parts.append("\n")
                parts.append(node.tail or "")
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if not tag or tag.lower() in _NOT_BODY:  # comments, processing instructions, captions
            parts.append("\n" if tag.lower() in _NOT_BODY else "")
            parts.append(child.tail or "")
            continue
        if tag.lower() in _BLOCKS:
            parts.append("\n")
        parts.append(child.text or "")
        stack.append(iter(child))
        ends.append(child)
    # a line of punctuation only (the "," between two embedded boxes) is no paragraph
    return [p for p in (clean(x) for x in "".join(parts).split("\n")) if p and _WORD.search(p)]


def _body_text(value: str) -> str:
    """``articleBody`` as plain text: HTML (as written or escaped) becomes its paragraphs, one
    blank line apart; plain text only has its entities decoded."""
    if _HTML_TAG.search(value):
        return "\n\n".join(html_paragraphs(value))
    text = unescape_text(value)
    if text is not value and _HTML_TAG.search(text):  # "&lt;p&gt;…": escaped markup
        return "\n\n".join(html_paragraphs(text))
    return text


def _unescape_all(obj: Any) -> Any:
    """OBJ with every string unescaped (in place for dicts and lists); a dict naming a person
    only by ``givenName``/``familyName`` gets its ``name``."""
    if isinstance(obj, str):
        return unescape_text(obj)
    if isinstance(obj, list):
        for i, v in enumerate(obj):
            obj[i] = _unescape_all(v)
        return obj
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "articleBody" and isinstance(v, str):
                obj[k] = _body_text(v)
            elif isinstance(v, (str, list, dict)):
                obj[k] = _unescape_all(v)
        if not obj.get("name"):
            given, family = obj.get("givenName"), obj.get("familyName")
            parts = [x for x in (given, obj.get("additionalName"), family) if isinstance(x, str) and x.strip()]
            if family and parts:
                obj["name"] = " ".join(parts)
    return obj


def _is_reference(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("@id"), str) and not value.get("name")


#: What in a JSON-LD block's source can make :func:`_unescape_all` change something: an entity
#: or a tag (also JSON-escaped as \u0026 / \u003c) or a name given in parts.
_NEEDS_TEXT_WORK = re.compile(r"[&<]|\\u00(?:26|3[cC])|givenName|familyName")


def normalise_jsonld(objects: list[dict], texts: bool = True) -> list[dict]:
    """The page's JSON-LD objects, normalised in place (see :func:`jsonld_objects`); TEXTS=False
    when the source holds nothing to unescape and no name in parts (the text pass is skipped)."""
    by_id: dict[str, dict] = {}
    for obj in objects:
        if texts:
            _unescape_all(obj)
        oid = obj.get("@id")
        if isinstance(oid, str) and set(obj) - {"@id", "@type", "@context"}:
            by_id.setdefault(oid, obj)
    if not by_id:
        return objects
    for obj in objects:
        for key in REF_KEYS:
            value = obj.get(key)
            if isinstance(value, list):
                obj[key] = [_resolve(v, by_id, obj) for v in value]
            elif value is not None:
                obj[key] = _resolve(value, by_id, obj)
    return objects


def _resolve(value: Any, by_id: dict[str, dict], owner: dict) -> Any:
    if not _is_reference(value):
        return value
    node = by_id.get(value["@id"])
    if node is None or node is owner:
        return value
    return {**node, **value}  # a copy (the node's own references stay references); what the reference says wins


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
        v = attr_of(node, attr)
        if v:
            return clean(v)
    return element_text(node)


def html_lang(sel: Selector) -> str | None:
    return clean(sel.xpath("/html/@lang").get()) or meta(sel, "og:locale", "language", "Content-Language") or clean(
        head_first(sel, 'meta[@http-equiv="Content-Language"]/@content').get()
    )


# ------------------------------------------------------------------ authors in <meta> tags
#: A ``twitter:labelN`` whose ``twitter:dataN`` names the author (WordPress/Yoast: "Written by",
#: translated with the site's language).
_WRITTEN_BY = re.compile(
    r"^\s*(?:written\s+by|authors?|by|verfasst\s+von|geschrieben\s+von|autor(?:in)?|écrit\s+par|"
    r"auteur|escrito\s+por|scritto\s+da|geschreven\s+door|skrevet\s+af|skriven\s+av)\s*:?\s*$", re.I)
_NOT_A_NAME = re.compile(r"^\s*(?:https?:|www\.|/)", re.I)
#: Author <meta> names of the common metadata vocabularies (after ``author`` and ``article:author``):
#: Parse.ly, cXense, Sailthru, Dublin Core.
_MORE_AUTHOR_METAS = ("parsely-author", "cXenseParse:author", "sailthru.author", "DC.creator", "dc.creator",
                      "dcterms.creator")


#: ``<meta itemprop=author>`` of the page's article: outside any item, or in a top-level (or
#: mainEntity) Article/Posting/WebPage item; not the authors of the works a reference list cites,
#: each an item that is a property (``itemprop="citation"``) of another.
_ARTICLE_ITEMPROP_AUTHOR = (
    '//meta[@itemprop="author"][not(ancestor::*[@itemscope][1]['
    '(@itemprop and @itemprop != "mainEntity")'
    ' or not(contains(@itemtype, "Article") or contains(@itemtype, "Posting") or contains(@itemtype, "WebPage"))'
    '])]/@content'
)


def meta_author_sources(sel: Selector) -> list[list[str]]:
    """The author strings of the page's ``<meta>`` tags, as printed, one list a source, in order of
    trust: ``author`` (name, property or microdata itemprop), ``article:author`` when it is a name
    (not a profile URL), ``twitter:dataN`` whose ``twitter:labelN`` is "Written by", then Parse.ly,
    cXense, Sailthru and Dublin Core author tags."""
    authors = metas(sel, "author")
    if _meta_index(sel) is None or "author" in _meta_index(sel).by_any:
        authors += [c for c in (clean(v) for v in sel.xpath(_ARTICLE_ITEMPROP_AUTHOR).getall()) if c]
    sources = [authors, [v for v in metas(sel, "article:author") if not _NOT_A_NAME.match(v)]]
    twitter = []
    for n in range(1, 5):
        label = meta(sel, f"twitter:label{n}")
        if label and _WRITTEN_BY.match(label):
            data = meta(sel, f"twitter:data{n}")
            if data and not _NOT_A_NAME.match(data):
                twitter.append(data)
    sources.append(twitter)
    sources += [[v for v in metas(sel, name) if not _NOT_A_NAME.match(v)] for name in _MORE_AUTHOR_METAS]
    return sources


def meta_authors(sel: Selector) -> list[str]:
    """People named by the first ``<meta>`` author source that names any
    (:func:`meta_author_sources`), each once: agencies, desks and the site's own name
    (``og:site_name`` or a part of it) are not people."""
    site = meta(sel, "og:site_name")
    for texts in meta_author_sources(sel):
        out: list[str] = []
        for text in texts:
            for name in attr.split_authors(text):
                if not attr.is_site_name(name, site) and not any(attr.names_match(name, n) for n in out):
                    out.append(name)
        if out:
            return out
    return []
