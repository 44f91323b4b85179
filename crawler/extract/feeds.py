"""RSS 2.0 / Atom / sitemap parsing, safe against hostile XML (pure; lxml only).

Entities are never resolved, no DTD is loaded and nothing is fetched, so XML external
entities cannot read files and "billion laughs" cannot expand.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from crawler.text import clean, fix_mojibake

_PARSER_KW = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)
_ATOM = "{http://www.w3.org/2005/Atom}"
_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass
class FeedEntry:
    link: str | None = None
    title: str | None = None
    published: str | None = None
    updated: str | None = None
    summary: str | None = None
    content_html: str | None = None
    authors: list[dict] = field(default_factory=list)  # {"name", "uri"}
    rights: str | None = None
    categories: list[str] = field(default_factory=list)
    id: str | None = None


_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[.*?\]\s*>", re.S)


def _root(body: bytes):
    # A feed has no business declaring entities: drop an internal DTD subset, so an entity
    # bomb neither expands nor makes libxml2 give up on the entries around it.
    body = _INTERNAL_SUBSET.sub(b"", body[:65536]) + body[65536:] if b"<!DOCTYPE" in body[:65536] else body
    parser = etree.XMLParser(**_PARSER_KW)
    try:
        return etree.fromstring(body, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return None


def sniff(body: bytes) -> str | None:
    """'atom', 'rss', 'rdf', 'sitemap', 'sitemapindex' or None (not a feed/sitemap)."""
    head = body[:2048].lstrip()
    if not head.startswith(b"<") or b"<html" in head[:600].lower():
        return None
    m = re.search(rb"<(?:[\w-]+:)?(feed|rss|RDF|urlset|sitemapindex)[\s>]", body[:4096])
    if not m:
        return None
    return {b"feed": "atom", b"rss": "rss", b"RDF": "rdf", b"urlset": "sitemap", b"sitemapindex": "sitemapindex"}[m.group(1)]


def _t(el) -> str | None:
    if el is None:
        return None
    return fix_mojibake(clean("".join(el.itertext())))


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_feed(body: bytes) -> list[FeedEntry]:
    """Entries of an RSS 2.0, RSS 1.0 (RDF) or Atom feed; [] for anything unreadable."""
    root = _root(body)
    if root is None:
        return []
    entries: list[FeedEntry] = []
    if _local(root.tag) == "feed":
        for e in root.iter(f"{_ATOM}entry"):
            fe = FeedEntry()
            for link in e.findall(f"{_ATOM}link"):
                if link.get("rel", "alternate") == "alternate" and link.get("href"):
                    fe.link = link.get("href").strip()
                    break
            fe.title = _t(e.find(f"{_ATOM}title"))
            fe.published = _t(e.find(f"{_ATOM}published"))
            fe.updated = _t(e.find(f"{_ATOM}updated"))
            fe.summary = _t(e.find(f"{_ATOM}summary"))
            content = e.find(f"{_ATOM}content")
            if content is not None:
                fe.content_html = fix_mojibake("".join(content.itertext()))
            fe.rights = _t(e.find(f"{_ATOM}rights"))
            fe.id = _t(e.find(f"{_ATOM}id"))
            for a in e.findall(f"{_ATOM}author"):
                uri = a.find(f"{_ATOM}uri")
                home = [c.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource") for c in a if _local(c.tag) == "homepage"]
                fe.authors.append({"name": _t(a.find(f"{_ATOM}name")), "uri": _t(uri) or (home[0] if home else None)})
            fe.categories = [c.get("term") or c.get("label") for c in e.findall(f"{_ATOM}category") if c.get("term") or c.get("label")]
            entries.append(fe)
        return entries
    for item in root.iter():
        if _local(item.tag) != "item":
            continue
        fe = FeedEntry()
        for child in item:
            name = _local(child.tag)
            if name == "link" and not fe.link:
                fe.link = _t(child) or child.get("href")
            elif name == "title":
                fe.title = _t(child)
            elif name in ("pubDate", "date") and not fe.published:
                fe.published = _t(child)
            elif name == "description":
                fe.summary = _t(child)
            elif name == "encoded":
                fe.content_html = fix_mojibake("".join(child.itertext()))
            elif name in ("creator", "author"):
                n = _t(child)
                if n:
                    fe.authors.append({"name": n, "uri": None})
            elif name == "category":
                c = _t(child)
                if c:
                    fe.categories.append(c)
            elif name == "guid":
                fe.id = _t(child)
            elif name == "rights":
                fe.rights = _t(child)
        if not fe.link and fe.id and fe.id.startswith("http"):
            fe.link = fe.id
        entries.append(fe)
    return entries


def iter_sitemap(body: bytes) -> Iterator[tuple[str, str, str | None]]:
    """``(kind, loc, lastmod)`` for each ``<url>`` (kind "url") and ``<sitemap>`` (kind
    "sitemap") of a sitemap or sitemap index, in document order.

    Streamed: each entry is read and then freed, so a 50,000-URL sitemap never becomes a
    tree in memory (a full parse of one costs ~10x its size). Same hostile-XML rules as
    :func:`parse_feed`; a document broken half-way gives the entries before the break.
    """
    if b"<!DOCTYPE" in body[:65536]:
        body = _INTERNAL_SUBSET.sub(b"", body[:65536]) + body[65536:]
    events = etree.iterparse(io.BytesIO(body), events=("end",), **_PARSER_KW)
    try:
        for _, el in events:
            name = _local(el.tag)
            if name not in ("url", "sitemap"):
                continue
            loc = lastmod = None
            for c in el:
                cname = _local(c.tag)
                if cname == "loc":
                    loc = clean(c.text)
                elif cname == "lastmod":
                    lastmod = clean(c.text)
            el.clear()
            parent = el.getparent()
            if parent is not None:  # drop the entries already read (keep memory flat)
                while el.getprevious() is not None:
                    del parent[0]
            if loc:
                yield name, loc, lastmod
    except (etree.XMLSyntaxError, ValueError):
        return


def parse_sitemap(body: bytes) -> tuple[list[tuple[str, str | None]], list[str]]:
    """(urls with lastmod, child sitemaps) of a sitemap or sitemap index."""
    urls, children = [], []
    for kind, loc, lastmod in iter_sitemap(body):
        (urls.append((loc, lastmod)) if kind == "url" else children.append(loc))
    return urls, children
