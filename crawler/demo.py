"""`make demo`: crawl every spider over the fixtures offline through the engine, then summarise."""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from crawler.golden import ROOT, crawl

SPIDERS = ["conversation", "kyodo", "jiji", "japantimes", "republisher"]
#: Extra spider arguments for the demo: the republisher has no site to discover from, so it
#: reads the list of every republisher fixture page.
DEMO_ARGS = {"republisher": {"urls_file": "fixtures/republisher/demo_urls.txt"}}


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
    everything: list[dict] = []
    for name in args.spiders:
        work = ROOT / ".state" / "demo-work" / name
        shutil.rmtree(work, ignore_errors=True)
        spider_args = {k: str(ROOT / v) for k, v in DEMO_ARGS.get(name, {}).items() if (ROOT / v).exists()}
        records, proc = crawl(name, spider_args, replay=ROOT / args.replay, workdir=work,
                              settings={"OUTPUT_DIR": str(ROOT / args.output), "STATE_DIR": str(ROOT / args.state),
                                        "LOG_LEVEL": "WARNING"})
        mine = [r for r in records if r["source"] == name]
        everything += mine
        if proc.returncode not in (0,):
            status = 1
            lines.append(f"{name:13} FAILED (exit {proc.returncode}): {' | '.join(proc.stderr.strip().splitlines()[-2:])}")
        else:
            lines.append(summarise(name, mine) + this_run(ROOT / args.output, name))
    print("\nDemo summary (JSONL under %s/; totals in the output, then what this run wrote):" % args.output)
    print("\n".join(lines))
    print(stories_across_sources(everything))
    return status


def this_run(output: Path, name: str) -> str:
    """What this run wrote, from its run report (a second demo run writes nothing unchanged)."""
    import json

    reports = sorted((output / "reports").glob("run-*.json"), key=lambda p: p.stat().st_mtime)
    for path in reversed(reports):
        for rep in json.loads(path.read_text(encoding="utf-8")).get("spiders", []):
            if rep.get("spider") == name:
                items = rep.get("items", {})
                skipped = rep.get("stats", {}).get("incremental/known_skipped", 0)
                return (f"  | this run: {items.get('written', 0)} written, "
                        f"{items.get('unchanged', 0) + skipped} already written before")
    return ""


def stories_across_sources(records: list[dict]) -> str:
    """Stories whose copies were found on more than one site: the point of story_id."""
    stories: dict[str, list[dict]] = {}
    for r in records:
        if r.get("story_id"):
            stories.setdefault(r["story_id"], []).append(r)
    shared = {k: v for k, v in stories.items() if len({r["source"] for r in v}) > 1}
    out = [f"\nStories with copies on several sites: {len(shared)} (of {len(stories)} stories)"]
    for sid, copies in sorted(shared.items()):
        out.append(f"  {sid}")
        for r in sorted(copies, key=lambda r: r["is_republication"]):
            role = f"copy of {r['original_publisher']}" if r["is_republication"] else "original"
            out.append(f"    {r['source']:12} {role:28} {(r['headline'] or '')[:70]}")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
