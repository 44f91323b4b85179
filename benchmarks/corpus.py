"""Build a large replay corpus from the fixtures: unique URLs and ids, varied text.

    python -m benchmarks.corpus OUT_DIR --pages 5000 [--seed 1] [--sites conversation,kyodo]

Every fixture case whose page is an article (its expected.json holds an article item with the
case's URL) is copied N times. Each copy gets a new site id (same shape: digits stay digits,
hex stays hex; pages without an id get a new URL path) replaced everywhere in the page, and its
paragraph text is perturbed (about a third of the words swapped for others) so that copies are
not near-duplicates of each other. Writes replay entries plus ``urls.txt`` (one URL per line,
the spider name before it: ``<spider> <url>``) and ``urls-<spider>.txt`` (URLs only).

``pad_kb`` (``--pad-kb``): the fixtures are small (2-21 KB) while a real Conversation article
page weighs about 190 KB, most of it page chrome: ~58 KB of inline CSS, ~55 KB of inline
scripts, navigation bars, an edition/section sidebar, related-article lists and a footer
(about 600 elements, 160 links). With ``pad_kb`` set, every Conversation page is padded with
generated chrome of that shape to about ``pad_kb`` KB, outside the article (in ``<head>``,
``<nav>``, ``<aside>``, ``<footer>``), so extraction results do not change but parsing costs
what it costs on the real site.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

from lxml import html as lxml_html

from crawler.golden import cases

_WORD = re.compile(r"[A-Za-z]{4,}")


def article_cases(sites: set[str] | None = None):
    for case in cases():
        if sites and case.spider not in sites:
            continue
        if not case.expected_path.exists():
            continue
        expected = json.loads(case.expected_path.read_text(encoding="utf-8"))
        main = [r for r in expected if r["kind"] == "article" and r["url"].rstrip("/") == case.url.rstrip("/")]
        if main:
            yield case, main[0]


def _new_id(old: str, rng: random.Random, used: set[str]) -> str:
    """A fresh id of the same shape as OLD, never handed out before."""
    while True:
        if old.isdigit():
            new = str(rng.randrange(10 ** (len(old) - 1), 10 ** len(old)))
        elif re.fullmatch(r"[0-9a-f]+", old):
            new = "".join(rng.choice("0123456789abcdef") for _ in old)
        else:
            new = old + "-" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(6))
        if new not in used and new != old:
            used.add(new)
            return new


def perturb(page: str, rng: random.Random, vocab: list[str], share: float = 0.35) -> str:
    """Swap about SHARE of the longer words inside <p> elements for words of VOCAB."""
    try:
        doc = lxml_html.document_fromstring(page)
    except Exception:  # noqa: BLE001
        return page

    def swap(text: str | None) -> str | None:
        if not text:
            return text
        return _WORD.sub(lambda m: rng.choice(vocab) if rng.random() < share else m.group(0), text)

    for p in doc.iter("p"):
        for el in p.iter():
            el.text = swap(el.text)
            if el is not p:
                el.tail = swap(el.tail)
    return lxml_html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


_CSS_PROPS = ("display:flex", "margin:0 auto", "padding:.5rem 1rem", "font-weight:700", "color:#1a1a1a",
              "line-height:1.45", "border-top:1px solid #e5e5e5", "grid-template-columns:repeat(12,1fr)",
              "font-size:.875rem", "position:relative", "text-transform:uppercase", "gap:1rem")
#: utility-class strings as long as the real site's (its markup averages ~120 bytes per element)
_TW = ("flex flex-col gap-2 md:flex-row md:items-center justify-between text-gray-700 hover:text-black lg:text-sm",
       "relative block w-full overflow-hidden rounded-sm border-b border-gray-200 py-3 px-1 lg:py-4 2xl:px-2",
       "text-xs font-semibold uppercase tracking-wide text-red-700 dark:text-red-300 md:text-2xs lg:text-xs")
_SECTIONS = ("Arts + Culture", "Business + Economy", "Cities", "Education", "Environment", "Health",
             "Politics + Society", "Science", "Technology", "World", "Podcasts", "Insights")
_EDITIONS = ("Africa", "Australia", "Brasil", "Canada", "Canada (français)", "España", "Europe",
             "France", "Global", "Indonesia", "New Zealand", "United Kingdom", "United States")


def _words(rng: random.Random, vocab: list[str], n: int) -> str:
    return " ".join(rng.choice(vocab) for _ in range(n))


def chrome(rng: random.Random, vocab: list[str], size: int) -> tuple[str, str, str]:
    """Generated page chrome of about SIZE bytes: (head, top of body, bottom of body)."""
    css_parts, n = [], 0
    while n < size * 0.31:
        cls = "-".join(rng.choice(vocab)[:8] for _ in range(rng.randrange(1, 4)))
        rule = f".{cls}{{{';'.join(rng.sample(_CSS_PROPS, 3))}}}@media (min-width:{rng.choice((640, 768, 1024, 1280))}px){{.{cls}{{{rng.choice(_CSS_PROPS)}}}}}\n"
        css_parts.append(rule)
        n += len(rule)
    js_parts, n = [], 0
    while n < size * 0.29:
        key = rng.choice(vocab)
        stmt = (f'window.__tc=window.__tc||{{}};__tc["{key}"]={{id:{rng.randrange(10**6)},label:"{_words(rng, vocab, 3)}",'
                f'enabled:{rng.choice(("true", "false"))},ts:{rng.randrange(10**12)}}};'
                f'function {key}_{rng.randrange(999)}(e){{if(!e)return null;return e.dataset&&e.dataset.{key}||"";}}\n')
        js_parts.append(stmt)
        n += len(stmt)
    head = (f"<style>{''.join(css_parts)}</style>\n"
            f"<script type=\"application/javascript\">{''.join(js_parts[: len(js_parts) // 2])}</script>\n"
            f"<script>{''.join(js_parts[len(js_parts) // 2:])}</script>\n"
            '<script src="https://cdn.theconversation.com/static/tc/runtime-0f00.js" async></script>\n')

    def link(path_words: int = 3, text_words: int = 3) -> str:
        slug = "-".join(rng.choice(vocab) for _ in range(path_words))
        return f'<a href="https://theconversation.com/{slug}-{rng.randrange(10**5, 10**6)}" class="{rng.choice(_TW)}" data-track="{rng.choice(vocab)}-{rng.randrange(999)}">{_words(rng, vocab, text_words).title()}</a>'

    budget = size - sum(map(len, (head,)))
    top = ['<div id="small-sidebar" class="border-t md:block lg:hidden"><nav class="small-sidebar-transition-group">'
           '<form action="/search" class="relative flex"><input type="search" name="q" placeholder="Search"><button type="submit">Search</button></form></nav>'
           '<nav class="small-sidebar-group sections-sidebar-group"><ul>'
           + "".join(f'<li><a href="https://theconversation.com/uk/{s.lower().replace(" + ", "-")}">{s}</a></li>' for s in _SECTIONS)
           + '</ul></nav><nav class="small-sidebar-group small-sidebar-editions"><ul>'
           + "".join(f'<li><a href="https://theconversation.com/{e[:2].lower()}">{e}</a></li>' for e in _EDITIONS)
           + '</ul></nav></div><header class="flex justify-between mx-auto"><nav class="tc-container flex relative"><ul>'
           + "".join(f"<li>{link(1, 2)}</li>" for _ in range(24)) + "</ul></nav></header>"]
    bottom, n = [], 0
    target = max(0, budget - len(top[0]))
    while n < target:
        block = ('<aside class="grid-two w-full related-content"><section class="related-articles"><h3>'
                 + _words(rng, vocab, 2).title() + "</h3><ul>"
                 + "".join(f'<li class="{rng.choice(_TW)}"><span class="{rng.choice(_TW)}">{rng.choice(_SECTIONS)}</span>{link(5, 9)}'
                           f'</li>' for _ in range(12))
                 + "</ul></section></aside>")
        bottom.append(block)
        n += len(block)
    bottom.append('<footer class="site-footer"><nav><ul>' + "".join(f"<li>{link(1, 2)}</li>" for _ in range(20))
                  + f"</ul></nav><p>{_words(rng, vocab, 12)}</p><p>Copyright © 2010–2026, The Conversation Media Group</p></footer>")
    return head, top[0], "".join(bottom)


def pad(page: str, rng: random.Random, vocab: list[str], kb: int) -> str:
    """PAGE with generated chrome added around the article until it weighs about KB kilobytes."""
    missing = kb * 1024 - len(page.encode("utf-8"))
    if missing <= 0:
        return page
    head, top, bottom = chrome(rng, vocab, missing)
    page, n = re.subn(r"</head>", lambda m: head + "</head>", page, count=1, flags=re.I)
    if not n:
        page = head + page
    page, n = re.subn(r"<body[^>]*>", lambda m: m.group(0) + top, page, count=1, flags=re.I)
    if not n:
        page = top + page
    page, n = re.subn(r"</body>", lambda m: bottom + "</body>", page, count=1, flags=re.I)
    if not n:
        page = page + bottom
    return page


def build(out: Path, pages: int, seed: int = 1, sites: set[str] | None = None,
          pad_kb: int | None = None) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    sources = list(article_cases(sites))
    if not sources:
        raise SystemExit("no article fixtures found")
    vocab = sorted({w.lower() for case, _ in sources
                    for w in _WORD.findall((case.folder / json.loads((case.folder / "page.meta.json").read_text())["body"]).read_text(encoding="utf-8", errors="replace"))})
    out.mkdir(parents=True, exist_ok=True)
    listing: list[tuple[str, str]] = []
    used: set[str] = set()
    for n in range(pages):
        case, record = sources[n % len(sources)]
        meta = json.loads((case.folder / "page.meta.json").read_text(encoding="utf-8"))
        page = (case.folder / meta["body"]).read_text(encoding="utf-8", errors="replace")
        url = meta["url"]
        site_id = record["item_id"].split(":", 1)[1]
        if site_id and site_id in url and len(site_id) >= 5:
            new = _new_id(site_id, rng, used)
            page, url = page.replace(site_id, new), url.replace(site_id, new)
        elif site_id and len(site_id) >= 5 and site_id in page:
            # an id printed in the page but not in the URL (Japan Times post ids): a new id and
            # a new URL, or every copy would be one article (dropped as a duplicate in the run)
            new = _new_id(site_id, rng, used)
            new_url = re.sub(r"/?$", f"-c{n}", url.split("?")[0], count=1) + ("?" + url.split("?")[1] if "?" in url else "")
            page = page.replace(site_id, new).replace(url, new_url).replace(record["canonical_url"], new_url)
            url = new_url
        else:
            new_url = re.sub(r"/?$", f"-c{n}", url.split("?")[0], count=1) + ("?" + url.split("?")[1] if "?" in url else "")
            page = page.replace(url, new_url).replace(record["canonical_url"], new_url)
            url = new_url
        page = perturb(page, rng, vocab)
        if pad_kb and case.spider == "conversation":
            page = pad(page, rng, vocab, pad_kb)
        folder = out / case.spider / f"{n // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"p{n:06d}"
        (folder / f"{name}.html").write_text(page, encoding="utf-8")
        (folder / f"{name}.meta.json").write_text(json.dumps(dict(meta, url=url, body=f"{name}.html")), encoding="utf-8")
        listing.append((case.spider, url))
    (out / "urls.txt").write_text("".join(f"{s} {u}\n" for s, u in listing), encoding="utf-8")
    for spider in {s for s, _ in listing}:
        (out / f"urls-{spider}.txt").write_text("".join(f"{u}\n" for s, u in listing if s == spider), encoding="utf-8")
    return listing


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--pages", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sites", default="")
    ap.add_argument("--pad-kb", type=int, default=None, help="pad Conversation pages with chrome to about this size")
    args = ap.parse_args(argv)
    listing = build(args.out, args.pages, args.seed, set(filter(None, args.sites.split(","))) or None, args.pad_kb)
    print(f"{len(listing)} pages under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
