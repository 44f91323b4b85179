"""Jiji Press English (jen.jiji.com): pure page parsers, one class per layout variant.

No real English Jiji HTML has been seen (sites.md 4): the ``JenJiji`` selectors come from a
third-party scraper, ``JiJiJc`` is the www.jiji.com "jc" template adapted to English pages, and
``JijiGeneric`` carries any other layout with structured data + the generic reader. Every
variant shares the Jiji conventions handled here:

* the dateline ``Tokyo, June 28 (Jiji Press)--`` (dash ``--``, ``—``, ``–``; place may carry a
  prefecture, the date may be missing) leaves the body: place → ``dateline``, date text →
  ``hints["dateline_date"]``;
* the closing ``[Copyright The Jiji Press, Ltd.]`` leaves the body → ``copyright``;
* photo credits ``(Courtesy …; © Jiji)`` are split from captions;
* the 13-digit key ``k`` of ``/jc/eng?g=<genre>&k=<key>`` is the site id; ``g`` gives the section.

No Scrapy imports (parsel/lxml only).
"""
from __future__ import annotations

import html as html_lib
import logging
import re
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

from parsel import Selector

from crawler.extract import generic
from crawler.extract.dom import attr_of, element_text
from crawler.extract.structured import canonical, ld_list, ld_text
from crawler.items import Article, Author, Image
from crawler.sites.base import ArticlePage
from crawler.text import clean, first, join_paragraphs

logger = logging.getLogger(__name__)

PUBLISHER = "Jiji Press"
HOST = "jen.jiji.com"
TZ = "Asia/Tokyo"

# ---------------------------------------------------------------------------- URLs

#: An English article URL, parameters in any order, ``&`` or ``&amp;`` between them.
ARTICLE_URL_RE = re.compile(
    r"(?:https?:)?//jen\.jiji\.com/(?:jc|amp|sp)/eng\?(?:[^\s\"'<>#]*?(?:&amp;|&))?k=(?P<k>\d{13})(?![\d])",
    re.I,
)
#: The same for a relative link (``/jc/eng?…`` or ``eng?…``) found in page text.
RELATIVE_ARTICLE_RE = re.compile(
    r"(?<![\w/.])(?:/(?:jc|amp|sp)/)?eng\?(?:[^\s\"'<>#]*?(?:&amp;|&))?k=(?P<k>\d{13})(?![\d])", re.I
)
_KEY_RE = re.compile(r"^\d{13}$")

#: Genre codes (``g=``) → section names. Codes seen in URLs (eco) plus the usual jc genre codes
#: of www.jiji.com; names for codes not listed stay unknown (section None) rather than guessed.
GENRES = {
    "eco": "Economy",
    "pol": "Politics",
    "soc": "Society",
    "int": "International",
    "spo": "Sports",
    "ind": "Industry",
    "biz": "Business",
    "fin": "Finance",
    "mkt": "Markets",
    "sci": "Science",
    "tec": "Technology",
    "cul": "Culture",
    "ent": "Entertainment",
    "lif": "Lifestyle",
    "edu": "Education",
    "env": "Environment",
    "med": "Medical",
    "hea": "Health",
    "cov": "COVID-19",
    "dis": "Disaster",
    "oly": "Olympics",
    "tra": "Travel",
    "opi": "Opinion",
}


def _query(url: str) -> dict[str, str]:
    try:
        query = urlparse(html_lib.unescape(url)).query
    except ValueError:
        return {}
    return {k.lower(): v[0] for k, v in parse_qs(query).items() if v}


def article_key(url: str | None) -> str | None:
    """The 13-digit key ``k`` of a jen.jiji.com article URL (any parameter order, ``&amp;``)."""
    if not url:
        return None
    m = ARTICLE_URL_RE.search(url)
    if m:
        return m.group("k")
    return None


def any_key(url: str | None) -> str | None:
    """``k`` of any jiji.com "jc" URL (English or Japanese template), e.g. a canonical link."""
    if not url or "jiji.com" not in url.lower():
        return None
    k = _query(url).get("k")
    return k if k and _KEY_RE.match(k) else None


def genre(url: str | None) -> str | None:
    """The genre code ``g`` of a jc URL (lower case), or None."""
    if not url:
        return None
    g = _query(url).get("g")
    return g.strip().lower() if g and re.fullmatch(r"[A-Za-z_]{1,12}", g.strip()) else None


def section_for_genre(code: str | None) -> str | None:
    return GENRES.get(code or "")


def article_url(url: str) -> str | None:
    """Normalised article URL: https, ``&amp;`` decoded, only ``g`` and ``k`` kept; None if not one."""
    k = article_key(url)
    if not k:
        return None
    g = genre(url)
    return f"https://{HOST}/jc/eng?g={g}&k={k}" if g else f"https://{HOST}/jc/eng?k={k}"


def https(url: str | None) -> str | None:
    if url and url.startswith("//"):
        return "https:" + url
    if url and url.lower().startswith("http://"):
        return "https://" + url[7:]
    return url


#: The rest of a URL's query after a regex match (parameters after ``k``, e.g. ``&amp;g=spo``).
_QUERY_REST = re.compile(r"[^\s\"'<>#\\]*")


def article_urls_in_text(text: str, base_url: str) -> list[str]:
    """Article URLs anywhere in raw page text (scripts, JSON, ``&amp;`` forms), normalised."""
    text = (text or "").replace("\\/", "/").replace("\\u0026", "&")
    out: list[str] = []
    for regex, absolute in ((ARTICLE_URL_RE, True), (RELATIVE_ARTICLE_RE, False)):
        for m in regex.finditer(text):
            raw = m.group(0) + _QUERY_REST.match(text, m.end()).group(0)
            u = article_url(raw if absolute else urljoin(base_url, html_lib.unescape(raw)))
            if u and u not in out:
                out.append(u)
    return out


# ---------------------------------------------------------------------------- dateline, copyright

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
#: The dashes republishers print after ``(Jiji Press)``: ``--``, em/en dash, horizontal bar, hyphen.
DASH = r"(?:--|[\u2014\u2013\u2015\u2012]{1,2}|-)"
#: ``Place[, Month D] (Jiji Press)<dash>`` at the start of the text.
DATELINE_RE = re.compile(
    r"^\s*(?P<place>[A-Z][^()\n\[\]\d]{0,60}?)"
    r"(?:,\s*(?P<date>" + _MONTH + r"\s*\d{1,2}))?"
    r"\s*\((?P<credit>Jiji\s+Press)\)\s*" + DASH + r"\s*",
)
#: The copyright line, bracketed or not, alone or at the end of a paragraph.
COPYRIGHT_RE = re.compile(
    r"\s*(?P<line>\[\s*Copyright\s+(?:\(c\)\s*|©\s*)?The\s+Jiji\s+Press,?\s+Ltd\.?\s*\]"
    r"|(?:Copyright|©)\s+(?:\(c\)\s*|©\s*)?The\s+Jiji\s+Press,?\s+Ltd\.?(?:\s+All\s+rights\s+reserved\.?)?)\s*$",
    re.I,
)
#: A trailing photo credit in a caption: ``(Courtesy …; © Jiji)``, ``(© Jiji)``, ``(Jiji Press Photo)``.
PHOTO_CREDIT_RE = re.compile(
    r"\s*[\(（](?P<credit>[^()（）]*(?:©|\(c\)|Courtesy|Jiji\s+Press\s+Photo|Photo\s+(?:by|courtesy))[^()（）]*)[\)）]\s*$",
    re.I,
)
#: Labels a page may put right after the text that are not body (aggregator/site chrome).
_TRAILING_LABELS = {"jiji press", "(jiji press)", "jiji", "news from japan"}


def split_dateline(text: str | None) -> tuple[str | None, str | None, str]:
    """(place, date text, rest) of a paragraph starting with a Jiji dateline; (None, None, text) if none."""
    if not text:
        return None, None, text or ""
    m = DATELINE_RE.match(text)
    if not m:
        return None, None, text
    place = clean(m.group("place").rstrip(" ,"))
    date = clean(m.group("date"))
    return place, date, text[m.end():].strip()


def split_copyright(text: str | None) -> tuple[str | None, str]:
    """(copyright line as printed, rest) when the text ends with the Jiji copyright line."""
    if not text:
        return None, text or ""
    m = COPYRIGHT_RE.search(text)
    if not m:
        return None, text
    return clean(m.group("line")), text[: m.start()].strip()


def split_photo_credit(caption: str | None) -> tuple[str | None, str | None]:
    """(caption, credit) with a trailing ``(Courtesy …; © Jiji)`` credit split off."""
    caption = clean(caption)
    if not caption:
        return None, None
    m = PHOTO_CREDIT_RE.search(caption)
    if not m:
        return caption, None
    return clean(caption[: m.start()]), clean(m.group("credit"))


def clean_body(paragraphs: list[str]) -> dict[str, Any]:
    """Strip the Jiji dateline and copyright line from body paragraphs.

    Returns {"paragraphs", "dateline", "dateline_date", "credit", "copyright"}; works on one
    flattened paragraph as well as on many.
    """
    paras = [p for p in (clean(x) for x in paragraphs) if p]
    out: dict[str, Any] = {"dateline": None, "dateline_date": None, "credit": None, "copyright": None}
    # copyright: the last paragraph (or its tail); anything after it is chrome
    for i in range(len(paras) - 1, -1, -1):
        line, rest = split_copyright(paras[i])
        if line:
            out["copyright"] = line
            paras = paras[:i] + ([rest] if rest else [])
            break
    while paras and paras[-1].strip().lower() in _TRAILING_LABELS:
        paras.pop()
    # dateline: the first paragraph that has one (a kicker line may come before it)
    for i, p in enumerate(paras[:3]):
        m = DATELINE_RE.match(p)
        if m:
            place, date, rest = split_dateline(p)
            out.update(dateline=place, dateline_date=date, credit=clean(m.group("credit")))
            paras = paras[:i] + ([rest] if rest else []) + paras[i + 1:]
            break
    out["paragraphs"] = paras
    return out


# ---------------------------------------------------------------------------- HTML helpers

_BLOCK = {"p", "div", "section", "article", "blockquote", "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "table", "tr"}
_SKIP = {"script", "style", "noscript", "aside", "figure", "figcaption", "iframe", "button", "form", "nav", "img"}


def node_paragraphs(node) -> list[str]:
    """Text of a node split into paragraphs at ``<br>`` and block elements (skips scripts/asides)."""
    root = node.root if hasattr(node, "root") else node
    if isinstance(root, str):
        return [p for p in (clean(x) for x in root.split("\n\n")) if p]
    parts: list[str] = [""]

    def walk(el) -> None:
        if el.text:
            parts[-1] += el.text
        for child in el:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag == "br":
                parts.append("")
            elif tag in _SKIP or not tag:  # comments / processing instructions have no str tag
                pass
            elif tag in _BLOCK:
                parts.append("")
                walk(child)
                parts.append("")
            else:
                walk(child)
            if child.tail:
                parts[-1] += child.tail

    walk(root)
    return [p for p in (clean(x) for x in parts) if p]


#: The nearest block element around each text node that mentions the Jiji credit.
_DATELINE_BLOCKS = (
    "//body//text()[contains(., '(Jiji Press)')][not(ancestor::script or ancestor::style)]"
    "/ancestor::*[self::p or self::div or self::td or self::li or self::section or self::article][1]"
)


def dateline_block(sel: Selector) -> list[str]:
    """Paragraphs of the block whose text starts with a Jiji dateline (layout-independent).

    A ``<p>`` with the dateline brings its following sibling ``<p>``s (chrome excluded); a
    ``<div>``/``<td>`` with ``<br>`` breaks gives its own paragraphs. The longest candidate wins,
    so a teaser with a dateline in a sidebar loses against the story.
    """
    best: list[str] = []
    for block in sel.xpath(_DATELINE_BLOCKS):
        own = node_paragraphs(block)
        if not own or not DATELINE_RE.match(own[0]) or generic._is_chrome(block):
            continue
        if block.root.tag == "p":
            paras = list(own)
            for sib in block.xpath("following-sibling::p"):
                if not generic._is_chrome(sib):
                    paras.extend(node_paragraphs(sib))
        else:
            paras = own
        if sum(map(len, paras)) > sum(map(len, best)):
            best = paras
    return best


_COMMENT_RE = re.compile(r'key\s*=\s*"(?P<key>[^"]+)"\s+value\s*=\s*"(?P<value>[^"]*)"')


def html_comment_values(sel: Selector) -> dict[str, str]:
    """``<!-- key="news date" value="YYYYMMDDhhmmss" -->`` style comments as {key: value}."""
    out: dict[str, str] = {}
    for c in sel.xpath("//comment()").getall():
        for m in _COMMENT_RE.finditer(c):
            out.setdefault(m.group("key").strip().lower(), m.group("value").strip())
    return out


_SITE_SUFFIX = re.compile(
    r"\s*(?:[|\-\u2013\u2014:｜]\s*)+(?:JIJI\s*PRESS|Jiji\s+Press(?:\s+English\s+News(?:\s+Service)?)?|jen\.jiji\.com|時事ドットコム|時事通信)\s*$",
    re.I,
)
_SITE_NAMES = re.compile(r"^(?:jiji(?:\s*press)?(?:\s+english\s+news(?:\s+service)?)?|jen\.jiji\.com|jiji\.com|時事通信社?|時事ドットコム)$", re.I)


def strip_site_suffix(title: str | None) -> str | None:
    title = clean(title)
    if not title:
        return None
    stripped = clean(_SITE_SUFFIX.sub("", title))
    return stripped or title


def is_site_name(text: str | None) -> bool:
    return bool(text and _SITE_NAMES.match(text.strip()))


_TINY = re.compile(r"^(?:0|1|1px)$")


def _is_pixel(img) -> bool:
    w, h = attr_of(img, "width", ""), attr_of(img, "height", "")
    if _TINY.match(w.strip()) or _TINY.match(h.strip()):
        return True
    src = (attr_of(img, "src") or attr_of(img, "data-src") or "").lower()
    return any(s in src for s in ("spacer", "blank.gif", "1x1", "pixel", "/logo", "beacon"))


# ---------------------------------------------------------------------------- pages


class JijiGeneric(ArticlePage):
    """Any jen.jiji.com article page: structured data, Jiji conventions, the generic reader.

    The fallback for layouts nobody has seen (fixtures ``fallback_no_structured``,
    ``unknown_layout``); the named variants below only add site selectors to it.
    """

    source = "jiji"
    story_prefix = "jiji"
    publisher_name = PUBLISHER
    default_language = "en"
    variant = "jiji-generic"

    # ------------------------------------------------------------ site selectors (override)
    def site_headline(self) -> str | None:
        for h1 in self.sel.xpath("//article//h1 | //main//h1 | //h1"):
            text = element_text(h1)
            if text and not is_site_name(text):
                return text
        return None

    def site_body_paragraphs(self) -> list[str]:
        """The block that starts with the Jiji dateline, unless the generic longest run is much longer."""
        anchored = dateline_block(self.sel)
        run = self.generic_paragraphs
        if anchored and sum(map(len, anchored)) * 2 >= sum(map(len, run)):
            return anchored
        return run

    def site_date_text(self) -> str | None:
        """The visible date, e.g. ``Jun 28, 2025 18:40 (JST)``."""
        for text in self.sel.xpath(
            "//*[contains(@class,'date') or contains(@class,'Date') or contains(@class,'time')]"
            "[not(self::html or self::body)]//text()"
        ).getall():
            t = clean(text)
            if t and _VISIBLE_DATE.search(t):
                return t
        for text in self.sel.xpath("//body//text()[not(ancestor::script or ancestor::style)]").getall():
            m = _JST_STAMP.search(text)
            if m:
                return clean(m.group(0))
        return None

    def article_time(self) -> str | None:
        """``<time datetime>`` of the article itself (not of a sidebar story)."""
        own = self.sel.xpath("//article//time[@datetime]/@datetime | //main//time[@datetime]/@datetime").get()
        if own:
            return clean(own)
        times = self.sel.xpath("//time[@datetime]/@datetime").getall()
        return clean(times[0]) if len(times) == 1 else None

    def site_images(self) -> list[Image]:
        out = []
        for fig in self.sel.xpath("//figure[.//img]"):
            img = fig.xpath(".//img")[0]
            if _is_pixel(img):
                continue
            figcaption = fig.xpath(".//figcaption")
            cap, credit = split_photo_credit((element_text(figcaption[0]) or "") if figcaption else "")
            out.append(Image(url=self.absolute(attr_of(img, "src") or attr_of(img, "data-src")), caption=cap, credit=credit))
        return out

    def site_breadcrumb(self) -> str | None:
        crumbs = self.sel.xpath(
            "//*[contains(@class,'breadcrumb') or contains(@class,'Breadcrumb') or contains(@class,'topicPath')]//a//text()"
        ).getall()
        crumbs = [c for c in (clean(x) for x in crumbs) if c and c.lower() not in ("home", "top", "jiji press")]
        return crumbs[-1] if crumbs else None

    # ------------------------------------------------------------ shared evidence
    @cached_property
    def comments(self) -> dict[str, str]:
        return html_comment_values(self.sel)

    @cached_property
    def cleaned(self) -> dict[str, Any]:
        paras = self.site_body_paragraphs() or []
        if not paras:
            paras = self.generic_paragraphs
        captions = {clean(i.caption) for i in self._safe_images() if i.caption}
        headline = clean(self.headline() or "")
        paras = [p for p in paras if clean(p) not in captions and clean(p) != headline]
        return clean_body(paras)

    def _safe_images(self) -> list[Image]:
        try:
            return self.images()
        except Exception:  # noqa: BLE001 - images are only used to drop captions here
            return []

    # ------------------------------------------------------------ ids
    def site_id(self) -> str | None:
        # each source only when the ones before found nothing (first() would run them all)
        return (article_key(self.url) or any_key(self.url) or any_key(canonical(self.sel))
                or any_key(self.meta("og:url")) or self._meta_article_id() or None)

    def _meta_article_id(self) -> str | None:
        v = self.meta("cXenseParse:jij-articleid", "jij-articleid")
        return v if v and _KEY_RE.match(v) else None

    # ------------------------------------------------------------ fields
    def canonical_url(self) -> str | None:
        page_key = article_key(self.url) or any_key(self.url)
        for cand in (canonical(self.sel), self.meta("og:url"), ld_text(self.ld.get("url")) if self.ld else None):
            if not cand:
                continue
            cand = https(urljoin(self.url, cand.strip()))
            # a canonical pointing at the home page or another story is a template bug: ignore it
            if page_key and any_key(cand) != page_key:
                continue
            return cand
        return https(self.url)

    def headline(self) -> str | None:
        def cands():  # produced one at a time: later layers run only when needed
            yield ld_text(self.ld.get("headline"))
            yield self.site_headline()
            yield strip_site_suffix(self.meta("og:title", "twitter:title"))
            yield strip_site_suffix(generic.headline(self.sel))
            yield strip_site_suffix(self.sel.xpath("//title/text()").get())
        return next((c for c in cands() if c not in (None, "", [], {}) and not is_site_name(c)), None)

    def description(self) -> str | None:
        desc = super().description()
        if not desc or is_site_name(desc) or _TAGLINE.search(desc):
            return None  # the site-wide tagline is not this article's description
        return clean(split_dateline(desc)[2])

    def body(self) -> str | None:
        return join_paragraphs(self.cleaned["paragraphs"])

    def language(self) -> str | None:
        return super().language() or "en"

    def section(self) -> str | None:
        return (section_for_genre(genre(self.url)) or section_for_genre(genre(canonical(self.sel)))
                or ld_text(self.ld.get("articleSection")) or self.meta("article:section")
                or self.site_breadcrumb() or None)

    def tags(self) -> list[str]:
        return [t for t in super().tags() if not is_site_name(t) and t.lower() not in ("news", "japan news", "english news")]

    def not_author(self, name: str) -> bool:
        return is_site_name(name) or "jiji" in name.lower()

    def authors(self) -> list[Author]:
        """People only: Jiji copy has no personal bylines, so usually []; an unseen layout's from
        the generic layer (the site's name left out)."""
        if self.unknown_layout:
            return self.generic_authors()
        out = []
        for a in ld_list(self.ld.get("author")):
            if not isinstance(a, dict) or a.get("@type") != "Person":
                continue
            name = ld_text(a)
            if name and not is_site_name(name) and "jiji" not in name.lower():
                out.append(Author(name=name, name_raw=name, url=a.get("url") if isinstance(a.get("url"), str) else None))
        return out

    def publisher(self) -> str | None:
        return PUBLISHER

    def original_publisher(self) -> str | None:
        return PUBLISHER

    def dateline(self) -> str | None:
        return self.cleaned["dateline"]

    def hand_date_published(self) -> str | None:
        return first(*self.date_published_candidates())

    def date_modified_raw(self) -> str | None:
        return first(*self.date_modified_candidates())

    def date_published_candidates(self) -> list[str]:
        cands = [
            ld_text(self.ld.get("datePublished")),
            self.meta("article:published_time", "datePublished", "pubdate", "date"),
            self.comments.get("news date"),
            self.article_time(),
            self.site_date_text(),
            generic.date_published(self.sel),
        ]
        return _unique(cands)

    def date_modified_candidates(self) -> list[str]:
        return _unique([
            ld_text(self.ld.get("dateModified")),
            self.meta("article:modified_time", "dateModified", "og:updated_time"),
            self.comments.get("upd_date"),
        ])

    def images(self) -> list[Image]:
        images = self.site_images()
        if not images:
            for img in ld_list(self.ld.get("image")):
                url = img if isinstance(img, str) else (img.get("url") or img.get("contentUrl")) if isinstance(img, dict) else None
                if isinstance(url, str):
                    cap, credit = split_photo_credit(ld_text(img.get("caption")) if isinstance(img, dict) else None)
                    images.append(Image(url=self.absolute(url), caption=cap, credit=credit))
        if not images:
            og = self.meta("og:image")
            if og and "logo" not in og.lower() and "ogp_default" not in og.lower():
                images.append(Image(url=self.absolute(og)))
        for img in images:
            img.url = https(img.url)
        seen, out = set(), []
        for img in images:
            if img.url and img.url not in seen:
                seen.add(img.url)
                out.append(img)
        return out

    def copyright(self) -> str | None:
        return (self.cleaned["copyright"] or self._page_copyright_line() or self.meta("copyright", "dcterms.rights")
                or ld_text(self.ld.get("copyrightNotice")) or self._footer_copyright() or None)

    def _page_copyright_line(self) -> str | None:
        """The story's ``[Copyright The Jiji Press, Ltd.]`` line printed outside the body block."""
        for t in self.sel.xpath("//body//text()[contains(., 'Jiji Press') and contains(., '[')]").getall():
            line, _ = split_copyright(clean(t))
            if line:
                return line
        return None

    def _footer_copyright(self) -> str | None:
        for t in self.sel.xpath("//footer//text() | //*[contains(@class,'copyright') or contains(@id,'copyright')]//text()").getall():
            t = clean(t)
            if t and re.search(r"(?:Copyright|©).*Jiji", t, re.I):
                return t
        return None

    def license(self) -> str | None:
        return None  # Jiji copy is all rights reserved

    def hints(self) -> dict[str, Any]:
        hints: dict[str, Any] = {"tz": TZ, "credit": self.cleaned["credit"] or "Jiji Press"}
        if self.cleaned["dateline_date"]:
            hints["dateline_date"] = self.cleaned["dateline_date"]
        g = genre(self.url)
        if g:
            hints["genre"] = g
        return hints


#: Site taglines used as meta description on every page.
_TAGLINE = re.compile(r"^(?:(?!\(Jiji Press\)).){0,40}\b(?:news\s+service|english\s+news|latest\s+news\s+from\s+japan)\b", re.I)

_VISIBLE_DATE = re.compile(
    r"(?:\b" + _MONTH + r"[\s-]*\d{1,2},?[\s-]*\d{4}|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日)", re.I
)


#: A visible JST stamp anywhere in the text: ``Jun 28, 2025 18:40 (JST)``.
_JST_STAMP = re.compile(r"\b" + _MONTH + r"[\s-]*\d{1,2},?[\s-]*\d{4}[\s,-]+\d{1,2}:\d{2}\s*\(?JST\)?")


def _unique(values: list[str | None]) -> list[str]:
    out: list[str] = []
    for v in values:
        v = clean(v)
        if v and v not in out:
            out.append(v)
    return out


class JenJiji(JijiGeneric):
    """jen.jiji.com template as the megaCrawler scraper reads it (h1#article-title / h1.text4L,
    p.article-date, p.full-article-txt, div.photos-data). Written for fixtures ``jenjiji_icc``,
    ``emdash_prefecture``, ``endash_nodate`` and ``photo_credit``."""

    variant = "JenJiji"
    unknown_layout = False

    @classmethod
    def matches(cls, sel: Selector, url: str) -> bool:
        # a ``p.article-date`` alone is a common class, not this template
        return bool(sel.css("p.full-article-txt, h1#article-title, h1.text4L"))

    def site_headline(self) -> str | None:
        return self.css_text("h1#article-title") or self.css_text("h1.text4L") or super().site_headline() or None

    def site_body_paragraphs(self) -> list[str]:
        paras: list[str] = []
        for p in self.sel.css("p.full-article-txt"):
            paras.extend(node_paragraphs(p))
        return paras or super().site_body_paragraphs()

    def site_date_text(self) -> str | None:
        return first(self.css_text("p.article-date"), super().site_date_text())

    def site_images(self) -> list[Image]:
        out: list[Image] = []
        for data in self.sel.css("div.photos-data"):
            box = data.xpath("..")
            imgs = [i for i in box.xpath(".//img") if not _is_pixel(i)]
            cap, credit = split_photo_credit(element_text(data) or "")
            src = (attr_of(imgs[0], "src") or attr_of(imgs[0], "data-src")) if imgs else None
            out.append(Image(url=self.absolute(src), caption=cap, credit=credit))
        return out or super().site_images()


class JiJiJc(JijiGeneric):
    """The www.jiji.com "jc" template (JSON-LD NewsArticle +09:00, div.ArticleTitle h1,
    p.ArticleTitleData, div.ArticleText > p, news-date HTML comments) as an English page would
    carry it. Written for fixture ``jc_template``."""

    variant = "JiJiJc"
    unknown_layout = False

    @classmethod
    def matches(cls, sel: Selector, url: str) -> bool:
        return bool(sel.css("div.ArticleText, div.ArticleTitle"))

    def site_headline(self) -> str | None:
        return self.css_text("div.ArticleTitle h1") or super().site_headline() or None

    def site_body_paragraphs(self) -> list[str]:
        paras: list[str] = []
        for p in self.sel.css("div.ArticleText > p"):
            if "ArticleTextTab" in (attr_of(p, "class") or ""):
                continue
            paras.extend(node_paragraphs(p))
        return paras or super().site_body_paragraphs()

    def site_date_text(self) -> str | None:
        return first(self.css_text("p.ArticleTitleData"), super().site_date_text())

    def site_images(self) -> list[Image]:
        out: list[Image] = []
        for img in self.sel.css("div.ArticleText img, div.ArticleFigure img, div.ArticlePhoto img"):
            if _is_pixel(img):
                continue
            box = img.xpath("ancestor::*[self::figure or contains(@class,'Photo') or contains(@class,'Figure')][1]")
            cap_text = " ".join(box.xpath(".//figcaption//text() | .//p//text() | .//*[contains(@class,'Caption')]//text()").getall()) if box else None
            cap, credit = split_photo_credit(cap_text or attr_of(img, "alt"))
            out.append(Image(url=self.absolute(attr_of(img, "src") or attr_of(img, "data-src")), caption=cap, credit=credit))
        return out or super().site_images()


#: Variants, most specific first; the last one reads any page.
PAGE_CLASSES: list[type[ArticlePage]] = [JiJiJc, JenJiji, JijiGeneric]


# ---------------------------------------------------------------------------- listings

#: Article-link selectors of listing pages (megaCrawler), then any link.
LISTING_LINK_CSS = (".textBL>a", ".textL>li>a", "a.textL", "tbody>tr>td>a", "div.photos-list>p>a")
PAGINATION_CSS = "p.link-more>a"


def listing_article_links(sel: Selector, base_url: str, raw_text: str | None = None) -> list[str]:
    """Normalised article URLs of a listing page: site selectors, any ``<a>``, then raw text."""
    out: list[str] = []

    def add(href: str | None) -> None:
        if not href:
            return
        u = article_url(urljoin(base_url, html_lib.unescape(href.strip())))
        if u and u not in out:
            out.append(u)

    for css in LISTING_LINK_CSS:
        for href in sel.css(f"{css}::attr(href)").getall():
            add(href)
    for href in sel.css("a::attr(href)").getall():
        add(href)
    for u in article_urls_in_text(raw_text or "", base_url):
        if u not in out:
            out.append(u)
    return out


def pagination_links(sel: Selector, base_url: str) -> list[str]:
    """``p.link-more`` links on jen.jiji.com (same host only)."""
    out: list[str] = []
    for href in sel.css(f"{PAGINATION_CSS}::attr(href)").getall():
        u = https(urljoin(base_url, html_lib.unescape(href.strip())))
        if u and urlparse(u).netloc.lower() == HOST and not article_key(u) and u not in out:
            out.append(u)
    return out




# ---------------------------------------------------------------------------- feed entries


def entry_article(link: str | None, title: str | None, published: str | None, summary: str | None,
                  fetched_at: str | None = None) -> Article | None:
    """An item from a feed entry alone (its page could not be fetched); None if not an article link."""
    url = article_url(link or "")
    if not url:
        return None
    k = article_key(url)
    parts = clean_body([summary] if summary else [])
    art = Article(
        url=url, canonical_url=url, source="jiji", kind="article", item_id=f"jiji:{k}", story_id=f"jiji:{k}",
        headline=strip_site_suffix(title), description=join_paragraphs(parts["paragraphs"]), language="en",
        section=section_for_genre(genre(url)), publisher=PUBLISHER, original_publisher=PUBLISHER,
        dateline=parts["dateline"], date_published_raw=clean(published), fetched_at=fetched_at,
        copyright=parts["copyright"],
    )
    art.hints.update(tz=TZ, credit=parts["credit"] or "Jiji Press", from_feed_entry=True, variant="feed-entry")
    if parts["dateline_date"]:
        art.hints["dateline_date"] = parts["dateline_date"]
    return art
