"""Generic fallback extraction for layouts nobody wrote selectors for (pure; parsel only)."""
from __future__ import annotations

import re

from parsel import Selector

from crawler.text import clean, join_paragraphs

#: Elements whose text is never article body.
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "script", "style", "noscript", "figcaption",
                          "button"})
CHROME_XPATH = "ancestor-or-self::*[" + " or ".join(f"self::{t}" for t in sorted(_CHROME_TAGS)) + "]"
_CHROME_WORDS = (r"related|promo|promos|newsletter|share|sharing|social|comment|comments|advert|advertisement|ad|ads|"
                 r"sidebar|footer|nav|navigation|menu|subscribe|recommend|recommended|banner|breadcrumb|breadcrumbs|"
                 r"cookie|popup|modal|widget|outbrain|taboola|sns")
#: a class/id token holding a chrome word between dashes (``related-stories``, ``site-footer``);
#: layout modifiers (``has-sidebar``, ``with-nav``, ``no-ads``, ``is-sharing``) are not chrome.
_CHROME_TOKEN = re.compile(rf"^(?!(?:has|with|no|is|without)[-_])(?:.*[-_])?(?:{_CHROME_WORDS})(?:[-_].*)?$", re.I)


def _is_chrome(p) -> bool:
    if p.xpath(CHROME_XPATH):
        return True
    return any(_chrome_tokens(anc.root) for anc in p.xpath("ancestor::*[@class or @id]"))


def headline(sel: Selector) -> str | None:
    h1 = clean(" ".join(sel.xpath("(//h1)[1]//text()").getall()))
    if h1:
        return h1
    title = clean(sel.xpath("//title/text()").get())
    if title:
        title = re.split(r"\s+[|\u2013\u2014-]\s+[^|\u2013\u2014-]+$", title)[0]
    return title


def date_published(sel: Selector) -> str | None:
    return clean(sel.xpath("(//time[@datetime])[1]/@datetime").get())


def _chrome_tokens(el) -> bool:
    tokens = f"{el.attrib.get('class', '')} {el.attrib.get('id', '')}".split()
    return any(_CHROME_TOKEN.match(t) for t in tokens)


def body_paragraphs(sel: Selector) -> list[str]:
    """The longest run of <p> text under one parent, chrome excluded.

    What :func:`body_paragraphs_reference` computes with XPath queries per ``<p>`` (a page has
    dozens, each asking its ancestors again), in one walk of the tree: whether an element is in
    chrome is decided once per element, from its parent's answer."""
    root = sel.root
    if not hasattr(root, "getroottree"):
        return body_paragraphs_reference(sel)
    doc = root.getroottree().getroot()
    below_chrome: dict = {}  # element -> it or an ancestor is chrome (tag, class or id)

    def chrome_itself(el) -> bool:
        return el.tag in _CHROME_TAGS or (("class" in el.attrib or "id" in el.attrib) and _chrome_tokens(el))

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

    # (the <p> itself counts by its tag only, and a <p> is not chrome); itertext() gives the
    # nodes of .//text(): comment contents out, their tails in
    return _longest_run((p.getparent(), clean(" ".join(p.itertext())))
                        for p in doc.iter("p") if not in_chrome(p.getparent()))


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
    """:func:`body_paragraphs` as first written (XPath per ``<p>``): the reference it is tested against."""
    return _longest_run((p.xpath("..")[0].root, clean(" ".join(p.xpath(".//text()").getall())))
                        for p in sel.xpath("//p") if not _is_chrome(p))


def body(sel: Selector) -> str | None:
    return join_paragraphs(body_paragraphs(sel))
