"""The Conversation (theconversation.com): pure page parsers (no Scrapy imports).

Layout variants, most specific first (see ../shared/sites.md section 1):

* :class:`Conversation2026` -- ``aside.content-sidebar``, ultra-wide lead image, ``img.native-lazy``.
* :class:`Conversation2023` -- ``div.content-sidebar``, lead ``div.image`` + ``img[itemprop=image]``,
  ``img.lazyload[data-src]``, share bar ``aside.content-social-distribution``.
* :class:`ConversationGeneric` -- any other Conversation page: meta tags, microdata
  (``itemprop`` headline/author/datePublished/articleBody) and the generic body reader.

The site has no JSON-LD: structured data is microdata plus ``<meta>`` tags.
Atom feed entries are turned into items by :func:`article_from_entry` (the Atom
``<content>`` holds the whole body).
"""
from __future__ import annotations

import copy
import html as html_lib
import logging
import re
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlparse

from lxml import etree, html as lxml_html
from parsel import Selector

from crawler.extract import generic, walls
from crawler.extract.dom import attr_of, by_id, drop_keep_tail, element_text, first_match, head_first, scoped_css
from crawler.items import Article, Author, Image
from crawler.sites.base import ArticlePage
from crawler.text import clean, first, join_paragraphs

logger = logging.getLogger(__name__)

SITE = "https://theconversation.com"
PUBLISHER = "The Conversation"
#: The licence of every Conversation article (Atom <rights>: "Creative Commons – attribution,
#: no derivatives"; the republishing guidelines name version 4.0).
LICENSE = "CC BY-ND 4.0"

#: IANA zone of the visible times of each edition (``meta[name=current-region]``).
EDITION_TZ = {
    "uk": "Europe/London",
    "africa": "Africa/Johannesburg",
    "au": "Australia/Sydney",
    "us": "America/New_York",
    "ca": "America/Toronto",
    "ca-fr": "America/Toronto",
    "nz": "Pacific/Auckland",
    "id": "Asia/Jakarta",
    "fr": "Europe/Paris",
    "es": "Europe/Madrid",
    "br": "America/Sao_Paulo",
    "europe": "Europe/Brussels",
    "global": "UTC",
}
#: Language of each edition's pages (used only when the page itself declares none).
EDITION_LANG = {
    "uk": "en-GB", "africa": "en-ZA", "au": "en-AU", "us": "en-US", "ca": "en-CA", "ca-fr": "fr-CA",
    "nz": "en-NZ", "id": "id-ID", "fr": "fr-FR", "es": "es", "br": "pt-BR", "europe": "en", "global": "en",
}

ARTICLE_URL_RE = re.compile(r"^https?://(?:www\.)?theconversation\.com/([a-z0-9]+(?:-[a-z0-9]+)*)-(\d+)/?(?:[?#].*)?$")
#: First path segments that are never articles even when they end in digits.
NON_ARTICLE_PREFIXES = ("profiles", "topics", "institutions", "columns", "partners", "newsletters",
                        "republishing", "events", "feeds", "search", "become-an-author", "who-we-are")
_ID_RE = re.compile(r"-(\d+)/?(?:[?#].*)?$")
_COUNTER_RE = re.compile(r"counter\.theconversation\.com/content/(\d+)/")
_ENTRY_ID_RE = re.compile(r"article/(\d+)\s*$")

# --- promos fenced by <hr> -------------------------------------------------------------
_PROMO_HREF = re.compile(
    r"tcnv\.link|/newsletters?\b|utm_(?:source|medium|campaign)=|/donate|/subscribe|/signup|/sign-up|/podcasts?/",
    re.I,
)
_PROMO_TEXT = re.compile(
    r"newsletter|sign up|subscribe|read more from|more from (?:this|our) series|in your inbox|"
    r"this article is part of|our (?:\w+ ){0,3}series|get (?:the|our) .{0,60}(?:free|delivered|daily|weekly)",
    re.I,
)
#: a word (lower case) that every alternative of _PROMO_TEXT contains
_PROMO_WORDS = ("newsletter", "sign up", "subscribe", "more from", "in your inbox", "part of", "series", "get ")
#: Longest fenced block still treated as a promo (characters of text).
PROMO_MAX_CHARS = 2500
_BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "table", "dl"}
_DROP_TAGS = {"figure", "figcaption", "img", "picture", "script", "style", "noscript", "iframe", "video",
              "audio", "svg", "button", "form", "aside", "nav", "template", "object", "embed"}


def article_id(url: str | None) -> str | None:
    """Trailing number of a Conversation article URL (the stable article id)."""
    if not url:
        return None
    m = _ID_RE.search(url.strip())
    return m.group(1) if m else None


def is_article_url(url: str | None) -> bool:
    """``https://theconversation.com/<slug>-<id>`` and not a profile/topic/institution page."""
    if not url:
        return False
    m = ARTICLE_URL_RE.match(url.strip())
    if not m:
        return False
    path = urlparse(url).path.strip("/")
    return "/" not in path and not path.startswith(NON_ARTICLE_PREFIXES)


def force_https(url: str | None) -> str | None:
    if url and url.startswith("http://"):
        return "https://" + url[len("http://"):]
    return url


# ====================================================================================
# role / affiliation
# ====================================================================================
_INSTITUTION_WORDS = re.compile(
    r"\b(Universit|Institut|College|School|Academy|Hospital|Centre|Center|Council|Laboratory|"
    r"Foundation|Trust|Agency|Museum|Society|Polytechnic|Research|Department|Ministry|NHS)", re.I,
)


def split_role(text: str | None, institutions: list[str] | tuple[str, ...] = ()) -> tuple[str | None, str | None]:
    """``"Professor of Anthropology, University of Tennessee"`` -> (role, affiliation).

    The affiliation is the part after the last comma; an institution named in
    ``meta[name=institution]`` that ends the text wins (institutions may contain commas).
    """
    text = clean(text)
    if not text:
        return None, None
    for inst in sorted((clean(i) or "" for i in institutions), key=len, reverse=True):
        if not inst:
            continue
        if text == inst:
            return None, inst
        if text.endswith(inst) and text[: -len(inst)].rstrip().endswith(","):
            role = clean(text[: -len(inst)].rstrip().rstrip(","))
            return role, inst
    if "," in text:
        role, aff = text.rsplit(",", 1)
        return clean(role), clean(aff)
    if _INSTITUTION_WORDS.search(text):
        return None, text
    return text, None


def split_atom_author(text: str | None) -> tuple[str | None, str | None, str | None]:
    """Atom ``<name>``: ``"Name, role, institution"`` -> (name, role, affiliation)."""
    text = clean(text)
    if not text:
        return None, None, None
    if "," not in text:
        return text, None, None
    name, rest = text.split(",", 1)
    role, aff = split_role(rest)
    return clean(name), role, aff


# ====================================================================================
# body cleaning (shared by article pages and Atom <content>)
# ====================================================================================
def _text(el) -> str:
    """Text of an element with <br> as a space (inline tags do not add spaces).

    Without a ``<br>`` this is lxml's text serialisation (C: ~1.3 us a paragraph where the
    walk of :func:`_text_walk` takes ~5.5); with one, or on a comment, the walk."""
    if isinstance(el.tag, str) and next(el.iter("br"), None) is None:
        return _TO_TEXT(el, method="text", encoding=str, with_tail=False)
    return _text_walk(el)


_TO_TEXT = etree.tostring


def _text_walk(el) -> str:
    """:func:`_text` by a walk of the element (``<br>`` read as a space; comments and processing
    instructions give only their tail): the reference the serialisation is tested against."""
    parts: list[str] = []

    def walk(node):
        if not isinstance(node.tag, str):  # comments, processing instructions
            if node.tail:
                parts.append(node.tail)
            return
        if node.tag == "br":
            parts.append(" ")
        elif node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail and isinstance(child.tag, str):
                parts.append(child.tail)

    walk(el)
    return "".join(parts)


#: The disclosure statement closing every article ("X receives funding from ...", "X does not
#: work for, consult, own shares in or receive funding from any company ...").
_DISCLOSURE_RE = re.compile(r"\b(?:receives?|has received) funding from\b|\bdoes not work for, consult, own shares in\b")
_JUNK_CLASSES = frozenset({"inline-promos-skeleton", "fine-print", "content-disclosure-statement", "slot",
                           "placeholder-container", "content-partners", "funding-statement"})


def _is_junk(el) -> bool:
    """Elements never part of the body text, wherever they are."""
    tag = el.tag
    if not isinstance(tag, str) or tag in _DROP_TAGS:
        return True
    cls = el.get("class")
    if cls and not _JUNK_CLASSES.isdisjoint(cls.split()):
        return True
    return el.get("inline-promo-placement") is not None


def _strip_junk(root, keep_figures: bool = False) -> None:
    # what is inside a figure, found once (dropping junk never moves an element out of its figure)
    in_figure = {d for fig in root.iter("figure") for d in fig.iterdescendants()} if keep_figures else ()
    for el in list(root.iter()):
        if el is root or el.getparent() is None:
            continue
        if keep_figures and (el.tag in _FIGURE_PARTS or el in in_figure):
            continue
        if _is_junk(el):
            _drop(el)


_drop = drop_keep_tail  # remove an element, keep its tail text


def _segment_is_promo(nodes: list) -> bool:
    nodes = [n for n in nodes if isinstance(n.tag, str) and n.tag != "figure"]
    # clean(" ".join(texts)) is " ".join of the non-empty clean(text)s: built node by node, so a
    # long segment (the rest of the body after an early <hr>) stops as soon as it is too long
    parts: list[str] = []
    size = -1
    for n in nodes:
        part = clean(_text(n))
        if part:
            parts.append(part)
            size += len(part) + 1
            if size > PROMO_MAX_CHARS:
                return False
    text = " ".join(parts)
    if not text:
        return True  # an empty fenced block (e.g. a newsletter image only)
    hrefs = [a.get("href") or "" for n in nodes if isinstance(n.tag, str) for a in n.iter("a")]
    return any(_PROMO_HREF.search(h) for h in hrefs) or _promo_text(text)


def _promo_text(text: str) -> bool:
    """``_PROMO_TEXT.search(text)``; an ASCII text none of whose words the pattern needs is
    answered without the regex (each alternative contains one of ``_PROMO_WORDS``; for non-ASCII
    text the regex's case folding goes beyond ``str.lower``, so it always runs)."""
    if text.isascii():
        low = text.lower()
        if not any(w in low for w in _PROMO_WORDS):
            return False
    return bool(_PROMO_TEXT.search(text))


def _drop_fenced_promos(container) -> None:
    """Drop promo blocks that follow an <hr>: up to the next <hr> (a fenced series/newsletter
    promo) or to the end of the body (a trailing newsletter block). The text before the
    first <hr> is never dropped, nor a fenced block that does not look like a promo."""
    children = [c for c in container if isinstance(c.tag, str)]
    hr_positions = [i for i, c in enumerate(children) if c.tag == "hr"]
    doomed: list = []
    for n, pos in enumerate(hr_positions):
        end = hr_positions[n + 1] if n + 1 < len(hr_positions) else len(children)
        segment = children[pos + 1:end]
        if segment and _segment_is_promo(segment):
            doomed.extend(segment)
    for el in doomed:
        _drop(el)
    for pos in hr_positions:
        _drop(children[pos])


def _paragraphs(container) -> list[str]:
    out: list[str] = []

    def emit_children(el):
        if el.text and el.text.strip():
            out.append(el.text)
        for c in el:
            if isinstance(c.tag, str):
                emit(c)
            if c.tail and c.tail.strip():
                out.append(c.tail)

    def emit(el):
        if el.tag in ("ul", "ol") or (
            el.tag in ("blockquote", "div", "section", "li")
            and any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in el)
        ):
            emit_children(el)  # list items and nested blocks become their own paragraphs
        else:
            out.append(_text(el))

    emit_children(container)
    return [p for p in (clean(x) for x in out) if p]


def _pruned(node, keep_figures: bool = False):
    """A copy of a body element without promos, disclosures and (unless kept) figures."""
    root = copy.deepcopy(node)
    root.tail = None
    _strip_junk(root, keep_figures)
    _drop_fenced_promos(root)
    return root


def clean_body(node) -> list[str]:
    """Paragraphs of a Conversation body element (lxml element; it is copied, never changed)."""
    return _paragraphs(_pruned(node))


_FIGURE_PARTS = ("figure", "figcaption", "img", "picture")


def body_and_figures(node) -> tuple[list[str], list[Selector]]:
    """``(clean_body(node), body_figures(node))`` from one pruned copy of NODE instead of two:
    the copy keeps the figures, which are taken out (tails kept) once they are listed."""
    root = _pruned(node, keep_figures=True)
    figures = [Selector(root=f, type="html") for f in root.iter("figure")]
    for el in list(root.iter(*_FIGURE_PARTS)):
        # a part inside a figure (or picture) goes with it; the figures listed stay whole
        if el.getparent() is not None and not any(a.tag in _FIGURE_PARTS for a in el.iterancestors()):
            _drop(el)
    return _paragraphs(root), figures


def body_figures(node) -> list[Selector]:
    """The ``<figure>`` elements of a body element that are not inside a promo block."""
    root = _pruned(node, keep_figures=True)
    return [Selector(root=f, type="html") for f in root.iter("figure")]


def body_from_html(fragment: str | None) -> list[str]:
    """Paragraphs of an HTML fragment (Atom ``<content>``)."""
    if not fragment or not fragment.strip():
        return []
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return clean_body(root)


# ====================================================================================
# images
# ====================================================================================
def _img_url(img, base: str) -> str | None:
    for attr in ("data-src", "src", "data-original"):
        v = (attr_of(img, attr) or "").strip()
        if v and not v.startswith("data:"):
            return urljoin(base, v)
    srcset = (attr_of(img, "srcset") or attr_of(img, "data-srcset") or "").strip()
    if srcset:
        return urljoin(base, srcset.split(",")[0].strip().split(" ")[0])
    return None


def figure_image(fig: Selector, base: str) -> Image | None:
    """Image(url, caption, credit, license) of one ``<figure>``.

    Read with lxml element walks (a figure has a dozen elements) rather than a CSS query per part;
    :func:`figure_image_reference` is the CSS version, and the tests check they agree."""
    f = fig.root
    img = first_match(f, "img")
    url = _img_url(img, base) if img is not None else None
    if not url:
        source = first_match(f, "source", attr="srcset")
        srcset = source.get("srcset") if source is not None else None
        if srcset:
            url = urljoin(base, srcset.split(",")[0].strip().split(" ")[0])
    if not url:
        div = first_match(f, "div", cls="image", attr="style")
        m = re.search(r"url\(['\"]?([^'\")]+)", div.get("style") if div is not None else "")
        url = urljoin(base, m.group(1)) if m else None
    if not url or "counter.theconversation.com" in url:
        return None
    cap = first_match(f, "figcaption")
    caption = credit = lic = None
    if cap is not None:
        found = first_match(cap, "span", cls="caption")
        caption = clean(_text(found)) if found is not None else None
        if caption is None:
            root = copy.deepcopy(cap)
            for att in root.xpath('.//*[contains(concat(" ", normalize-space(@class), " "), " attribution ")]'):
                _drop(att)
            caption = clean(_text(root))
        found = first_match(cap, "a", cls="source")
        credit = clean(_text(found)) if found is not None else None
        if credit is None:
            found = first_match(cap, cls="source")
            if found is not None:
                credit = clean(_text(found))
        found = first_match(cap, "a", cls="license")
        lic = clean(_text(found)) if found is not None else None
        attribution = first_match(cap, "span", cls="attribution") if credit is None else None
        if attribution is not None:
            att_text = clean(_text(attribution))
            if att_text and lic:
                att_text = clean(att_text.replace(lic, "").rstrip(" ,"))
            credit = att_text
    if caption is None:
        caption = clean(img.get("alt")) if img is not None else None
    return Image(url=url, caption=caption, credit=credit, license=lic)


def figure_image_reference(fig: Selector, base: str) -> Image | None:
    """:func:`figure_image` as first written, with a CSS query per part: the reference it is tested against."""
    img = fig.css("img")
    url = _img_url(img[0].root, base) if img else None
    if not url:
        srcset = fig.css("source::attr(srcset)").get()
        if srcset:
            url = urljoin(base, srcset.split(",")[0].strip().split(" ")[0])
    if not url:
        style = fig.css("div.image::attr(style)").get() or ""
        m = re.search(r"url\(['\"]?([^'\")]+)", style)
        url = urljoin(base, m.group(1)) if m else None
    if not url or "counter.theconversation.com" in url:
        return None
    cap_el = fig.css("figcaption")
    caption = credit = lic = None
    if cap_el:
        cap = cap_el[0]
        found = cap.css("span.caption")  # each query once (a query costs more than the text it finds)
        caption = clean(_text(found[0].root)) if found else None
        if caption is None:
            root = copy.deepcopy(cap.root)
            for att in root.xpath('.//*[contains(concat(" ", normalize-space(@class), " "), " attribution ")]'):
                _drop(att)
            caption = clean(_text(root))
        found = cap.css("a.source")
        credit = clean(_text(found[0].root)) if found else None
        if credit is None:
            found = cap.css(".source")
            if found:
                credit = clean(_text(found[0].root))
        found = cap.css("a.license")
        lic = clean(_text(found[0].root)) if found else None
        attribution = cap.css("span.attribution") if credit is None else None
        if attribution:
            att_text = clean(_text(attribution[0].root))
            if att_text and lic:
                att_text = clean(att_text.replace(lic, "").rstrip(" ,"))
            credit = att_text
    if caption is None:
        caption = clean(attr_of(img[0], "alt")) if img else None
    return Image(url=url, caption=caption, credit=credit, license=lic)


# ====================================================================================
# pages
# ====================================================================================
class ConversationGeneric(ArticlePage):
    """Fallback for an unknown Conversation layout: meta tags + microdata + generic body.

    Written for fixtures/conversation/unknown_layout (a made-up redesign without
    ``article#article``, sidebar or ``li.vcard``).
    """

    source = "conversation"
    story_prefix = "conversation"
    publisher_name = PUBLISHER
    variant = "conversation-generic"

    @classmethod
    def matches(cls, sel: Selector, url: str) -> bool:
        return True

    # ---- helpers
    @cached_property
    def article_node(self) -> Selector | None:
        """``article#article``, the element that holds the headline, byline, dates, body,
        figures and topics on every known template (found through the id hash, no tree walk)."""
        return by_id(self.sel, "article", "article")

    def find(self, query: str):
        """CSS QUERY inside ``article#article`` when it matches there, else on the whole page.

        Queries inside the article (~120 elements) cost a tenth of whole-page ones (~770); the
        page is still asked when the article lacks the element (unknown layouts, no article),
        unless the page source shows it cannot be there.
        """
        return scoped_css(self.article_node, self.sel, query, getattr(self.sel, "page_text", None), self._mentions)

    @cached_property
    def _mentions(self) -> dict:
        return {}  # needle -> in the page source (see dom.could_match)

    def edition(self) -> str | None:
        ed = self.meta("current-region")
        return ed.lower() if ed else None

    def institutions(self) -> list[str]:
        return self.metas("institution")

    def body_node(self):
        """Microdata ``[itemprop=articleBody]`` first, then the template's body classes."""
        return self._body_node

    @cached_property
    def _body_node(self):
        for query in ("[itemprop=articleBody]", "div.content-body.entry-content", "div.entry-content",
                      "div.content-body", ".instapaper_body"):
            node = self.find(query)
            if node:
                return node[0]
        return None

    # ---- ids
    def site_id(self) -> str | None:
        # each source only when the ones before found nothing
        return (article_id(self.canonical_url()) or self._data_id() or self._counter_id()
                or article_id(self.meta("og:url", "original-source")) or article_id(self.url))

    def _data_id(self) -> str | None:
        node = self.article_node
        if node is not None and attr_of(node, "data-id") is not None:
            return clean(attr_of(node, "data-id"))
        return clean(self.sel.css("article#article::attr(data-id)").get())

    def _counter_id(self) -> str | None:
        node = by_id(self.sel, "theconversation_tracker_hook")
        if node is not None and attr_of(node, "data-counter") is not None:
            hook = attr_of(node, "data-counter")
        else:
            hook = self.sel.css("#theconversation_tracker_hook::attr(data-counter)").get() or ""
        m = _COUNTER_RE.search(hook + "/")
        return m.group(1) if m else None

    # ---- fields
    def canonical_url(self) -> str | None:
        return self._canonical_url  # asked by site_id, item_id and story_id too

    @cached_property
    def _canonical_url(self) -> str | None:
        link = clean(head_first(self.sel, 'link[@rel="canonical"]/@href').get())
        return force_https(first(self.absolute(link) if link else None, self.meta("original-source"),
                                 self.meta("og:url"), self.url))

    def headline(self) -> str | None:
        found = self.find("[itemprop=headline]")
        h = clean(_text(found[0].root)) if found else None
        if not h:
            h = self.meta("headline")  # <meta itemprop=headline>
        # each layer only when the ones before found nothing
        return (h or self.meta("og:title", "twitter:title") or clean(head_first(self.sel, "title/text()").get())
                or generic.headline(self.sel))

    def description(self) -> str | None:
        return self.meta("description", "og:description", "twitter:description")

    def language(self) -> str | None:
        lang = (clean(self.sel.xpath("/html/@lang").get())
                or clean(head_first(self.sel, 'meta[@http-equiv="Content-Language"]/@content').get())
                or EDITION_LANG.get(self.edition() or ""))
        return lang.replace("_", "-") if lang else None

    def section(self) -> str | None:
        return None  # not marked up on article pages; the spider sets it from a section feed

    def tags(self) -> list[str]:
        tags = [clean(_text(a.root)) for a in self.find(".topic-list a, .content-topics a")]
        tags = [t for t in tags if t]
        if not tags:
            raw = self.meta("news_keywords", "keywords")
            tags = [t for t in (clean(x) for x in re.split(r"\s*,\s*", raw or "")) if t]
        out: list[str] = []
        for t in tags:
            if t not in out:
                out.append(t)
        return out

    def authors(self) -> list[Author]:
        out = self.microdata_authors()
        # an unseen layout: the generic layer's authors when these find no person (docs/generic.md)
        return self.people_only(out or self.meta_authors()) or (self.generic_authors() if self.unknown_layout else [])

    def microdata_authors(self) -> list[Author]:
        """``[itemprop=author][itemscope]`` Person items (name, url; role from ``p.role``)."""
        out = []
        for person in self.find("[itemprop=author]"):
            name_el = person.css("[itemprop=name]")
            name_raw = clean(_text(name_el[0].root)) if name_el else clean(attr_of(person, "content") or _text(person.root))
            if not name_raw:
                continue
            href = person.css("[itemprop=url]::attr(href), a[rel=author]::attr(href)").get()
            role_text = clean(_text(person.css("p.role, .role")[0].root)) if person.css("p.role, .role") else None
            role, aff = split_role(role_text, self.institutions())
            out.append(Author(name=name_raw, name_raw=name_raw, role=role, affiliation=aff,
                              url=force_https(self.absolute(href)) if href else None))
        return _unique_authors(out)

    def meta_authors(self) -> list[Author]:
        names = self.metas("author")
        insts = self.institutions()
        out = []
        for i, n in enumerate(names):
            # one institution for several authors (tc23) or one per author
            aff = insts[i] if len(insts) == len(names) else (insts[0] if len(insts) == 1 else None)
            out.append(Author(name=n, name_raw=n, affiliation=aff))
        return _unique_authors(out)

    def _time(self):
        return self._time_node

    @cached_property
    def _time_node(self):
        t = self.find("time[itemprop=datePublished]")
        if not t:
            t = self.find("[itemprop=datePublished]")
        return t[0] if t else None

    def hand_date_published(self) -> str | None:
        t = self._time()
        if t is not None:
            v = clean(attr_of(t, "datetime") or attr_of(t, "content"))
            if v:
                return v
        # machine values with a time first; the day-only pubdate and the visible text after
        return (self.meta("article:published_time") or generic.date_published(self.sel) or self.meta("pubdate")
                or self.visible_published())

    def visible_published(self) -> str | None:
        t = self._time()
        text = clean(_text(t.root)) if t is not None else None
        if not text:
            found = self.find(".timestamps")
            text = element_text(found[0]) if found else None
        if not text:
            return None
        return clean(re.sub(r"^\s*Published\s*:?\s*", "", text, flags=re.I))

    def date_published_candidates(self) -> list[str]:
        cands = [self.visible_published(), self.meta("pubdate")]
        raw = self.date_published_raw()
        return [c for c in dict.fromkeys(cands) if c and c != raw]

    def date_modified_raw(self) -> str | None:
        return (self.meta("og:updated_time", "article:modified_time", "dateModified")
                or clean(self.find("[itemprop=dateModified]::attr(datetime), time[itemprop=dateModified]::attr(content)").get()))

    def date_modified_candidates(self) -> list[str]:
        return []

    def body(self) -> str | None:
        if self.unknown_layout:  # the generic layer first (docs/generic.md), less the disclosure
            paras = list(self.generic_paragraphs)
            while paras and _DISCLOSURE_RE.search(paras[-1]):
                paras.pop()
            return join_paragraphs(paras)
        parts = self._body_parts
        if parts is not None:
            body = "\n\n".join(parts[0]) or None  # (its paragraphs are clean and non-empty)
            if body:
                return body
        return super().body()

    @cached_property
    def _body_parts(self) -> tuple[list[str], list[Selector]] | None:
        """The body element's paragraphs and figures (:func:`body_and_figures`), None without one."""
        node = self.body_node()
        return body_and_figures(node.root) if node is not None else None

    def images(self) -> list[Image]:
        out: list[Image] = []
        for img in [*self.lead_images(), *self.body_images()]:
            if img and img.url and all(img.url != o.url for o in out):
                out.append(img)
        if not out:
            og = self.meta("og:image")
            if og:
                out.append(Image(url=self.absolute(og)))
        return out

    def lead_images(self) -> list[Image]:
        figs = self.find("figure.magazine")
        img = figure_image(figs[0], self.url) if figs else None
        return [img] if img else []

    def body_images(self) -> list[Image]:
        parts = self._body_parts
        if parts is None:
            return []
        return [i for i in (figure_image(f, self.url) for f in parts[1]) if i]

    def copyright(self) -> str | None:
        # No copyright line is printed on Conversation pages; we do not invent one.
        return self.meta("copyright", "dcterms.rights")

    def license(self) -> str | None:
        return LICENSE

    def doi(self) -> str | None:
        d = self.meta("citation_doi")
        if not d:
            ident = self.meta("DC.Identifier") or ""
            d = ident[4:] if ident.lower().startswith("doi:") else None
        if not d:
            href = self.find("section.content-doi a::attr(href)").get() or ""
            m = re.search(r"doi\.org/(10\.\S+)", href)
            d = m.group(1) if m else None
        return clean(d)

    def hints(self) -> dict[str, Any]:
        h: dict[str, Any] = {}
        ed = self.edition()
        if ed:
            h["edition"] = ed
            if ed in EDITION_TZ:
                h["tz"] = EDITION_TZ[ed]
        comm = self.meta("commissioning-region")
        if comm:
            h["commissioning_edition"] = comm.lower()
        return h


class ConversationArticle(ConversationGeneric):
    """Selectors shared by the 2023 and 2026 article templates (``li.vcard`` authors with
    ``span.author-name`` + ``p.role``, ``.topic-list``); not chosen on its own."""

    variant = "conversation-article"
    unknown_layout = False

    @classmethod
    def matches(cls, sel: Selector, url: str) -> bool:
        return False

    def authors(self) -> list[Author]:
        out = self.vcard_authors()
        return out or super().authors()

    def body_truncated(self) -> bool | None:
        """The wall check on ``article#article``: on these templates it is the page's first
        ``<article>`` and holds the body, so the document-order search for the container
        (:func:`crawler.extract.dom.first_body_or_article`) is not needed."""
        node = self.article_node
        if node is None:
            return super().body_truncated()
        return walls.body_truncated(self.sel.root, node.root, self.ld)

    def vcard_authors(self) -> list[Author]:
        out = []
        insts = self.institutions()
        for li in self.find("li.vcard"):
            name = _node_text(li, "span.author-name") or _node_text(li, "[itemprop=name]")
            if not name:
                continue
            href = li.css("a[rel=author]::attr(href)").get() or li.css("[itemprop=url]::attr(href)").get()
            role, aff = split_role(_node_text(li, "p.role"), insts)
            out.append(Author(name=name, name_raw=name, role=role, affiliation=aff,
                              url=force_https(self.absolute(href)) if href else None))
        return _unique_authors(out)

    def tags(self) -> list[str]:
        # (``div.content-topics.topic-list li.topic-list-item a`` is inside ``.topic-list a``)
        tags = [clean(_text(a.root)) for a in self.find(".topic-list a")]
        tags = list(dict.fromkeys(t for t in tags if t))
        return tags or super().tags()


def _node_text(node: Selector, query: str) -> str | None:
    found = node.css(query)
    return clean(_text(found[0].root)) if found else None


class Conversation2026(ConversationArticle):
    """2026 article template: ``aside.content-sidebar[aria-label]``, ``div.ultra-wide-lead-image``,
    ``img.native-lazy``, DOI. Written for the real tc-article page and
    fixtures/conversation/uk2026_three_authors, au2026_edition, meta_fallback."""

    variant = "conversation-2026"

    @classmethod
    def matches(cls, sel: Selector, url: str) -> bool:
        node = by_id(sel, "article", "article")
        return node is not None and (by_id(sel, "native-share") is not None  # not bool(): parsel serialises the element
                                     or bool(scoped_css(node, sel, "aside.content-sidebar, div.ultra-wide-lead-image")))


class Conversation2023(ConversationArticle):
    """2023 article template: ``div.content-sidebar``, lead ``figure.magazine > div.image`` (CSS
    background) + ``img[itemprop=image]``, ``img.lazyload[data-src]``, share bar
    ``aside.content-social-distribution``, no DOI. Written for fixtures/conversation/africa2023_lazyload."""

    variant = "conversation-2023"

    @classmethod
    def matches(cls, sel: Selector, url: str) -> bool:
        node = by_id(sel, "article", "article")
        return node is not None and bool(
            scoped_css(node, sel, "div.content-sidebar, aside.content-social-distribution, figure.magazine > div.image"))

    def lead_images(self) -> list[Image]:
        figs = self.find("figure.magazine")
        if not figs:
            return []
        fig = figs[0]
        img = fig.css("img[itemprop=image]")
        url = _img_url(img[0].root, self.url) if img else None
        lead = figure_image(fig, self.url)
        if lead and url:
            lead.url = url
        return [lead] if lead else []


def merge_authors(page: list[Author], feed: list[Author]) -> list[Author]:
    """Page authors completed from feed authors of the same name (profile URL, role,
    affiliation where the page lacks them); the feed's list when the page has none."""
    if not page:
        return list(feed)
    by_name = {(a.name or "").casefold(): a for a in feed}
    by_url = {a.url: a for a in feed if a.url}
    for a in page:
        other = by_url.get(a.url) if a.url else None
        other = other or by_name.get((a.name or "").casefold())
        if other is None:
            continue
        a.url = a.url or other.url
        if not a.role and not a.affiliation:
            a.role, a.affiliation = other.role, other.affiliation
        elif not a.role and a.affiliation:
            # the page's institution tells where the feed's "role, institution" text splits
            full = ", ".join(x for x in (other.role, other.affiliation) if x)
            a.role = split_role(full, [a.affiliation])[0] if full.endswith(a.affiliation) else None
    return page


def _unique_authors(authors: list[Author]) -> list[Author]:
    out: list[Author] = []
    for a in authors:
        if a.name and a.name.lower() not in {"the conversation", "staff"} and all(a.name != o.name for o in out):
            out.append(a)
    return out


#: Variants in the order they are tried; the last is the fallback.
PAGE_CLASSES: list[type[ArticlePage]] = [Conversation2026, Conversation2023, ConversationGeneric]


# ====================================================================================
# feeds
# ====================================================================================
_FEED_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)


def feed_info(body: bytes) -> dict[str, str | None]:
    """Feed-level ``title``, ``lang`` (xml:lang) and ``self`` link of an Atom feed."""
    info: dict[str, str | None] = {"title": None, "lang": None, "self": None}
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(**_FEED_PARSER))
    except (etree.XMLSyntaxError, ValueError):
        return info
    if root is None:
        return info
    ns = "{http://www.w3.org/2005/Atom}"
    info["lang"] = root.get("{http://www.w3.org/XML/1998/namespace}lang")
    title = root.find(f"{ns}title")
    if title is not None:
        info["title"] = clean("".join(title.itertext()))
    for link in root.findall(f"{ns}link"):
        if link.get("rel") == "self":
            info["self"] = link.get("href")
    return info


_FEED_PATH = re.compile(r"^/(?:(?P<edition>[a-z]{2}(?:-[a-z]{2})?|africa|global|europe)/)?(?:(?P<section>[a-z0-9-]+)/)?articles\.atom$")


def feed_scope(feed_url: str | None) -> tuple[str | None, str | None]:
    """(edition, section slug) of a feed URL such as ``/uk/health/articles.atom``."""
    if not feed_url:
        return None, None
    m = _FEED_PATH.match(urlparse(feed_url).path)
    if not m:
        return None, None
    return m.group("edition"), m.group("section")


_SECTION_PATH = re.compile(r"^/(?P<edition>[a-z]{2}(?:-[a-z]{2})?|africa|global|europe)/(?P<section>[a-z0-9-]+)/?$")
_NOT_SECTIONS = {"topics", "profiles", "institutions", "newsletters", "feeds", "search", "partners", "events",
                 "republishing-guidelines", "who-we-are", "podcasts", "columns"}


def section_from_url(url: str | None, feed_title: str | None = None) -> str | None:
    """Section name of a section feed or section listing (``/uk/health/articles.atom`` -> "Health").

    The feed ``<title>`` ("Health – The Conversation") is preferred; else the slug, title-cased.
    Edition feeds, topic pages and other listings have no section (None).
    """
    if not url:
        return None
    path = urlparse(url).path
    edition, slug = feed_scope(url)
    if slug is None:
        m = _SECTION_PATH.match(path)
        if not m or path.endswith(".atom"):
            return None
        slug = m.group("section")
    if not slug or slug in _NOT_SECTIONS:
        return None
    if feed_title:
        t = re.split(r"\s+[\u2013\u2014|-]\s+The Conversation\s*$", feed_title)[0]
        t = clean(t)
        if t and t.lower() != "the conversation":
            return t
    words = slug.replace("-", " ").split()
    return " ".join(w if w in ("and", "of") else w.capitalize() for w in words) or None


def licence_from_rights(rights: str | None) -> str | None:
    """Atom ``<rights>`` ("Licensed as Creative Commons – attribution, no derivatives.") -> SPDX-ish."""
    r = clean(rights)
    if not r:
        return None
    low = r.lower()
    if "creative commons" in low or "cc by" in low:
        if "no derivatives" in low or "noderiv" in low or "by-nd" in low:
            return LICENSE
        return r
    return r


def _entry_images(fragment: str | None, base: str) -> list[Image]:
    if not fragment:
        return []
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    out: list[Image] = []
    for fig in body_figures(root):
        img = figure_image(fig, base)
        if img and all(img.url != o.url for o in out):
            out.append(img)
    return out


def article_from_entry(entry: Any, feed_url: str | None = None, feed_title: str | None = None,
                       feed_lang: str | None = None, fetched_at: str | None = None) -> Article | None:
    """An Article from an Atom entry alone (``FeedEntry`` of crawler.extract.feeds).

    Used when the article page cannot be fetched. The Atom ``<content>`` carries the whole
    body, entity-escaped, lead image first; the counter pixel, ``p.fine-print`` disclosures
    and ``<hr>``-fenced promos are dropped.
    """
    link = getattr(entry, "link", None)
    if not link:
        return None
    url = force_https(link.strip())
    content = getattr(entry, "content_html", None)
    if content and "&lt;" in content[:400] and "<" not in content[:400]:
        content = html_lib.unescape(content)  # double-escaped content
    sid = article_id(url)
    if not sid:
        m = _ENTRY_ID_RE.search(getattr(entry, "id", None) or "")
        sid = m.group(1) if m else None
    edition, _ = feed_scope(feed_url)
    authors = []
    for a in getattr(entry, "authors", []) or []:
        name, role, aff = split_atom_author(a.get("name"))
        if name:
            authors.append(Author(name=name, name_raw=clean(a.get("name")), role=role, affiliation=aff,
                                  url=force_https(a.get("uri"))))
    art = Article(
        url=url,
        canonical_url=url,
        source="conversation",
        kind="article",
        item_id=f"conversation:{sid}" if sid else None,
        story_id=f"conversation:{sid}" if sid else None,
        headline=clean(getattr(entry, "title", None)),
        description=clean(getattr(entry, "summary", None)),
        body=join_paragraphs(body_from_html(content)),
        language=first(EDITION_LANG.get(edition or ""), feed_lang),
        section=section_from_url(feed_url, feed_title),
        tags=[c for c in (clean(x) for x in getattr(entry, "categories", []) or []) if c],
        authors=_unique_authors(authors),
        publisher=PUBLISHER,
        original_publisher=PUBLISHER,
        date_published_raw=clean(getattr(entry, "published", None)),
        date_modified_raw=clean(getattr(entry, "updated", None)),
        fetched_at=fetched_at,
        images=_entry_images(content, url),
        license=first(licence_from_rights(getattr(entry, "rights", None)), LICENSE),
    )
    art.hints.update({"variant": "conversation-atom-entry", "from_feed": feed_url,
                      "date_published_candidates": [], "date_modified_candidates": []})
    if edition in EDITION_TZ:
        art.hints["tz"] = EDITION_TZ[edition]
        art.hints["edition"] = edition
    return art
