"""Issue 20.6 on the local HTTPS server: three ``scrapy crawl`` workers on one ``redis-server``.

Each worker is a separate process with the distributed add-on (``REDIS_URL`` in its
environment), crawling through the real downloader (TLS, robots.txt, gzip) against
tests/liveserver.py, not replay. The site is one republisher host of a generated corpus
(benchmarks.corpus.build, 300 article pages) answering each page after a small latency, fetched
one page at a time per worker (``CONCURRENT_REQUESTS_PER_DOMAIN=1``): as on the live path, a
worker's requests wait for the host. What a worker fetched is its ``DISTRIBUTED_FETCH_LOG``;
what was fetched at all is the server's own request log (:attr:`LiveServer.hits`).
"""
from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from benchmarks.bench_distributed import PIPELINES, SPIDER
from tests.liveserver import ROOT, LiveServer
from tests.test_distributed import _redis_server_cls, _written_lines

HOST = "www.daily8.com"      # 300 of the corpus's 1,000 pages (seed 11)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[str]]:
    """(folder, the 300 URLs of HOST) of a generated republisher corpus in replay format."""
    from benchmarks.corpus import build
    out = tmp_path_factory.mktemp("site")
    build(out, 1000, seed=11, sites={SPIDER})
    urls = [u for u in (out / f"urls-{SPIDER}.txt").read_text(encoding="utf-8").split()
            if urlsplit(u).hostname == HOST]
    assert len(urls) == 300
    return out, urls


@pytest.fixture
def redis_server():
    server = _redis_server_cls()().start()
    yield server
    server.cleanup()


def _site(corpus_dir: Path, latency: float) -> LiveServer:
    return LiveServer(fixtures=corpus_dir, latency=latency).start()


def _workers(live: LiveServer, tmp: Path, urls: list[str], redis_url: str, n: int = 3,
             extra: dict | None = None) -> tuple[list[Path], list[tuple[list[str], dict]]]:
    """N workers' (work folder, (command, environment)); URLS are each worker's ``-a urls_file=``."""
    urls_file = tmp / "urls.txt"
    urls_file.write_text("".join(u + "\n" for u in urls), encoding="utf-8")
    works, cmds = [], []
    for i in range(n):
        work = tmp / f"w{i}"
        settings = {"ITEM_PIPELINES": json.dumps(PIPELINES), "DATES_ENABLED": "False",
                    "HEALTH_FLOORS": '{"headline": 1.0}', "DISTRIBUTED_FETCH_LOG": str(work / "fetched.txt"),
                    "LOG_FILE": str(work / "crawl.log"), "DISTRIBUTED_RECLAIM_AFTER": "5",
                    "CONCURRENT_REQUESTS_PER_DOMAIN": "1", **(extra or {})}
        works.append(work)
        cmds.append(live.command(["crawl", SPIDER, "-a", f"urls_file={urls_file}"], work, settings=settings,
                                 env={"REDIS_URL": redis_url}))
    return works, cmds


def _start(cmds, stagger: float = 0.0) -> list[subprocess.Popen]:
    """The workers' processes, each started STAGGER seconds after the one before."""
    procs = []
    for i, (cmd, env) in enumerate(cmds):
        if i and stagger:
            time.sleep(stagger)
        procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
    return procs


def _wait(procs, timeout: float = 180) -> list[int]:
    return [p.wait(timeout) for p in procs]


def _fetched(work: Path) -> Counter:
    path = work / "fetched.txt"
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return Counter(u for u in lines if not u.endswith("/robots.txt"))


def _server_fetches(live: LiveServer) -> Counter:
    return Counter(h.url for h in live.fetches(HOST))


def _logs(works) -> str:
    return "\n".join((w / "crawl.log").read_text(encoding="utf-8")[-2500:] for w in works
                     if (w / "crawl.log").exists())


def _reports(work: Path) -> list[dict]:
    paths = sorted((work / "out" / "reports").glob("run-*.json"), key=lambda p: p.stat().st_mtime)
    return [json.loads(p.read_text(encoding="utf-8"))["spiders"][0] for p in paths]


def _records(works) -> list[dict]:
    out = []
    for w in works:
        for path in sorted((w / "out" / SPIDER).glob("*.jsonl")):
            out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def _spread(corpus, redis_server, tmp: Path, prefetch: str) -> list[int]:
    """Fetches of each of 3 workers crawling the 300 pages (after checking each page was fetched once)."""
    import sys
    folder, urls = corpus
    seeds = tmp / "seeds.txt"
    seeds.write_text("\n".join(urls) + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "crawler.distributed", "--redis", redis_server.url, "seed", SPIDER,
                    "-f", str(seeds)], cwd=ROOT, check=True, capture_output=True)
    live = _site(folder, 0.05)
    try:
        # the 300 URLs wait in Redis (seeded, as a back-fill is) and the first worker moves them
        # into the shared frontier; a crawl of many sites runs with a large CONCURRENT_REQUESTS:
        # without the prefetch bound, that is how many requests a worker takes from the frontier
        # into its own downloader. The workers start half a second apart (cron on three
        # machines never starts them in the same millisecond).
        works, cmds = _workers(live, tmp, [], redis_server.url,
                               extra={"CONCURRENT_REQUESTS": "128", "DISTRIBUTED_START_BATCH": "300",
                                      "REDIS_PREFETCH": prefetch})
        rcs = _wait(_start(cmds, stagger=0.5))
        assert rcs == [0, 0, 0], _logs(works)
        server = _server_fetches(live)
    finally:
        live.stop()
    assert sorted(server) == sorted(urls) and set(server.values()) == {1}      # each page once
    per_worker = [_fetched(w) for w in works]
    assert sum(per_worker, Counter()) == server                                 # the logs are the server's
    return [sum(c.values()) for c in per_worker]


def test_three_workers_share_300_pages(corpus, redis_server, tmp_path):
    """Each worker fetches at least 20 % of the pages: a worker holds at most REDIS_PREFETCH (2)
    requests beyond the one it is downloading, the rest stay in Redis for the others."""
    counts = _spread(corpus, redis_server, tmp_path, "2")
    assert min(counts) >= 0.2 * 300, counts


def test_without_the_prefetch_bound_one_worker_hoards(corpus, redis_server, tmp_path):
    """The same crawl with the bound lifted (``REDIS_PREFETCH=0``, Scrapy's own limit): the
    workers that start first take the queue into their own downloaders and the last one gets
    less than 20 % (this is what the test above would miss if the bound did not work)."""
    counts = _spread(corpus, redis_server, tmp_path, "0")
    assert min(counts) < 0.2 * 300, counts


def test_redis_killed_mid_crawl_then_resumed_fetches_each_article_once(corpus, tmp_path):
    """redis-server stopped while three workers crawl (each worker has pages in its downloader
    and callbacks), started again, the same commands again: the server's own log shows every
    article fetched exactly once over the two runs, and every article written once. Before the
    journal (crawler/distributed/journal.py) the pages in progress at the loss, and those
    finished since the worker's last heartbeat, were fetched again on resume."""
    folder, all_urls = corpus
    articles = all_urls[:60]
    live = _site(folder, 0.1)
    # the seeds are 6 listing pages of 10 articles each: a listing is not in the seen-URL store,
    # so one finished but not yet cleared from the in-flight list would be fetched again
    listings = [f"https://{HOST}/en/latest?page={n}" for n in range(1, 7)]
    for n, listing in enumerate(listings):
        links = "".join(f'<li><a href="{u}">Story {n * 10 + i} of the day</a></li>'
                        for i, u in enumerate(articles[n * 10:(n + 1) * 10]))
        live.page(listing, f"<html><head><title>Latest news, page {n + 1}</title></head><body><h1>Latest</h1>"
                           f"<ul>{links}</ul></body></html>")
    urls = listings + articles
    server = _redis_server_cls()(password="s3cr3t-pw").start()
    try:
        # finished requests leave the in-flight list at the heartbeat: at 3 s, none has left it
        # when Redis goes (the listings among them are what the journal's "done" list is for)
        works, cmds = _workers(live, tmp_path, listings, server.url, extra={"DISTRIBUTED_HEARTBEAT": "3"})
        procs = _start(cmds)
        deadline = time.monotonic() + 120
        # every worker under way (a slow start would meet no Redis at all), some lines written
        while (_written_lines(works) < 12 or not all(_fetched(w) for w in works)) \
                and time.monotonic() < deadline and all(p.poll() is None for p in procs):
            time.sleep(0.05)
        assert all(p.poll() is None for p in procs), "workers finished before Redis could be stopped"
        server.stop()                                                          # Redis killed mid-crawl
        assert _wait(procs, 60) == [1, 1, 1], _logs(works)
        first = _server_fetches(live)
        assert 0 < len(first) < len(urls)
        lost = [_reports(w)[-1]["stats"] for w in works]
        server.start()                                                         # Redis is back: resume
        assert _wait(_start(cmds)) == [0, 0, 0], _logs(works)
        fetches = _server_fetches(live)
        resumed = [_reports(w)[-1]["stats"] for w in works]
    finally:
        live.stop()
        server.cleanup()
    assert sorted(fetches) == sorted(urls), set(urls) ^ set(fetches)          # every article fetched ...
    twice = {u: n for u, n in fetches.items() if n > 1}
    assert not twice, (twice, [{k: v for k, v in s.items() if k.startswith("distributed/")} for s in lost])
    # not vacuous: pages were in progress at the loss, and the resumed run processed them from
    # the journals (STATE_DIR/distributed/) instead of fetching them again
    kept = sum(s.get("distributed/journal/kept", 0) for s in lost)
    assert sum(s.get("distributed/in_progress_at_loss", 0) for s in lost) >= 1 and kept >= 1, lost
    assert sum(s.get("distributed/journal/replayed", 0) for s in resumed) == kept
    assert not any((w / "state" / "distributed" / f"{SPIDER}.journal.json").exists() for w in works)
    ids = Counter(r["item_id"] for r in _records(works))
    assert len(ids) == len(articles) and max(ids.values()) == 1               # ... and written once
    log = "".join((w / "crawl.log").read_text(encoding="utf-8") for w in works)
    assert "s3cr3t-pw" not in log
