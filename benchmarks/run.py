"""The benchmark suite: ``python -m benchmarks.run [--quick] [--parts a,b] [--out FILE]``.

Builds replay corpora under ``benchmarks/corpus/`` (git-ignored) and measures, in one run:

* **throughput** - the full crawl (``scrapy crawl <spider> -a urls_file=...`` in replay mode with
  every pipeline of ITEM_PIPELINES, plus the dedupe pipeline at 500 when settings.py does not list
  it yet) against, on the same pages: (a) a bare spider that only yields ``{url}`` through the same
  engine and replay handler (``benchmarks/spiders/bare.py``), (b) lxml parsing alone, (c)
  ``trafilatura.extract``, (d) the floor: what any Scrapy crawler of these pages pays before
  extracting a field (``benchmarks/spiders/floor.py``: the bare spider plus the page's lxml tree,
  built as the real spiders build it, through as many no-op pipelines as the project has,
  ``benchmarks/noop_pipelines.py``); also our own extraction in-process (parse + page object, no
  engine). Each throughput target is restated as CPU ms per page of the full crawl, with what it
  leaves above the floor for our own work (``budgets``).
  Each crawl is a child process; its CPU time and peak RSS come from ``os.wait4`` (the child's own
  rusage, the per-child equivalent of ``getrusage(RUSAGE_CHILDREN)``). A crawl of zero pages of the
  same spider is measured too: the *net* numbers (per page, pages/s) subtract it, so start-up is
  counted once, under its own heading, and not spread over the pages. In full mode every crawl
  and its zero-page crawl run ``CRAWL_REPEAT`` (5) times, alternating, and the run with the least
  CPU counts (all runs are kept in the results): the same crawl varies by +-10 % here.
* **dates** - ``benchmarks.bench_dates.run(quick)`` (the dates engineer's benchmark); in quick
  mode a small sample of the same corpus instead, because dateparser alone takes ~25 ms a string.
* **dedupe** - ``benchmarks.bench_dedupe.run(sizes, quick)`` when present.
* **memory** - peak RSS of the Conversation crawl at 2,000 and at 20,000 pages; and of a walk
  through a generated sitemap of 5,000 and of 50,000 article URLs (the protocol's limit; the
  pages behind are not saved, so only discovery and requests count: ``memory_sitemap``).
* **startup** - ``scrapy list`` against ``scrapy version``, median of several runs; where
  PYTHONDONTWRITEBYTECODE is set (this machine), also with a bytecode cache.
* **warc** - ``benchmarks.bench_warc.run(quick)``: the Conversation corpus crawled from its replay
  folder and from a CC-NEWS-shaped WARC of the same pages (CPU ms/page, pages/s), records/s
  reading that WARC with warcio and FastWARC, and both libraries on the edge cases.

Corpora: ``conversation`` (2,000 Conversation pages padded with generated chrome to ~190 KB, the
size of a real article page - the issue's calibration set), ``mixed`` (5,000 pages of all five
spiders' fixtures, Conversation pages padded likewise, the others at fixture size 2-21 KB) and
``conversation20k`` for memory. ``--quick`` uses a few hundred pages and small sizes and runs in
under a minute; it always exits 0 (it proves the suite works). Results go to
``benchmarks/results.json`` (parts not run are kept from the previous file) with every target
and ``met`` true/false; a markdown table is printed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "benchmarks" / "corpus"
RESULTS = ROOT / "benchmarks" / "results.json"
SPIDERS = ("conversation", "kyodo", "jiji", "japantimes", "republisher")
PAD_KB = 185  # pages come out at ~190-200 KB
PARTS = ("throughput", "dates", "dedupe", "memory", "startup", "distributed", "warc")
QUICK_PAGES = 120
#: runs of each throughput crawl in full mode (the least CPU counts: the same crawl varies by +-10 %
#: from run to run on a shared 2-core VM)
CRAWL_REPEAT = 5


def log(*a) -> None:
    print(*a, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- machine
def machine() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    import lxml.etree
    import scrapy

    try:
        import trafilatura
        traf = trafilatura.__version__
    except Exception:  # noqa: BLE001
        traf = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": mem_gb, "os": platform.platform(),
            "python": platform.python_version(), "scrapy": scrapy.__version__,
            "lxml": ".".join(map(str, lxml.etree.LXML_VERSION)), "trafilatura": traf,
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}


# ----------------------------------------------------------------------------- corpora
def corpus(name: str, pages: int, seed: int, sites: set[str] | None) -> Path:
    """A corpus folder (rebuilt when its size or recipe changed).

    Sites with a real capture in ``../shared/realpages`` (``benchmarks/realcorpus.py``: the
    Conversation article, the Kyodo articles) are built from it, their pages behind one sitemap;
    the others, and every site when the captures are absent, from the fixtures. ``recipe.json``
    says which (``real``: the captures used; ``source``: what the table prints)."""
    from benchmarks import realcorpus
    from benchmarks.corpus import build

    out = CORPUS / name
    stamp = out / "recipe.json"
    real = realcorpus.available(spiders=sites)
    real_sites = {s.spider for s in real}
    listings = [f for sp, (f, _, _) in realcorpus.LISTINGS.items()
                if real and (sites is None or sp in sites) and (realcorpus.realpages_dir() / f).is_file()]
    fixture_sites = (set(sites) if sites else set(SPIDERS)) - real_sites
    recipe = {"pages": pages, "seed": seed, "sites": sorted(sites) if sites else None, "pad_kb": PAD_KB,
              "version": 3, "real": sorted({s.file for s in real} | set(listings))}
    if sites is None or "japantimes" in sites:
        recipe["page_ids"] = 2  # ids printed in the page are renewed too (corpus.py)
    recipe["source"] = corpus_source(recipe["real"], fixture_sites, listings)
    if stamp.exists() and json.loads(stamp.read_text()) == recipe:
        return out
    if out.exists():
        import shutil

        shutil.rmtree(out)
    t0 = time.perf_counter()
    n_real = pages if not fixture_sites else pages * len(real_sites) // len(set(sites or SPIDERS))
    listing = build(out, pages - n_real, seed=seed, sites=fixture_sites, pad_kb=PAD_KB) if fixture_sites else []
    if real_sites:
        listing += realcorpus.build(out, n_real, seed=seed, sites=real_sites)
        listing += realcorpus.build_listings(out, listing)
        realcorpus.write_listing(out, listing)
    stamp.write_text(json.dumps(recipe))
    log(f"corpus {name}: {len(listing)} pages built in {time.perf_counter() - t0:.0f} s ({recipe['source']})")
    return out


def corpus_source(real: list[str], fixture_sites: set[str], listings: list[str] | None = None) -> str:
    """What a corpus was built from, in words (the table says which corpus it measured)."""
    if not real:
        return ("fixtures (copies of the project's fixture articles, Conversation pages padded with "
                "generated chrome; ../shared/realpages absent)")
    return ("real structure (copies of ../shared/realpages/" + ", ".join(real)
            + ": markup kept, ids, slugs and paragraph words replaced; the article pages behind one sitemap a site"
            + (f"; {', '.join(sorted(fixture_sites))} articles from the fixtures" if fixture_sites else "")
            + ("; the Japan Times articles reached through copies of its homepage, each linking 70 of them"
               if listings else "") + ")")


def corpus_pages(root: Path, spider: str | None = None) -> list[tuple[str, bytes]]:
    """(url, body) of every page of the corpus (of SPIDER's pages when given), in URL-file order."""
    by_url = {}
    for meta_path in root.rglob("*.meta.json"):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        by_url[meta["url"]] = meta_path.parent / meta["body"]
    urls = []
    for line in (root / "urls.txt").read_text(encoding="utf-8").splitlines():
        s, u = line.split(" ", 1)
        if spider is None or s == spider:
            urls.append(u)
    return [(u, by_url[u].read_bytes()) for u in urls]


def page_sizes(pages: list[tuple[str, bytes]]) -> dict:
    sizes = sorted(len(b) for _, b in pages)
    return {"pages": len(sizes), "median_kb": round(sizes[len(sizes) // 2] / 1024, 1),
            "mean_kb": round(statistics.fmean(sizes) / 1024, 1), "min_kb": round(sizes[0] / 1024, 1),
            "max_kb": round(sizes[-1] / 1024, 1)}


# ----------------------------------------------------------------------------- crawls
def project_pipelines() -> dict:
    from crawler import settings

    pipes = dict(settings.ITEM_PIPELINES)
    if not any("dedupe" in k.lower() for k in pipes):
        try:
            import crawler.pipelines.dedupe  # noqa: F401
            pipes["crawler.pipelines.dedupe.DedupePipeline"] = 500
        except Exception:  # noqa: BLE001
            pass
    return pipes


def _rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def child(cmd: list[str], cwd: Path = ROOT, env: dict | None = None) -> dict:
    """Run CMD (in ENV when given); its own wall time, CPU time and peak RSS (os.wait4 = this child's rusage)."""
    # Linux counts the forking parent's RSS into the child's ru_maxrss (kept across exec): the
    # parent's current RSS is recorded so a peak that is only the parent's can be recognised
    parent_rss_mb = _rss_mb()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out, err = b"", b""
    # the pipes are drained by a thread so wait4 can reap the child itself
    import threading

    chunks: dict[str, bytes] = {}

    def drain(name, stream):
        chunks[name] = stream.read()

    threads = [threading.Thread(target=drain, args=(n, s)) for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for t in threads:
        t.start()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    for t in threads:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = chunks.get("out", b""), chunks.get("err", b"")
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
            "maxrss_mb": ru.ru_maxrss / 1024, "rc": proc.returncode, "parent_rss_mb": parent_rss_mb,
            "stderr_tail": err.decode("utf-8", "replace")[-1500:], "stdout": out.decode("utf-8", "replace")}


#: the crawls of a throughput set: "full" is the project's spider with every pipeline; "bare" and
#: "floor" are the spiders of benchmarks/spiders/ (one run over every page of the corpus)
KINDS = ("full", "bare", "floor")


def floor_pipelines() -> dict:
    """ITEM_PIPELINES of the floor crawl: a no-op pipeline at each project pipeline's priority."""
    from benchmarks.noop_pipelines import item_pipelines

    return item_pipelines(project_pipelines().values())


def crawl(spider: str, urls_file: Path, replay: Path, kind: str = "full", source_args: list[str] | None = None,
          extra: list[str] | None = None) -> dict:
    """One crawl of URLS_FILE: SPIDER with every project pipeline (KIND "full"), or the bench
    spider KIND ("bare": no pipeline; "floor": as many no-op pipelines as the project has).
    A ``.url`` file (a sitemap of the corpus, ``benchmarks/realcorpus.py``) is crawled as ``-a url=``.
    SOURCE_ARGS, when given, say where the pages come from instead (``-a warc=FILE``); EXTRA are
    more command-line arguments (``-s NAME=VALUE``)."""
    if kind not in KINDS:
        raise ValueError(f"crawl kind {kind!r} is not one of {KINDS}")
    work = Path(tempfile.mkdtemp(prefix=f"bench-{spider}-", dir=ROOT / "benchmarks" / ".work"))
    if source_args is None:
        seed = (f"url={urls_file.read_text(encoding='utf-8').strip()}" if urls_file.suffix == ".url"
                else f"urls_file={urls_file}")
        source_args = ["-a", seed, "-s", f"REPLAY_DIR={replay}"]
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider if kind == "full" else kind, *source_args,
           "-s", "LOG_LEVEL=WARNING", "-s", f"OUTPUT_DIR={work / 'out'}",
           "-s", f"STATE_DIR={work / 'state'}"]
    if kind == "full":
        cmd += ["-s", "ITEM_PIPELINES=" + json.dumps(project_pipelines())]
    else:
        pipes = floor_pipelines() if kind == "floor" else {}
        cmd += ["-s", "SPIDER_MODULES=benchmarks.spiders", "-s", "ITEM_PIPELINES=" + json.dumps(pipes)]
    res = child(cmd + (extra or []))
    written = 0
    for f in (work / "out").rglob("*.jsonl"):
        with open(f, "rb") as fh:
            written += sum(1 for _ in fh)
    res["written"] = written
    res["fallback"] = fallback_stats(work / "out")
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    return res


#: crawl stats of the pages whose field needed a library fallback: ``fallback/<field>/<library>``
FALLBACK_PREFIX = "fallback/"


def fallback_stats(out: Path) -> dict[str, int]:
    """The ``fallback/<field>/<library>`` counters of the crawl's run report(s) under OUT."""
    found: dict[str, int] = {}
    for report in out.glob("reports/run-*.json"):
        try:
            spiders = json.loads(report.read_text(encoding="utf-8")).get("spiders") or []
        except (OSError, ValueError):
            continue
        for sp in spiders:
            for k, v in (sp.get("stats") or {}).items():
                if k.startswith(FALLBACK_PREFIX) and isinstance(v, (int, float)):
                    found[k] = found.get(k, 0) + int(v)
    return found


def fallback_shares(fallback: dict[str, int], pages: int) -> dict[str, float]:
    """Share of PAGES (0-1) behind each fallback counter."""
    return {k: round(v / max(1, pages), 4) for k, v in sorted(fallback.items())}


def _least_cpu(runs: list[dict]) -> dict:
    """Of repeated runs of one crawl, the one with the least CPU time. Other processes on the
    machine (and the VM's neighbours) only ever add time, so the least is the best estimate."""
    best = dict(min(runs, key=lambda r: r["cpu_s"]))
    best["cpu_s_runs"] = [round(r["cpu_s"], 2) for r in runs]
    return best


def run_spread(res: dict) -> dict | None:
    """Median and slowest net CPU ms per page over the repeated runs of a crawl_set result (None
    for a single run): the same subtraction as the reported figure, with each run's median/max."""
    runs = [v for v in (res.get("runs") or {}).values() if len(v.get("cpu_s_runs") or []) > 1]
    if not runs or len(runs) != len(res["runs"]):
        return None
    pages = max(1, sum(v["pages"] for v in runs))
    empty = sum(statistics.median(v["empty_cpu_s_runs"]) for v in runs)
    median = sum(statistics.median(v["cpu_s_runs"]) for v in runs)
    slowest = sum(max(v["cpu_s_runs"]) for v in runs)
    return {"runs": len(runs[0]["cpu_s_runs"]), "median_ms": round((median - empty) / pages * 1000, 3),
            "slowest_ms": round((slowest - empty) / pages * 1000, 3)}


def crawl_set(root: Path, spiders: list[str], kind: str = "full", repeat: int = 1) -> dict:
    """Crawl every spider's URL file of ROOT (KIND "full"), or the bench spider KIND ("bare",
    "floor") over all of them: totals and net. Each crawl (and its zero-page crawl) runs REPEAT
    times, alternating, and the run with the least CPU counts (all are listed in ``runs``)."""
    one_run = kind != "full"
    (ROOT / "benchmarks" / ".work").mkdir(parents=True, exist_ok=True)
    empty = ROOT / "benchmarks" / ".work" / "empty-urls.txt"
    empty.write_text("")
    tot = {"pages": 0, "wall_s": 0.0, "cpu_s": 0.0, "empty_wall_s": 0.0, "empty_cpu_s": 0.0, "written": 0,
           "maxrss_mb": 0.0, "runs": {}}
    groups = [(kind, root / "urls-all.txt")] if one_run else [(s, root / f"urls-{s}.txt") for s in spiders]
    seeds = {name: (root / f"sitemap-{name}.url", root / f"sitemap-{name}-empty.url") for name, _ in groups
             if not one_run and (root / f"sitemap-{name}.url").exists()}
    seeds.update({name: (root / f"seeds-{name}.txt", empty) for name, _ in groups
                  if not one_run and (root / f"seeds-{name}.txt").exists()})
    if one_run:
        lines = (root / "urls.txt").read_text(encoding="utf-8").splitlines()
        (root / "urls-all.txt").write_text("".join(ln.split(" ", 1)[1] + "\n" for ln in lines if ln))
    for name, urls in groups:
        if not urls.exists():
            continue
        n = sum(1 for ln in urls.read_text().splitlines() if ln.strip())
        spider = "conversation" if one_run else name
        zeros, fulls = [], []
        # the full crawl of a real-structure corpus starts from its sitemap or listing pages (the
        # zero-page crawl from an empty one): discovery is part of what it measures
        seed, zero_seed = seeds.get(name, (urls, empty))
        for _ in range(max(1, repeat)):
            zeros.append(crawl(spider, zero_seed, root, kind=kind))
            fulls.append(crawl(spider, seed, root, kind=kind))
        zero, full = _least_cpu(zeros), _least_cpu(fulls)
        if full["rc"] not in (0, 1):
            log(f"  crawl {name} exited {full['rc']}:\n{full['stderr_tail']}")
        tot["pages"] += n
        tot["written"] += full["written"]
        tot["wall_s"] += full["wall_s"]
        tot["cpu_s"] += full["cpu_s"]
        tot["empty_wall_s"] += zero["wall_s"]
        tot["empty_cpu_s"] += zero["cpu_s"]
        tot["maxrss_mb"] = max(tot["maxrss_mb"], full["maxrss_mb"])
        if kind == "full":  # the same counts in every run (the pages do not change)
            fb = tot.setdefault("fallback", {})
            for k, v in (full.get("fallback") or {}).items():
                fb[k] = fb.get(k, 0) + v
        tot["runs"][name] = {"pages": n, "written": full["written"], "rc": full["rc"], "parent_rss_mb": full["parent_rss_mb"],
                             "wall_s": round(full["wall_s"], 2), "cpu_s": round(full["cpu_s"], 2),
                             "empty_wall_s": round(zero["wall_s"], 2), "empty_cpu_s": round(zero["cpu_s"], 2),
                             "maxrss_mb": round(full["maxrss_mb"], 1),
                             "cpu_s_runs": full["cpu_s_runs"], "empty_cpu_s_runs": zero["cpu_s_runs"]}
        log(f"  {kind} {name}: {n} pages, {full['written']} lines, "
            f"wall {full['wall_s']:.1f} s, CPU {full['cpu_s']:.1f} s (empty crawl {zero['cpu_s']:.1f} s CPU), "
            f"peak RSS {full['maxrss_mb']:.0f} MB" + (f"; CPU of the {len(fulls)} runs {full['cpu_s_runs']}" if len(fulls) > 1 else ""))
    p = max(1, tot["pages"])
    net_cpu = max(1e-9, tot["cpu_s"] - tot["empty_cpu_s"])
    net_wall = max(1e-9, tot["wall_s"] - tot["empty_wall_s"])
    tot.update({
        "cpu_ms_per_page": round(net_cpu / p * 1000, 3),
        "pages_per_s": round(p / net_wall, 1),
        "raw_cpu_ms_per_page": round(tot["cpu_s"] / p * 1000, 3),
        "raw_pages_per_s": round(p / tot["wall_s"], 1),
        # what one process does with a core to itself: the wall figure above is only as good as
        # the machine is idle (see the load average in "machine")
        "cpu_bound_pages_per_s": round(1000 / (net_cpu / p * 1000), 1),
    })
    for k in ("wall_s", "cpu_s", "empty_wall_s", "empty_cpu_s", "maxrss_mb"):
        tot[k] = round(tot[k], 2)
    if kind == "full":
        tot["fallback_share"] = fallback_shares(tot.get("fallback") or {}, tot["pages"])
    if kind == "floor":
        tot["noop_pipelines"] = len(floor_pipelines())
    return tot


def timed(fn, pages: list[tuple[str, bytes]], repeat: int = 1) -> float:
    """CPU ms per page of FN(url, body) over PAGES (best of REPEAT passes)."""
    best = None
    for _ in range(repeat):
        t0 = time.process_time()
        for url, body in pages:
            fn(url, body)
        dt = time.process_time() - t0
        best = dt if best is None else min(best, dt)
    return round(best / max(1, len(pages)) * 1000, 3)


def in_process(pages: list[tuple[str, bytes]], spider_of: dict[str, str], quick: bool,
               listings: set[str] = frozenset()) -> dict:
    """lxml parse alone, trafilatura.extract, and our extraction without the engine.

    "ours" is what a spider does with a downloaded page, minus the engine and the pipelines: a
    Scrapy response, the page selector (crawler.spiders.base.page_selector: lxml parses the
    body bytes), the layout choice and every field (NewsSpider.page_for + page.items()); for the
    listing pages among them (``listings.txt``), their article links (the spider's listing_links)."""
    import lxml.html
    from scrapy.http import HtmlResponse, Request

    from crawler.spiders import conversation, japantimes, jiji, kyodo, republisher

    spiders = {m.__name__.rsplit(".", 1)[1]: s() for m, s in (
        (conversation, conversation.ConversationSpider), (kyodo, kyodo.KyodoSpider), (jiji, jiji.JijiSpider),
        (japantimes, japantimes.JapanTimesSpider), (republisher, republisher.RepublisherSpider))}

    def lxml_parse(url, body):
        lxml.html.document_fromstring(body)

    #: url -> (CPU seconds of its page object, the library fallbacks it used), last pass
    per_page: dict[str, tuple[float, list[str]]] = {}

    def ours(url, body):
        t0 = time.process_time()
        response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=utf-8"},
                                request=Request(url, meta={"fetched_at": "2026-01-01T00:00:00Z"}))
        if url in listings:
            list(spiders[spider_of[url]].listing_links(response))
            per_page[url] = (time.process_time() - t0, [])
        else:
            page = spiders[spider_of[url]].page_for(response)
            page.items()
            per_page[url] = (time.process_time() - t0, list(page.fallbacks))

    out = {"lxml_parse_ms": timed(lxml_parse, pages, repeat=2 if quick else 3)}
    out["ours_extract_ms"] = timed(ours, pages)
    out["fallback_cost"] = fallback_cost(per_page)
    try:
        import trafilatura

        trafilatura.extract(pages[0][1].decode("utf-8", "replace"), url=pages[0][0])  # warm its caches
        out["trafilatura_ms"] = timed(lambda u, b: trafilatura.extract(b.decode("utf-8", "replace"), url=u), pages)
    except ImportError:
        out["trafilatura_ms"] = None
    return out


def fallback_cost(per_page: dict[str, tuple[float, list[str]]]) -> dict:
    """The in-process cost of the pages whose fields needed a library fallback, apart from the
    others: {pages, ms_per_page} for ``with`` and ``without``, and the fallbacks' share of the CPU."""
    groups: dict[str, list[float]] = {"with": [], "without": []}
    for seconds, used in per_page.values():
        groups["with" if used else "without"].append(seconds)
    total = sum(sum(v) for v in groups.values())
    out = {k: {"pages": len(v), "ms_per_page": round(sum(v) / len(v) * 1000, 3) if v else None}
           for k, v in groups.items()}
    out["cpu_share_with"] = round(sum(groups["with"]) / total, 4) if total else 0.0
    return out


def in_process_root(root: str, quick: bool) -> dict:
    """Corpus sizes and the in-process measurements of the corpus at ROOT (run in a child)."""
    sys.path.insert(0, str(ROOT))
    pages = corpus_pages(Path(root))
    spider_of = {}
    for line in (Path(root) / "urls.txt").read_text(encoding="utf-8").splitlines():
        s, u = line.split(" ", 1)
        spider_of[u] = s
    listed = Path(root) / "listings.txt"
    listings = {ln.split(" ", 1)[1] for ln in listed.read_text(encoding="utf-8").splitlines() if ln} if listed.exists() else set()
    return {"corpus": page_sizes(pages), **in_process(pages, spider_of, quick, listings)}


def throughput_set(name: str, root: Path, spiders: list[str], quick: bool, repeat: int = CRAWL_REPEAT) -> dict:
    log(f"throughput: {name}")
    # crawls first: a child's ru_maxrss starts from this process's RSS at fork time, so the
    # pages are loaded into this process only afterwards
    repeat = 1 if quick else repeat
    res = {"full": crawl_set(root, spiders, kind="full", repeat=repeat),
           "bare": crawl_set(root, spiders, kind="bare", repeat=repeat),
           "floor": crawl_set(root, spiders, kind="floor", repeat=repeat)}
    # the in-process measurements load every page (~400 MB for the Conversation corpus): in a
    # fresh interpreter, so that this process stays small and the later crawls' ru_maxrss (which
    # starts from this process's RSS at fork) measure the crawl, not the pages left in our heap
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        res.update(pool.apply(in_process_root, (str(root), quick)))
    log(f"  profile: {name}")
    res["profile"] = profile_set(root, spiders)
    try:
        res["corpus"]["source"] = json.loads((root / "recipe.json").read_text())["source"]
    except (OSError, ValueError, KeyError):
        pass
    return derive(res)


PROFILE_TOP = 5
#: spider-middleware methods that pass the callback's output on: the callback's time is theirs in
#: a profile (reached through Scrapy's code), so they are left out of the project's ranking
PASS_THROUGH = ("process_spider_output", "process_spider_output_async", "process_start")


def profile_set(root: Path, spiders: list[str]) -> dict:
    """One more full crawl of each spider's pages under cProfile (``benchmarks/profile_ext.py``:
    from spider_opened to spider_closed, start-up left out; not timed, the profiler slows it):
    the top functions by own time and, of the project's functions, by cumulative time, per page."""
    import pstats

    from crawler import settings

    work = ROOT / "benchmarks" / ".work"
    stats, pages = None, 0
    exts = dict(settings.EXTENSIONS, **{"benchmarks.profile_ext.CrawlProfile": 0})
    for spider in spiders:
        urls = root / f"urls-{spider}.txt"
        if not urls.exists():
            continue
        seed = next((p for p in (root / f"sitemap-{spider}.url", root / f"seeds-{spider}.txt") if p.exists()), urls)
        out = work / f"profile-{root.name}-{spider}.prof"
        out.unlink(missing_ok=True)
        crawl(spider, seed, root, extra=[
            "-s", "EXTENSIONS=" + json.dumps(exts), "-s", f"BENCH_PROFILE_OUT={out}"])
        if not out.exists():
            log(f"  profile of {spider}: no stats written")
            continue
        pages += sum(1 for ln in urls.read_text().splitlines() if ln.strip())
        stats = pstats.Stats(str(out)) if stats is None else stats.add(str(out))
    if stats is None:
        return {}

    def rows(keys, inclusive=None):
        out = []
        for k in keys[:PROFILE_TOP]:
            cc, nc, tt, ct, _ = stats.stats[k]
            ct = ct if inclusive is None else inclusive[k]
            path, line, name = k
            where = name if path == "~" else f"{Path(path).name}:{line}({name})"
            if path.startswith(str(ROOT)):
                where = f"{Path(path).relative_to(ROOT)}:{line}({name})"
            out.append({"function": where, "calls_per_page": round(nc / max(1, pages), 1),
                        "own_ms_per_page": round(tt / max(1, pages) * 1000, 3),
                        "cum_ms_per_page": round(ct / max(1, pages) * 1000, 3)})
        return out

    total = sum(v[2] for v in stats.stats.values())
    by_own = sorted(stats.stats, key=lambda k: -stats.stats[k][2])
    # the project's functions by the time spent in them and in the libraries they call, their
    # project callees left out (the dispatching methods would otherwise top the list)
    ours = {k for k in stats.stats if k[0].startswith(str(ROOT / "crawler")) and k[2] not in PASS_THROUGH}
    inclusive = {k: stats.stats[k][3] for k in ours}
    for g in ours:
        for caller, edge in stats.stats[g][4].items():
            if caller in ours and caller != g:
                inclusive[caller] -= edge[3]
    ranked = sorted(ours, key=lambda k: -inclusive[k])
    return {"pages": pages, "profiled_ms_per_page": round(total / max(1, pages) * 1000, 3),
            "top_own": rows(by_own), "top_ours_cumulative": rows(ranked, inclusive)}


#: the throughput targets as a CPU-ms-per-page limit on the full crawl: (key, label, limit of RES)
BUDGETS = (
    ("pages_per_s", "full ≥ 200 pages/s", lambda res: 1000 / 200),
    ("above_engine_vs_lxml", "full − bare ≤ 3 × lxml parse",
     lambda res: res["bare"]["cpu_ms_per_page"] + 3 * res["lxml_parse_ms"]),
    ("vs_trafilatura", "full ≤ trafilatura / 3",
     lambda res: res["trafilatura_ms"] / 3 if res.get("trafilatura_ms") else None),
)


def derive(res: dict) -> dict:
    """The figures derived from a throughput set's crawls and in-process timings (added to RES).

    With the floor crawl: ``floor_ms``, ``ours_above_floor_ms`` (full - floor: all our own work,
    fields, dates, attribution, dedupe, JSONL) and ``budgets``: each throughput target as the CPU
    ms per page the full crawl may cost, and what that leaves above the floor for our work."""
    full, bare = res["full"]["cpu_ms_per_page"], res["bare"]["cpu_ms_per_page"]
    res["ours_above_engine_ms"] = round(full - bare, 3)
    res["ratio_above_engine_to_lxml"] = round((full - bare) / res["lxml_parse_ms"], 2)
    if res.get("trafilatura_ms"):
        res["ratio_full_to_trafilatura"] = round(full / res["trafilatura_ms"], 3)
    if "floor" in res:
        floor = res["floor"]["cpu_ms_per_page"]
        res["floor_ms"] = floor
        res["ours_above_floor_ms"] = round(full - floor, 3)
        res["budgets"] = {}
        for key, label, limit in BUDGETS:
            target = limit(res)
            if target is not None:
                res["budgets"][key] = {"target": label, "target_ms": round(target, 3), "floor_ms": floor,
                                       "left_for_ours_ms": round(target - floor, 3),
                                       "ours_now_ms": res["ours_above_floor_ms"]}
    return res


# ----------------------------------------------------------------------------- other parts
def dates_part(quick: bool) -> dict:
    from benchmarks import bench_dates

    if not quick:
        return bench_dates.run(False)
    # run(quick=True) times 2,000 strings through dateparser (~25 ms each here): too slow for
    # CI, so the quick mode times a sample of the same corpus the same way.
    import dateparser

    from crawler import dates

    samples = bench_dates.corpus(120)
    dateparser.parse("2025-06-28")
    dates._analyse.cache_clear()
    t0 = time.perf_counter()
    ours = [dates.parse_date(raw, site=site, fetched_at=f) for _, site, f, raw, _ in samples]
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _, _, _, raw, _ in samples:
        dateparser.parse(raw)
    t_dp = time.perf_counter() - t0
    right = sum(bench_dates._right(v, truth) for v, (*_, truth) in zip(ours, samples))
    return {"strings": len(samples), "speedup": round(t_dp / t_ours, 1), "ours_right": right,
            "disagreements": None, "note": "quick sample; disagreements only checked by the full run"}


def dedupe_part(quick: bool) -> dict | None:
    try:
        from benchmarks import bench_dedupe
    except ImportError:
        return None
    sizes = (1_000, 3_000) if quick else (10_000, 100_000, 1_000_000)
    return bench_dedupe.run(sizes, quick=quick, measure_items=200 if quick else None, log=log)


def distributed_part(quick: bool) -> dict | None:
    """Issue 10's 1/2/3-worker crawl on one Redis (benchmarks/bench_distributed.py), when it and
    a redis-server are there; full mode only."""
    import shutil

    try:
        from benchmarks import bench_distributed
    except ImportError:
        return None
    if quick or not shutil.which("redis-server"):
        return None
    return bench_distributed.run(False)


def memory_part(quick: bool, small_run: dict | None = None) -> dict:
    small_n, big_n = (QUICK_PAGES, QUICK_PAGES * 3) if quick else (2_000, 20_000)
    small_root = corpus(f"conversation{small_n}", small_n, 11, {"conversation"})  # the throughput corpus
    big_root = corpus(f"conversation{big_n}", big_n, 13, {"conversation"})
    out = {}
    for n, root in ((small_n, small_root), (big_n, big_root)):
        if n == small_n and small_run is not None:
            r = small_run  # quick: the throughput crawl of the same corpus
        else:
            r = crawl("conversation", root / "urls-conversation.txt", root)
        out[str(n)] = {"pages": n, "peak_rss_mb": round(r["maxrss_mb"], 1), "written": r["written"],
                       "parent_rss_mb": r.get("parent_rss_mb"),
                       "wall_s": round(r["wall_s"], 1), "cpu_s": round(r["cpu_s"], 1), "rc": r["rc"]}
        log(f"memory: {n} pages, peak RSS {r['maxrss_mb']:.0f} MB ({r['written']} lines, {r['wall_s']:.0f} s)")
    out["ratio"] = round(out[str(big_n)]["peak_rss_mb"] / out[str(small_n)]["peak_rss_mb"], 3)
    return out


def sitemap_walk(n: int) -> dict:
    """Peak RSS of ``scrapy crawl conversation -a url=<a sitemap of N article URLs>`` in replay
    mode (the pages behind answer 404: the walk and the requests are what is measured)."""
    import shutil

    work = Path(tempfile.mkdtemp(prefix=f"bench-sitemap{n}-", dir=ROOT / "benchmarks" / ".work"))
    url = "https://theconversation.com/bench/sitemap_archive_walk.xml"
    with open(work / "sitemap.xml", "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
        for i in range(n):
            fh.write(f"<url><loc>https://theconversation.com/a-walk-through-the-archive-{i}-{300000 + i}</loc>"
                     f"<lastmod>2025-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00Z</lastmod></url>\n")
        fh.write("</urlset>\n")
    (work / "sitemap.xml.meta.json").write_text(json.dumps(
        {"url": url, "status": 200, "headers": {"Content-Type": "application/xml"}, "body": "sitemap.xml"}))
    cmd = [sys.executable, "-m", "scrapy", "crawl", "conversation", "-a", f"url={url}", "-s", f"REPLAY_DIR={work}",
           "-s", "LOG_LEVEL=ERROR", "-s", f"OUTPUT_DIR={work / 'out'}", "-s", f"STATE_DIR={work / 'state'}",
           "-s", "ROBOTSTXT_OBEY=False", "-s", "HEALTH_MIN_ITEMS=0"]
    r = child(cmd)
    requests = None
    for report in (work / "out" / "reports").glob("run-*.json"):
        requests = json.loads(report.read_text())["spiders"][0]["stats"].get("downloader/request_count")
    shutil.rmtree(work, ignore_errors=True)
    return {"urls": n, "requests": requests, "peak_rss_mb": round(r["maxrss_mb"], 1), "wall_s": round(r["wall_s"], 1),
            "cpu_s": round(r["cpu_s"], 1), "rc": r["rc"]}


def memory_sitemap_part(quick: bool) -> dict:
    small_n, big_n = (200, 1_000) if quick else (5_000, 50_000)
    out = {}
    for n in (small_n, big_n):
        out[str(n)] = r = sitemap_walk(n)
        log(f"memory: sitemap of {n} URLs, peak RSS {r['peak_rss_mb']:.0f} MB ({r['requests']} requests, {r['wall_s']:.0f} s)")
    out["ratio"] = round(out[str(big_n)]["peak_rss_mb"] / out[str(small_n)]["peak_rss_mb"], 3)
    return out


def _startup_pair(runs: int, env: dict | None = None) -> dict:
    """``scrapy version`` and ``scrapy list``, RUNS times each: medians and the overhead."""
    child([sys.executable, "-m", "scrapy", "list"], env=env)  # warm the OS file cache (and ENV's bytecode cache)
    res: dict = {}
    for what in ("version", "list"):
        walls, cpus = [], []
        for _ in range(runs):
            r = child([sys.executable, "-m", "scrapy", what], env=env)
            walls.append(r["wall_s"])
            cpus.append(r["cpu_s"])
        res[what] = {"median_wall_s": round(statistics.median(walls), 3), "min_wall_s": round(min(walls), 3),
                     "median_cpu_s": round(statistics.median(cpus), 3), "runs": runs}
    res["overhead_wall_s"] = round(res["list"]["median_wall_s"] - res["version"]["median_wall_s"], 3)
    res["overhead_min_wall_s"] = round(res["list"]["min_wall_s"] - res["version"]["min_wall_s"], 3)
    res["overhead_cpu_s"] = round(res["list"]["median_cpu_s"] - res["version"]["median_cpu_s"], 3)
    return res


def startup_part(quick: bool) -> dict:
    """Start-up as this machine runs it; and, when PYTHONDONTWRITEBYTECODE is set here (every run
    then compiles the project's ~10,000 lines), also with a bytecode cache (a temporary
    PYTHONPYCACHEPREFIX), as on a machine that keeps ``__pycache__``."""
    runs = 3 if quick else 7
    res = _startup_pair(runs)
    log(f"startup: scrapy version {res['version']['median_wall_s']:.2f} s, scrapy list {res['list']['median_wall_s']:.2f} s")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        with tempfile.TemporaryDirectory(prefix="bench-pyc-") as pyc:
            env["PYTHONPYCACHEPREFIX"] = pyc
            res["with_bytecode_cache"] = cached = _startup_pair(runs, env)
        log(f"startup with a bytecode cache: scrapy version {cached['version']['median_wall_s']:.2f} s, "
            f"scrapy list {cached['list']['median_wall_s']:.2f} s")
    return res


# ----------------------------------------------------------------------------- targets
#: the targets of the throughput part (the profile is printed under the table when one is missed)
THROUGHPUT_TARGETS = ("full pipeline pages/s, one process with a core to itself (1000 / CPU ms per page)",
                      "full pipeline pages/s, wall clock on this (shared) machine",
                      "our cost above bare engine / lxml parse", "full CPU/page / trafilatura CPU/page")


def targets(r: dict) -> list[dict]:
    out = []

    def add(name, value, limit, ok, unit=""):
        out.append({"target": name, "value": value, "limit": limit, "unit": unit,
                    "met": bool(ok) if value is not None else None})

    tp = (r.get("throughput") or {}).get("conversation")
    if tp:
        cap = tp["full"].get("cpu_bound_pages_per_s", tp["full"]["pages_per_s"])
        add(THROUGHPUT_TARGETS[0], cap, ">= 200",
            cap >= 200, "pages/s")
        add(THROUGHPUT_TARGETS[1], tp["full"]["pages_per_s"], ">= 200",
            tp["full"]["pages_per_s"] >= 200, "pages/s")
        add(THROUGHPUT_TARGETS[2], tp["ratio_above_engine_to_lxml"], "<= 3",
            tp["ratio_above_engine_to_lxml"] <= 3, "x")
        if tp.get("ratio_full_to_trafilatura") is not None:
            add(THROUGHPUT_TARGETS[3], tp["ratio_full_to_trafilatura"], "<= 0.333",
                tp["ratio_full_to_trafilatura"] <= 1 / 3, "x")
    d = r.get("dates")
    if d:
        add("dates speedup over dateparser", d.get("speedup"), ">= 50", (d.get("speedup") or 0) >= 50, "x")
        if d.get("disagreements") is not None:
            add("dates disagreements where dateparser is right", d["disagreements"], "== 0", d["disagreements"] == 0)
    dd = r.get("dedupe")
    if dd and dd.get("sizes"):
        keys = sorted(dd["sizes"], key=int)
        big, small = dd["sizes"][keys[-1]], dd["sizes"][keys[0]]
        label = f"{int(keys[-1]):,}"
        add(f"dedupe p50 at {label} stories", big["p50_ms"], "<= 1", big["p50_ms"] <= 1, "ms")
        add(f"dedupe p99 at {label} stories", big["p99_ms"], "<= 5", big["p99_ms"] <= 5, "ms")
        add(f"dedupe bytes on disk per story at {label}", big["bytes_per_story"], "<= 1024",
            big["bytes_per_story"] <= 1024, "B")
        ratio = round(big["mean_ms"] / small["mean_ms"], 2)
        add(f"dedupe mean cost at {label} / at {int(keys[0]):,}", ratio, "<= 2", ratio <= 2, "x")
    m = r.get("memory")
    if m:
        peaks = [v["peak_rss_mb"] for k, v in m.items() if isinstance(v, dict)]
        add("peak RSS of the crawl", max(peaks), "<= 300", max(peaks) <= 300, "MB")
        add("peak RSS large / small crawl", m["ratio"], "<= 1.3", m["ratio"] <= 1.3, "x")
    ms = r.get("memory_sitemap")
    if ms:
        keys = sorted((k for k in ms if k.isdigit()), key=int)
        add(f"peak RSS walking a {int(keys[-1]):,}-URL sitemap / a {int(keys[0]):,}-URL one", ms["ratio"], "<= 1.3",
            ms["ratio"] <= 1.3, "x")
    w = (r.get("warc") or {}).get("input")
    if w:
        add("WARC input CPU ms/page above the replay folder", w["warc_above_replay_ms"], "<= 0.3",
            w["warc_above_replay_ms"] <= 0.3, "ms")
    s = r.get("startup")
    if s:
        add("start-up overhead (scrapy list - scrapy version), median wall", s["overhead_wall_s"], "<= 0.3",
            s["overhead_wall_s"] <= 0.3, "s")
        add("start-up overhead, CPU (median)", s["overhead_cpu_s"], "<= 0.3", s["overhead_cpu_s"] <= 0.3, "s")
    return out


# ----------------------------------------------------------------------------- report
def _rate(ms: float) -> str:
    """Pages/s for MS per page; 'n/a' when the net figure is not above the noise (quick runs)."""
    return f"{1000 / ms:.0f}" if ms and ms > 0.005 else "n/a"


README = ROOT / "README.md"
README_BEGIN = "<!-- bench:begin (written by make bench) -->"
README_END = "<!-- bench:end -->"


def write_readme(text: str, readme: Path = README) -> bool:
    """Put TEXT between the bench markers of README (the rest of the file is left as it is).

    False, with a message, when the README or its markers are missing: a run never loses its
    results over the README (they are in results.json already)."""
    try:
        doc = readme.read_text(encoding="utf-8")
    except OSError as exc:
        log(f"README not updated: {exc}")
        return False
    i, j = doc.find(README_BEGIN), doc.find(README_END)
    if i < 0 or j < i:
        log(f"README not updated: markers {README_BEGIN!r} ... {README_END!r} not found")
        return False
    new = doc[: i + len(README_BEGIN)] + "\n" + text.strip() + "\n" + doc[j:]
    tmp = readme.with_suffix(".md.tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, readme)  # never a half-written README
    return True


def table(r: dict) -> str:
    lines = []
    m = r.get("machine", {})
    lines.append(f"Machine: {m.get('cpu')}, {m.get('cores')} cores, {m.get('memory_gb')} GB RAM, "
                 f"Python {m.get('python')}, Scrapy {m.get('scrapy')}, lxml {m.get('lxml')}, "
                 f"trafilatura {m.get('trafilatura')}; load average at start {m.get('loadavg_at_start')}"
                 f"{' (quick run)' if r.get('quick') else ''}.")
    lines.append("")
    for name, tp in (r.get("throughput") or {}).items():
        c = tp["corpus"]
        lines.append(f"**Throughput, {name} corpus** ({c['pages']} pages, median {c['median_kb']} KB, "
                     f"{c['min_kb']}-{c['max_kb']} KB); CPU ms per page, net of a zero-page crawl. "
                     f"Corpus: {c.get('source') or 'fixtures (measured before the corpus source was recorded)'}.")
        lines.append("")
        lines.append("| | CPU ms/page | pages/s, CPU-bound (1000 / CPU ms) | pages/s, wall on this machine | peak RSS MB |")
        lines.append("|---|---:|---:|---:|---:|")
        f, b = tp["full"], tp["bare"]
        lines.append(f"| full crawl, every pipeline | {f['cpu_ms_per_page']:.2f} | {_rate(f['cpu_ms_per_page'])} | {f['pages_per_s']:.0f} | {f['maxrss_mb']:.0f} |")
        lines.append(f"| (a) bare Scrapy spider, same engine + replay | {b['cpu_ms_per_page']:.2f} | {_rate(b['cpu_ms_per_page'])} | {b['pages_per_s']:.0f} | {b['maxrss_mb']:.0f} |")
        lines.append(f"| (b) lxml parse alone | {tp['lxml_parse_ms']:.2f} | {_rate(tp['lxml_parse_ms'])} | | |")
        if tp.get("trafilatura_ms"):
            lines.append(f"| (c) trafilatura.extract | {tp['trafilatura_ms']:.2f} | {_rate(tp['trafilatura_ms'])} | | |")
        fl = tp.get("floor")  # absent from results measured before the floor crawl existed
        if fl:
            lines.append(f"| (d) floor: bare + page parse + item path through {fl.get('noop_pipelines')} no-op pipelines | "
                         f"{fl['cpu_ms_per_page']:.2f} | {_rate(fl['cpu_ms_per_page'])} | {fl['pages_per_s']:.0f} | {fl['maxrss_mb']:.0f} |")
        lines.append(f"| ours in-process: parse + page object, no engine, no pipelines | {tp['ours_extract_ms']:.2f} | {_rate(tp['ours_extract_ms'])} | | |")
        lines.append(f"| full − bare (our cost above the engine) | {tp['ours_above_engine_ms']:.2f} | | | |")
        if tp.get("ours_above_floor_ms") is not None:
            lines.append(f"| full − floor (our own work: fields, dates, attribution, dedupe, JSONL) | {tp['ours_above_floor_ms']:.2f} | | | |")
        lines.append("")
        if "fallback_share" in f:
            lines.append(fallback_line(f, tp.get("fallback_cost")))
            lines.append("")
        spread = {k: run_spread(tp[k]) for k in ("full", "bare", "floor") if isinstance(tp.get(k), dict)}
        spread = {k: v for k, v in spread.items() if v}
        if spread:
            n = next(iter(spread.values()))["runs"]
            lines.append(f"The table counts the least-CPU run of {n}; median and slowest of the {n} runs, CPU ms per page: "
                         + "; ".join(f"{k} {v['median_ms']:.2f} / {v['slowest_ms']:.2f}" for k, v in spread.items()) + ".")
            lines.append("")
        if tp.get("profile"):
            lines += profile_lines(name, tp["profile"], [t["target"] for t in r.get("targets", [])
                                                         if t["met"] is False and name == "conversation"
                                                         and t["target"] in THROUGHPUT_TARGETS])
        if tp.get("budgets"):
            lines.append("Each throughput target as CPU ms per page of the full crawl, and what it leaves above the "
                         "floor for our own work:")
            lines.append("")
            lines.append("| target | target ms | floor ms | left for our work ms | our work now ms |")
            lines.append("|---|---:|---:|---:|---:|")
            for bu in tp["budgets"].values():
                lines.append(f"| {bu['target']} | {bu['target_ms']:.2f} | {bu['floor_ms']:.2f} | "
                             f"{bu['left_for_ours_ms']:.2f} | {bu['ours_now_ms']:.2f} |")
            lines.append("")
    d = r.get("dates")
    if d:
        lines.append(f"**Dates**: {d.get('strings')} strings, {d.get('speedup')}× plain dateparser"
                     + (f" ({d.get('ours_us_per_string')} µs vs {d.get('dateparser_us_per_string')} µs a string)" if d.get("ours_us_per_string") else "")
                     + f"; right {d.get('ours_right')}"
                     + (f", dateparser right {d.get('dateparser_right')}" if d.get("dateparser_right") is not None else "")
                     + f"; disagreements where dateparser is right: {d.get('disagreements')}.")
        lines.append("")
    dd = r.get("dedupe")
    if dd and dd.get("sizes"):
        lines.append("**Dedupe** (check-and-insert into the story index):")
        lines.append("")
        lines.append("| stories | p50 ms | p99 ms | mean ms | CPU p99 ms | bytes/story | RSS MB |")
        lines.append("|---:|---:|---:|---:|---:|---:|---:|")
        for k in sorted(dd["sizes"], key=int):
            v = dd["sizes"][k]
            lines.append(f"| {int(k):,} | {v['p50_ms']} | {v['p99_ms']} | {v['mean_ms']} | {v.get('cpu_p99_ms')} | "
                         f"{v['bytes_per_story']} | {v['rss_mb']} |")
        lines.append("")
    dist = r.get("distributed")
    if dist and dist.get("runs"):
        one = dist.get("single_process_no_redis", {})
        lines.append(f"**Distributed** ({dist.get('pages')} {dist.get('spider')} pages, all workers on this "
                     f"{dist.get('cpu_count')}-core machine): one process without Redis "
                     f"{one.get('pages_per_s')} pages/s; "
                     + ", ".join(f"{n} worker{'s' if n != '1' else ''} {v.get('pages_per_s')} pages/s"
                                 for n, v in sorted(dist["runs"].items())) + ".")
        lines.append("")
    mem = r.get("memory")
    if mem:
        parts = [f"{int(k):,} pages {v['peak_rss_mb']:.0f} MB" for k, v in mem.items() if isinstance(v, dict)]
        lines.append(f"**Memory** (peak RSS of a Conversation crawl): {', '.join(parts)}; ratio {mem['ratio']}.")
        lines.append("")
    ms = r.get("memory_sitemap")
    if ms:
        parts = [f"{int(k):,} URLs {v['peak_rss_mb']:.0f} MB ({v['requests']} requests)" for k, v in ms.items()
                 if isinstance(v, dict)]
        lines.append(f"**Memory, sitemap walk** (peak RSS of a Conversation crawl of one generated sitemap, pages "
                     f"behind not saved): {', '.join(parts)}; ratio {ms['ratio']}.")
        lines.append("")
    s = r.get("startup")
    if s:
        lines.append(f"**Start-up** (median of {s['version'].get('runs')} runs): `scrapy version` {s['version']['median_wall_s']:.2f} s "
                     f"(CPU {s['version']['median_cpu_s']:.2f} s), `scrapy list` {s['list']['median_wall_s']:.2f} s "
                     f"(CPU {s['list']['median_cpu_s']:.2f} s): overhead {s['overhead_wall_s']:.2f} s wall, "
                     f"{s['overhead_cpu_s']:.2f} s CPU"
                     + (" (PYTHONDONTWRITEBYTECODE is set here: every run compiles the project's sources)"
                        if r.get("pythondontwritebytecode") else "") + "."
                     + (f" With a bytecode cache: overhead {s['with_bytecode_cache']['overhead_wall_s']:.2f} s wall, "
                        f"{s['with_bytecode_cache']['overhead_cpu_s']:.2f} s CPU." if s.get("with_bytecode_cache") else ""))
        lines.append("")
    if r.get("warc"):
        from benchmarks.bench_warc import table as warc_table

        lines += warc_table(r["warc"])
    lines.append("| target | value | limit | met |")
    lines.append("|---|---:|---:|:---:|")
    for t in r.get("targets", []):
        met = {True: "yes", False: "**no**", None: "n/a"}[t["met"]]
        lines.append(f"| {t['target']} | {t['value']} {t['unit']} | {t['limit']} | {met} |")
    return "\n".join(lines)


def profile_lines(name: str, prof: dict, missed: list[str]) -> list[str]:
    """The profile's top lines under a corpus's throughput table (saying which targets it missed)."""
    lines = [(f"Targets missed on the {name} corpus: {'; '.join(missed)}. " if missed else "")
             + f"Where the time goes: cProfile of one more full crawl of the {prof['pages']} pages (spider "
             f"opened to closed; {prof['profiled_ms_per_page']:.2f} ms a page under the profiler, which "
             f"slows Python code more than C), top {PROFILE_TOP} by own time, and the project's top "
             f"{PROFILE_TOP} by the time in the function and the libraries it calls (its project callees "
             f"left out):", "",
             "| | function | calls/page | own ms/page | with callees ms/page |", "|---|---|---:|---:|---:|"]
    for label, key in (("own", "top_own"), ("ours", "top_ours_cumulative")):
        for row in prof.get(key) or []:
            lines.append(f"| {label} | `{row['function']}` | {row['calls_per_page']} | {row['own_ms_per_page']:.3f} | "
                         f"{row['cum_ms_per_page']:.3f} |")
    lines.append("")
    return lines


def fallback_line(full: dict, cost: dict | None = None) -> str:
    """The share of pages whose fields needed a library fallback (stats ``fallback/<field>/<library>``)
    and, when measured (COST: :func:`fallback_cost`), what those pages cost apart from the others."""
    shares = full.get("fallback_share") or {}
    head = "Pages that needed a library fallback (crawl stats `fallback/<field>/<library>`): "
    if not shares:
        line = head + f"none (0 of {full['pages']} pages; 0 %)."
    else:
        line = head + "; ".join(f"`{k}` {full['fallback'][k]} of {full['pages']} pages ({v * 100:.1f} %)"
                                for k, v in shares.items()) + "."
    if cost and cost.get("with", {}).get("pages"):
        w, wo = cost["with"], cost["without"]
        line += (f" In process, parse + page object: the {w['pages']} pages with a fallback "
                 f"{w['ms_per_page']:.2f} ms a page, the {wo['pages']} without "
                 + (f"{wo['ms_per_page']:.2f} ms" if wo.get("ms_per_page") is not None else "none")
                 + f"; the fallbacks' pages take {cost['cpu_share_with'] * 100:.0f} % of that CPU.")
    elif cost:
        line += " In process no page used a fallback: the known layouts pay nothing for them."
    return line


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a few hundred pages, small sizes: under a minute")
    ap.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}")
    ap.add_argument("--sets", default="conversation,mixed", help="throughput corpora (full mode)")
    ap.add_argument("--repeat", type=int, default=CRAWL_REPEAT,
                    help=f"runs of each throughput crawl in full mode, the least CPU counts (default {CRAWL_REPEAT})")
    ap.add_argument("--out", type=Path, default=None, help="results file (default benchmarks/results.json; "
                    "quick: benchmarks/.work/results-quick.json)")
    args = ap.parse_args(argv)
    parts = [p for p in args.parts.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        ap.error(f"unknown parts: {sorted(unknown)}")
    out_path = args.out or (ROOT / "benchmarks" / ".work" / "results-quick.json" if args.quick else RESULTS)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    (ROOT / "benchmarks" / ".work").mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT))
    results: dict = {"machine": machine(), "quick": args.quick, "measured_at": {},
                     "pythondontwritebytecode": bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))}
    t_start = time.perf_counter()

    def done(part):
        results["measured_at"][part] = datetime.now(timezone.utc).isoformat(timespec="seconds")

    conv_root = None
    if "throughput" in parts:
        n_conv, n_mixed = (QUICK_PAGES, 0) if args.quick else (2_000, 5_000)
        sets = [s for s in args.sets.split(",") if s] if not args.quick else ["conversation"]
        tp = {}
        if "conversation" in sets:
            conv_root = corpus(f"conversation{n_conv}", n_conv, 11, {"conversation"})
            tp["conversation"] = throughput_set("conversation", conv_root, ["conversation"], args.quick, args.repeat)
        if "mixed" in sets and n_mixed:
            root = corpus(f"mixed{n_mixed}", n_mixed, 12, None)
            tp["mixed"] = throughput_set("mixed", root, list(SPIDERS), args.quick, args.repeat)
        results["throughput"] = tp
        done("throughput")
    if "memory" in parts:
        small_run = None
        if args.quick and "throughput" in results and "conversation" in results["throughput"]:
            small_run = results["throughput"]["conversation"]["full"]["runs"]["conversation"]
        results["memory"] = memory_part(args.quick, small_run)
        results["memory_sitemap"] = memory_sitemap_part(args.quick)
        done("memory")
    if "startup" in parts:
        results["startup"] = startup_part(args.quick)
        done("startup")
    if "distributed" in parts and not args.quick:
        log("distributed ...")
        try:
            dist = distributed_part(args.quick)
        except Exception as exc:  # noqa: BLE001 - a missing Redis must not sink the suite
            dist = {"error": f"{type(exc).__name__}: {exc}"}
        if dist is not None:
            results["distributed"] = dist
            done("distributed")
    if "dates" in parts:
        log("dates ...")
        results["dates"] = dates_part(args.quick)
        done("dates")
    if "dedupe" in parts:
        log("dedupe ...")
        dd = dedupe_part(args.quick)
        if dd is not None:
            results["dedupe"] = dd
            done("dedupe")
    if "warc" in parts:
        log("warc ...")
        from benchmarks import bench_warc

        results["warc"] = bench_warc.run(args.quick, log=log, root=conv_root)
        done("warc")
    results["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["seconds"] = round(time.perf_counter() - t_start, 1)
    # merge into the file as it is now (another run may have written other parts meanwhile)
    try:
        merged = json.loads(out_path.read_text()) if out_path.exists() else {}
    except ValueError:
        merged = {}
    measured_at = dict(merged.get("measured_at") or {}, **results.pop("measured_at"))
    machines = dict(merged.get("machine_by_part") or {})
    for part in results:
        if part in PARTS:
            machines[part] = results["machine"]
    if "throughput" in results and isinstance(merged.get("throughput"), dict):
        # a run of some corpora keeps the other corpora's results
        results["throughput"] = dict(merged["throughput"], **results["throughput"])
    merged.update(results)
    merged["measured_at"] = measured_at
    merged["machine_by_part"] = machines
    merged["when"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    merged["targets"] = targets(merged)
    results = merged
    out_path.write_text(json.dumps(results, indent=1, ensure_ascii=False, default=str) + "\n", encoding="utf-8")
    print(table(results))
    if not args.quick and out_path == RESULTS:
        if write_readme(table(results)):
            log(f"README.md: the table between {README_BEGIN} and {README_END} is updated")
    missed = [t["target"] for t in results["targets"] if t["met"] is False]
    log(f"\n{len(results['targets']) - len(missed)} of {len(results['targets'])} targets met"
        + (f"; missed: {'; '.join(missed)}" if missed else "") + f" ({results['seconds']:.0f} s) -> {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
