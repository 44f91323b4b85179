"""Where a crawl's CPU goes, measured inside the crawl: the lxml parse, the page object, the
pipelines, the garbage collector and the rest (engine, middlewares, discovery, spider glue).

    python -m benchmarks.crawl_split CORPUS_DIR [--spider conversation] [--rounds 3] [-s NAME=VALUE ...]

Subtracting figures measured in different processes (the page object in a loop without the
engine, the pipelines on captured items, the crawls) leaves whatever those processes do
differently, and the machine's load, in the difference. Here each part is timed in the same crawl
(CPU time, ``time.process_time``, from ``spider_opened`` to ``spider_closed``: start-up left out)
by the :class:`CrawlSplit` extension, which wraps ``crawler.spiders.base.page_selector`` (the
parse), ``NewsSpider.page_for`` and ``ArticlePage.items`` (the page object) and each pipeline's
``process_item``, and counts the collector's time through ``gc.callbacks``.

The floor crawl (``benchmarks/spiders/floor.py``: the same engine, replay and middlewares, the
lxml tree of each page, no-op pipelines) is measured the same way. **Elsewhere** is what the full
crawl spends outside the parse, the page object and the pipelines, less what the floor crawl
spends outside its parse: the spider's path the floor does not take (the sitemap, the frontier,
``parse_article``'s glue, the per-page stats and signals, the downloader middlewares' work on
discovered links). Rounds alternate full and floor; each kind's round with the least CPU counts.
``-s NAME=VALUE`` settings go to both crawls (A/B runs of a setting).
"""
from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import sys
import time
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("parse", "parse_in_page_for", "page_for", "items", "pipelines", "gc")


class CrawlSplit:
    """Times the parts of one crawl and writes them (JSON) to ``BENCH_SPLIT_OUT`` at close; off
    (NotConfigured) without the setting. Patches the classes of this process: a bench-only tool."""

    def __init__(self, crawler, out: str):
        self.crawler = crawler
        self.out = out
        self.acc = dict.fromkeys(PARTS, 0.0)
        self.on = False
        self._gc_t0 = 0.0
        self._t0 = 0.0
        self._inside: list[str] = []  # the timed calls under way (a parse inside page_for is the parse)
        self._patch()

    @classmethod
    def from_crawler(cls, crawler):
        out = crawler.settings.get("BENCH_SPLIT_OUT")
        if not out:
            raise NotConfigured("BENCH_SPLIT_OUT is not set")
        ext = cls(crawler, out)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _timed(self, part: str, fn):
        acc, clock, inside = self.acc, time.process_time, self._inside

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            t0 = clock()
            inside.append(part)
            try:
                return fn(*args, **kwargs)
            finally:
                inside.pop()
                dt = clock() - t0
                acc[part] += dt
                if part == "parse" and "page_for" in inside:
                    acc["parse_in_page_for"] += dt

        return wrapper

    def _patch(self) -> None:
        from crawler.sites.base import ArticlePage
        from crawler.spiders import base

        parse = self._timed("parse", base.page_selector)
        base.page_selector = parse  # page_for and looks_like_article look it up in the module
        try:
            from benchmarks.spiders import floor
            floor.page_selector = parse
        except ImportError:
            pass
        base.NewsSpider.page_for = self._timed("page_for", base.NewsSpider.page_for)
        ArticlePage.items = self._timed("items", ArticlePage.items)

    def _gc(self, phase, info) -> None:
        if not self.on:
            return
        if phase == "start":
            self._gc_t0 = time.process_time()
        else:
            self.acc["gc"] += time.process_time() - self._gc_t0

    def spider_opened(self, spider) -> None:
        methods = self.crawler.engine.scraper.itemproc.methods["process_item"]
        for i, method in enumerate(list(methods)):
            methods[i] = self._timed("pipelines", method)
        gc.callbacks.append(self._gc)
        self.on = True
        self._t0 = time.process_time()

    def spider_closed(self, spider, reason) -> None:
        total = time.process_time() - self._t0
        self.on = False
        gc.callbacks.remove(self._gc)
        stats = self.crawler.stats.get_stats()
        out = {"cpu_s": total, **{f"{k}_s": v for k, v in self.acc.items()},
               "pages": stats.get("response_received_count", 0), "items": stats.get("item_scraped_count", 0)}
        Path(self.out).write_text(json.dumps(out))


def split(res: dict, pages: int) -> dict:
    """The parts of one crawl's result in CPU ms a page: parse, page object (page_for and items,
    the parse inside page_for left out), pipelines, gc (counted inside the others too) and rest
    (total less the parse, the page object and the pipelines)."""
    ms = lambda s: s / max(1, pages) * 1000  # noqa: E731
    page_object = res["page_for_s"] - res["parse_in_page_for_s"] + res["items_s"]
    rest = res["cpu_s"] - res["parse_s"] - page_object - res["pipelines_s"]
    return {"total": ms(res["cpu_s"]), "parse": ms(res["parse_s"]), "page_object": ms(page_object),
            "pipelines": ms(res["pipelines_s"]), "gc": ms(res["gc_s"]), "rest": ms(rest)}


def elsewhere(full: dict, floor: dict) -> float:
    """What the full crawl spends outside the parse, the page object and the pipelines, above
    what the floor crawl spends outside its parse (ms a page, from :func:`split` results)."""
    return full["rest"] - floor["rest"]


def crawl(kind: str, corpus: Path, spider: str, settings: list[str]) -> dict:
    from benchmarks import run

    work = ROOT / "benchmarks" / ".work"
    work.mkdir(parents=True, exist_ok=True)
    out = work / f"split-{kind}-{os.getpid()}.json"
    out.unlink(missing_ok=True)
    from crawler import settings as project

    exts = dict(project.EXTENSIONS, **{"benchmarks.crawl_split.CrawlSplit": 0})
    extra = ["-s", "EXTENSIONS=" + json.dumps(exts), "-s", f"BENCH_SPLIT_OUT={out}"]
    for s in settings:
        extra += ["-s", s]
    if kind == "full":
        seed = next(p for p in (corpus / f"sitemap-{spider}.url", corpus / f"urls-{spider}.txt") if p.exists())
        res = run.crawl(spider, seed, corpus, extra=extra)
    else:
        res = run.crawl(spider, corpus / f"urls-{spider}.txt", corpus, kind=kind, extra=extra)
    if not out.exists():
        raise RuntimeError(f"{kind} crawl wrote no split (exit {res['rc']}):\n{res['stderr_tail']}")
    data = json.loads(out.read_text())
    out.unlink()
    return data


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--spider", default="conversation")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    pages = sum(1 for ln in (args.corpus / f"urls-{args.spider}.txt").read_text().splitlines() if ln.strip())
    runs: dict[str, list[dict]] = {"full": [], "floor": []}
    for _ in range(args.rounds):
        for kind in runs:
            runs[kind].append(crawl(kind, args.corpus, args.spider, args.settings))
    best = {k: split(min(v, key=lambda r: r["cpu_s"]), pages) for k, v in runs.items()}
    print(f"{pages} pages of {args.corpus}, CPU ms a page (least of {args.rounds} rounds)"
          + (f", settings {' '.join(args.settings)}" if args.settings else ""))
    print("| crawl | total | parse | page object | pipelines | rest | (gc, inside the others) |")
    print("|---|---|---|---|---|---|---|")
    for k, s in best.items():
        print(f"| {k} | {s['total']:.2f} | {s['parse']:.2f} | {s['page_object']:.2f} | {s['pipelines']:.2f} "
              f"| {s['rest']:.2f} | {s['gc']:.2f} |")
    print(f"elsewhere (full rest - floor rest): {elsewhere(best['full'], best['floor']):.2f} ms a page")
    print("all rounds, CPU s:", {k: [round(r["cpu_s"], 2) for r in v] for k, v in runs.items()})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
