"""Generic fallback extraction for layouts nobody wrote selectors for (pure; no Scrapy).

Two kinds of readers, both used by ``ArticlePage``'s generic layer (crawler/sites/base.py;
docs/generic.md says in which order and why):

* hand-written: :func:`headline`, :func:`date_published`, :func:`body_paragraphs` (the longest
  ``<p>`` run outside chrome), :func:`block_texts` (the blocks of a content container) and
  :func:`ld_body_paragraphs` (a JSON-LD ``articleBody`` with paragraph breaks);
* the libraries the project depends on, imported lazily: :func:`library_document` (trafilatura:
  body, authors, title, date) and :func:`library_date` (htmldate).
"""
from __future__ import annotations

import html as html_lib
import logging
import re
from typing import Any

from parsel import Selector

from crawler.extract.dom import element_text
from crawler.text import clean, join_paragraphs

logger = logging.getLogger(__name__)

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


BLOCK_XPATH = (
    ".//*[self::p or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::li or self::blockquote]"
    "[not(ancestor::p or ancestor::li or ancestor::blockquote)]"
    "[not(ancestor::figure or ancestor::figcaption or ancestor::aside or ancestor::nav or ancestor::script"
    " or ancestor::style or ancestor::noscript or ancestor::template or ancestor::form)]"
)


def node_text(node) -> str | None:
    """Visible text of an element: inline pieces joined as written, ``<br>`` and blocks as a space."""
    return element_text(node)


#: Chrome that plugins put *inside* a content container (Jetpack share/related, promos, ads).
INNER_CHROME_RE = re.compile(
    r"(^|[\s_-])(sharedaddy|share|sharing|social|related|relatedposts|promo|newsletter|advert|ad-slot|ads|"
    r"comments?|subscribe|recommend|hashtags?|ai-promo)([\s_-]|$)", re.I
)


#: Page-level elements whose classes describe the page, not the block (``body.has-comments``).
_BLOCK_PAGE_TAGS = frozenset({"html", "body", "main", "article"})


def inside_chrome(block, node=None) -> bool:
    """True when an element between ``block`` and the container ``node`` (default: the page,
    page-level elements ignored) is chrome by class/id."""
    stop = node.root if node is not None else None
    for anc in block.root.iterancestors():
        if anc is stop:
            return False
        if stop is None and anc.tag in _BLOCK_PAGE_TAGS:
            continue
        label = f"{anc.get('class', '')} {anc.get('id', '')}"
        if INNER_CHROME_RE.search(label):
            return True
    return False


def block_texts(node) -> list[str]:
    """Text of the block elements (p, h2–h6, li, blockquote) inside a content node, in order;
    blocks inside figures, asides, scripts and class-named chrome (share/related/promo …) skipped."""
    out = []
    for block in node.xpath(BLOCK_XPATH):
        if inside_chrome(block, node):
            continue
        text = node_text(block)
        if text:
            out.append(text)
    return out


#: JSON-LD types of a page that is one piece of text: an article, a post, a recipe, a review.
ONE_ITEM_TYPES = frozenset({"Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting",
                            "OpinionNewsArticle", "BackgroundNewsArticle", "ReviewNewsArticle", "Report",
                            "LiveBlogPosting", "ScholarlyArticle", "SocialMediaPosting", "Recipe", "Review", "HowTo"})
#: JSON-LD types of a page that lists others.
LIST_PAGE_TYPES = frozenset({"CollectionPage", "SearchResultsPage"})
#: A run of at least this many paragraphs and characters under one parent is an article's text
#: (a listing prints each teaser in a block of its own).
ARTICLE_RUN_PARAGRAPHS, ARTICLE_RUN_CHARS = 3, 1000


def reads_as_article(sel: Selector) -> bool:
    """Whether a page without the usual article markers still is one article, not a listing: its
    JSON-LD describes one article, post, recipe or review (one headline) and no collection of
    them; or (JSON-LD not saying either) it prints a run of at least
    :data:`ARTICLE_RUN_PARAGRAPHS` paragraphs and :data:`ARTICLE_RUN_CHARS` characters under one
    parent outside chrome (:func:`body_paragraphs`)."""
    from crawler.extract.structured import jsonld_objects  # noqa: PLC0415 - only for pages of no known shape

    items, lists = [], False
    for obj in jsonld_objects(sel):
        kinds = obj.get("@type")
        kinds = {kinds} if isinstance(kinds, str) else {k for k in kinds if isinstance(k, str)} if isinstance(kinds, list) else set()
        lists = lists or bool(kinds & LIST_PAGE_TYPES)
        if kinds & ONE_ITEM_TYPES:
            items.append(clean(str(obj.get("headline") or obj.get("name") or "")) or id(obj))
    if lists:
        return False
    if len(set(items)) == 1:
        return True
    run = body_paragraphs(sel)
    return len(run) >= ARTICLE_RUN_PARAGRAPHS and sum(len(p) for p in run) >= ARTICLE_RUN_CHARS


#: Where pages print the article's byline (the common CMS class names), most specific first.
BYLINE_CSS = (".byline", "[rel=author]", ".author-name", ".article-author")
#: Blocks that hold other articles (teasers, related lists) or readers' text: a byline in them
#: is not the article's.
_NOT_THE_ARTICLE = re.compile(
    r"(^|[\s_-])(related|teasers?|recommend\w*|promos?|widgets?|sidebar|comments?|latest|popular|trending|"
    r"most-read|newsletter|more-stories|read-more)([\s_-]|$)", re.I)
#: More different texts than this under one byline selector: a list of other articles' bylines.
MAX_BYLINES = 3


def outside_the_article(node) -> bool:
    """Whether NODE sits in page chrome (nav, aside, footer) or a block of other articles or
    comments (class/id: related, teaser, widget, sidebar, comments …); page-level wrappers
    (html, body, main, article) are not asked."""
    for anc in node.root.iterancestors():
        tag = anc.tag if isinstance(anc.tag, str) else ""
        if tag in ("nav", "aside", "footer"):
            return True
        if tag in _BLOCK_PAGE_TAGS:
            continue
        if _NOT_THE_ARTICLE.search(f"{anc.get('class', '')} {anc.get('id', '')}"):
            return True
    return False


#: Labels printed for screen readers only ("Author" before the name in WordPress themes).
_HIDDEN_LABEL = ("[contains(@class, 'screen-reader') or contains(@class, 'sr-only')"
                 " or contains(@class, 'visually-hidden')]")


def _visible_text(node) -> str | None:
    """NODE's text without its screen-reader-only labels."""
    if not node.xpath(f".//*{_HIDDEN_LABEL}"):
        return element_text(node)
    return clean(" ".join(node.xpath(f".//text()[not(ancestor::*{_HIDDEN_LABEL})]").getall()))


def byline_text(sel: Selector) -> str | None:
    """The article's visible byline as printed ("By Jane Doe and Li Wei"): the first element of
    :data:`BYLINE_CSS` that holds a person's name, outside chrome and outside blocks of other
    articles or comments. A selector whose elements print more than :data:`MAX_BYLINES`
    different names is a list of other articles' bylines (a teaser list) and is not read."""
    from crawler import attribution as attr  # noqa: PLC0415 - only for pages of unknown layout

    for query in BYLINE_CSS:
        texts: list[str] = []
        for node in sel.css(query):
            text = _visible_text(node)
            if text and len(text) <= 200 and not outside_the_article(node) and text not in texts:
                texts.append(text)
        texts = [t for t in texts if attr.split_authors(t)]
        if 0 < len(texts) <= MAX_BYLINES:
            return texts[0]
    return None


def library_document(html: str, url: str | None = None) -> dict[str, Any]:
    """Main content and metadata by trafilatura (imported lazily): {'paragraphs', 'date', 'author',
    'title', 'sitename'}; empty values when trafilatura is absent or fails.

    Settings as trafilatura's own evaluation (tables kept, default precision): on the evaluation
    pages they read 0.925 body F1 against 0.918 with ``favor_precision`` (docs/generic.md)."""
    out: dict[str, Any] = {"paragraphs": [], "date": None, "author": None, "title": None, "sitename": None}
    try:
        import trafilatura  # noqa: PLC0415 - heavy import, only for unknown layouts
    except ImportError:  # pragma: no cover - it is a project dependency
        logger.warning("trafilatura is not installed; generic body fallback only")
        return out
    try:
        doc = trafilatura.bare_extraction(html, url=url, include_comments=False, include_tables=True,
                                          with_metadata=True)
    except Exception as exc:  # noqa: BLE001 - a library failure never loses the page
        logger.warning("trafilatura failed: %r", exc)
        return out
    if doc is None:
        return out
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    text = get("text") or ""
    out["paragraphs"] = [p for p in (clean(x) for x in text.split("\n")) if p]
    for key in ("date", "author", "title", "sitename"):
        value = get(key)
        out[key] = clean(value) if isinstance(value, str) else None
    return out


#: A time stamp printed as a line of its own ("Sept 18, 2025, 20:00", "12.03.2024 | 14:05").
_STAMP_LINE = re.compile(
    r"^(?=.*(?:\b\d{4}\b|\b\d{1,2}:\d{2}\b))(?:[\d.,:/|()-]+|\s+|[A-Za-z]{3,9}\.?|a\.?m\.?|p\.?m\.?){1,14}$", re.I)


def without_title(paragraphs: list[str], titles: list[str | None], within: int = 3) -> list[str]:
    """PARAGRAPHS without what a text extractor keeps above the text: when one of the first
    WITHIN lines is one of TITLES, it and the short lines before it (a section label, a kicker)
    go; then time stamp lines at the top."""
    wanted = {re.sub(r"\W+", " ", t).strip().casefold() for t in titles if t}
    wanted.discard("")
    for i, para in enumerate(paragraphs[:within]):
        if re.sub(r"\W+", " ", para).strip().casefold() in wanted:
            if all(len(p) <= 80 for p in paragraphs[:i]):
                paragraphs = paragraphs[i + 1:]
            break
    while len(paragraphs) > 1 and len(paragraphs[0]) <= 40 and _STAMP_LINE.match(paragraphs[0]):
        paragraphs = paragraphs[1:]
    return paragraphs


def ld_body_paragraphs(ld: dict) -> list[str]:
    """A JSON-LD ``articleBody`` with paragraph breaks, as paragraphs (tags in it dropped)."""
    body = ld.get("articleBody") if isinstance(ld, dict) else None
    if not isinstance(body, str):
        return []
    if "<" in body:  # an articleBody that holds HTML: its text only
        body = re.sub(r"(?i)</?(?:p|div|br|h[1-6]|li|blockquote)\b[^>]*>", "\n", body)
        body = re.sub(r"<[^>]+>", "", body)
    if "&" in body:  # entities left in the JSON string ("organiza&ccedil;&atilde;o")
        body = html_lib.unescape(body)
    if "\n" not in body.strip():
        return []
    return [p for p in (clean(x) for x in re.split(r"\n+", body)) if p]


#: Words that make a byline an organisation, not a person ("Badische Zeitung", "PETA-Team",
#: "Hanns-Seidel-Stiftung e.V.", "Agencies", "ET Online").
_ORG_WORD = re.compile(
    r"(?i)(?:^|[\s-])(?:stiftung|e\.\s?v\.?|e v|zeitung|verlag|gmbh|agencies|agency|redaktion|team|online|news|"
    r"magazin|magazine|presse|press|foundation|institut|institute|verein|bloggern?|m[eé]dias?|medien|group|groupe|"
    r"gruppe|deutsche)(?=$|[\s.,-])"
    # German compounds ending in one ("Lokalredaktion", "Hochzeitsbloggern")
    r"|(?i:\w(?:zeitung|redaktion|verlag|bloggern|stiftung|verein|medien))(?=$|[\s.,-])")
#: A handle written in mixed case ("ThE PaiN"): a word ending in a capital after a small letter.
_HANDLE_WORD = re.compile(r"[a-z][A-Z](?:\s|$)")


def _many(value) -> list[str]:
    return [v for v in ([value] if isinstance(value, str) or value is None else value) if v]


def names_the_site(name: str, urls, sites=None) -> bool:
    """Whether NAME is the site's own name (one of SITES: ``og:site_name``, the publisher; or the
    main label of the host of one of URLS, the page's and its canonical URL: ``helmholtz-klima.de``
    for "Helmholtz Klima", ``wien.orf.at`` for "Wien Orf At") or an organisation's (a word like
    Zeitung, Stiftung, Team): a page's own masthead given as its author is not a person."""
    from urllib.parse import urlsplit  # noqa: PLC0415

    letters = re.sub(r"[^a-z]", "", name.casefold())
    if not letters or _ORG_WORD.search(name):
        return bool(letters)
    if any(letters == re.sub(r"[^a-z]", "", site.casefold()) for site in _many(sites)):
        return True
    for url in _many(urls):
        try:
            labels = [x for x in (urlsplit(url).hostname or "").split(".") if x and x != "www"]
        except ValueError:
            continue
        core = re.sub(r"[^a-z]", "", max(labels[:-1] or labels, key=len, default="").casefold())
        if len(core) >= 4 and len(letters) >= 4 and (letters in core or core in letters):
            return True
    return False


def is_author_name(name: str, url=None, site=None) -> bool:
    """Whether NAME can be a person's byline on a page of URL: a name by the project's rules
    (``crawler.attribution.is_person``: no agency, no single given name or handle, no URL such
    as a JSON-LD ``@id`` read as a name), and not the site's own name or an organisation's
    (:func:`names_the_site`)."""
    from crawler import attribution as attr  # noqa: PLC0415 - only for pages of unknown layout

    name = clean(name) or ""
    return attr.is_person(name) and not _HANDLE_WORD.search(name) and not names_the_site(name, url, site)


def library_people(raw: str | None, url=None, site=None) -> list[str]:
    """The people in a library's author string (trafilatura: names joined by ``;``), by the
    project's name rules (:func:`is_author_name`)."""
    from crawler import attribution as attr  # noqa: PLC0415 - only for pages of unknown layout

    out: list[str] = []
    for part in (raw or "").split(";"):
        part = clean(part)
        if not part:
            continue
        for name in attr.split_authors(part):
            if name not in out and is_author_name(name, url, site):
                out.append(name)
    return out


def library_date(html: str, url: str | None = None) -> str | None:
    """The publication day by htmldate (``YYYY-MM-DD``, original date), None when it finds none,
    is absent or fails. The page is asked first and URL only when the page says nothing: htmldate
    takes a ``/2026/01/01/`` path before the page's own date, and a URL's day can be a filing
    folder, not the article's (same score on the evaluation pages, docs/generic.md)."""
    try:
        import htmldate  # noqa: PLC0415 - heavy import, only for pages without a date
    except ImportError:  # pragma: no cover - it is a project dependency
        return None
    try:
        return (htmldate.find_date(html, original_date=True)
                or (htmldate.find_date(html, url=url, original_date=True) if url else None) or None)
    except Exception as exc:  # noqa: BLE001 - a library failure never loses the page
        logger.warning("htmldate failed: %r", exc)
        return None
