"""Generic fallback extraction for layouts nobody wrote selectors for (pure; parsel only)."""
from __future__ import annotations

import re

from parsel import Selector

from crawler.extract.dom import element_text
from crawler.text import clean, join_paragraphs

#: Elements whose text is never article body.
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "script", "style", "noscript", "figcaption",
                          "button"})
#: Chrome tags that some sites wrap the whole page in (ASP.NET's one ``<form>``): chrome only
#: when they hold less than half of the page's paragraph text (see :func:`body_paragraphs`).
_LAYOUT_TAGS = frozenset({"form"})
CHROME_XPATH = "ancestor-or-self::*[" + " or ".join(f"self::{t}" for t in sorted(_CHROME_TAGS)) + "]"
#: words naming what a block is about: chrome wherever they are and however much text they hold
_CONTENT_CHROME = (r"related|promo|promos|newsletter|share|sharing|social|comment|comments|advert|advertisement|ad|ads|"
                   r"subscribe|recommend|recommended|banner|breadcrumb|breadcrumbs|cookie|popup|modal|outbrain|taboola|sns")
#: words naming a place in the page layout: also found on wrappers around the article
#: (``div.content-sidebar-wrap``, Blogger's ``div.widget``, ``header-menu-nav--closed``)
_LAYOUT_CHROME = r"sidebar|footer|nav|navigation|menu|widget"


def _token_re(words: str) -> re.Pattern:
    # a class/id token holding a chrome word between dashes (``related-stories``, ``site-footer``);
    # layout modifiers (``has-sidebar``, ``with-nav``, ``no-ads``, ``is-sharing``) are not chrome
    return re.compile(rf"^(?!(?:has|with|no|is|without)[-_])(?:.*[-_])?(?:{words})(?:[-_].*)?$", re.I)


_CHROME_TOKEN = _token_re(f"{_CONTENT_CHROME}|{_LAYOUT_CHROME}")
_CONTENT_TOKEN = _token_re(_CONTENT_CHROME)
#: page-level elements: their classes describe the page (``body.right-sidebar``), not a block
_PAGE_TAGS = frozenset({"html", "body"})


def _is_chrome(p) -> bool:
    """Whether a selector's element or an ancestor is chrome by tag, class or id (no text share test)."""
    if p.xpath(CHROME_XPATH):
        return True
    return any(_chrome_tokens(anc.root) for anc in p.xpath("ancestor::*[@class or @id]") if anc.root.tag not in _PAGE_TAGS)


def headline(sel: Selector) -> str | None:
    h1 = sel.xpath("(//h1)[1]")
    text = element_text(h1[0]) if h1 else None
    if text:
        return text
    title = clean(sel.xpath("//title/text()").get())
    if title:
        title = re.split(r"\s+[|\u2013\u2014-]\s+[^|\u2013\u2014-]+$", title)[0]
    return title


def date_published(sel: Selector) -> str | None:
    return clean(sel.xpath("(//time[@datetime])[1]/@datetime").get())


def _chrome_tokens(el) -> bool:
    tokens = f"{el.attrib.get('class', '')} {el.attrib.get('id', '')}".split()
    return any(_CHROME_TOKEN.match(t) for t in tokens)


def _chrome_kind(el) -> str | None:
    """'chrome' (always), 'layout' (chrome unless it wraps most of the page's text) or None."""
    tag = el.tag
    if not isinstance(tag, str) or tag in _PAGE_TAGS:
        return None
    if tag in _CHROME_TAGS:
        return "layout" if tag in _LAYOUT_TAGS else "chrome"
    if "class" not in el.attrib and "id" not in el.attrib:
        return None
    tokens = f"{el.attrib.get('class', '')} {el.attrib.get('id', '')}".split()
    if not any(_CHROME_TOKEN.match(t) for t in tokens):
        return None
    return "chrome" if any(_CONTENT_TOKEN.match(t) for t in tokens) else "layout"


def _paragraphs(doc) -> list[tuple[object, str]]:
    """(element, text) of every non-empty ``<p>`` of the document, in order."""
    return [(p, t) for p, t in ((p, element_text(p)) for p in doc.iter("p")) if t]


def body_paragraphs(sel: Selector) -> list[str]:
    """The longest run of <p> text under one parent, chrome excluded.

    Chrome is an element named so by its tag (``nav``, ``footer``...) or by a class/id token
    (``related-stories``, ``site-footer``); ``html`` and ``body`` classes describe the page and
    never count. A layout word (sidebar, nav, menu, widget, footer; a ``form`` tag) on an element
    that holds at least half of the page's paragraph text names a wrapper around the article,
    not chrome.

    What :func:`body_paragraphs_reference` computes with XPath queries per ``<p>``, in one walk
    of the tree: whether an element is in chrome is decided once per element, from its parent's
    answer."""
    root = sel.root
    if not hasattr(root, "getroottree"):
        return body_paragraphs_reference(sel)
    doc = root.getroottree().getroot()
    paras = _paragraphs(doc)
    kinds: dict = {}  # element -> _chrome_kind

    def kind(el):
        k = kinds.get(el, 0)
        if k == 0:
            k = kinds[el] = _chrome_kind(el)
        return k

    held: dict = {}  # layout element -> paragraph text below it
    for p, text in paras:
        for anc in p.iterancestors():
            if kind(anc) == "layout":
                held[anc] = held.get(anc, 0) + len(text)
    half = sum(len(t) for _, t in paras) / 2
    below_chrome: dict = {}  # element -> it or an ancestor is chrome

    def chrome_itself(el) -> bool:
        k = kind(el)
        return k == "chrome" or (k == "layout" and held.get(el, 0) < half)

    def in_chrome(el) -> bool:
        # up to the first ancestor already known (a loop, not recursion: pages nest 2,000 deep)
        path = []
        while el is not None and el not in below_chrome:
            path.append(el)
            el = el.getparent()
        hit = below_chrome[el] if el is not None else False
        for node in reversed(path):
            hit = below_chrome[node] = hit or chrome_itself(node)
        return hit

    # (the <p> itself counts by its tag only, and a <p> is not chrome)
    return _longest_run((p.getparent(), text) for p, text in paras if not in_chrome(p.getparent()))


def _longest_run(pairs) -> list[str]:
    """Of (parent, paragraph text) pairs in document order, the texts of the parent whose
    non-empty texts are longest in total (the first such parent on a tie)."""
    groups: dict[object, list[str]] = {}
    for parent, text in pairs:
        if text:
            groups.setdefault(parent, []).append(text)
    if not groups:
        return []
    return groups[max(groups, key=lambda k: sum(len(t) for t in groups[k]))]


def body_paragraphs_reference(sel: Selector) -> list[str]:
    """:func:`body_paragraphs` as first written (XPath per ``<p>``, every ancestor asked again):
    the reference it is tested against."""
    paras = [(p, element_text(p)) for p in sel.xpath("//p")]
    paras = [(p, t) for p, t in paras if t]
    half = sum(len(t) for _, t in paras) / 2

    def held(anc) -> int:
        return sum(len(t) for p, t in paras if anc.root in set(p.root.iterancestors()))

    def chrome(p) -> bool:
        for anc in p.xpath("ancestor::*"):
            k = _chrome_kind(anc.root)
            if k == "chrome" or (k == "layout" and held(anc) < half):
                return True
        return False

    return _longest_run((p.xpath("..")[0].root, t) for p, t in paras if not chrome(p))


def body(sel: Selector) -> str | None:
    return join_paragraphs(body_paragraphs(sel))
