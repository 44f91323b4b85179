"""Dedupe at scale: check-and-insert into the story index at 10k, 100k and 1M stories.

``python -m benchmarks.bench_dedupe [--quick] [--sizes 10000,100000] [--out FILE]``

The index (a real SQLite file in a temporary folder, the same code path as the pipeline:
``StoryIndex.assign`` = normalise + shingle + MinHash + LSH query + verification + insert)
is filled with synthetic stories of realistic length (250-700 words of a Zipf-distributed
20,000-word vocabulary, in paragraphs). At each size, ``measure`` fresh items are timed one by
one: 80 % new stories, 20 % edited copies of stories already in the index (dateline typography
changed, a paragraph cut, chrome added), with the batched commit (every 200 items) included in
the item that triggers it, after 200 untimed warm-up items and with the long-lived objects (the
filled index's caches, the kept texts) frozen out of the garbage collector. Reported per size:
p50 / p99 / mean wall-clock ms per item, the same for CPU time of the thread (robust when other
processes share the cores: wall-clock tails there are preemption), the fingerprint's CPU p50,
the mean CPU of a commit, bytes on disk per story (after a WAL checkpoint), process RSS, and whether the copies
were linked (a sanity check that the index still finds them at that size).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from crawler.dedupe import SQLiteStoryStore, StoryIndex, fingerprint

VOCAB = 20_000
COMMIT_EVERY = 200


class Corpus:
    """Deterministic synthetic news-like texts."""

    def __init__(self, seed: int = 7):
        rng = np.random.default_rng(seed)
        letters = np.array(list("etaoinshrdlucmfwypvbgkqjxz"))
        p = 1 / np.arange(1, 27)
        p /= p.sum()
        words: set[str] = set()
        while len(words) < VOCAB:
            lengths = rng.integers(2, 11, VOCAB)
            chars = rng.choice(letters, (VOCAB, 10), p=p)
            words.update("".join(row[:n]) for row, n in zip(chars, lengths))
        words = set(sorted(words)[:VOCAB]) if len(words) > VOCAB else words
        self.words = np.array(sorted(words, key=lambda w: (len(w), w)))
        ranks = np.arange(1, VOCAB + 1)
        self.p = (1 / ranks ** 1.05) / (1 / ranks ** 1.05).sum()
        self.rng = rng

    def story(self) -> str:
        n = int(self.rng.integers(250, 700))
        idx = self.rng.choice(VOCAB, n, p=self.p)
        toks = self.words[idx]
        cuts = sorted(set(self.rng.integers(30, n, max(1, n // 70)).tolist()))
        out, start = [], 0
        for c in cuts + [n]:
            if c > start:
                out.append(" ".join(toks[start:c]).capitalize() + ".")
            start = c
        return "TOKYO - " + "\n\n".join(out)

    def copy_of(self, text: str) -> str:
        paras = text.replace("TOKYO - ", "TOKYO \u2013 ").split("\n\n")
        if len(paras) > 3:
            paras = paras[:-1]
        return "Hashtags\nTry Our AI Features\n" + "\n\n".join(paras) + "\nRelated Articles"


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def fill(index: StoryIndex, corpus: Corpus, n: int, start: int, keep: list[str]) -> None:
    store = index.store
    for i in range(start, n):
        text = corpus.story()
        index.assign(f"bench:{i}", text, f"bench:{i}", [f"bench:{i}"])
        if len(keep) < 5000 and i % 7 == 0:
            keep.append(text)
        if i % 2000 == 0:
            store.commit()
    store.commit()


def measure(index: StoryIndex, corpus: Corpus, count: int, tag: str, keep: list[str]) -> dict:
    store = index.store
    times, cpu, fp_times, commit_cpu = [], [], [], []
    linked = copies = 0
    rng = np.random.default_rng(len(tag))
    # Warm-up (untimed): the first items after a fill pay for cold SQLite pages and word caches.
    for i in range(min(200, count // 5)):
        index.assign(f"{tag}:warm:{i}", corpus.story(), None, [])
    store.commit()
    # The filled index and the kept texts are long-lived: freeze them so that a garbage collection
    # in a timed item does not traverse them (a crawl process does not hold them); gc stays on.
    gc.collect()
    gc.freeze()
    for i in range(count):
        is_copy = i % 5 == 4 and keep
        text = corpus.copy_of(keep[int(rng.integers(len(keep)))]) if is_copy else corpus.story()
        c0 = time.thread_time()
        t0 = time.perf_counter()
        a = index.assign(f"{tag}:{i}", text, None if is_copy else f"{tag}:{i}", [] if is_copy else [f"{tag}:{i}"])
        if (i + 1) % COMMIT_EVERY == 0:
            c1 = time.thread_time()
            store.commit()
            commit_cpu.append(time.thread_time() - c1)
        times.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
        if is_copy:
            copies += 1
            linked += a.how == "near"
        if i % 10 == 0:
            t1 = time.thread_time()
            fingerprint(text)
            fp_times.append(time.thread_time() - t1)
    store.commit()
    gc.unfreeze()
    ms = sorted(t * 1000 for t in times)
    cms = sorted(t * 1000 for t in cpu)
    return {"items": count, "p50_ms": round(ms[len(ms) // 2], 3), "p99_ms": round(ms[int(len(ms) * 0.99)], 3),
            "mean_ms": round(statistics.fmean(ms), 3),
            "cpu_p50_ms": round(cms[len(cms) // 2], 3), "cpu_p99_ms": round(cms[int(len(cms) * 0.99)], 3),
            "cpu_mean_ms": round(statistics.fmean(cms), 3),
            "fingerprint_cpu_p50_ms": round(sorted(fp_times)[len(fp_times) // 2] * 1000, 3),
            "commit_cpu_mean_ms": round(statistics.fmean(commit_cpu) * 1000, 3) if commit_cpu else 0.0,
            "copies_linked": f"{linked}/{copies}"}


def run(sizes=(10_000, 100_000, 1_000_000), quick: bool = False, measure_items: int | None = None,
        workdir: str | None = None, log=print) -> dict:
    if quick:
        sizes = tuple(s for s in sizes if s <= 10_000) or (2_000, 10_000)
        sizes = sizes if len(sizes) > 1 else (2_000,) + sizes
    count = measure_items or (500 if quick else 2000)
    tmp = Path(workdir or tempfile.mkdtemp(prefix="bench-dedupe-"))
    db = tmp / "dedupe.sqlite"
    store = SQLiteStoryStore(db)
    index = StoryIndex(store)
    corpus = Corpus()
    keep: list[str] = []
    results = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "sizes": {}}
    have = 0
    try:
        for size in sorted(sizes):
            t0 = time.perf_counter()
            fill(index, corpus, size, have, keep)
            have = size
            fill_s = time.perf_counter() - t0
            m = measure(index, corpus, count, f"m{size}", keep)
            store.commit()
            store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            stories = store.db.execute("SELECT count(*) FROM stories").fetchone()[0]
            m.update({"stories": stories, "bytes_per_story": round(disk_bytes(db) / stories, 1),
                      "rss_mb": round(rss_mb(), 1), "fill_seconds": round(fill_s, 1)})
            results["sizes"][str(size)] = m
            log(f"{size:>9,} stories: p50 {m['p50_ms']:.3f} ms  p99 {m['p99_ms']:.3f} ms  mean {m['mean_ms']:.3f} ms  "
                f"(CPU p50 {m['cpu_p50_ms']:.3f} p99 {m['cpu_p99_ms']:.3f})  "
                f"(fingerprint CPU p50 {m['fingerprint_cpu_p50_ms']:.3f} ms, commit CPU {m['commit_cpu_mean_ms']:.1f} ms "
                f"every {COMMIT_EVERY})  {m['bytes_per_story']:.0f} B/story  "
                f"RSS {m['rss_mb']:.0f} MB  copies linked {m['copies_linked']}  (fill {fill_s:.0f} s)")
        keys = sorted(results["sizes"], key=int)
        if len(keys) > 1:
            lo, hi = results["sizes"][keys[0]], results["sizes"][keys[-1]]
            results["p50_ratio_largest_vs_smallest"] = round(hi["p50_ms"] / lo["p50_ms"], 2)
            results["mean_ratio_largest_vs_smallest"] = round(hi["mean_ms"] / lo["mean_ms"], 2)
    finally:
        store.close()
        if workdir is None:
            shutil.rmtree(tmp, ignore_errors=True)
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes only (CI: proves the suite works)")
    ap.add_argument("--sizes", help="comma-separated index sizes, e.g. 10000,100000")
    ap.add_argument("--measure", type=int, help="items timed at each size")
    ap.add_argument("--out", help="write the result JSON here")
    args = ap.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else (10_000, 100_000, 1_000_000)
    res = run(sizes, quick=args.quick, measure_items=args.measure)
    if args.out:
        Path(args.out).write_text(json.dumps(res, indent=1), encoding="utf-8")
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
