"""The item pipelines' own CPU cost per item, in one process, on items a real crawl yielded.

    python -m benchmarks.pipeline_cost capture CORPUS_DIR SPIDER ITEMS.pickle   # crawl once, keep the items
    python -m benchmarks.pipeline_cost run ITEMS.pickle [--repeat 3] [--profile]

``capture`` crawls a corpus of ``benchmarks/realcorpus.py`` (its ``sitemap-<spider>.url``) in replay
with one pipeline that pickles every item as the spider yielded it. ``run`` passes fresh copies of
those items through the project's ITEM_PIPELINES in priority order (the written-line signal
included: the writer really writes, the dedupe store really commits), in a fresh temporary
OUTPUT_DIR/STATE_DIR each round, and prints the CPU ms per item of each pipeline and in all
(the best round). No engine, no downloader: only the pipelines' own work is measured.
"""
from __future__ import annotations

import argparse
import copy
import json
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Capture:
    """Pickles every item (as the spider yielded it) to the ``CAPTURE_PATH`` setting at close."""

    def __init__(self, path: str):
        self.path = path
        self.items: list = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("CAPTURE_PATH"))

    def process_item(self, item):
        self.items.append(copy.deepcopy(item))
        return item

    def close_spider(self):
        with open(self.path, "wb") as fh:
            pickle.dump(self.items, fh)


def capture(corpus: Path, spider: str, out: Path) -> int:
    seed = (corpus / f"sitemap-{spider}.url").read_text(encoding="utf-8").strip()
    with tempfile.TemporaryDirectory() as work:
        cmd = [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"url={seed}", "-s", f"REPLAY_DIR={corpus}",
               "-s", "LOG_LEVEL=WARNING", "-s", f"OUTPUT_DIR={work}/out", "-s", f"STATE_DIR={work}/state",
               "-s", "ITEM_PIPELINES=" + json.dumps({"benchmarks.pipeline_cost.Capture": 1}), "-s", f"CAPTURE_PATH={out.resolve()}"]
        return subprocess.run(cmd, cwd=ROOT).returncode


def _pipelines(settings_dict: dict):
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.misc import build_from_crawler, load_object
    from scrapy.utils.test import get_crawler

    from crawler import settings as project

    names = {k: getattr(project, k) for k in dir(project) if k.isupper()}
    crawler = get_crawler(settings_dict={**names, **settings_dict})
    crawler.stats.open_spider()
    from scrapy import Spider

    crawler.spider = Spider(name="conversation")
    crawler.spider.crawler = crawler
    out = []
    for path, _ in sorted(crawler.settings.getdict("ITEM_PIPELINES").items(), key=lambda kv: kv[1]):
        try:
            out.append((path.rsplit(".", 1)[1], build_from_crawler(load_object(path), crawler)))
        except NotConfigured:
            pass
    return crawler, out


def one_round(items: list, profile: bool = False) -> tuple[dict[str, float], int, dict]:
    from scrapy.exceptions import DropItem

    with tempfile.TemporaryDirectory() as work:
        crawler, pipes = _pipelines({"OUTPUT_DIR": f"{work}/out", "STATE_DIR": f"{work}/state"})
        for _, p in pipes:
            if hasattr(p, "open_spider"):
                p.open_spider()
        fresh = [copy.deepcopy(i) for i in items]
        spent = {name: 0.0 for name, _ in pipes}
        clock = time.process_time
        prof = None
        if profile:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        written = 0
        for item in fresh:
            for name, p in pipes:
                t0 = clock()
                try:
                    item = p.process_item(item)
                except DropItem:
                    spent[name] += clock() - t0
                    break
                spent[name] += clock() - t0
            else:
                written += 1
        for name, p in pipes:
            if hasattr(p, "close_spider"):
                t0 = clock()
                p.close_spider()
                spent[name] += clock() - t0
        if prof is not None:
            prof.disable()
            prof.dump_stats(str(ROOT / "benchmarks" / ".work" / "pipeline_cost.prof"))
        return spent, written, crawler.stats.get_stats()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("capture")
    c.add_argument("corpus", type=Path)
    c.add_argument("spider")
    c.add_argument("out", type=Path)
    r = sub.add_parser("run")
    r.add_argument("items", type=Path)
    r.add_argument("--repeat", type=int, default=3)
    r.add_argument("--profile", action="store_true")
    r.add_argument("--stats", type=Path, help="write the last round's crawl stats (JSON) here")
    a = ap.parse_args(argv)
    if a.cmd == "capture":
        return capture(a.corpus, a.spider, a.out)
    items = pickle.loads(a.items.read_bytes())
    best: dict[str, float] | None = None
    stats: dict = {}
    for i in range(a.repeat):
        spent, written, stats = one_round(items, profile=a.profile and i == a.repeat - 1)
        if best is None or sum(spent.values()) < sum(best.values()):
            best = spent
    n = len(items)
    print(f"{n} items, {written} written; CPU ms per item (best of {a.repeat}):")
    for name, s in best.items():
        print(f"  {name:28s} {s / n * 1000:7.3f}")
    print(f"  {'all':28s} {sum(best.values()) / n * 1000:7.3f}")
    if a.stats:
        a.stats.write_text(json.dumps({k: v for k, v in stats.items() if not hasattr(v, "isoformat")},
                                      sort_keys=True, indent=0, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
