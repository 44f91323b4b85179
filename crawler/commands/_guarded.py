"""Shared by ``scrapy crawl`` and ``scrapy crawlall``: lock, run, report, exit code.

Exit codes: 0 every spider healthy (a run stopped by a CLOSESPIDER_* limit, Ctrl-C or a
JOBDIR pause included: the report says how it ended); 1 a spider failed a health rule (see
crawler/health.py) or could not start; 2 a bad ``-a`` argument (nothing was started); 75 another
run holds the STATE_DIR lock.
"""
from __future__ import annotations

import logging
import os
import sys

from crawler.commands._arguments import EX_USAGE, arguments_problem, spider_kwargs
from crawler.extensions.logcount import unattributed_errors
from crawler.extensions.runreport import human_lines, write_report
from crawler.lock import EX_TEMPFAIL, Locked, StateLock, command_line
from crawler.reliability import install_masking, mask_secrets, secrets_in_args, secrets_in_settings

logger = logging.getLogger("crawler.run")


def run_spiders(cmd, names: list[str], spargs: dict, combined_report: bool, subcommand: str = "crawl") -> int:
    settings = cmd.settings
    # secrets of -s, -a and REDIS_URL masked in the lock file, in every message and log line
    secrets = sorted(set(secrets_in_settings(settings)) | set(secrets_in_args(spargs, os.environ)), key=len, reverse=True)
    install_masking(secrets)

    def mask(text: str) -> str:
        return mask_secrets(text, secrets)

    classes = {name: cmd.crawler_process.spider_loader.load(name) for name in names}
    problem = arguments_problem(classes, spargs)
    if problem:
        print(mask(f"crawler: {problem}"), file=sys.stderr)
        return EX_USAGE
    lock = StateLock(settings.get("STATE_DIR") or ".state", command_line(sys.argv, subcommand), mask)
    try:
        lock.acquire()
    except Locked as exc:
        print(f"crawler: {mask(str(exc))}", file=sys.stderr)
        return EX_TEMPFAIL
    if lock.previous:
        print(f"crawler: took over a stale lock left by dead pid {lock.previous.get('pid')} "
              f"(started {lock.previous.get('started')})", file=sys.stderr)
    unattributed_before = unattributed_errors()
    crawlers = []
    try:
        for name in names:
            crawler = cmd.crawler_process.create_crawler(name)
            crawlers.append(crawler)
            cmd.crawler_process.crawl(crawler, **spider_kwargs(classes[name], spargs))
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
    # errors logged by no spider's code (see crawler/extensions/logcount.py): the run fails, no spider is named
    unattributed = unattributed_errors() - unattributed_before
    if combined_report:
        extra = {"unattributed_errors": unattributed} if unattributed else None
        path = write_report(settings.get("OUTPUT_DIR") or "output", reports, extra)
        print(f"run report: {path}", file=sys.stderr)
        for report in reports:
            for line in human_lines(report):
                print(line, file=sys.stderr)
    if unattributed:
        print(f"crawler: {unattributed} errors logged that belong to no spider (see the log)", file=sys.stderr)
    failed = cmd.crawler_process.bootstrap_failed or bool(unattributed) or not all(r["ok"] for r in reports)
    return 1 if failed else 0
