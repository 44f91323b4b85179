"""A bench corpus with the structure of real pages (built by ``benchmarks/run.py``'s ``corpus()``).

Built at bench time from the real captures in ``../shared/realpages/`` (not part of the project,
never copied into it: the corpus lands in the git-ignored ``benchmarks/corpus/``). Each copy of a
real article page keeps its markup byte for byte and gets:

* a new article id (same number of digits) wherever the page prints the old one;
* a new slug in the URL (The Conversation; Kyodo's article URLs have none);
* new paragraph words: every word of four letters or more inside a ``<p>`` is replaced by a word
  drawn from the captures' own paragraphs (capitalisation kept; words in capitals, datelines and
  acronyms, kept; tags, entities, ``<script>`` and ``<style>`` untouched), so copies are as unlike each other as distinct stories are while the
  short words ("of the", "it is") still repeat as they do across real stories.

Every site's pages are listed in one sitemap (``sitemap-<spider>.xml``, saved in the replay folder
with its URL in ``sitemap-<spider>.url``, and an empty sitemap for the zero-page crawl), and in the
URL files the fixture corpus writes (``urls.txt``, ``urls-<spider>.txt``) for the bench spiders.

:data:`SOURCES` lists the captures used; a site whose capture is missing is built from the
fixtures instead (:func:`benchmarks.corpus.build`), and :func:`available` says which are there.
"""
from __future__ import annotations

import json
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def realpages_dir() -> Path:
    """Where the real captures are: ``../shared/realpages`` beside the project, or the folder
    the environment variable BENCH_REALPAGES names (read when called)."""
    return Path(os.environ.get("BENCH_REALPAGES") or ROOT.parent / "shared" / "realpages")


@dataclass(frozen=True)
class Source:
    spider: str
    file: str
    url: str
    article_id: str
    slug: str | None          # the URL's slug (replaced too), None when the URL has none


SOURCES = (
    Source("conversation", "theconversation_2026_ai-innovation.html",
           "https://theconversation.com/will-ai-accelerate-or-undermine-the-way-humans-have-always-innovated-272246",
           "272246", "will-ai-accelerate-or-undermine-the-way-humans-have-always-innovated"),
    Source("kyodo", "kyodo_2026_nyk-hydrogen-fuel-cell-ship.html", "https://english.kyodonews.net/articles/-/86417",
           "86417", None),
    Source("kyodo", "kyodo_2026_yonhap-partner-palace-fees.html", "https://english.kyodonews.net/articles/-/86288",
           "86288", None),
)
#: listing pages: copies of a real homepage whose article links lead to the corpus's articles of
#: that site (from the fixtures), which the crawl then reaches through them
LISTINGS = {"japantimes": ("japantimes_2019_homepage.html", "https://www.japantimes.co.jp/",
                           "https://www.japantimes.co.jp/bench/listing-{n}/")}
SITEMAP_PATH = {"conversation": "https://theconversation.com/bench/sitemap-articles.xml",
                "kyodo": "https://english.kyodonews.net/bench/sitemap-articles.xml"}

_LONG_WORD = re.compile(r"[A-Za-z]{4,}")
#: a <script>/<style> block (left alone) or a paragraph (its words replaced)
_BLOCK = re.compile(r"<(script|style)\b.*?</\1\s*>|<p\b[^>]*>.*?</p\s*>", re.S | re.I)
#: inside a paragraph: a tag or an entity (kept) between text runs
_TAG_OR_ENTITY = re.compile(r"(<[^>]*>|&#?\w+;)")


def available(folder: Path | None = None, spiders: set[str] | None = None) -> list[Source]:
    """The sources whose capture is present (of SPIDERS' sites when given)."""
    folder = folder or realpages_dir()
    return [s for s in SOURCES if (spiders is None or s.spider in spiders) and (folder / s.file).is_file()]


def paragraph_words(page: str) -> list[str]:
    """The words of four letters or more in the page's paragraphs (lower-cased, in order)."""
    out = []
    for m in _BLOCK.finditer(page):
        if m.group(1) is None:
            for part in _TAG_OR_ENTITY.split(m.group(0)):
                if part and not _TAG_OR_ENTITY.fullmatch(part):
                    out += [w.lower() for w in _LONG_WORD.findall(part)]
    return out


def _like(word: str, new: str) -> str:
    if word.isupper():
        return word             # datelines (TOKYO -) and acronyms stay
    if word[0].isupper():
        return new.capitalize()
    return new


def replace_paragraph_words(page: str, rng: random.Random, vocab: list[str]) -> str:
    """PAGE with every word of four letters or more inside a ``<p>`` replaced by one of VOCAB;
    every byte outside those words (markup, entities, scripts, styles) as it was."""
    def text(run: str) -> str:
        return _LONG_WORD.sub(lambda w: _like(w.group(0), rng.choice(vocab)), run)

    def block(m: re.Match) -> str:
        if m.group(1) is not None:
            return m.group(0)
        return "".join(part if _TAG_OR_ENTITY.fullmatch(part) else text(part)
                       for part in _TAG_OR_ENTITY.split(m.group(0)))

    return _BLOCK.sub(block, page)


def new_slug(rng: random.Random, vocab: list[str], words: int) -> str:
    return "-".join(rng.choice(vocab) for _ in range(words))


def copy_page(src: Source, page: str, rng: random.Random, vocab: list[str], used: set[str]) -> tuple[str, str]:
    """One copy of a real page: (url, html) with a new id, slug and paragraph words."""
    digits = len(src.article_id)
    while True:
        new_id = str(rng.randrange(10 ** (digits - 1), 10 ** digits))
        if new_id not in used and new_id != src.article_id:
            used.add(new_id)
            break
    page = page.replace(src.article_id, new_id)
    url = src.url.replace(src.article_id, new_id)
    if src.slug:
        slug = new_slug(rng, vocab, src.slug.count("-") + 1)
        page, url = page.replace(src.slug, slug), url.replace(src.slug, slug)
    return url, replace_paragraph_words(page, rng, vocab)


def sitemap(urls: list[str]) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "".join(f"<url><loc>{u}</loc></url>\n" for u in urls) + "</urlset>\n")


def _save(out: Path, folder: str, name: str, url: str, body: str, content_type: str) -> None:
    d = out / folder
    d.mkdir(parents=True, exist_ok=True)
    ext = "xml" if "xml" in content_type else "html"
    (d / f"{name}.{ext}").write_text(body, encoding="utf-8")
    (d / f"{name}.meta.json").write_text(json.dumps({"url": url, "status": 200, "headers": {"Content-Type": content_type},
                                                     "body": f"{name}.{ext}"}), encoding="utf-8")


def write_sitemaps(out: Path, listing: list[tuple[str, str]]) -> None:
    """One sitemap of every page per site that has a sitemap URL, an empty one beside it."""
    for spider, where in SITEMAP_PATH.items():
        urls = [u for s, u in listing if s == spider]
        if not urls:
            continue
        empty = where.replace(".xml", "-empty.xml")
        _save(out, "sitemaps", f"sitemap-{spider}", where, sitemap(urls), "application/xml")
        _save(out, "sitemaps", f"sitemap-{spider}-empty", empty, sitemap([]), "application/xml")
        (out / f"sitemap-{spider}.url").write_text(where + "\n", encoding="utf-8")
        (out / f"sitemap-{spider}-empty.url").write_text(empty + "\n", encoding="utf-8")


def build(out: Path, pages: int, seed: int = 1, sites: set[str] | None = None, folder: Path | None = None,
          share: dict[str, int] | None = None) -> list[tuple[str, str]]:
    """PAGES copies of the real captures of SITES under OUT (replay entries, URL files, sitemaps).

    SHARE: pages per site (default: PAGES split evenly over the sites that have a capture)."""
    folder = folder or realpages_dir()
    sources = available(folder, sites)
    if not sources:
        raise SystemExit(f"no real captures of {sorted(sites or [])} under {folder}")
    rng = random.Random(seed)
    texts = {s.file: (folder / s.file).read_text(encoding="utf-8", errors="replace") for s in sources}
    vocab = sorted({w for t in texts.values() for w in paragraph_words(t)})
    by_site: dict[str, list[Source]] = {}
    for s in sources:
        by_site.setdefault(s.spider, []).append(s)
    if share is None:
        share = {site: pages // len(by_site) + (i < pages % len(by_site)) for i, site in enumerate(sorted(by_site))}
    out.mkdir(parents=True, exist_ok=True)
    listing: list[tuple[str, str]] = []
    used: set[str] = set()
    n = 0
    for site in sorted(by_site):
        for k in range(share.get(site, 0)):
            src = by_site[site][k % len(by_site[site])]
            url, page = copy_page(src, texts[src.file], rng, vocab, used)
            _save(out, f"{site}/{n // 1000:03d}", f"r{n:06d}", url, page, "text/html; charset=utf-8")
            listing.append((site, url))
            n += 1
    write_listing(out, listing)
    write_sitemaps(out, listing)
    return listing


def _article_links(spider: str, url: str, page: str) -> list[str]:
    """The article URLs SPIDER's listing parser finds in PAGE (distinct, in page order)."""
    from scrapy.http import HtmlResponse, Request

    from crawler.spiders import japantimes

    sp = {"japantimes": japantimes.JapanTimesSpider}[spider]()
    response = HtmlResponse(url, body=page.encode("utf-8"), encoding="utf-8", request=Request(url))
    links = [link if isinstance(link, str) else link[0] for link in sp.listing_links(response)]
    return list(dict.fromkeys(u for u in links if sp.is_article_url(u)))


def build_listings(out: Path, listing: list[tuple[str, str]], folder: Path | None = None) -> list[tuple[str, str]]:
    """For each site of :data:`LISTINGS` with a capture and articles in LISTING: copies of its
    homepage whose article links lead, each to its own, to those articles (every article in one
    listing). Writes ``seeds-<spider>.txt`` (the listing URLs: the crawl starts there) and returns
    the listing pages as (spider, url)."""
    from urllib.parse import urlsplit

    folder = folder or realpages_dir()
    made: list[tuple[str, str]] = []
    for spider, (file, home, pattern) in LISTINGS.items():
        articles = [u for s, u in listing if s == spider]
        if not articles or not (folder / file).is_file():
            continue
        page = (folder / file).read_text(encoding="utf-8", errors="replace")
        links = _article_links(spider, home, page)
        paths = [urlsplit(u).path for u in links]
        # longest first: no path is replaced inside a longer one
        order = sorted(range(len(paths)), key=lambda i: -len(paths[i]))
        seeds = []
        for n, start in enumerate(range(0, len(articles), len(paths))):
            chunk = articles[start:start + len(paths)]
            copy = page
            for i in order:               # placeholders first: a new path never holds an old one
                copy = copy.replace(paths[i], f"\0{i}\0")
            for i in order:
                copy = copy.replace(f"\0{i}\0", urlsplit(chunk[i % len(chunk)]).path)
            url = pattern.format(n=n)
            _save(out, f"{spider}-listings", f"l{n:06d}", url, copy, "text/html; charset=utf-8")
            seeds.append(url)
            made.append((spider, url))
        (out / f"seeds-{spider}.txt").write_text("".join(u + "\n" for u in seeds), encoding="utf-8")
        (out / "listings.txt").write_text("".join(f"{s} {u}\n" for s, u in made), encoding="utf-8")
    return made


def write_listing(out: Path, listing: list[tuple[str, str]]) -> None:
    (out / "urls.txt").write_text("".join(f"{s} {u}\n" for s, u in listing), encoding="utf-8")
    for spider in {s for s, _ in listing}:
        (out / f"urls-{spider}.txt").write_text("".join(f"{u}\n" for s, u in listing if s == spider), encoding="utf-8")
