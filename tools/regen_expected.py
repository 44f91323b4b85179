"""Regenerate fixtures/<site>/<case>/expected.json by crawling each case through the engine.

    python -m tools.regen_expected                 # every case
    python -m tools.regen_expected conversation    # cases whose id contains this text

Review the result with `git diff fixtures/` before committing: expected files are golden.
"""
from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

from crawler.golden import cases, crawl_case, dump_expected


def main(argv: list[str]) -> int:
    wanted = [c for c in cases() if not argv or any(c.id == a or c.id.startswith(a.rstrip("/") + "/") for a in argv)]

    def run(case):
        records, proc = crawl_case(case)
        return case, records, proc

    failed = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        for case, records, proc in pool.map(run, wanted):
            if proc.returncode not in (0, 1) or "Traceback" in proc.stderr:
                print(f"! {case.id}: exit {proc.returncode}; last log lines:\n" + "\n".join(proc.stderr.splitlines()[-8:]))
                failed += 1
            old = case.expected_path.read_text(encoding="utf-8") if case.expected_path.exists() else None
            new = dump_expected(records)
            state = "unchanged" if old == new else ("new" if old is None else "CHANGED")
            case.expected_path.write_text(new, encoding="utf-8")
            print(f"{state:9} {case.id}: {len(records)} records")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
