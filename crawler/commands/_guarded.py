"""Shared by ``scrapy crawl`` and ``scrapy crawlall``: lock, run, report, exit code.

Exit codes: 0 every spider healthy; 1 a spider failed a health rule (see crawler/health.py)
or could not start; 75 another run holds the STATE_DIR lock.
"""
from __future__ import annotations

import logging
import sys

from crawler.extensions.runreport import human_lines, write_report
from crawler.lock import EX_TEMPFAIL, Locked, StateLock

logger = logging.getLogger("crawler.run")


def run_spiders(cmd, names: list[str], spargs: dict, combined_report: bool) -> int:
    settings = cmd.settings
    lock = StateLock(settings.get("STATE_DIR") or ".state")
    try:
        lock.acquire()
    except Locked as exc:
        print(f"crawler: {exc}", file=sys.stderr)
        return EX_TEMPFAIL
    if lock.previous:
        print(f"crawler: took over a stale lock left by dead pid {lock.previous.get('pid')} "
              f"(started {lock.previous.get('started')})", file=sys.stderr)
    crawlers = []
    try:
        for name in names:
            crawler = cmd.crawler_process.create_crawler(name)
            crawlers.append(crawler)
            cmd.crawler_process.crawl(crawler, **spargs)
        cmd.crawler_process.start()
    finally:
        lock.release()
    reports = []
    for name, crawler in zip(names, crawlers):
        report = getattr(crawler, "run_report", None)
        if report is None:
            report = {"spider": name, "ok": False, "pages": 0, "duration_s": 0.0,
                      "items": {"written": 0, "articles": 0, "briefs": 0, "unchanged": 0, "dropped": 0},
                      "failed_rules": [{"rule": "error", "message": "the spider did not start (see the log)"}]}
        reports.append(report)
    if combined_report:
        path = write_report(settings.get("OUTPUT_DIR") or "output", reports)
        print(f"run report: {path}", file=sys.stderr)
        for report in reports:
            for line in human_lines(report):
                print(line, file=sys.stderr)
    failed = cmd.crawler_process.bootstrap_failed or not all(r["ok"] for r in reports)
    return 1 if failed else 0
