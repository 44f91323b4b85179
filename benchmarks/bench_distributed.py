"""Throughput of a distributed crawl with 1, 2 and 3 workers on one Redis (issue 10).

    python -m benchmarks.bench_distributed [--quick] [--pages N] [--workers 1,2,3]

A replay corpus of republisher pages (benchmarks.corpus.build) is crawled by N ``scrapy crawl``
worker processes started together, each with its own OUTPUT_DIR/STATE_DIR, all on one
throw-away ``redis-server`` (tools/redis_server.py), with the project's pipelines plus the
dedupe pipeline (dates off: dateparser dominates otherwise and is measured by bench_dates).
Measured per N: wall time from the first start to the last exit, pages/s over that time, the
workers' summed CPU seconds (``os.wait4`` rusage) and the share of pages each worker fetched.
The same corpus crawled by one process without Redis gives the baseline. All workers run on
this machine, so the scaling shown is bounded by its cores (``os.cpu_count()`` in the result).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPIDER = "republisher"
PIPELINES = {
    "crawler.pipelines.defaults.DefaultsPipeline": 100,
    "crawler.pipelines.attribution.AttributionPipeline": 300,
    "crawler.pipelines.dedupe.DedupePipeline": 500,
    "crawler.pipelines.coverage.CoveragePipeline": 800,
    "crawler.pipelines.jsonl.JsonlWriterPipeline": 900,
}
ADDONS = {"crawler.replay.ReplayAddon": 0, "crawler.distributed.DistributedAddon": 10}


def _cmd(corpus: Path, work: Path) -> list[str]:
    work.mkdir(parents=True, exist_ok=True)
    return [str(Path(sys.executable).with_name("scrapy")), "crawl", SPIDER,
            "-a", f"urls_file={corpus / f'urls-{SPIDER}.txt'}", "-s", f"REPLAY_DIR={corpus}",
            "-s", f"OUTPUT_DIR={work / 'out'}", "-s", f"STATE_DIR={work / 'state'}",
            "-s", f"ITEM_PIPELINES={json.dumps(PIPELINES)}", "-s", f"ADDONS={json.dumps(ADDONS)}",
            "-s", "DATES_ENABLED=False", "-s", 'HEALTH_FLOORS={"headline": 1.0}',
            "-s", f"DISTRIBUTED_FETCH_LOG={work / 'fetched.txt'}", "-s", f"LOG_FILE={work / 'crawl.log'}"]


def _run(cmds: list[list[str]], env: dict) -> dict:
    t0 = time.perf_counter()
    procs = [subprocess.Popen(c, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for c in cmds]
    cpu, rcs = 0.0, []
    for p in procs:
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        rcs.append(p.returncode)
        cpu += usage.ru_utime + usage.ru_stime
    return {"wall_s": time.perf_counter() - t0, "cpu_s": cpu, "exit_codes": rcs}


def _fetched(work: Path) -> int:
    path = work / "fetched.txt"
    if not path.exists():
        return 0
    return sum(1 for u in path.read_text(encoding="utf-8").split() if not u.endswith("/robots.txt"))


def run(quick: bool = False, pages: int | None = None, workers: tuple[int, ...] = (1, 2, 3)) -> dict:
    from benchmarks.corpus import build
    from tools.redis_server import RedisServer
    pages = pages or (300 if quick else 2000)
    out: dict = {"pages": pages, "spider": SPIDER, "cpu_count": os.cpu_count(), "runs": {}}
    with tempfile.TemporaryDirectory(prefix="bench-dist-") as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus"
        build(corpus, pages, seed=3, sites={SPIDER})
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        base = _run([_cmd(corpus, tmp / "single")], env)
        base["pages_per_s"] = round(pages / base["wall_s"], 1)
        out["single_process_no_redis"] = {k: round(v, 2) if isinstance(v, float) else v for k, v in base.items()}
        for n in workers:
            with RedisServer() as server:
                works = [tmp / f"n{n}" / f"w{i}" for i in range(n)]
                res = _run([_cmd(corpus, w) for w in works], dict(env, REDIS_URL=server.url))
                shares = [_fetched(w) for w in works]
            res.update(pages_fetched=sum(shares), per_worker_pages=shares,
                       pages_per_s=round(pages / res["wall_s"], 1))
            out["runs"][str(n)] = {k: round(v, 2) if isinstance(v, float) else v for k, v in res.items()}
    one = out["runs"].get("1", {}).get("pages_per_s")
    for n, res in out["runs"].items():
        if one:
            res["speedup_vs_1_worker"] = round(res["pages_per_s"] / one, 2)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--pages", type=int, default=None)
    ap.add_argument("--workers", default="1,2,3")
    args = ap.parse_args(argv)
    res = run(args.quick, args.pages, tuple(int(x) for x in args.workers.split(",")))
    print(json.dumps(res, indent=1))
    return 0 if all(r["exit_codes"] == [0] * len(r["exit_codes"]) for r in res["runs"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
