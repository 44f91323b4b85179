"""Small lxml/parsel tree helpers shared by the site parsers (pure; no Scrapy imports).

The query helpers answer a whole-document question from a small part of the tree when that
part is known to hold the answer, and ask the whole document otherwise (a ``//`` query walks
every element of a ~190 KB page: 150-650 us; the same query inside <head> or inside the
article node costs a tenth of that).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lxml import etree, html as lxml_html
from parsel import Selector

from crawler.text import clean

#: lxml.html's element classes, chosen in C: ``lxml.html.HTMLParser`` picks them with a lookup
#: written in Python, called for every element proxy a query makes (~470 on a 190 KB article,
#: ~0.25 ms). Only its form-control classes (``<input>``, ``<select>``, ...) are given up.
_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment,
    pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity)


class HtmlParser(etree.HTMLParser):
    """lxml's HTML parser with lxml.html's element classes (see ``_HTML_CLASSES``): the same tree
    and the same element API as ``lxml.html.HTMLParser``, without a Python call per element."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.set_element_class_lookup(_HTML_CLASSES)


def drop_keep_tail(el) -> None:
    """Remove an lxml element from its parent, keeping the text that follows it (its tail)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


_XML_WS = str.maketrans("\t\n\r", "   ")


def attr_of(node, name: str, default=None):
    """One attribute of a parsel Selector or lxml element (DEFAULT when absent or NODE is None).

    Never ``sel.attrib[...]`` / ``sel.attrib.get(...)`` on a parsel Selector: ``.attrib`` builds a
    dict of *every* attribute, and lxml raises ``ValueError('Empty tag name')`` on an attribute name
    it reads as a namespace (``{}``, ``{{attrs}}`` left by a broken template), losing the page's
    fields. Asking the element for the one attribute never reads the others."""
    el = getattr(node, "root", node)
    get = getattr(el, "get", None)
    if get is None or isinstance(el, (str, dict)):
        return default
    value = get(name)
    return default if value is None else value


def has_class(el, token: str) -> bool:
    """CSS ``.TOKEN`` on one lxml element (class tokens split at XML whitespace, as cssselect's XPath does)."""
    c = el.get("class")
    return c is not None and token in c.translate(_XML_WS).split(" ")


def first_match(el, tag: str | None = None, cls: str | None = None, attr: str | None = None):
    """The first element of lxml element EL's subtree, EL included, with TAG, class token CLS and
    attribute ATTR, in document order: what ``Selector(root=EL).css("TAG.CLS::attr(ATTR)")`` reads
    first, by a walk of the elements instead of a query (faster on a small subtree)."""
    for d in el.iter(tag) if tag else el.iter():
        if isinstance(d.tag, str) and (cls is None or has_class(d, cls)) and (attr is None or d.get(attr) is not None):
            return d
    return None


_TAG_CLASS = re.compile(r"\s*([a-z][a-z0-9]*)\.(-?[_a-zA-Z][_a-zA-Z0-9-]*)\s*")


@lru_cache(maxsize=1024)
def tag_class_query(query: str) -> dict[str, tuple[str, ...]] | None:
    """``{tag: (class, ...)}`` for a CSS QUERY made only of ``tag.class`` selectors separated by
    commas (``"h1.title, div.body"``); None for any other query."""
    out: dict[str, tuple[str, ...]] = {}
    for part in query.split(","):
        m = _TAG_CLASS.fullmatch(part)
        if m is None:
            return None
        out[m.group(1)] = (*out.get(m.group(1), ()), m.group(2))
    return out or None


def classed(el, tags) -> list[tuple[Any, str]]:
    """``(element, class attribute)`` of the elements of TAGS in lxml element EL's subtree, EL
    included, that have a class attribute, in document order (the input of :func:`tag_class`)."""
    return [(d, c) for d in el.iter(*tags) if (c := d.get("class")) is not None]


def tag_class(el, wanted: dict[str, tuple[str, ...]], pairs: list[tuple[Any, str]] | None = None) -> list:
    """The elements of lxml element EL's subtree, EL included, in document order, that match one
    of the ``tag.class`` selectors WANTED (see :func:`tag_class_query`): what
    ``Selector(root=EL).css(query)`` finds. PAIRS: ``classed(EL, WANTED)`` when already known."""
    out = []
    for d, c in classed(el, wanted) if pairs is None else pairs:
        classes = wanted[d.tag]
        # a substring test first (most elements of the tag have none of the classes)
        if any(t in c for t in classes) and any(t in c.translate(_XML_WS).split(" ") for t in classes):
            out.append(d)
    return out


def _document_root(sel: Selector):
    """SEL's lxml root when SEL is a whole HTML document's selector, else None."""
    root = sel.root
    if sel.type != "html" or not hasattr(root, "getparent") or root.getparent() is not None:
        return None
    return root


_BY_ID = etree.XPath("id($i)")  # compiled once: root.xpath() compiles the expression each call


def by_id(sel: Selector, element_id: str, tag: str | None = None) -> Selector | None:
    """The first element with ``id=ELEMENT_ID`` (and of TAG, when given): what
    ``sel.css("TAG#ELEMENT_ID")[0]`` returns, or None.

    libxml2 keeps the ids of a parsed HTML document in a hash, so ``id()`` costs microseconds
    where the CSS query walks the whole tree; the CSS query is still asked when SEL is not a
    whole document, or when the first element with that id is not a TAG.
    """
    root = _document_root(sel)
    if root is not None:
        hit = _BY_ID(root, i=element_id)
        if not hit:
            return None  # every id of a parsed document is in the hash: there is none
        if tag is None or hit[0].tag == tag:
            return Selector(root=hit[0], type="html")
    found = sel.css(f"{tag or ''}#{element_id}")
    return found[0] if found else None


def head(sel: Selector) -> Selector | None:
    """The document's ``<head>`` when it is the first element of ``<html>``: everything in it
    then comes before ``<body>`` in document order. None otherwise."""
    root = _document_root(sel)
    if root is None or root.tag != "html":
        return None
    for child in root:
        if isinstance(child.tag, str):
            return Selector(root=child, type="html") if child.tag == "head" else None
    return None


def head_first(sel: Selector, query: str, head_sel: Selector | None = None):
    """``sel.xpath("//" + QUERY)`` for its first result, answered from <head> when <head> has a match.

    A match in <head> is the document's first match (see :func:`head`), so ``.get()`` gives
    the same value (``.getall()`` may not: use it for single values only); when <head> has none, the whole document is asked (a page may put its
    ``<link>``/``<meta>``/``<title>`` in the body). Pass HEAD_SEL when already known.
    """
    memo = getattr(sel, "_memo", None)  # a page selector's query cache (crawler.sites.base)
    key = "head//" + query
    if isinstance(memo, dict) and key in memo:
        return sel.selectorlist_cls(memo[key])
    found = None
    h = head_sel if head_sel is not None else head(sel)
    if h is not None:
        found = h.xpath(".//" + query)
    if not found:
        found = sel.xpath("//" + query)
    if isinstance(memo, dict):
        memo[key] = found
    return sel.selectorlist_cls(found)


_PSEUDO_ELEMENT = re.compile(r"::[\w-]+(?:\([^)]*\))?")
_ATTR_VALUE = re.compile(r"""\[\s*([\w-]+)\s*([~|^$*]?)=\s*(?:"([^"]*)"|'([^']*)'|([^\]\s]*))\s*\]""")
_CLASS_OR_ID = re.compile(r"([.#])([\w-]+)")
#: an attribute name and ``=`` (and an opening quote) just before a value in the page source
_NAME_BEFORE = re.compile(r"""([\w:.-]+)\s*=\s*["']?$""")
_LOOKBEHIND = 80


def _needles(alt: str) -> list[tuple[str, str | None, str]] | None:
    """(kind, attribute, value) that one comma alternative of a CSS query requires; None when
    the alternative uses syntax this reader does not know (pseudo-classes...)."""
    out: list[tuple[str, str | None, str]] = []
    for name, op, v1, v2, v3 in _ATTR_VALUE.findall(alt):
        value = v1 or v2 or v3
        if value:
            out.append(("attr", name.lower(), value) if not op else ("text", None, value))
    rest = _ATTR_VALUE.sub(" ", alt)
    if ":" in rest or "[" in rest or "(" in rest:
        return None
    for mark, value in _CLASS_OR_ID.findall(rest):
        out.append(("class", None, value) if mark == "." else ("attr", "id", value))
    return out


def _in_source(text: str, kind: str, attr: str | None, value: str) -> bool:
    """Whether TEXT could hold VALUE as what KIND says: a class token (whitespace, a quote or
    ``=`` before it; whitespace, a quote, ``>`` or ``/`` after it), the whole value of
    attribute ATTR (``ATTR="VALUE"``, any case and quoting), or (``text``) anywhere."""
    if kind == "text":
        return value in text
    n = len(value)
    i = text.find(value)
    while i != -1:
        after = text[i + n:i + n + 1]
        if not after or after.isspace() or after in "\"'>/":
            if kind == "class":
                before = text[i - 1:i]
                if not before or before.isspace() or before in "\"'=":
                    return True
            else:
                lo = max(0, i - _LOOKBEHIND)
                m = _NAME_BEFORE.search(text, lo, i)
                if m and (m.group(1).lower() == attr or (m.start() == lo and lo > 0)):
                    return True  # (a name cut by the look-behind window: unsure, so yes)
        i = text.find(value, i + 1)
    return False


def could_match(text: str | None, query: str, seen: dict | None = None) -> bool:
    """False when CSS QUERY cannot match a page whose source is TEXT: in each of its comma
    alternatives some class token, id or attribute value it requires is not in the source
    as such (``magazine`` in a stylesheet's ``.magazine{`` or ``author`` in
    ``<meta name="author">`` do not count for ``figure.magazine`` or ``[itemprop=author]``).

    True when unsure (TEXT unknown, pseudo-classes such as ``:not()``). Values written with
    character references (``class="a&#45;b"``) would escape the test; pages do not do that.
    SEEN (needle -> found, one dict per page text) saves repeated scans (~30-60 us each on 190 KB).
    """
    if text is None:
        return True
    if seen is None:
        seen = {}
    for alt in _PSEUDO_ELEMENT.sub("", query).split(","):
        needles = _needles(alt)
        if needles is None:
            return True  # a selector this test does not read
        for needle in needles:
            if needle not in seen:
                seen[needle] = _in_source(text, *needle)
            if not seen[needle]:
                break
        else:
            return True
    return False


def scoped_css(scope: Selector | None, sel: Selector, query: str, text: str | None = None,
               seen: dict | None = None):
    """CSS QUERY inside SCOPE (e.g. the article element) when it matches there, else on the
    whole document SEL (an unseen layout may move the element out of the scope).

    TEXT, the page source when known, spares the whole-document query when it cannot match
    (SEEN: see :func:`could_match`)."""
    if scope is not None:
        found = scope.css(query)
        if found:
            return found
    if not could_match(text, query, seen):
        return sel.selectorlist_cls([])
    return sel.css(query)


#: Elements whose start and end separate words: ``<br>`` and block-level elements. Text from
#: inline elements (``<b>``, ``<a>``, ``<span>``...) joins its neighbours as written.
_BREAKS = frozenset({
    "br", "hr", "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "section",
    "article", "aside", "header", "footer", "nav", "main", "figure", "figcaption", "address", "details",
    "summary", "form", "fieldset", "legend", "option", "button", "img", "iframe", "video", "audio", "picture",
})
#: Elements whose content is no visible text (their tail is).
_NO_TEXT = frozenset({"script", "style", "template", "noscript", "head", "title"})
_SPECIAL = _BREAKS | _NO_TEXT


def element_text(el) -> str | None:
    """Visible text of an lxml element (or a parsel Selector of one), whitespace collapsed:
    inline pieces joined as written (``Die <b>E</b>uphorie`` -> "Die Euphorie", ``<span>2026</span>,``
    -> "2026,"), ``<br>`` and block elements as a space, scripts, styles and comments left out.
    None when there is no text."""
    el = getattr(el, "root", el)
    if not hasattr(el, "iterdescendants"):
        return clean(el) if isinstance(el, str) else None
    for d in el.iterdescendants():
        tag = d.tag
        if not isinstance(tag, str) or tag in _SPECIAL:
            break
    else:  # only inline elements below: the text nodes in order, as written
        return clean("".join(el.itertext()))
    parts: list[str] = [el.text] if el.text and el.tag not in _NO_TEXT else []
    stack = [(el, iter(el))]  # a loop, not recursion: pages nest deeper than the recursion limit
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack:  # NODE ends
                if node.tag in _BREAKS:
                    parts.append(" ")
                if node.tail:
                    parts.append(node.tail)
            continue
        tag = child.tag
        if not isinstance(tag, str) or tag in _NO_TEXT:  # comment, processing instruction, script
            if isinstance(tag, str) and tag in _BREAKS:
                parts.append(" ")
            if child.tail:
                parts.append(child.tail)
            continue
        if tag in _BREAKS:
            parts.append(" ")
        if child.text:
            parts.append(child.text)
        stack.append((child, iter(child)))
    return clean("".join(parts))


_FIRST_BODY_BEFORE = etree.XPath('(ancestor::*[@itemprop="articleBody"] | preceding::*[@itemprop="articleBody"])[1]')
_FIRST_BODY = etree.XPath('(//*[@itemprop="articleBody"])[1]')


def first_body_or_article(sel: Selector, text: str | None = None):
    """The first ``[itemprop=articleBody]`` or ``<article>`` element in document order (what
    ``(//*[@itemprop="articleBody"] | //article)[1]`` finds), or None.

    The first ``<article>`` is found by lxml's tag iterator (C, it stops there); a body element
    can only come before it as an ancestor or a preceding element, and is looked for only when
    the page source TEXT (when known) mentions ``articleBody`` at all."""
    root = getattr(sel, "root", None)
    if not hasattr(root, "getroottree"):
        found = sel.xpath('(//*[@itemprop="articleBody"] | //article)[1]')
        return found[0].root if found else None
    doc = root.getroottree().getroot()
    article = next(doc.iter("article"), None)
    if text is not None and "articleBody" not in text:
        return article
    before = _FIRST_BODY_BEFORE(article) if article is not None else _FIRST_BODY(doc)
    return before[0] if before else article
