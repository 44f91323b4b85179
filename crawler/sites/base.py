"""The base article page: field methods in three layers (structured data, site, generic).

The generic layer is one for every spider (docs/generic.md): the site spiders' unknown-layout
variants and the republisher read body, authors and date through :meth:`ArticlePage.generic_paragraphs`,
:meth:`ArticlePage.library_authors` and :meth:`ArticlePage.generic_date`. On a variant written for
no layout in particular (``unknown_layout``) trafilatura gives the body and htmldate the date first,
as they read unseen pages better than the hand-written readers (the table in docs/generic.md); a
variant written for a known layout calls a library only for a field its own reader left empty.
Each library value used is listed in ``page.fallbacks`` (``body/trafilatura``...), which the
spider counts as ``fallback/<field>/<library>``.

Subclasses override single field methods and call ``super()`` for the fallback, e.g.::

    def headline(self):
        return self.css_text("h1[itemprop=headline]") or super().headline()

No Scrapy imports: a page is built from HTML text (or a parsel Selector) and a URL, so it can
be tested and benchmarked without the engine.
"""
from __future__ import annotations

import logging
import re
from functools import cached_property
from typing import Any

from parsel import Selector

from crawler import attribution as attr
from crawler.extract import generic, walls
from crawler.extract.dom import classed, could_match, element_text, first_body_or_article, tag_class, tag_class_query
from crawler.extract.structured import canonical, html_lang, jsonld_article, ld_list, ld_text, meta, meta_authors, metas
from crawler.items import Article, Author, Image
from crawler.text import clean, first, join_paragraphs

logger = logging.getLogger(__name__)

#: Field methods called by :meth:`ArticlePage.article`, in order.
FIELDS = (
    "canonical_url", "headline", "description", "body", "language", "section", "tags", "authors",
    "publisher", "original_publisher", "is_republication", "original_url", "dateline",
    "date_published_raw", "date_modified_raw", "images", "copyright", "license", "doi",
    "body_truncated",
)


class PageSelector(Selector):
    """A whole page's selector that answers each query once.

    Field methods ask the document the same things again and again (the canonical link, the
    article node, the tracker id...), and every ``//`` query walks the whole tree (~1,500
    nodes on a real Conversation page). The page selector keeps the result list of each XPath
    (and so each CSS) query made on the document itself; selectors of the nodes it returns are
    plain, uncached. The tree must not be changed in place (parsers prune copies).

    ``page_text`` is the decoded text the tree was parsed from, when known: a substring test on
    it (~10 us) can tell that a whole-page query would find nothing (see ``dom.could_match``).
    """

    __slots__ = ("_memo", "page_text", "_plain", "_seen")

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._memo: dict[str, Any] | None = None
        self.page_text: str | None = None
        self._plain: Selector | None = None
        self._seen: dict = {}  # needle -> in the page source (see crawler.extract.dom.could_match)

    @classmethod
    def of(cls, sel: Selector, text: str | None = None) -> Selector:
        """SEL as a caching page selector (HTML selectors only; others are returned unchanged).

        TEXT: the page text SEL was parsed from (default: the text of a text-built selector)."""
        if isinstance(sel, cls) and sel._memo is not None:
            if text is not None and sel.page_text is None:
                sel.page_text = text
            return sel
        if sel.type != "html" or not hasattr(sel.root, "xpath"):
            return sel
        page = cls(root=sel.root, type="html", namespaces=dict(sel.namespaces))
        page._memo = {}
        # queries run on a plain twin: parsel makes each result node a selector of the class
        # asked, and a plain one is cheaper to make than a page selector (~50 a page)
        page._plain = Selector(root=sel.root, type="html", namespaces=dict(sel.namespaces))
        if text is None and sel.root.getparent() is None:
            text = getattr(sel, "_text", None)  # parsel keeps the text a selector was built from
        page.page_text = text if isinstance(text, str) else None
        return page

    def css(self, query: str):
        """``Selector.css``, with ``tag.class`` queries (and comma lists of them) answered by
        lxml's tag iterator and a class test in Python (:func:`crawler.extract.dom.tag_class`):
        libxml2 evaluates the query's class test on every element (~0.1 ms a query on a 400-element
        page), the iterator only meets the elements of that tag."""
        memo = self._memo
        if memo is not None:
            wanted = tag_class_query(query)
            if wanted is not None:
                key = "css:" + query
                hit = memo.get(key)
                if hit is None:
                    pairs = None
                    if len(wanted) == 1:  # the page's elements of that tag, listed once for all its queries
                        tag = next(iter(wanted))
                        pairs = memo.get("classed:" + tag)
                        if pairs is None:
                            pairs = memo["classed:" + tag] = classed(self.root, (tag,))
                    hit = memo[key] = [Selector(root=e, type="html") for e in tag_class(self.root, wanted, pairs)]
                return self.selectorlist_cls(hit)
            # a class, id or attribute value the page source does not hold: no query
            if self.page_text is not None and not could_match(self.page_text, query, self._seen):
                return self.selectorlist_cls([])
        return super().css(query)

    def xpath(self, query: str, namespaces: Any = None, **kwargs: Any):
        memo = self._memo
        if memo is None or namespaces is not None or kwargs:
            return super().xpath(query, namespaces, **kwargs)
        hit = memo.get(query)
        if hit is None:
            hit = memo[query] = self._plain.xpath(query)
        return self.selectorlist_cls(hit)  # a new list: callers may change theirs


class ArticlePage:
    """One article page of some site; the generic layer works on any news page."""

    #: spider name / item ``source``
    source: str = "republisher"
    #: key of ``story_id`` for originals (``conversation``, ``kyodo``, ``jiji``, ``japantimes``)
    story_prefix: str | None = None
    #: publisher display name for originals (None: taken from og:site_name)
    publisher_name: str | None = None
    default_language: str | None = None
    #: name of the layout variant (appears in logs and stats)
    variant: str = "generic"
    #: True for a variant written for no layout in particular (the fallback of its spider): the
    #: libraries read its body and date first; False for variants of a known layout
    unknown_layout: bool = True
    #: content containers the hand-written generic body tries, in order
    content_selectors: tuple[str, ...] = (
        "[itemprop=articleBody]", "div.article-body", "div.article__body", "div.entry-content",
        "div.post-content", "div.story-body", "div.editArea", "article .content",
    )

    def __init__(self, html: str | bytes | Selector, url: str, fetched_at: str | None = None):
        if isinstance(html, Selector):
            self.sel = PageSelector.of(html)
        else:
            if isinstance(html, bytes):
                html = html.decode("utf-8", "replace")
            self.sel = PageSelector.of(Selector(text=html or "<html></html>"))
        self.url = url
        self.fetched_at = fetched_at
        self.errors: list[tuple[str, str]] = []
        #: library values used, as ``<field>/<library>`` (counted in the crawl stats)
        self.fallbacks: list[str] = []
        #: the generic body's layer: jsonld, selector, generic (hand-written) or trafilatura
        self.body_layer: str | None = None

    # ---------------------------------------------------------------- variant choice
    @classmethod
    def matches(cls, sel: Selector, url: str) -> bool:
        """True when this layout variant can read the page (the generic page reads any)."""
        return True

    # ---------------------------------------------------------------- helpers
    @cached_property
    def ld(self) -> dict:
        return jsonld_article(self.sel)

    def css_text(self, query: str) -> str | None:
        """Collapsed text of the first element matching the CSS query."""
        node = self.sel.css(query)
        if not node:
            return None
        return element_text(node[0])

    def css_texts(self, query: str) -> list[str]:
        return [t for t in (element_text(n) for n in self.sel.css(query)) if t]

    def meta(self, *names: str) -> str | None:
        return meta(self.sel, *names)

    def metas(self, name: str) -> list[str]:
        return metas(self.sel, name)

    def absolute(self, href: str | None) -> str | None:
        if not href:
            return None
        from urllib.parse import urljoin

        return urljoin(self.url, href.strip())

    # ---------------------------------------------------------------- the generic layer
    def fell_back(self, name: str, library: str) -> None:
        """Note that LIBRARY gave field NAME (``fallback/<name>/<library>`` in the crawl stats)."""
        key = f"{name}/{library}"
        if key not in self.fallbacks:
            self.fallbacks.append(key)

    def page_html(self) -> str:
        """The page's HTML as fetched when known (else serialised from the tree)."""
        return getattr(self.sel, "page_text", None) or self.sel.get()

    @cached_property
    def library(self) -> dict[str, Any]:
        """trafilatura's reading of the page (computed only when a field needs it)."""
        return generic.library_document(self.page_html(), self.url)

    @cached_property
    def library_day(self) -> str | None:
        """htmldate's publication day (computed only when a field needs it)."""
        return generic.library_date(self.page_html(), self.url)

    def first_css(self, queries: tuple[str, ...]):
        """The first element of the first CSS query in QUERIES that matches, or None."""
        for query in queries:
            nodes = self.sel.css(query)
            if nodes:
                return nodes[0]
        return None

    def content_node(self):
        return self.first_css(self.content_selectors)

    def hand_paragraphs(self) -> tuple[list[str], str | None]:
        """(paragraphs, layer) of the hand-written readers: JSON-LD ``articleBody`` with breaks,
        a common content container, the longest ``<p>`` run outside chrome."""
        paras = generic.ld_body_paragraphs(self.ld)
        if paras:
            return paras, "jsonld"
        node = self.content_node()
        paras = generic.block_texts(node) if node is not None else []
        if paras:
            return paras, "selector"
        paras = generic.body_paragraphs(self.sel)
        return paras, "generic" if paras else None

    @cached_property
    def generic_paragraphs(self) -> list[str]:
        """The generic body: on an unknown layout trafilatura, then the hand-written readers
        (JSON-LD ``articleBody`` with paragraph breaks first; before trafilatura when the page
        prints no ``<p>`` text at all, so the text extractor could only guess); on a known layout
        the hand-written readers, trafilatura only when they find nothing."""
        if self.unknown_layout and not self.sel.xpath("//body//p[normalize-space()]"):
            paras = generic.ld_body_paragraphs(self.ld)
            if paras:
                self.body_layer = "jsonld"
                return paras
        elif not self.unknown_layout:
            paras, self.body_layer = self.hand_paragraphs()
            if paras:
                return paras
        paras = self.library["paragraphs"]
        if paras:
            paras = generic.without_title(paras, [self.library["title"], self.meta("og:title"), generic.headline(self.sel)])
        if paras:
            self.body_layer = "trafilatura"
            self.fell_back("body", "trafilatura")
            return paras
        if self.unknown_layout:
            paras, self.body_layer = self.hand_paragraphs()
        return paras

    def library_authors(self, count: bool = True) -> list[Author]:
        """People trafilatura names as the authors (an unknown layout's last resort): agencies,
        the site and organisations are not people and are left out. COUNT: note the fallback
        when there are any."""
        raw = self.library["author"] if self.unknown_layout else None
        out = [Author(name=n, name_raw=n) for n in generic.library_people(raw, *self._own_names())
               if not self.not_author(n)] if raw else []
        if out and count:
            self.fell_back("authors", "trafilatura")
        return out

    def not_author(self, name: str) -> bool:
        """A name this site never credits as its author (its agency, its own name): per site."""
        return False

    def people_only(self, authors: list[Author]) -> list[Author]:
        """AUTHORS that are people's names, on an unknown layout: a masthead in
        ``meta[name=author]`` or JSON-LD, an organisation, a URL are not (nor, on any layout,
        a name :meth:`not_author` rules out)."""
        authors = [a for a in authors if not (a.name and self.not_author(a.name))]
        if not self.unknown_layout:
            return authors
        urls, sites = self._own_names()
        return [a for a in authors if a.name and generic.is_author_name(a.name, urls, sites)]

    def generic_authors(self) -> list[Author]:
        """The generic layer's authors, one source at a time, each people only (the next source
        is asked when none is left): JSON-LD, the ``<meta>`` author tags, the visible byline in
        the article; then trafilatura's. On an unknown layout a later
        source, trafilatura's too, that names everyone the first one does and more wins (a
        JSON-LD block or a byline element that names only the first of three authors)."""
        chosen: list[Author] = []
        for layer in (self.ld_authors, self.meta_author_list, self.byline_authors):
            out = self.people_only(layer())
            if not chosen or (self.unknown_layout and _names_more(out, chosen)):
                chosen = _with_urls(out, chosen)
            if chosen and not self.unknown_layout:
                break
        if not self.unknown_layout:
            return chosen
        if not chosen:
            return self.library_authors()
        more = self.library_authors(count=False)  # (trafilatura has read the page for its body)
        if not _names_more(more, chosen):
            return chosen
        self.fell_back("authors", "trafilatura")
        return _with_urls(more, chosen)

    def ld_authors(self) -> list[Author]:
        """The JSON-LD article's authors (organisations left out); a string naming several people
        is split (each keeps its own name as ``name_raw``: the attribution pipeline re-splits it)."""
        out: list[Author] = []
        for a in ld_list(self.ld.get("author")):
            kind = str(a.get("@type", "")) if isinstance(a, dict) else ""
            if "Organization" in kind and "Person" not in kind:
                continue
            raw = ld_text(a)
            url = a.get("url") if isinstance(a, dict) and isinstance(a.get("url"), str) else None
            out += _named(attr.split_authors(raw) if raw else [], raw, url, out)
        return out

    def meta_author_list(self) -> list[Author]:
        """The people of the page's ``<meta>`` author tags (``structured.meta_authors``)."""
        return [Author(name=n, name_raw=n) for n in meta_authors(self.sel)]

    def visible_byline(self) -> str | None:
        """The byline the page prints in the article (``generic.byline_text``)."""
        return generic.byline_text(self.sel)

    def byline_authors(self) -> list[Author]:
        byline = self.visible_byline()
        return _named(attr.split_authors(byline), byline) if byline else []

    def _own_names(self) -> tuple[list[str | None], list[str | None]]:
        """(the page's URLs, the site's names): what a masthead given as an author would be."""
        return ([self.url, canonical(self.sel), self.meta("og:url")],
                [self.publisher_name, self.meta("og:site_name"), self._ld_publisher(),
                 self.library["sitename"] if "library" in self.__dict__ else None])

    def _ld_publisher(self) -> str | None:
        """The JSON-LD publisher's name unless it is a person (a blogger publishes their own site)."""
        pub = self.ld.get("publisher")
        pub = pub[0] if isinstance(pub, list) and pub else pub
        return None if isinstance(pub, dict) and "Person" in str(pub.get("@type", "")) else ld_text(pub)

    def generic_date(self, found: str | None) -> str | None:
        """The published date: on an unknown layout htmldate's day unless FOUND (the hand-written
        layers' raw string) reads as the same day (it keeps the time); FOUND when htmldate finds
        none; on a known layout FOUND, htmldate only when it is empty."""
        if found and not self.unknown_layout:
            return found
        day = self.library_day
        if not day:
            return found
        if found and (found.strip().startswith(day) or self._same_day(found, day)):
            return found
        self.fell_back("date", "htmldate")
        return day

    def _same_day(self, raw: str, day: str) -> bool:
        from crawler.dates import parse_date  # noqa: PLC0415 - only on pages of unknown layout

        return (parse_date(raw, site=self.source, fetched_at=self.fetched_at, language=self.default_language) or "")[:10] == day

    def hand_date_published(self) -> str | None:
        """The published date as the page's structured data, metas or ``<time>`` print it."""
        return (first(ld_text(self.ld.get("datePublished")),
                      self.meta("article:published_time", "datePublished", "DC.date.issued", "pubdate", "date"))
                or generic.date_published(self.sel) or None)

    # ---------------------------------------------------------------- ids
    def site_id(self) -> str | None:
        """The site's own article id, if it has one (used for item_id and story_id)."""
        return None

    def item_id(self) -> str | None:
        sid = self.site_id()
        return f"{self.source}:{sid}" if sid else None

    def story_id(self) -> str | None:
        sid = self.site_id()
        if sid and self.story_prefix and not self.is_republication():
            return f"{self.story_prefix}:{sid}"
        return None

    # ---------------------------------------------------------------- fields
    def canonical_url(self) -> str | None:
        """link[rel=canonical] → JSON-LD url → og:url, resolved against the page URL (http(s) only)."""
        for cand in (canonical(self.sel), ld_text(self.ld.get("url")) if self.ld else None, self.meta("og:url")):
            url = self.absolute(cand) if cand else None
            if url and url.startswith(("http://", "https://")):
                return url
        return self.url

    def headline(self) -> str | None:
        # each layer only when the one before found nothing (first() would evaluate them all)
        return (first(ld_text(self.ld.get("headline")), self.meta("og:title", "twitter:title"))
                or generic.headline(self.sel) or None)

    def description(self) -> str | None:
        return first(ld_text(self.ld.get("description")), self.meta("description", "og:description", "twitter:description"))

    def body(self) -> str | None:
        return join_paragraphs(self.generic_paragraphs)

    def language(self) -> str | None:
        lang = ld_text(self.ld.get("inLanguage")) or html_lang(self.sel) or self.default_language
        return lang.replace("_", "-") if lang else None

    def section(self) -> str | None:
        return first(ld_text(self.ld.get("articleSection")), self.meta("article:section"))

    def tags(self) -> list[str]:
        kw = self.ld.get("keywords")
        if isinstance(kw, str):
            kw = [k for k in re.split(r"\s*,\s*", kw) if k]
        tags = [clean(k) for k in ld_list(kw) if isinstance(k, str)]
        if not tags:
            tags = self.metas("article:tag")
        if not tags:
            raw = self.meta("news_keywords", "keywords")
            tags = [clean(t) for t in re.split(r"\s*,\s*", raw)] if raw else []
        return [t for t in tags if t]

    def authors(self) -> list[Author]:
        return self.generic_authors()

    def publisher(self) -> str | None:
        # lazy: a site that names its publisher never reads the JSON-LD for it
        # a person given as the JSON-LD publisher (a blogger's own site) only after og:site_name:
        # the attribution pipeline drops an author named as the publisher
        return (self.publisher_name or first(self._ld_publisher(), self.meta("og:site_name"))
                or ld_text(self.ld.get("publisher")))

    def original_publisher(self) -> str | None:
        return None

    def is_republication(self) -> bool:
        return False

    def original_url(self) -> str | None:
        return None

    def dateline(self) -> str | None:
        return None

    def date_published_raw(self) -> str | None:
        return self.generic_date(self.hand_date_published())

    def date_modified_raw(self) -> str | None:
        return first(ld_text(self.ld.get("dateModified")), self.meta("article:modified_time", "og:updated_time", "dateModified"))

    def date_published_candidates(self) -> list[str]:
        """Further raw published strings, in order of trust (the dates pipeline tries them in turn)."""
        cands = [
            ld_text(self.ld.get("datePublished")),
            self.meta("article:published_time"), self.meta("DC.date.issued"), self.meta("pubdate"),
            generic.date_published(self.sel),
        ]
        return [c for c in cands if c]

    def date_modified_candidates(self) -> list[str]:
        cands = [ld_text(self.ld.get("dateModified")), self.meta("article:modified_time"), self.meta("og:updated_time")]
        return [c for c in cands if c]

    def images(self) -> list[Image]:
        out = []
        for img in ld_list(self.ld.get("image")):
            url = img if isinstance(img, str) else (img.get("url") or img.get("contentUrl")) if isinstance(img, dict) else None
            if isinstance(url, str):
                cap = ld_text(img.get("caption")) if isinstance(img, dict) else None
                out.append(Image(url=url, caption=cap))
        if not out:
            og = self.meta("og:image")
            if og:
                out.append(Image(url=self.absolute(og)))
        return out

    def copyright(self) -> str | None:
        return first(ld_text(self.ld.get("copyrightHolder")), self.meta("copyright", "dcterms.rights"))

    def license(self) -> str | None:
        lic = ld_text(self.ld.get("license"))
        if lic:
            return lic
        return clean(self.sel.xpath('//a[@rel="license"]/@href | //link[@rel="license"]/@href').get())

    def doi(self) -> str | None:
        return None

    def body_truncated(self) -> bool | None:
        """True when the page shows only part of the article behind a login or pay wall, False
        when it says the body is whole, None when it says nothing (``crawler.extract.walls``).
        Sites that know their body element pass it; here: ``[itemprop=articleBody]``, else
        ``<article>``."""
        node = first_body_or_article(self.sel, getattr(self.sel, "page_text", None))
        return walls.body_truncated(self.sel.root, node, self.ld)

    def hints(self) -> dict[str, Any]:
        """Raw evidence for the pipelines (see crawler/items.py)."""
        return {}

    def extra_items(self, article: Article) -> list[Article]:
        """Further items the page carries (e.g. a digest's briefs)."""
        return []

    # ---------------------------------------------------------------- assembly
    def _safe(self, name: str, default: Any = None) -> Any:
        try:
            return getattr(self, name)()
        except Exception as exc:  # noqa: BLE001 - one broken field never loses the page
            self.errors.append((name, f"{type(exc).__name__}: {exc}"))
            logger.warning("%s: field %s failed on %s: %r", type(self).__name__, name, self.url, exc)
            return default

    def article(self) -> Article:
        art = Article(url=self.url, source=self.source, kind="article", fetched_at=self.fetched_at)
        for name in FIELDS:
            default = [] if name in ("tags", "authors", "images") else (False if name == "is_republication" else None)
            value = self._safe(name, default)
            setattr(art, name, default if value is None and default is not None else value)
        art.item_id = self._safe("item_id")
        art.story_id = self._safe("story_id")
        hints = self._safe("hints", {}) or {}
        hints.setdefault("date_published_candidates", self._safe("date_published_candidates", []) or [])
        hints.setdefault("date_modified_candidates", self._safe("date_modified_candidates", []) or [])
        hints["variant"] = self.variant
        if self.fallbacks:
            hints["fallbacks"] = list(self.fallbacks)
        art.hints.update(hints)
        return art

    def items(self) -> list[Article]:
        art = self.article()
        try:
            extra = self.extra_items(art)
        except Exception as exc:  # noqa: BLE001
            self.errors.append(("extra_items", f"{type(exc).__name__}: {exc}"))
            extra = []
        return [art, *extra]


def _names_more(more: list[Author], than: list[Author]) -> bool:
    """Whether MORE names everyone THAN does, and others."""
    return len(more) > len(than) and all(any(attr.names_match(a.name, b.name) for b in more) for a in than)


def _with_urls(authors: list[Author], known: list[Author]) -> list[Author]:
    """AUTHORS, each with the profile URL a matching one of KNOWN had when it has none."""
    for b in authors:
        b.url = b.url or next((a.url for a in known if attr.names_match(a.name, b.name)), None)
    return authors


def _named(names: list[str], raw: str, url: str | None = None, seen: list[Author] = ()) -> list[Author]:
    """Authors of NAMES printed as RAW: RAW is each one's ``name_raw`` only when it names one
    person (the attribution pipeline would split a shared string again); names in SEEN skipped."""
    out: list[Author] = []
    for name in names:
        if not any(attr.names_match(a.name, name) for a in (*seen, *out)):
            out.append(Author(name=name, name_raw=raw if len(names) == 1 else name, url=url))
    return out


def choose_page(classes: list[type[ArticlePage]], sel: Selector, url: str) -> type[ArticlePage]:
    """The first variant whose ``matches`` accepts the page; the last class is the fallback."""
    for cls in classes:
        try:
            if cls.matches(sel, url):
                return cls
        except Exception:  # noqa: BLE001
            continue
    return classes[-1]
