"""Kyodo News English (english.kyodonews.net): pure page parsers.

Two site generations (see docs/kyodo.md and ../shared/sites.md section 3): the "Kyodo News+" CMS
(2017 to mid-2025) and the relaunched site "Japan Wire by Kyodo News" (2025 onward, ISM CMS),
whose article and homepage markup is known from real pages. Pages are read in three layers:
structured data (JSON-LD, OpenGraph/meta) first, the site selectors of a layout variant second,
the generic fallback of :class:`crawler.sites.base.ArticlePage` third. What is Kyodo's and not
the layout's (the credit line, datelines, the ``==Kyodo`` end mark, caption credits, digests)
is plain text handling in the functions below and in :class:`KyodoMixin`, so it also works on
a layout nobody has seen.

Variants, most specific first (``PAGE_CLASSES``):

* :class:`KyodoJapanWire` the relaunched site, ``/articles/-/<number>`` (``h1.article-ttl``,
  ``div.article-body__inner``); Kyodo's own stories and its partners' copies (Yonhap, Reuters,
  AP, Animate Times), login-walled pages, digests
* :class:`KyodoPlus2017`  the "Kyodo News+" CMS (2017 to mid-2025), ``/news/YYYY/MM/<12 hex>-<slug>.html``
* :class:`KyodoGeneric`   any other Kyodo page: JSON-LD/meta/generic body plus the Kyodo text rules

Decisions (also in docs/kyodo.md):

* ``dateline`` is the place exactly as printed before `` - `` (``TOKYO``, ``NAHA, Japan``,
  ``LEGANES, Spain``); the dateline prefix is removed from the body.
* The ``==Kyodo`` end mark and the credit line are not body text.
* A digest's entries become ``brief`` items: ``item_id`` ``kyodo:<digest id>-<n>`` (n from 1 in
  page order), ``url``/``canonical_url`` the digest's with ``#brief-<n>``, ``parent_url`` the
  digest's canonical URL; ``story_id`` ``kyodo:<id>`` of the full story when the entry's
  headline links to it, else null (dedupe assigns it).
* A partner's copy (the header's agency link is not Kyodo's) is a republication: ``publisher``
  Kyodo News, ``original_publisher`` the partner's canonical name, no ``story_id`` of its own.
"""
from __future__ import annotations

import copy
from functools import cached_property
import hashlib
import logging
import re
from dataclasses import dataclass, field
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlparse

from parsel import Selector

from crawler import attribution as attr
from crawler.dates import parse_date
from crawler.extract import generic, walls
from crawler.extract.dom import attr_of, element_text, has_class
from crawler.extract.structured import ld_list, ld_text
from crawler.items import Article, Author, Image
from crawler.sites.base import ArticlePage
from crawler.text import clean, first, join_paragraphs

logger = logging.getLogger(__name__)

PUBLISHER = "Kyodo News"
CREDIT = "KYODO NEWS"
TZ = "Asia/Tokyo"

# ------------------------------------------------------------------------------ URLs and ids

OLD_URL_RE = re.compile(r"/news/\d{4}/\d{2}/(?P<id>[0-9a-f]{12})(?:-[^/?#]*)?(?:\.html?)?(?:[?#]|$)")
NEW_URL_RE = re.compile(r"/articles/-/(?P<id>\d+)(?:[/?#]|$)")
#: any Kyodo article URL of either generation
ARTICLE_URL_RE = re.compile(
    r"^https?://(?:www\.)?english\.kyodonews\.net(?:/news/\d{4}/\d{2}/[0-9a-f]{12}[^/?#]*|/articles/-/\d+)/?(?:[?#].*)?$"
)


def site_id_from_url(url: str | None) -> str | None:
    """The Kyodo article id of a URL: the 12 hex (2017 site) or the number (2025 site)."""
    if not url:
        return None
    path = urlparse(url.strip()).path
    for rx in (OLD_URL_RE, NEW_URL_RE):
        m = rx.search(path + "#")
        if m:
            return m.group("id")
    return None


_HREF_JUNK_RE = re.compile(r"[\t\n\r]")
_PARTNER_PATH_RE = re.compile(r"/list/partners/(?P<slug>[^/?#]+)")


def clean_href(href: str | None) -> str | None:
    """An href as a browser reads it: surrounding whitespace dropped, and tabs and newlines
    removed wherever they are (the relaunched site prints ``/list/news/<TAB>asian-games``)."""
    if href is None:
        return None
    href = _HREF_JUNK_RE.sub("", href).strip(" \x00\x0b\x0c\u00a0")
    return href or None


def article_url(href: str | None, base_url: str | None = None) -> str | None:
    """The Kyodo article URL an href points to (cleaned, absolute, no query or fragment; the scheme
    as given: the site redirects http to https), else None."""
    href = clean_href(href)
    if not href or href.startswith(("javascript:", "mailto:", "#")):
        return None
    url = urljoin(base_url or "https://english.kyodonews.net/", href).split("#", 1)[0].split("?", 1)[0]
    return url if ARTICLE_URL_RE.match(url) else None


def partner_slug(href: str | None) -> str | None:
    """``/list/partners/yonhap`` -> ``yonhap``."""
    m = _PARTNER_PATH_RE.search(clean_href(href) or "")
    return m.group("slug").lower() if m else None


# ------------------------------------------------------------------------------ text rules

#: the rendered credit line: agency - relative age - JST clock time | categories
CREDIT_RE = re.compile(
    r"^\s*(?P<agency>KYODO NEWS)\s*[-–—]\s*"
    r"(?:(?P<age>[^|]*?)\s*[-–—]\s*)?"
    r"(?P<clock>\d{1,2}:\d{2})"
    r"(?:\s*\|\s*(?P<cats>.*?))?\s*$",
    re.S,
)
#: a credit line with no clock time: ``KYODO NEWS - 3 days ago | All, Japan``
CREDIT_NO_CLOCK_RE = re.compile(
    r"^\s*(?P<agency>KYODO NEWS)\s*[-–—]\s*(?P<age>[^|]*?(?:\d|\bago\b|yesterday|today)[^|]*?)"
    r"\s*(?:\|\s*(?P<cats>.*?))?\s*$",
    re.S | re.I,
)
#: a credit line at the start of flattened text (categories end where the text goes on)
CREDIT_PREFIX_RE = re.compile(r"^\s*KYODO NEWS\s*[-–—]\s*(?:[^|]*?[-–—]\s*)?\d{1,2}:\d{2}\s*(?:\|\s*)?")
KNOWN_CATEGORIES = (
    "All", "Japan", "World", "Politics", "Business", "Economy", "Sports", "Science", "Health",
    "Environment", "Society", "Crime", "Entertainment", "Culture", "Asia", "China", "Korean Peninsula",
    "North Korea", "Latest", "Video", "Feature", "Features", "Opinion", "Tech", "Technology",
    "Travel", "Lifestyle", "Disaster", "Diplomacy", "Defense", "Security", "Kyodo News Digest",
    "Tokyo Olympics", "Coronavirus", "Baseball", "Football", "Tennis", "Sumo", "Golf", "Others",
)

_PLACE_WORD = r"[A-Z][A-Z.'’\-]*"
_PLACE = (
    rf"{_PLACE_WORD}(?:[ /]{_PLACE_WORD})*"          # TOKYO, NEW YORK, ST. PETERSBURG, SEOUL/TOKYO
    r"(?:,\s[A-Z][A-Za-z.'’\-]*(?:\s[A-Z][A-Za-z.'’\-]*)*)?"  # , Japan / , Spain / , South Korea
)
#: a dateline at the start of a paragraph: place, then " - "; partners' wire style too: place,
#: a date, the agency in brackets, then the dash ("WASHINGTON, Sept 26 (Reuters) - ",
#: "SEOUL, Sept. 25 (Yonhap) -- ", "WUDANG, China (AP) — ")
_WIRE_DATE = r"(?:,\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2})"
DATELINE_RE = re.compile(
    rf"^\s*(?P<place>{_PLACE})(?P<wire>{_WIRE_DATE}?\s*\((?P<agency>[A-Za-z][A-Za-z .&-]{{0,30}})\))?"
    r"\s+(?:--|[-–—])\s+(?P<rest>\S.*)$",
    re.S,
)
#: a dateline inside flattened text (a digest entry: headline, dateline, summary)
DATELINE_IN_TEXT_RE = re.compile(rf"(?:^|(?<=\s))(?P<place>{_PLACE})\s+[-–—]\s+(?=\S)")
END_MARK_RE = re.compile(r"\s*==\s*Kyodo\s*$", re.I)
SEPARATOR_RE = re.compile(r"^\s*[-–—_=]{5,}\s*$")
SEP = "----------"
RELATED_RE = re.compile(r"^\s*(?:Related coverage|Related articles?|Related stories|Read more)\s*:?\s*$", re.I)
DIGEST_TITLE_RE = re.compile(r"^\s*Kyodo News Digest\b", re.I)
DIGEST_INTRO_RE = re.compile(r"The following is the latest list of selected news summaries", re.I)
TITLE_SUFFIX_RE = re.compile(r"\s*[|｜\-–—:]\s*(?:KYODO NEWS\+?|Kyodo News(?:\+| Plus)?(?: English)?)\s*$", re.I)
#: names that are never a person (agency, site, placeholders)
NOT_A_PERSON_RE = re.compile(
    r"^(?:kyodo(?:\s+news)?(?:\+|\s+plus|\s+english)?|kyodo\s+news\s+digest|staff(?:\s+writer)?|no\s+author|"
    r"reuters|ap|afp|afp-jiji|jiji(?:\s+press)?|bloomberg|xinhua|yonhap|editorial|admin)$",
    re.I,
)
#: caption credits: "(Kyodo)", "(Photo courtesy of X)", "(Getty/Kyodo)", "(Pool photo)"
_CAPTION_CREDIT_RE = re.compile(r"\s*\((?P<credit>[^()]{1,100})\)\s*$")
_CREDIT_WORDS_RE = re.compile(r"kyodo|courtesy|photo|getty|reuters|\bap\b|afp|xinhua|yonhap|pool|jiji|©|copyright", re.I)
COPYRIGHT_RE = re.compile(r"(?:copyright\s*(?:©|\(c\))?|©|\(c\))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?Kyodo News[^\n]{0,80}", re.I)


#: the text nodes :func:`footer_texts` reads, as an XPath (its reference in the tests)
FOOTER_TEXTS_XPATH = ("//footer//text() | //*[contains(@class, 'copyright') or contains(@class, 'footer')"
                      " or contains(@id, 'footer') or contains(@class, 'legal')]//text()")


def _footer_box(el) -> bool:
    if el.tag == "footer":
        return True
    c = el.get("class")
    if c is not None and ("copyright" in c or "footer" in c or "legal" in c):
        return True
    i = el.get("id")
    return i is not None and "footer" in i


def footer_texts(root) -> Iterator[str]:
    """The text nodes of the footers and copyright/legal boxes in document order: what
    :data:`FOOTER_TEXTS_XPATH` finds, read by lxml's iterator (libxml2 evaluates the XPath's
    four class tests on every element: ~0.5 ms a page, against ~0.1)."""
    outer: list = []
    for el in root.iter():
        if not isinstance(el.tag, str) or not _footer_box(el):
            continue
        # in document order a box inside another comes after it, before anything that follows it
        if outer and any(a is outer[-1] for a in el.iterancestors()):
            continue
        outer.append(el)
    for box in outer:
        yield from box.itertext()


@dataclass
class CreditLine:
    """The parsed credit line ``KYODO NEWS - 2 hours ago - 15:00 | All, Japan, World``."""

    text: str
    agency: str
    age: str | None
    clock: str | None
    categories: list[str] = field(default_factory=list)

    @property
    def section(self) -> str | None:
        return next((c for c in self.categories if c.lower() != "all"), None)

    @property
    def tags(self) -> list[str]:
        return [c for c in self.categories if c.lower() != "all"]


def parse_credit_line(text: str | None, categories: list[str] | None = None) -> CreditLine | None:
    """Parse a whole credit line; ``categories`` (e.g. the ``p.credit > a`` texts) win over the text."""
    text = clean(text)
    if not text:
        return None
    m = CREDIT_RE.match(text)
    clock = m.group("clock") if m else None
    if not m:
        m = CREDIT_NO_CLOCK_RE.match(text)
        if not m:
            return None
    cats = [c for c in (clean(x) for x in (categories or [])) if c]
    if not cats and m.group("cats"):
        cats = [c for c in (clean(x) for x in m.group("cats").split(",")) if c]
    return CreditLine(text=text, agency=m.group("agency"), age=clean(m.group("age")), clock=clock,
                      categories=cats)


def strip_credit_prefix(text: str) -> tuple[str | None, str]:
    """Split a credit line off the start of flattened text: (credit line or None, rest).

    In flattened text the categories run into the body ("… | All, Japan, World The following
    …"): categories are taken while they are known Kyodo category names.
    """
    m = CREDIT_PREFIX_RE.match(text)
    if not m:
        return None, text
    rest = text[m.end():]
    if "|" not in m.group(0):
        return clean(m.group(0)), rest.strip()
    cats: list[str] = []
    while True:
        for name in sorted(KNOWN_CATEGORIES, key=len, reverse=True):
            if rest.startswith(name) and (len(rest) == len(name) or not rest[len(name)].isalnum()):
                cats.append(name)
                rest = rest[len(name):]
                break
        else:
            break
        if rest.startswith(","):
            rest = rest[1:].lstrip()
        else:
            break
    line = clean(m.group(0) + ", ".join(cats))
    return line, rest.strip()


def split_dateline(text: str | None) -> tuple[str | None, str | None]:
    """``"NAHA, Japan - The …"`` → ``("NAHA, Japan", "The …")``; no dateline → ``(None, text)``."""
    if text is None:
        return None, None
    m = DATELINE_RE.match(text)
    if not m:
        return None, text
    if m.group("wire") and not attr.lookup_agency(m.group("agency")):
        return None, text  # "(Photo) - …" is no wire dateline
    place = clean(m.group("place"))
    # one capital letter ("A - b") or a lone acronym-like token with no letters run is no place
    if not place or len(re.sub(r"[^A-Za-z]", "", place)) < 2:
        return None, text
    return place, m.group("rest").strip()


def strip_end_mark(text: str | None) -> str | None:
    """Remove a trailing ``==Kyodo`` end mark."""
    if text is None:
        return None
    return END_MARK_RE.sub("", text).rstrip()


#: usage terms printed among a caption's credits: not a credit (they go to the image's ``license``)
_USAGE_TERMS_RE = re.compile(r"\b(?:not\s+for\s+(?:sale|resale)|no\s+(?:sales?|resale|archiv\w*)|editorial\s+use|mandatory\s+credit)\b", re.I)


def split_caption_terms(caption: str | None) -> tuple[str | None, str | None, str | None]:
    """``"Ship. (Photo not for sale)(Kyodo) ==Kyodo"`` -> ``("Ship.", "Kyodo", "Photo not for sale")``.

    Trailing parentheses that read as credits are taken, several joined with "; " in page order
    (``(Courtesy of X)(Kyodo)`` -> "Courtesy of X; Kyodo"); usage terms among them ("Photo not
    for sale") are no credit and come third; other trailing parentheses stay in the caption.
    """
    text = strip_end_mark(clean(caption))
    if not text:
        return None, None, None
    credits: list[str] = []
    terms: list[str] = []
    while True:
        m = _CAPTION_CREDIT_RE.search(text)
        if not m:
            break
        inner = clean(m.group("credit")) or ""
        if _USAGE_TERMS_RE.search(inner):
            terms.insert(0, inner)
        elif _CREDIT_WORDS_RE.search(inner) or attr.lookup_agency(inner):
            credits.insert(0, inner)
        else:
            break
        text = text[: m.start()].rstrip()
    return clean(text), "; ".join(credits) or None, "; ".join(terms) or None


def split_caption_credit(caption: str | None) -> tuple[str | None, str | None]:
    """``"Ships at port. (Kyodo) ==Kyodo"`` -> ``("Ships at port.", "Kyodo")`` (usage terms dropped
    from both; :func:`split_caption_terms` returns them)."""
    text, credit, _ = split_caption_terms(caption)
    return text, credit


PLACEHOLDER_IMG_RE = re.compile(r"(?:loading|blank|spacer|dummy|noimage)[^/]*\.(?:gif|png|svg)$", re.I)
_TITLE_PARTS_RE = re.compile(r"\s+[|｜]\s+|\s*｜\s*")


def strip_title_suffix(title: str | None) -> str | None:
    """Drop the site name from a title: ``" | KYODO NEWS"``, ``" - Kyodo News"``, and trailing
    ``" | …"`` segments that name Kyodo (``"… | Kyodo News | Japan's news agency"``)."""
    if not title:
        return None
    parts = _TITLE_PARTS_RE.split(title)
    while len(parts) > 1 and re.search(r"kyodo|news agency", parts[-1], re.I):
        parts.pop()
    return clean(TITLE_SUFFIX_RE.sub("", " | ".join(parts)))


VISIBLE_DATE_RE = re.compile(
    r"\d{4}[-/.年]\d{1,2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2}|\d{1,2}:\d{2}|\bago\b", re.I
)
BYLINE_RE = re.compile(r"^\s*By\s+(?P<names>.+?)\s*$", re.I)


def byline_names(byline: str | None) -> list[str]:
    """``"By Mariko Tanaka and Ken Ito, KYODO NEWS"`` → ``["Mariko Tanaka", "Ken Ito"]`` (people only)."""
    m = BYLINE_RE.match(byline or "")
    if not m:
        return []
    parts = re.split(r"\s*,\s*|\s+and\s+|\s*&\s*", m.group("names"))
    return [p for p in (clean(x) for x in parts) if p and not NOT_A_PERSON_RE.match(p) and not p.isupper()]


def normalise_blocks(blocks: list[str]) -> list[str]:
    """Split blocks that hold ``----------`` inline (flattened text) into pieces and separators."""
    out: list[str] = []
    for b in blocks:
        if b == SEP or SEPARATOR_RE.match(b):
            out.append(SEP)
            continue
        parts = re.split(r"\s*-{5,}\s*", b)
        for i, part in enumerate(parts):
            if i:
                out.append(SEP)
            part = clean(part)
            if part:
                out.append(part)
    return out


@dataclass
class Brief:
    headline: str | None
    dateline: str | None
    body: str | None


def split_entry(blocks: list[str]) -> Brief | None:
    """One digest entry (its blocks between separators) → headline, dateline, body."""
    blocks = [b for b in (strip_end_mark(clean(x)) for x in blocks) if b]
    if not blocks:
        return None
    headline = place = None
    rest: list[str]
    if len(blocks) >= 2 and split_dateline(blocks[1])[0]:
        headline = blocks[0]
        place, lead = split_dateline(blocks[1])
        rest = [lead, *blocks[2:]]
    elif split_dateline(blocks[0])[0]:
        # an entry without a headline: it starts with its dateline
        place, lead = split_dateline(blocks[0])
        rest = [lead, *blocks[1:]]
    else:
        # flattened entry: "Headline DATELINE - summary" in one block
        m = DATELINE_IN_TEXT_RE.search(blocks[0], 1)
        if m and len(re.sub(r"[^A-Za-z]", "", m.group("place"))) >= 2:
            headline = clean(blocks[0][: m.start()])
            place = clean(m.group("place"))
            rest = [blocks[0][m.end():], *blocks[1:]]
        else:
            headline = blocks[0]
            rest = blocks[1:]
    return Brief(headline=clean(headline), dateline=place, body=join_paragraphs(rest))


def split_digest(blocks: list[str]) -> tuple[list[str], list[Brief]]:
    """A digest body (blocks in page order, separators as ``----------``) → (intro, entries).

    Works on ``<p>`` sequences separated by ``<p>----------</p>`` or ``<hr>`` (given as
    ``SEP``) and on one flattened text with the separators inline. No separator: no entries.
    """
    norm = normalise_blocks(blocks)
    if SEP not in norm:
        return norm, []
    groups: list[list[str]] = [[]]
    for b in norm:
        if b == SEP:
            groups.append([])
        else:
            groups[-1].append(b)
    intro = groups[0]
    if intro:
        _, rest = strip_credit_prefix(intro[0])
        intro = [x for x in [rest, *intro[1:]] if x]
    briefs = [b for b in (split_entry(g) for g in groups[1:]) if b and (b.headline or b.body)]
    return intro, briefs


# ------------------------------------------------------------------------------ markup helpers

_NO_TEXT_TAGS = {"script", "style", "noscript", "template", "svg"}
#: elements that end a run of inline text (their edges read as a space)
_BREAK_TAGS = {
    "p", "div", "section", "article", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4",
    "h5", "h6", "blockquote", "figure", "figcaption", "table", "thead", "tbody", "tr", "td", "th",
    "header", "footer", "aside", "nav", "pre", "hr", "br", "address", "main", "form",
}


def _tag(el) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def inline_text(el) -> str | None:
    """Collapsed text of an lxml element as a reader sees it: inline tags joined with no space
    added (``Die <b>E</b>uphorie`` -> "Die Euphorie"), ``<br>`` and block edges as a space,
    scripts, styles and comments left out."""
    if el is None or _tag(el) in _NO_TEXT_TAGS:
        return None
    parts = [el.text or ""]
    stack = [(el, iter(el))]
    while stack:  # a loop, not recursion: pages nest deep
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack:  # node is done: its edge, then its tail
                if _tag(node) in _BREAK_TAGS:
                    parts.append(" ")
                parts.append(node.tail or "")
            continue
        tag = _tag(child)
        if not tag or tag in _NO_TEXT_TAGS:  # a comment, a script: only its tail is text
            parts.append(child.tail or "")
            continue
        if tag in _BREAK_TAGS:
            parts.append(" ")
        parts.append(child.text or "")
        stack.append((child, iter(child)))
    return clean("".join(parts))


def node_text(node) -> str | None:
    """:func:`inline_text` of a parsel Selector (or lxml element)."""
    if node is None:
        return None
    return inline_text(getattr(node, "root", node))

_SKIP_TAGS = {"script", "style", "noscript", "figure", "figcaption", "aside", "nav", "form", "button",
              "iframe", "footer", "header", "template", "svg", "ul", "ol"}
_SKIP_CLASS_RE = re.compile(
    r"(^|[\s_-])(related|promo|share|sns|social|ad|ads|advert|banner|recommend|newsletter|"
    r"caption|photo|pic|mainpic|credit|tags?|keywords?|read-?more|widget|outbrain|taboola|video)($|[\s_-])",
    re.I,
)
_BLOCK_XPATH = ".//p | .//h2 | .//h3 | .//h4 | .//blockquote[not(.//p)] | .//hr"


def _skipped(node, container) -> bool:
    el = node.root
    stop = container.root
    cur = el
    while cur is not None and cur is not stop:
        tag = cur.tag if isinstance(cur.tag, str) else ""
        if tag.lower() in _SKIP_TAGS:
            return True
        label = f"{cur.get('class', '')} {cur.get('id', '')}"
        if label.strip() and _SKIP_CLASS_RE.search(label):
            return True
        if walls.wall_strength(cur):  # a sign-up/log-in box: never body text
            return True
        cur = cur.getparent()
    return False


def container_blocks(container) -> list[str]:
    """Paragraph texts of a body container in page order; ``<hr>`` and dash lines → ``SEP``.

    Chrome inside the container (figures, captions, related boxes, share bars, ads, lists of
    links) is skipped. A container with no block elements gives its text nodes.
    """
    out: list[str] = []
    nodes = container.xpath(_BLOCK_XPATH)
    for node in nodes:
        if _skipped(node, container):
            continue
        if node.root.tag == "hr":
            out.append(SEP)
            continue
        text = inline_text(node.root)
        if text:
            out.append(SEP if SEPARATOR_RE.match(text) else text)
    if not out:
        texts = container.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]").getall()
        out = [t for t in (clean(x) for x in texts) if t]
    return out


_CHROME_TAGS = {"nav", "aside", "footer", "header", "form"}


def _chrome_box(el) -> bool:
    if any(isinstance(a.tag, str) and a.tag.lower() in _CHROME_TAGS for a in [el, *el.iterancestors()]):
        return True
    label = f"{el.get('class', '')} {el.get('id', '')}"
    return bool(label.strip() and _SKIP_CLASS_RE.search(label))


def best_container(sel: Selector):
    """The element holding the most paragraph text (readability style: a ``<p>`` counts fully
    for its parent and half for its grandparent, so paragraphs wrapped one per ``<div>`` still
    find their common container). Elements inside nav/aside/footer/header/form or that are
    chrome boxes themselves are never chosen; None when the page has no paragraphs."""
    scores: dict[Any, float] = {}
    nodes: dict[Any, Any] = {}
    for p in sel.xpath("//body//p"):
        length = len(node_text(p) or "")
        if not length:
            continue
        for weight, axis in ((1.0, ".."), (0.5, "../..")):
            up = p.xpath(axis)
            if not up:
                continue
            el = up[0].root
            if el not in scores:
                scores[el] = -1.0 if _chrome_box(el) or el.tag == "body" else 0.0
                nodes[el] = up[0]
            if scores[el] >= 0:
                scores[el] += weight * length
    best = max((e for e in scores if scores[e] > 0), key=lambda e: scores[e], default=None)
    return nodes[best] if best is not None else None


# ------------------------------------------------------------------------------ page classes


class KyodoMixin(ArticlePage):
    """Kyodo text rules on top of any layout: ids, credit line, dateline, end mark, digests."""

    source = "kyodo"
    story_prefix = "kyodo"
    publisher_name = PUBLISHER
    default_language = "en"
    variant = "kyodo-generic"

    #: CSS of the layout's body container(s), tried in order; None → generic body
    body_css: tuple[str, ...] = ()
    #: CSS of the rendered credit line element
    credit_css: tuple[str, ...] = ("p.credit", ".credit", ".article__credit", ".byline")

    # ------------------------------------------------------------ ids
    def site_id(self) -> str | None:
        return first(site_id_from_url(self.url), site_id_from_url(self.canonical_url()))

    def canonical_url(self) -> str | None:
        url = super().canonical_url()
        if url and url.startswith("http://"):
            url = "https://" + url[len("http://"):]
        return url

    # ------------------------------------------------------------ credit line
    def credit_line(self) -> CreditLine | None:
        """The credit line from its element, else from any short page text that reads as one."""
        for css in self.credit_css:
            for node in self.sel.css(css):
                text = clean("".join(node.xpath(".//text()").getall()))
                cats = [node_text(a) for a in node.css("a")]
                line = parse_credit_line(text, [c for c in cats if c])
                if line:
                    return line
        for text in self.sel.xpath("//body//*[not(self::script)][not(*)]/text()").getall():
            if "KYODO NEWS" in text:
                line = parse_credit_line(text)
                if line:
                    return line
        return None

    @cached_property
    def credit(self) -> CreditLine | None:
        """The page's credit line, read once (None when absent or unreadable)."""
        try:
            return self.credit_line()
        except Exception as exc:  # noqa: BLE001 - a broken credit line never loses the page
            logger.warning("kyodo: credit line unreadable on %s: %r", self.url, exc)
            return None

    # ------------------------------------------------------------ headline / description
    def headline(self) -> str | None:
        # each layer only when the ones before found nothing (first() would run them all)
        return strip_title_suffix(
            ld_text(self.ld.get("headline")) or self.meta("og:title", "twitter:title") or self.site_headline()
            or generic.headline(self.sel) or None
        )

    def site_headline(self) -> str | None:
        return None

    def description(self) -> str | None:
        return strip_end_mark(super().description())

    # ------------------------------------------------------------ body
    def body_container(self):
        return self.first_css(self.body_css)

    def raw_blocks(self) -> list[str]:
        """Body paragraphs as printed (dateline, credit line and end mark still in); on an
        unknown layout the generic layer's first (docs/generic.md)."""
        if self.unknown_layout and self.generic_paragraphs:
            return self.generic_paragraphs
        node = self.body_container()
        if node is not None:
            blocks = container_blocks(node)
            if blocks:
                return blocks
        node = best_container(self.sel)
        if node is not None:
            blocks = container_blocks(node)
            if blocks:
                return blocks
        ld_body = self.ld.get("articleBody")
        if isinstance(ld_body, str) and ld_body.strip():
            return [b for b in (clean(x) for x in re.split(r"\n\s*\n|\r?\n", ld_body)) if b]
        return self.generic_paragraphs

    @cached_property
    def blocks(self) -> list[str]:
        """Raw blocks, credit-line prefix and ``==Kyodo`` end mark removed (separators kept)."""
        blocks = normalise_blocks(self.raw_blocks())
        # nothing after the (last) ==Kyodo end mark or a "Related coverage:" head is body
        marks = [i for i, b in enumerate(blocks) if b != SEP and END_MARK_RE.search(b)]
        if marks:
            blocks = blocks[: marks[-1] + 1]
        for i, b in enumerate(blocks):
            if RELATED_RE.match(b):
                blocks = blocks[:i]
                break
        if blocks and blocks[0] != SEP:
            credit, rest = strip_credit_prefix(blocks[0])
            if credit:
                blocks = [rest, *blocks[1:]]
        blocks = [b if b == SEP else strip_end_mark(b) for b in blocks]
        blocks = [b for b in blocks if b]
        while blocks and blocks[-1] == SEP:
            blocks.pop()
        return blocks

    def is_digest(self) -> bool:
        head = (ld_text(self.ld.get("headline")) or self.meta("og:title") or self.site_headline()
                or generic.headline(self.sel) or "")
        if DIGEST_TITLE_RE.search(head):
            return True
        blocks = self.blocks
        return bool(blocks and DIGEST_INTRO_RE.search(blocks[0]) and SEP in blocks)

    def body(self) -> str | None:
        blocks = [b for b in self.blocks if b != SEP]
        if not blocks:
            return None
        # the dateline leaves the body (a digest's intro may have one too: "TOKYO - The following …")
        _, lead = split_dateline(blocks[0])
        blocks = [lead, *blocks[1:]] if lead else blocks[1:]
        return join_paragraphs(strip_end_mark(b) for b in blocks)

    def dateline(self) -> str | None:
        blocks = [b for b in self.blocks if b != SEP]
        return split_dateline(blocks[0])[0] if blocks else None

    def body_truncated(self) -> bool | None:
        """What the page says about a wall (``crawler.extract.walls``) around the body container."""
        node = self.body_container()
        return walls.body_truncated(self.sel.root, node.root if node is not None else None, self.ld)

    # ------------------------------------------------------------ people, sections
    @staticmethod
    def is_agency_name(name: str | None, url: str | None = None) -> bool:
        """An agency or site given as an author (JSON-LD Person "KYODO NEWS" or "Yonhap" with a
        ``/list/partners/`` URL, ``meta[name=author]`` "KYODO NEWS"): never a person."""
        if not name:
            return True
        return bool(NOT_A_PERSON_RE.match(name) or name.upper().startswith("KYODO")
                    or attr.lookup_agency(name) or (isinstance(url, str) and partner_slug(url)))

    def not_author(self, name: str) -> bool:
        return self.is_agency_name(name)

    def ld_authors(self) -> list[Author]:
        return [a for a in super().ld_authors() if not self.is_agency_name(a.name, a.url)]

    def byline_authors(self) -> list[Author]:
        """The people of Kyodo's "By NAME, KYODO NEWS" line, else of the generic byline."""
        own = [Author(name=n, name_raw=n) for n in byline_names(self.byline())]
        return self.people_only(own) or super().byline_authors()

    def authors(self) -> list[Author]:
        if self.unknown_layout:  # the generic layer, Kyodo's agency names left out
            return self.generic_authors()
        out: list[Author] = []
        for a in ld_list(self.ld.get("author")):
            if isinstance(a, dict) and "Organization" in str(a.get("@type", "")):
                continue
            name = ld_text(a)
            url = a.get("url") if isinstance(a, dict) else None
            if name and not self.is_agency_name(name, url):
                out.append(Author(name=name, name_raw=name, url=url if isinstance(url, str) else None))
        if not out:
            for name in self.metas("author"):
                if not self.is_agency_name(name):
                    out.append(Author(name=name, name_raw=name))
        if not out:
            out = [Author(name=n, name_raw=n) for n in byline_names(self.byline())]
        return out

    def byline(self) -> str | None:
        """A visible "By NAME, KYODO NEWS" line (features), as printed."""
        for css in ("[class*=byline]", ".author", "p.by"):
            for node in self.sel.css(css):
                if self.unknown_layout and generic.outside_the_article(node):
                    continue  # an unseen layout's teasers and comments print other bylines
                text = element_text(node)
                if text and BYLINE_RE.match(text):
                    return text
        return None

    def section(self) -> str | None:
        credit = self.credit
        sec = credit.section if credit else None
        if not sec:
            sec = first(*[s for s in (ld_text(x) for x in ld_list(self.ld.get("articleSection"))) if s and s.lower() != "all"])
        if not sec:
            sec = self.meta("article:section")
        if not sec:
            sec = first(*[t for t in self.site_categories() if t.lower() != "all"])
        return sec if sec and sec.lower() != "all" else None

    def site_categories(self) -> list[str]:
        return []

    def tags(self) -> list[str]:
        credit = self.credit
        tags = list(credit.tags) if credit else []
        if not tags:
            tags = [t for t in self.site_categories() if t.lower() != "all"]
        if not tags:
            # keywords on Kyodo+ were mostly boilerplate ("Kyodo News Plus, Kyodo News, …"): drop those
            tags = [t for t in super().tags() if not re.match(r"(?i)^(kyodo\s*news|kyodonews|all|others|japan news)", t)]
        return tags

    # ------------------------------------------------------------ dates
    def broken_ld_value(self, key: str) -> str | None:
        """``"key": "value"`` read by regex from a JSON-LD block that is not valid JSON (the
        Kyodo+ CMS wrote its JSON-LD by template; a stray quote in a headline breaks it)."""
        if ld_text(self.ld.get(key)):
            return None
        for raw in self.sel.xpath('//script[@type="application/ld+json"]/text()').getall():
            m = re.search(rf'"{key}"\s*:\s*"([^"]{{4,40}})"', raw)
            if m:
                return clean(m.group(1))
        return None

    def hand_date_published(self) -> str | None:
        raw = (ld_text(self.ld.get("datePublished")) or self.broken_ld_value("datePublished")
               or super().hand_date_published())
        if raw:
            return raw
        credit = self.credit
        if credit:
            return credit.text
        return first(*self.visible_dates())

    def date_published_candidates(self) -> list[str]:
        cands = super().date_published_candidates()
        credit = self.credit
        if credit:
            cands.append(credit.text)
        cands += self.visible_dates()
        return list(dict.fromkeys(cands))

    def visible_dates(self) -> list[str]:
        """Short visible texts of date-like elements (``time``, ``[class*=date]``), as printed."""
        out = []
        for node in self.sel.css("time, [class*=date], [class*=Date]")[:6]:
            if node.xpath("ancestor::nav | ancestor::footer | ancestor::aside | ancestor::li"):
                continue
            text = node_text(node)
            if text and len(text) <= 60 and VISIBLE_DATE_RE.search(text):
                out.append(text)
        return out

    def date_modified_raw(self) -> str | None:
        return (ld_text(self.ld.get("dateModified")) or self.broken_ld_value("dateModified")
                or super().date_modified_raw() or None)

    def date_modified_candidates(self) -> list[str]:
        return list(dict.fromkeys(super().date_modified_candidates()))

    # ------------------------------------------------------------ images
    def site_images(self) -> list[Image]:
        return []

    def images(self) -> list[Image]:
        """The layout's own figures (caption and credit split); else JSON-LD/og:image."""
        out = self.site_images()
        if out:
            return out
        for img in super().images():
            cap, credit, terms = split_caption_terms(img.caption)
            out.append(Image(url=img.url, caption=cap, credit=credit or img.credit, license=img.license or terms))
        return out

    # ------------------------------------------------------------ rights
    def copyright(self) -> str | None:
        """As printed: a copyright meta, the footer's © line, else JSON-LD copyrightHolder/Year."""
        c = self.meta("copyright", "dcterms.rights")
        if c:
            return c
        for text in footer_texts(self.sel.root):
            m = COPYRIGHT_RE.search(text)
            if m:
                return clean(m.group(0))
        holder = ld_text(self.ld.get("copyrightHolder"))
        if holder:
            year = ld_text(self.ld.get("copyrightYear"))
            return f"© {year} {holder}" if year else f"© {holder}"
        return None

    def original_publisher(self) -> str | None:
        return PUBLISHER

    def language(self) -> str | None:
        return super().language() or "en"

    def hints(self) -> dict[str, Any]:
        h: dict[str, Any] = {"tz": TZ, "credit": CREDIT}
        byline = self.byline()
        if byline:
            h["byline"] = byline
        credit = self.credit
        if credit:
            h["credit_line"] = credit.text
        return h

    # ------------------------------------------------------------ digests
    def extra_items(self, article: Article) -> list[Article]:
        if not self.is_digest():
            return []
        _, briefs = split_digest(self.blocks)
        if not briefs:
            logger.warning("kyodo: digest %s has no separated entries", self.url)
            return []
        parent = article.canonical_url or article.url
        did = self.site_id() or hashlib.sha256((parent or "").encode("utf-8")).hexdigest()[:16]
        links = self.entry_links()
        out = []
        for n, b in enumerate(briefs, 1):
            story_url = links.get(b.headline or "")
            story = site_id_from_url(story_url)
            item = Article(
                url=f"{article.url.split('#', 1)[0]}#brief-{n}",
                canonical_url=f"{(parent or article.url).split('#', 1)[0]}#brief-{n}",
                source=self.source, kind="brief", item_id=f"{self.source}:{did}-{n}",
                story_id=f"{self.story_prefix}:{story}" if story else None,
                headline=b.headline, body=b.body, language=article.language, dateline=b.dateline,
                publisher=article.publisher, original_publisher=article.original_publisher,
                is_republication=False, date_published_raw=article.date_published_raw,
                date_modified_raw=article.date_modified_raw, fetched_at=article.fetched_at,
                copyright=article.copyright, parent_url=parent, section=None,
                # a wall cuts the page at its end: only the last entry can be the cut one
                body_truncated=False if article.body_truncated and n < len(briefs) else article.body_truncated,
            )
            item.hints = copy.deepcopy({k: v for k, v in article.hints.items() if k != "_record"})
            item.hints["brief_index"] = n
            if story_url:
                item.hints["story_url"] = story_url
            out.append(item)
        return out


    def entry_links(self) -> dict[str, str]:
        """Digest entry headlines that link to their full story: headline text -> article URL
        (a paragraph whose whole text is one link, e.g. ``<p><a><u><strong>…</strong></u></a></p>``)."""
        node = self.body_container()
        if node is None:
            return {}
        out: dict[str, str] = {}
        for block in node.xpath(".//p[.//a] | .//h2[.//a] | .//h3[.//a] | .//h4[.//a]"):
            links = block.xpath(".//a[@href]")
            if len(links) != 1:
                continue
            text = node_text(block)
            url = article_url(attr_of(links[0], "href"), self.url)
            if text and url and text == node_text(links[0]):
                out.setdefault(text, url)
        return out


class KyodoPlus2017(KyodoMixin):
    """The "Kyodo News+" CMS (2017 to mid-2025): ``/news/YYYY/MM/<12 hex>-<slug>.html``.

    Selectors from RSSHub's Kyodo Chinese-edition route (sites.md 3.1, [C]): ``head > title``,
    ``meta[name=author]``, ``div.mainpic img[data-src]``, ``div.article-body``, JSON-LD naive
    JST dates, ``p.credit > a`` categories. Written for fixtures/kyodo/plus2017_tokyo,
    plus2017_naha and digest_2025_06_28.
    """

    variant = "KyodoPlus2017"
    unknown_layout = False
    body_css = ("div.article-body", "div.article_body", "div.main-text")

    @classmethod
    def matches(cls, sel: Selector, url: str) -> bool:
        # the CMS served its articles at its own URL shape only: a ``div.article-body`` (a common
        # class) on a page at any other URL is an unseen layout, read by the generic layer
        return bool(OLD_URL_RE.search(urlparse(url).path + "#")) and bool(sel.css("div.article-body, div.mainpic, p.credit"))

    def site_headline(self) -> str | None:
        return strip_title_suffix(clean(self.sel.xpath("//head/title/text()").get()) or self.css_text("h1"))

    def headline(self) -> str | None:
        # the CMS's own title first: its JSON-LD/og titles were often shortened
        return self.site_headline() or super().headline() or None

    def site_categories(self) -> list[str]:
        return self.css_texts("p.credit a")

    def site_images(self) -> list[Image]:
        """``div.mainpic`` (lazy ``data-src``) and photos inside the body, caption credits split."""
        out: list[Image] = []
        seen: set[str | None] = set()
        for pic in self.sel.css("div.mainpic, div.article-body figure, div.article-body div.photo, div.article-body div.pic"):
            img = pic.css("img")
            if not img:
                continue
            src = first(attr_of(img[0], "data-src"), attr_of(img[0], "data-original"), attr_of(img[0], "src"))
            if not src or src.startswith("data:") or PLACEHOLDER_IMG_RE.search(src) or self.absolute(src) in seen:
                continue
            seen.add(self.absolute(src))
            cap_text = first(
                clean(" ".join(t for t in (node_text(n) for n in pic.css("figcaption, p, span.caption, div.caption")) if t)),
                clean(attr_of(img[0], "alt")),
            )
            cap, credit, terms = split_caption_terms(cap_text)
            out.append(Image(url=self.absolute(src), caption=cap, credit=credit, license=terms))
        return out


#: body children that are never text: ad slots, share bars, embeds, related boxes
_JW_SKIP_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:g-ad|ad|ads|advert|gpt|banner|sns|share|social|related|recommend|newsletter|"
    r"podcast-container|noprovide|embed|widget|outbrain|taboola)(?:$|[\s_-])|div-gpt-ad",
    re.I,
)
_JW_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "figure", "figcaption",
                 "form", "button", "select", "textarea", "aside", "nav", "header", "footer", "video",
                 "audio", "object", "picture", "img"}
#: elements whose text is one body block
_JW_BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "pre", "tr", "dt", "dd", "div", "section"}


def _jw_skipped(el) -> bool:
    tag = _tag(el)
    if not tag or tag in _JW_SKIP_TAGS:
        return True
    label = f"{el.get('class', '')} {el.get('id', '')}".strip()
    if label and _JW_SKIP_CLASS_RE.search(label):
        return True
    return bool(walls.wall_strength(el))


def flow_blocks(container) -> list[str]:
    """Text blocks of a body element in page order: each paragraph, sub-head, quote or list item
    is one block; loose text between them (``text<br><br>text``) makes blocks too; ``<hr>`` and
    dash lines are ``SEP``. Figures, captions, embeds, ads, share bars, related boxes and wall
    boxes are skipped."""
    blocks: list[str] = []
    run: list[str] = []

    def flush() -> None:
        text = clean("".join(run))
        run.clear()
        if text:
            blocks.append(SEP if SEPARATOR_RE.match(text) else text)

    run.append(container.text or "")
    stack = [(container, iter(container))]
    last_br = False
    while stack:  # a loop, not recursion: pages nest deep
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack:
                if _tag(node) in _JW_BLOCK_TAGS:
                    flush()
                elif _tag(node) in _BREAK_TAGS:
                    run.append(" ")
                run.append(node.tail or "")
            continue
        tag = _tag(child)
        if _jw_skipped(child):
            if tag in _JW_BLOCK_TAGS or tag in ("figure", "iframe", "form", "aside"):
                flush()  # a box between paragraphs ends the text before it
            run.append(child.tail or "")
            continue
        if tag == "hr":
            flush()
            blocks.append(SEP)
            run.append(child.tail or "")
            continue
        if tag == "br":
            if last_br:
                flush()  # <br><br>: a paragraph break in loose text
            else:
                run.append(" ")
            last_br = not (child.tail or "").strip()  # text after it: the next <br> is a line break
            run.append(child.tail or "")
            continue
        last_br = False
        if tag in _JW_BLOCK_TAGS:
            flush()
        elif tag in _BREAK_TAGS:
            run.append(" ")
        run.append(child.text or "")
        stack.append((child, iter(child)))
    flush()
    return blocks


def _img_src(img) -> str | None:
    """An image's URL: ``data-src``/``src``, else the first ``srcset`` candidate; None when empty."""
    for attr_name in ("data-src", "data-original", "src"):
        src = clean_href(attr_of(img, attr_name))
        if src and not src.startswith("data:") and not PLACEHOLDER_IMG_RE.search(src):
            return src
    srcset = clean(attr_of(img, "srcset") or attr_of(img, "data-srcset"))
    if srcset:
        return srcset.split(",")[0].split()[0] or None
    return None


class KyodoJapanWire(KyodoMixin):
    """The relaunched site "Japan Wire by Kyodo News" (2025 onward, ISM CMS): ``/articles/-/<number>``.

    Built from real pages (../shared/realpages/kyodo_2026_*, described in its README.md):

    * headline ``h1.article-ttl`` (after JSON-LD); agency line ``a.article-header-info__link``
      (``/list/partners/<agency>``) with an optional ``span.article-header-info__author`` byline;
      ``time.article-header-info__time[datetime]`` without a zone (JST), a fallback to JSON-LD;
    * categories ``a.article-header-cate__link``: "All", then the section, then topics;
    * images: the lead ``figure.article-header-img-main`` or the carousel slides
      (``.article-header-img__item``; the thumbnail strip is skipped), in-body
      ``figure.image-area``; captions end with their credits (``(Photo not for sale)(Kyodo)``);
    * body ``div.article-body__inner`` (Kyodo's own stories put all but the first paragraph in
      ``div.paywalled-content``); not body: "Related coverage", the Popular and "More from" lists,
      ad slots, the date/agency footer, and a login wall's sign-up box;
    * a partner's copy (Yonhap, Reuters, AP, Animate Times) names the partner in the agency line.
    """

    variant = "KyodoJapanWire"
    unknown_layout = False
    body_css = ("div.article-body__inner", "div.article-body")

    @classmethod
    def matches(cls, sel: Selector, url: str) -> bool:
        return bool(sel.css("h1.article-ttl, div.article-body__inner, div.article-header-info"))

    # ------------------------------------------------------------ header
    def site_headline(self) -> str | None:
        return first(*(node_text(n) for n in self.sel.css("h1.article-ttl")))

    def credit_line(self) -> CreditLine | None:
        return None  # the relaunched site prints no "KYODO NEWS - 2 hours ago - 15:00 | …" line

    def agency_link(self):
        """The header's agency link (the footer's when the header has none)."""
        for css in ("a.article-header-info__link", "a.article-footer-info__link"):
            for node in self.sel.css(css):
                if node_text(node):
                    return node
        return None

    def agency_name(self) -> str | None:
        """Who the story is from, as printed: "KYODO NEWS", "Yonhap", "AP News", "Animate Times"."""
        node = self.agency_link()
        if node is not None:
            return node_text(node)
        for a in ld_list(self.ld.get("author")):
            if isinstance(a, dict) and partner_slug(a.get("url") if isinstance(a.get("url"), str) else None):
                return ld_text(a)
        return clean(self.sel.css("img.article-header-info__img::attr(alt)").get())

    def is_own_story(self) -> bool:
        name = self.agency_name()
        if not name:
            return True  # no agency named: the site's own
        node = self.agency_link()
        slug = partner_slug(attr_of(node, "href")) if node is not None else None
        return attr.canonical_agency(name) == PUBLISHER or (slug or "").replace("-", "_") == "kyodo_news"

    def original_publisher(self) -> str | None:
        if self.is_own_story():
            return PUBLISHER
        name = self.agency_name()
        return attr.canonical_agency(name) or name

    def is_republication(self) -> bool:
        return not self.is_own_story()

    def byline(self) -> str | None:
        """``span.article-header-info__author`` as printed ("By Shim Sun-ah,")."""
        return first(*(node_text(n) for n in self.sel.css(".article-header-info__author")))

    def authors(self) -> list[Author]:
        """People of the byline; JSON-LD authors that are agencies (Person "KYODO NEWS",
        "Yonhap", …) are never people."""
        byline = self.byline()
        if byline:
            people, _ = attr.split_byline(byline)
            if people:
                return [Author(name=n, name_raw=byline) for n in people]
        return [a for a in super().authors() if a.name != self.agency_name()]

    def categories(self) -> list[str]:
        return [c for c in (node_text(n) for n in self.sel.css("a.article-header-cate__link")) if c]

    def site_categories(self) -> list[str]:
        return self.categories()

    def section(self) -> str | None:
        """The first category after "All"."""
        return first(*[c for c in self.categories() if c.lower() != "all"]) or super().section()

    def tags(self) -> list[str]:
        """The categories without "All" (the section first)."""
        return [c for c in self.categories() if c.lower() != "all"] or super().tags()

    # ------------------------------------------------------------ dates
    def header_times(self) -> list[str]:
        """The header's (then the footer's) time: ``datetime`` attribute first, then the text."""
        out: list[str] = []
        for css in ("time.article-header-info__time", "time.article-footer-info__time"):
            for node in self.sel.css(css):
                out += [c for c in (clean(attr_of(node, "datetime")), node_text(node)) if c]
        return list(dict.fromkeys(out))

    def date_published_raw(self) -> str | None:
        return first(ld_text(self.ld.get("datePublished")), *self.header_times()) or super().date_published_raw()

    def date_published_candidates(self) -> list[str]:
        # not the page's other visible dates: the Popular and "More from" lists carry their own
        cands = [ld_text(self.ld.get("datePublished")), *self.header_times(), *ArticlePage.date_published_candidates(self)]
        return list(dict.fromkeys(c for c in cands if c))

    # ------------------------------------------------------------ body
    def raw_blocks(self) -> list[str]:
        node = self.body_container()
        if node is not None:
            blocks = flow_blocks(node.root)
            if blocks:
                return blocks
        return super().raw_blocks()

    def body_truncated(self) -> bool | None:
        """True behind a login wall (a sign-up box where the text stops, or the JSON-LD gated
        part missing); otherwise False when the body element is there: the layout is known."""
        found = super().body_truncated()
        if found is None and self.body_container() is not None:
            return False
        return found

    # ------------------------------------------------------------ images
    def figures(self) -> list:
        """Lead image or carousel slides, then the body's figures (thumbnail strips skipped)."""
        # ``//*[...]//figure`` read by lxml's figure iterator and a class test of the ancestors:
        # libxml2 would test every element's class (~0.5 ms a page, against ~0.07)
        return self.sel.selectorlist_cls([Selector(root=f, type="html") for f in self.sel.root.iter("figure")
                                          if any(has_class(a, "article-header-img") or has_class(a, "article-body")
                                                 for a in f.iterancestors() if a.get("class") is not None)])

    def site_images(self) -> list[Image]:
        out: list[Image] = []
        seen: set[str] = set()
        for fig in self.figures():
            if "thumb" in (attr_of(fig, "class") or ""):
                continue
            img = fig.css("img")
            src = _img_src(img[0]) if img else None
            url = self.absolute(src) if src else None
            # one picture in two sizes (``635m`` lead, ``635mw`` body) is one image
            key = urlparse(url).path.rsplit("/", 1)[-1] if url else None
            if not url or key in seen:
                continue
            seen.add(key)
            cap, credit, terms = split_caption_terms(first(*(node_text(c) for c in fig.css("figcaption"))))
            out.append(Image(url=url, caption=cap, credit=credit, license=terms))
        return out

    # ------------------------------------------------------------ rights, hints
    def copyright(self) -> str | None:
        """The footer's "© Kyodo News." is the site's: a partner's copy gets none."""
        return super().copyright() if self.is_own_story() else None

    def hints(self) -> dict[str, Any]:
        h = super().hints()
        agency = self.agency_name()
        if agency:
            h["credit"] = agency
        return h


class KyodoGeneric(KyodoMixin):
    """Any other Kyodo page (an unseen layout): JSON-LD/meta, the generic body, Kyodo text rules.

    Written for fixtures/kyodo/unknown_layout and nostructured_fallback.
    """

    variant = "KyodoGeneric"
    body_css = ("[itemprop=articleBody]", "div.article-body", "div.article__body", "div.article_body")

    def images(self) -> list[Image]:
        """JSON-LD/og image first, then the page's figures (``img`` + ``figcaption``)."""
        out = super().images()
        seen = {i.url for i in out}
        for fig in self.sel.xpath("//body//figure[.//img][not(ancestor::header or ancestor::footer or ancestor::nav or ancestor::aside)]"):
            src = first(fig.css("img::attr(data-src)").get(), fig.css("img::attr(src)").get())
            url = self.absolute(src) if src and not src.startswith("data:") else None
            if not url or url in seen:
                continue
            seen.add(url)
            cap, credit, terms = split_caption_terms(first(*(node_text(c) for c in fig.css("figcaption"))))
            out.append(Image(url=url, caption=cap, credit=credit, license=terms))
        return out


PAGE_CLASSES: list[type[ArticlePage]] = [KyodoJapanWire, KyodoPlus2017, KyodoGeneric]


# ------------------------------------------------------------------------------ listings

#: homepage and list blocks of the relaunched site, most prominent first (page order within each)
LISTING_BLOCKS = (
    "article.top-news-main", "article.top-news-sub__item", "div.m-category-box", "article.m-article-item",
)


@dataclass
class ListingEntry:
    url: str
    date_raw: str | None = None  # the date printed beside the link: ``datetime``, else the text


def _entry_date(a) -> str | None:
    """The date beside a listing link: the ``time`` of its nearest block (``article``, ``li``),
    ``datetime`` first (``2026-09-27T21:12``, zone-less JST), else its text ("11 hours ago",
    ``Sep 26,2026``)."""
    for block in a.xpath("ancestor::*[self::article or self::li][1]"):
        for t in block.css("time"):
            return first(clean(attr_of(t, "datetime")), node_text(t))
    return None


def listing_entries(sel: Selector, base_url: str) -> list[ListingEntry]:
    """Article links of a Kyodo listing page (homepage, ``/list/news/<section>``,
    ``/list/partners/<agency>``) with the date beside each: the site's blocks first, in page
    order, then every other article-shaped link of the page. Hrefs are cleaned as a browser does
    (whitespace and tabs dropped); queries and fragments are dropped; each URL once."""
    seen: dict[str, ListingEntry] = {}
    nodes = [a for css in LISTING_BLOCKS for a in sel.css(f"{css} a[href]")]
    nodes += [a for a in sel.xpath("//a[@href]")]
    for a in nodes:
        url = article_url(attr_of(a, "href"), base_url)
        if not url:
            continue
        entry = seen.get(url)
        if entry is None:
            seen[url] = entry = ListingEntry(url)
        if entry.date_raw is None:
            entry.date_raw = _entry_date(a)
    return list(seen.values())


def listing_day(entry: ListingEntry, fetched_at: str | None) -> str | None:
    """``YYYY-MM-DD`` (JST) of a listing entry's date, read like any Kyodo date (relative ages
    from the fetch time, yearless dates to the nearest year), else None."""
    if not entry.date_raw:
        return None
    try:
        value = parse_date(entry.date_raw, site="kyodo", fetched_at=fetched_at)
    except Exception:  # noqa: BLE001 - an unreadable date never loses the link
        return None
    return value[:10] if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value) else None
