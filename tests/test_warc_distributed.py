"""Many archive files, many workers (issue 19, point 4): crawler/distributed/warc.py.

A real ``redis-server`` per test (tools/redis_server.py). The end-to-end tests run ``scrapy crawl
japantimes -a warc=<folder>`` worker processes over six CC-NEWS-shaped WARC files of 40 Japan
Times articles each, built with warcio from a generated corpus (benchmarks.corpus.build, then
benchmarks.bench_warc.build_warcs).
"""
from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.test_distributed import ROOT, SCRAPY, env_with, records, redis_server, run_workers  # noqa: F401 (a fixture)

SPIDER = "japantimes"
FILES, PER_FILE = 6, 40


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> Path:
    from benchmarks.bench_warc import build_warcs
    from benchmarks.corpus import build

    root = tmp_path_factory.mktemp("warc-corpus")
    build(root / "corpus", FILES * PER_FILE, seed=19, sites={SPIDER})
    folder = root / "archives"
    paths = build_warcs(root / "corpus", folder, files=FILES, spider=SPIDER)
    assert len(paths) == FILES
    return folder


def warc_worker(folder: Path, work: Path, name: str, extra: list[str] | None = None) -> list[str]:
    work.mkdir(parents=True, exist_ok=True)
    return [SCRAPY, "crawl", SPIDER, "-a", f"warc={folder}", "-s", f"OUTPUT_DIR={work / 'out'}",
            "-s", f"STATE_DIR={work / 'state'}", "-s", "INCREMENTAL=False",
            # dates are not what this test is about (dateparser is the slowest stage)
            "-s", "DATES_ENABLED=False", "-s", 'HEALTH_FLOORS={"headline": 1.0}',
            "-s", f"LOG_FILE={work / 'crawl.log'}", "-s", "LOG_LEVEL=INFO", "-s", f"DISTRIBUTED_WORKER_ID={name}",
            "-s", "DISTRIBUTED_RECLAIM_AFTER=5", "-s", "WARC_MAX_PENDING=5"] + (extra or [])


def written(work: Path) -> list[dict]:
    return records(work, SPIDER)


def report(work: Path) -> dict:
    return json.loads(next((work / "out" / "reports").glob("run-*.json")).read_text())["spiders"][0]


def all_urls(folder: Path) -> set[str]:
    from crawler.warc.reader import scan

    urls = set()
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as fh:
            urls |= {c.uri for c, _, _ in scan(fh) if c is not None and c.rec_type == "response"}
    return urls


# ---------------------------------------------------------------------------- the shared file list
def test_file_queue_claims_in_list_order_with_leases_and_takeover(redis_server, tmp_path):
    import redis

    from crawler.distributed.warc import WarcFileQueue
    from crawler.warc.paths import Source
    r = redis.Redis.from_url(redis_server.url)
    a = WarcFileQueue(r, "s", "worker-a", lease_s=0.5)
    b = WarcFileQueue(r, "s", "worker-b", lease_s=30)
    files = [(i, Source(str(tmp_path / f"f{i}.warc.gz"), str(tmp_path / f"f{i}.warc.gz"))) for i in range(3)]
    assert a.register(files) == 3 and b.register(files) == 0        # every worker registers: once
    first = a.claim()
    assert (first.name, first.previous) == (files[0][1].name, "")
    assert first.location == files[0][1].location
    second = b.claim()
    assert second.name == files[1][1].name                          # list order, one worker a file
    assert not b.done(first.name)                                   # only the holder ends a lease
    assert a.done(first.name) and a.register(files) == 0            # a done file is not registered again
    assert a.claim().name == files[2][1].name
    assert b.done(second.name)
    nothing = b.claim()
    assert nothing.name == "" and nothing.held_elsewhere == 1        # nothing left, one file held by a
    time.sleep(0.7)                                                 # a stops renewing: its lease runs out
    taken = b.claim()
    assert (taken.name, taken.previous) == (files[2][1].name, "worker-a")
    assert not a.renew(taken.name) and b.renew(taken.name)          # a learns it lost the file
    # b restarted (same worker id) takes back at once the file it held
    again = WarcFileQueue(r, "s", "worker-b", lease_s=30).claim()
    assert (again.name, again.previous) == (files[2][1].name, "worker-b")
    assert a.pending() == 1
    a.reset()
    assert a.pending() == 0 and a.register(files) == 3


def test_status_shows_the_archive_files_and_reset_forgets_them(redis_server, tmp_path, capsys):
    import redis

    from crawler.distributed.cli import _cli
    from crawler.distributed.warc import WarcFileQueue
    from crawler.warc.paths import Source
    r = redis.Redis.from_url(redis_server.url)
    q = WarcFileQueue(r, SPIDER, "w1", lease_s=30)
    q.register([(i, Source(f"/data/f{i}.warc.gz", f"/data/f{i}.warc.gz")) for i in range(3)])
    q.done(q.claim().name)
    q.claim()
    assert _cli(["--redis", redis_server.url, "status", SPIDER]) == 0
    out = capsys.readouterr().out
    assert "archive files     1 to claim, 1 being read, 1 done" in out and "/data/f1.warc.gz: worker w1" in out
    assert _cli(["--redis", redis_server.url, "reset", SPIDER]) == 0
    assert not list(r.scan_iter(match=f"{SPIDER}:warc:*"))


def test_served_captures_latest_wins_and_a_file_taken_over_serves_its_captures_again(redis_server):
    import redis

    from crawler.distributed.warc import WarcFileQueue
    q = WarcFileQueue(redis.Redis.from_url(redis_server.url), "s", "w", lease_s=30)
    key = "https://www.japantimes.co.jp/news/2026/01/01/a/"
    assert q.take(key, "2026-01-02T00:00:00Z", "<urn:uuid:2>") is False      # first capture: served
    assert q.take(key, "2026-01-02T00:00:00Z", "<urn:uuid:2>") is False      # the same again (takeover)
    assert q.take(key, "2026-01-01T00:00:00Z", "<urn:uuid:1>") is None       # older: superseded
    assert q.take(key, "2026-01-02T00:00:00Z", "<urn:uuid:9>") is None       # as late, another record
    assert q.take(key, "2026-01-03T00:00:00Z", "<urn:uuid:3>") is True       # later: served, newer
    assert q.take(key, "2026-01-03T00:00:00Z", "<urn:uuid:3>") is True       # ... and so again
    assert q.take(key + "b", "", "") is False                                # no date, no id


def test_the_addon_puts_the_shared_source_in_place_of_the_one_process_one(monkeypatch):
    from scrapy.settings import Settings

    from crawler.distributed import DistributedAddon, DistributedWarcSource
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    DistributedAddon().update_settings(settings)
    mws = settings.getdict("SPIDER_MIDDLEWARES")
    assert mws.get(DistributedWarcSource) == 10
    assert "crawler.warc.source.WarcSource" not in mws


# ---------------------------------------------------------------------------- workers
def test_three_workers_six_files_each_file_scanned_once_each_article_written_once(archives, redis_server, tmp_path):
    # the reference: one process, no Redis
    ref_work = tmp_path / "single"
    assert run_workers([warc_worker(archives, ref_work, "single")], env_with(None)) == [0]
    ref = {r["item_id"]: r for r in written(ref_work)}
    assert len(ref) == FILES * PER_FILE and {r["url"] for r in ref.values()} == all_urls(archives)

    works = [tmp_path / f"w{i}" for i in range(3)]
    rcs = run_workers([warc_worker(archives, w, f"w{i}") for i, w in enumerate(works)], env_with(redis_server.url))
    logs = "\n".join((w / "crawl.log").read_text() for w in works)
    assert rcs == [0, 0, 0], logs[-4000:]
    recs = [r for w in works for r in written(w)]
    ids = Counter(r["item_id"] for r in recs)
    assert max(ids.values()) == 1 and set(ids) == set(ref)          # every article, once
    drop = ("story_id",)                                             # ids of the Redis story index
    assert all({k: v for k, v in r.items() if k not in drop} == {k: v for k, v in ref[r["item_id"]].items()
                                                                 if k not in drop} for r in recs)
    scanned = Counter(f["file"] for w in works for f in report(w)["warc_files"])
    assert sorted(scanned) == sorted(str(p) for p in archives.glob("*.warc.gz"))
    assert set(scanned.values()) == {1}                              # each file scanned by one worker
    assert sum(1 for w in works if report(w)["warc_files"]) >= 2     # and the files were shared
    assert sum(report(w)["stats"].get("distributed/warc_claimed", 0) for w in works) == FILES
    # the last worker out resets the list: the same command reads the files again next time
    import redis as redis_py
    assert not list(redis_py.Redis.from_url(redis_server.url).scan_iter(match=f"{SPIDER}:warc:*"))


def test_a_killed_workers_file_is_taken_over_and_every_article_written_once(archives, redis_server, tmp_path):
    import redis as redis_py
    r = redis_py.Redis.from_url(redis_server.url)
    env = env_with(redis_server.url)
    works = [tmp_path / f"w{i}" for i in range(3)]
    cmds = [warc_worker(archives, w, f"w{i}", ["-s", "WARC_MAX_PENDING=2"]) for i, w in enumerate(works)]
    victim = subprocess.Popen(cmds[0], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    held = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and victim.poll() is None:
        leases = {k.decode(): v.decode() for k, v in r.hgetall(f"{SPIDER}:warc:leases").items()}
        if leases and r.hlen(f"{SPIDER}:warc:served") >= 3:
            held = next(iter(leases))
            victim.send_signal(signal.SIGKILL)     # mid-file: some of its captures queued, the rest not
            break
        time.sleep(0.01)
    assert victim.wait(30) == -9, "the first worker finished before it could be killed"
    assert held and r.hget(f"{SPIDER}:warc:leases", held).decode().startswith("w0 ")   # a file not queued whole
    done_by_victim = {m.decode() for m in r.smembers(f"{SPIDER}:warc:done")}

    rcs = run_workers(cmds[1:], env)
    logs = {i: (w / "crawl.log").read_text() for i, w in enumerate(works)}
    assert rcs == [0, 0], (logs[1] + logs[2])[-4000:]
    takeovers = [ln for i in (1, 2) for ln in logs[i].splitlines() if "taken over from worker w0" in ln]
    assert len(takeovers) == 1 and held in takeovers[0] and "WARNING" in takeovers[0]
    recs = [rec for w in works for rec in written(w)]
    ids = Counter(rec["item_id"] for rec in recs)
    assert max(ids.values()) == 1                                    # nothing written twice ...
    assert {rec["url"] for rec in recs} == all_urls(archives)        # ... nothing lost
    # the others scanned every file the victim had not queued whole, each once, its file included
    scanned = Counter(f["file"] for w in works[1:] for f in report(w)["warc_files"])
    assert held in scanned and set(scanned.values()) == {1}
    assert sorted(scanned) == sorted(str(p) for p in archives.glob("*.warc.gz") if str(p) not in done_by_victim)
    stats = [report(w)["stats"] for w in works[1:]]
    assert sum(s.get("distributed/warc_taken_over", 0) for s in stats) == 1
    assert sum(s.get("distributed/warc_claimed", 0) for s in stats) == len(scanned)
    # the held file's captures the victim had queued (two at least: a third was being taken) are
    # dropped by the frontier when the file is read again, and counted
    assert sum(s.get("dupefilter/filtered", 0) for s in stats) >= 2


def test_a_later_capture_in_another_file_is_served_by_the_workers_as_by_one_process(archives, redis_server, tmp_path):
    """Across files the latest capture wins on the workers too: a changed later capture is written
    again (same item_id), an older one is superseded; the same lines as one process writes."""
    import shutil

    from benchmarks.bench_warc import corpus_entries
    from tests.warcfiles import Page, write_warc

    folder = tmp_path / "archives"
    folder.mkdir()
    for p in sorted(archives.glob("*.warc.gz")):
        shutil.copy(p, folder / p.name)
    (url_a, body_a, _), (url_b, body_b, _) = corpus_entries(archives.parent / "corpus", SPIDER)[:2]
    changed = body_a.read_bytes().replace(b"<p>", b"<p>Updated with a new first sentence about the harbour. ", 1)
    assert changed != body_a.read_bytes()
    write_warc(folder / "CC-NEWS-20261201000000-99999.warc.gz",
               [Page(url_a, changed, fetched_at="2026-12-01T00:00:00Z"),
                Page(url_b, body_b.read_bytes(), fetched_at="2020-01-01T00:00:00Z")])
    single = tmp_path / "single"
    assert run_workers([warc_worker(folder, single, "single")], env_with(None)) == [0]
    works = [tmp_path / f"w{i}" for i in range(2)]
    rcs = run_workers([warc_worker(folder, w, f"w{i}") for i, w in enumerate(works)], env_with(redis_server.url))
    assert rcs == [0, 0], "\n".join((w / "crawl.log").read_text() for w in works)[-4000:]
    want = Counter(r["item_id"] for r in written(single))
    recs = [r for w in works for r in written(w)]
    assert Counter(r["item_id"] for r in recs) == want
    by_url = [r for r in recs if r["url"] == url_a]
    assert len(by_url) == 2 and len({r["item_id"] for r in by_url}) == 1            # written again ...
    assert sum("Updated with a new first sentence" in r["body"] for r in by_url) == 1  # ... the later capture
    assert [r["fetched_at"] for r in recs if r["url"] == url_b] != ["2020-01-01T00:00:00Z"]  # the older: superseded
    assert sum(report(w)["stats"].get("warc/superseded", 0) for w in works) >= 2


def test_redis_going_away_mid_file_stops_the_worker_and_a_rerun_completes_the_files(archives, tmp_path):
    from tests.test_distributed import _redis_server_cls
    server = _redis_server_cls()().start()
    try:
        import redis as redis_py
        r = redis_py.Redis.from_url(server.url)
        work = tmp_path / "w0"
        cmd = warc_worker(archives, work, "w0", ["-s", "WARC_MAX_PENDING=2"])
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env_with(server.url), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if r.hlen(f"{SPIDER}:warc:leases") and r.hlen(f"{SPIDER}:warc:served") >= 3:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the worker finished before Redis could be stopped"
        server.stop()                                         # Redis goes away mid-file
        assert proc.wait(120) == 1
        log = (work / "crawl.log").read_text()
        assert "is unreachable" in log and "Traceback" not in log
        first = written(work)
        assert len(first) < FILES * PER_FILE
        server.start()                                        # back: the same command again
        assert run_workers([cmd], env_with(server.url)) == [0], (work / "crawl.log").read_text()[-3000:]
        assert "which this worker held when it stopped, is read again" in (work / "crawl.log").read_text()
        recs = written(work)
        assert max(Counter(rec["item_id"] for rec in recs).values()) == 1
        assert {rec["url"] for rec in recs} == all_urls(archives)
    finally:
        server.cleanup()
