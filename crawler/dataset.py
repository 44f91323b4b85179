"""The latest record of every article: ``python -m crawler.dataset OUTPUT_DIR``.

The JSONL files under ``OUTPUT_DIR/<spider>/<UTC date>.jsonl`` are append-only: an article that
changed is written again under the same ``item_id``, and the later line wins. This reads each
spider's files in the order they were written (by file name, the UTC date, then line), keeps the
last line of each ``item_id`` (an item_id names its spider, so it lives in one folder), and prints
those records as JSONL (``-o FILE`` writes them instead): spider by spider, each in the order of
the latest lines. ``--kind article|brief`` and ``--spider NAME`` (repeatable) select.

A line that is not a JSON object (e.g. a torn last line of a killed run not yet repaired) is
skipped with one line on stderr naming the file and line, and counted in the summary line.

Pure Python: no Scrapy imports (see README "Reading the output").
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from crawler.items import KINDS
from crawler.jsonl import dumps_line


@dataclass
class Summary:
    files: int = 0
    lines: int = 0
    superseded: int = 0   # older lines of an item_id written again later
    bad: list[str] = field(default_factory=list)   # "file:line: why" of every line skipped

    def line(self, kept: int) -> str:
        return (f"{kept} records from {self.lines} lines in {self.files} files "
                f"({self.superseded} superseded, {len(self.bad)} bad lines skipped)")


def spider_files(output_dir: Path, spiders: Iterable[str] | None = None) -> list[Path]:
    """Every ``<spider>/<date>.jsonl`` under OUTPUT_DIR (run reports are not records), oldest first per spider."""
    wanted = set(spiders) if spiders else None
    files = []
    for folder in sorted(p for p in Path(output_dir).iterdir() if p.is_dir()):
        if folder.name == "reports" or (wanted is not None and folder.name not in wanted):
            continue
        files += sorted(folder.glob("*.jsonl"))
    return files


def iter_records(files: Iterable[Path], summary: Summary) -> Iterator[dict]:
    """The records of FILES in written order; a bad line is noted in SUMMARY and skipped."""
    for path in files:
        summary.files += 1
        with open(path, "rb") as fh:
            for number, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                summary.lines += 1
                try:
                    record = json.loads(raw)
                except ValueError as exc:
                    summary.bad.append(f"{path}:{number}: not JSON ({exc})")
                    continue
                if not isinstance(record, dict) or not record.get("item_id"):
                    summary.bad.append(f"{path}:{number}: not a record with an item_id")
                    continue
                yield record


def latest(records: Iterable[dict], summary: Summary | None = None) -> list[dict]:
    """The last record of every ``item_id``, in the order of those last lines in RECORDS."""
    by_id: dict[str, dict] = {}
    for record in records:
        key = record["item_id"]
        if key in by_id:
            del by_id[key]               # re-inserted below: order of the latest line
            if summary is not None:
                summary.superseded += 1
        by_id[key] = record
    return list(by_id.values())


def load(output_dir: str | Path, kind: str | None = None, spiders: Iterable[str] | None = None,
         summary: Summary | None = None) -> list[dict]:
    """The deduplicated latest records under OUTPUT_DIR (optionally of one kind, some spiders)."""
    summary = summary if summary is not None else Summary()
    records = latest(iter_records(spider_files(Path(output_dir), spiders), summary), summary)
    return [r for r in records if kind is None or r.get("kind") == kind]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.dataset", description=__doc__.split("\n\n")[0])
    parser.add_argument("output_dir", metavar="OUTPUT_DIR", help="the crawler's OUTPUT_DIR (folders of JSONL per spider)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the records to FILE instead of stdout")
    parser.add_argument("--kind", choices=KINDS, help="only records of this kind")
    parser.add_argument("--spider", action="append", metavar="NAME", help="only this spider's folder (repeatable)")
    args = parser.parse_args(argv)
    if not Path(args.output_dir).is_dir():
        print(f"crawler.dataset: {args.output_dir} is not a folder (give the crawler's OUTPUT_DIR)", file=sys.stderr)
        return 2
    summary = Summary()
    records = load(args.output_dir, args.kind, args.spider, summary)
    for problem in summary.bad:
        print(f"crawler.dataset: skipped {problem}", file=sys.stderr)
    out = open(args.output, "wb") if args.output else sys.stdout.buffer
    try:
        for record in records:
            out.write(dumps_line(record))
    finally:
        if args.output:
            out.close()
        else:
            out.flush()
    print(f"crawler.dataset: {summary.line(len(records))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
