"""Build a large replay corpus from the fixtures: unique URLs and ids, varied text.

    python -m benchmarks.corpus OUT_DIR --pages 5000 [--seed 1] [--sites conversation,kyodo]

Every fixture case whose page is an article (its expected.json holds an article item with the
case's URL) is copied N times. Each copy gets a new site id (same shape: digits stay digits,
hex stays hex; pages without an id get a new URL path) replaced everywhere in the page, and its
paragraph text is perturbed (about a third of the words swapped for others) so that copies are
not near-duplicates of each other. Writes replay entries plus ``urls.txt`` (one URL per line,
the spider name before it: ``<spider> <url>``).
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


def build(out: Path, pages: int, seed: int = 1, sites: set[str] | None = None) -> list[tuple[str, str]]:
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
        else:
            new_url = re.sub(r"/?$", f"-c{n}", url.split("?")[0], count=1) + ("?" + url.split("?")[1] if "?" in url else "")
            page = page.replace(url, new_url).replace(record["canonical_url"], new_url)
            url = new_url
        page = perturb(page, rng, vocab)
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
    args = ap.parse_args(argv)
    listing = build(args.out, args.pages, args.seed, set(filter(None, args.sites.split(","))) or None)
    print(f"{len(listing)} pages under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
