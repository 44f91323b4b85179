"""``python -m crawler.distributed {seed,status,reset} SPIDER``: the operator's view of a shared crawl."""
from __future__ import annotations

import json
import os
from pathlib import Path

from crawler.distributed.common import (
    DUPEFILTER_KEY, QUEUE_KEY, START_URLS_KEY, WARC_KEY, WARC_KEY_NAMES, client_from_url, mask_url,
)


def _cli(argv: list[str] | None = None) -> int:
    """python -m crawler.distributed {seed,status,reset} SPIDER ..."""
    import argparse
    ap = argparse.ArgumentParser(prog="python -m crawler.distributed", description=_cli.__doc__)
    ap.add_argument("--redis", default=os.environ.get("REDIS_URL"), help="Redis URL (default: $REDIS_URL)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    seed = sub.add_parser("seed", help="push start URLs into <spider>:start_urls")
    seed.add_argument("spider")
    seed.add_argument("urls", nargs="*")
    seed.add_argument("-f", "--file", help="file of URLs, one a line ('#' comments)")
    st = sub.add_parser("status", help="frontier size, seen fingerprints, workers and their progress")
    st.add_argument("spider")
    rs = sub.add_parser("reset", help="forget the frontier (queue, dupefilter, in-flight, archive file list) of a spider")
    rs.add_argument("spider")
    rs.add_argument("--state", action="store_true", help="also forget the seen store and the story index")
    args = ap.parse_args(argv)
    if not args.redis:
        ap.error("no Redis URL: set REDIS_URL or pass --redis")
    r = client_from_url(args.redis)
    name = args.spider
    if args.cmd == "seed":
        urls = list(args.urls)
        if args.file:
            urls += [ln.strip() for ln in Path(args.file).read_text(encoding="utf-8").splitlines()
                     if ln.strip() and not ln.lstrip().startswith("#")]
        if urls:
            r.rpush(START_URLS_KEY.format(spider=name), *urls)
        print(f"{len(urls)} start URLs queued in {START_URLS_KEY.format(spider=name)} on {mask_url(args.redis)}")
        return 0
    if args.cmd == "status":
        workers = {k.decode(): float(v) for k, v in r.hgetall(f"{name}:workers").items()}
        sec, usec = r.time()
        now = sec + usec / 1e6
        progress = {k.decode(): json.loads(v) for k, v in r.hgetall(f"{name}:progress").items()}
        print(f"redis {mask_url(args.redis)}  spider {name}")
        print(f"  queued requests   {r.zcard(QUEUE_KEY % {'spider': name})}")
        print(f"  seen fingerprints {r.scard(DUPEFILTER_KEY % {'spider': name})}")
        print(f"  start URLs queued {r.llen(START_URLS_KEY.format(spider=name))}")
        warc = {w: WARC_KEY.format(spider=name, what=w) for w in WARC_KEY_NAMES}
        leases = {k.decode(): v.decode().rsplit(" ", 1)[0] for k, v in r.hgetall(warc["leases"]).items()}
        if leases or r.zcard(warc["files"]) or r.scard(warc["done"]):
            print(f"  archive files     {r.zcard(warc['files'])} to claim, {len(leases)} being read, "
                  f"{r.scard(warc['done'])} done")
            for f, w in sorted(leases.items()):
                print(f"    {mask_url(f)}: worker {w}")
        for key in sorted(r.scan_iter(match=f"{name}:inflight:*")):
            w = key.decode().split(":inflight:", 1)[1]
            p = progress.get(w, {})
            age = f"{now - workers[w]:.0f}s ago" if w in workers else "gone"
            print(f"  worker {w}: in flight {r.hlen(key)}, heartbeat {age}, pages {p.get('pages', '?')}, "
                  f"written {p.get('written', '?')}")
        for w in sorted(set(workers) - {k.decode().split(':inflight:', 1)[1] for k in r.scan_iter(match=f'{name}:inflight:*')}):
            p = progress.get(w, {})
            print(f"  worker {w}: idle, heartbeat {now - workers[w]:.0f}s ago, pages {p.get('pages', '?')}, "
                  f"written {p.get('written', '?')}")
        return 0
    keys = [QUEUE_KEY % {"spider": name}, DUPEFILTER_KEY % {"spider": name}, START_URLS_KEY.format(spider=name),
            f"{name}:workers", f"{name}:starting", f"{name}:progress"]
    keys += [WARC_KEY.format(spider=name, what=w) for w in WARC_KEY_NAMES]
    keys += list(r.scan_iter(match=f"{name}:inflight:*"))
    n = r.delete(*keys)
    if args.state:
        for key in r.scan_iter(match="crawler:*", count=1000):
            n += r.delete(key)
    print(f"reset {name}: {n} keys deleted")
    return 0

