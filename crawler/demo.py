"""`make demo`: crawl every spider over the fixtures offline through the engine, then summarise."""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from crawler.golden import ROOT, crawl

SPIDERS = ["conversation", "kyodo", "jiji", "japantimes", "republisher"]


def summarise(name: str, records: list[dict]) -> str:
    arts = [r for r in records if r["kind"] == "article"]
    briefs = len(records) - len(arts)
    repub = sum(1 for r in records if r["is_republication"])
    dated = sum(1 for r in arts if r["date_published"])
    authored = sum(1 for r in arts if r["authors"])
    return (f"{name:13} {len(arts):4} articles {briefs:4} briefs {repub:4} republications"
            f"  dated {dated}/{len(arts)}  with authors {authored}/{len(arts)}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--replay", default="fixtures")
    ap.add_argument("--output", default="output")
    ap.add_argument("--state", default=".state/demo")
    ap.add_argument("spiders", nargs="*", default=SPIDERS)
    args = ap.parse_args(argv)
    status = 0
    lines = []
    for name in args.spiders:
        work = ROOT / ".state" / "demo-work" / name
        shutil.rmtree(work, ignore_errors=True)
        records, proc = crawl(name, replay=ROOT / args.replay, workdir=work,
                              settings={"OUTPUT_DIR": str(ROOT / args.output), "STATE_DIR": str(ROOT / args.state),
                                        "LOG_LEVEL": "WARNING"})
        mine = [r for r in records if r["source"] == name]
        if proc.returncode not in (0,):
            status = 1
            lines.append(f"{name:13} FAILED (exit {proc.returncode}): {' | '.join(proc.stderr.strip().splitlines()[-2:])}")
        else:
            lines.append(summarise(name, mine))
    print("\nDemo summary (JSONL under %s/):" % args.output)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
