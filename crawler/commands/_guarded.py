"""Shared by ``scrapy crawl`` and ``scrapy crawlall``: checks, lock, run, report, exit code.

Exit codes: 0 every spider healthy (a run stopped by a CLOSESPIDER_* limit, Ctrl-C or a
JOBDIR pause included: the report says how it ended); 1 a spider failed a health rule (see
crawler/health.py) or could not start; 2 usage: an unknown spider or a bad ``-a`` argument
(nothing was started); 75 another run holds the STATE_DIR lock; 78 configuration or
environment: a bad setting (crawler/settingsaddon.py) or a folder the run cannot write (nothing
was started; the report says why where OUTPUT_DIR can hold one).

Quiet on success, loud on failure: with ``LOG_FILE`` set, a healthy run prints nothing (its
summary goes to the log); a failed one prints its summary to stderr (what cron mails).
"""
from __future__ import annotations

import difflib
import logging
import os
import sys

from crawler import environment
from crawler.commands._arguments import EX_USAGE, arguments_problem, spider_kwargs
from crawler.config import EX_CONFIG
from crawler.extensions.logcount import unattributed_errors
from crawler.extensions.runreport import human_lines, write_report
from crawler.lock import EX_TEMPFAIL, Locked, StateLock, command_line
from crawler.reliability import install_masking, mask_secrets, secrets_in_args, secrets_in_settings

logger = logging.getLogger("crawler.run")


def not_started(name: str, rule: str, message: str) -> dict:
    """The report of a spider that did not run (its fields as a run's report has them)."""
    return {"spider": name, "ok": False, "pages": 0, "duration_s": 0.0, "ended": "not started",
            "items": {"written": 0, "articles": 0, "briefs": 0, "unchanged": 0, "dropped": 0},
            "failed_rules": [{"rule": rule, "message": message}]}


def unknown_spiders(names: list[str], known: list[str]) -> str | None:
    """One line naming the spiders of NAMES this project does not have, or None."""
    unknown = [n for n in names if n not in known]
    if not unknown:
        return None
    guesses = [g for n in unknown for g in difflib.get_close_matches(n, known, n=1)]
    return (f"unknown spider {', '.join(map(repr, unknown))}" + (f" (did you mean {', '.join(guesses)}?)" if guesses else "")
            + f"; this project has {', '.join(sorted(known))}")


def folders(settings) -> dict[str, str]:
    """The folders a run writes, by setting."""
    return {name: settings.get(name) or default for name, default in (
        ("OUTPUT_DIR", "output"), ("STATE_DIR", ".state"), ("WARC_DIR", None), ("JOBDIR", None)) if settings.get(name) or default}


def secrets_of(settings, spargs: dict) -> list[str]:
    """Secrets of -s, -a and REDIS_URL, longest first: masked in every line and file."""
    return sorted(set(secrets_in_settings(settings)) | set(secrets_in_args(spargs, os.environ)), key=len, reverse=True)


def refuse_bad_usage(settings, names: list[str], spargs: dict) -> None:
    """Exit 2 with one line when NAMES (default: every spider) holds an unknown spider or SPARGS a
    bad ``-a``. Called from the commands' ``process_options``: before the crawler process exists
    and logs its header, so the line is all a user sees."""
    from scrapy.spiderloader import get_spider_loader

    loader = get_spider_loader(settings)
    names = names or loader.list()
    problem = unknown_spiders(names, loader.list())
    if problem is None:
        problem = arguments_problem({name: loader.load(name) for name in names}, spargs)
    if problem:
        print(mask_secrets(f"crawler: {problem}", secrets_of(settings, spargs)), file=sys.stderr)
        raise SystemExit(EX_USAGE)


def run_spiders(cmd, names: list[str], spargs: dict, combined_report: bool, subcommand: str = "crawl") -> int:
    settings = cmd.settings
    # secrets of -s, -a and REDIS_URL masked in the lock file, in every message and log line
    secrets = secrets_of(settings, spargs)
    install_masking(secrets)
    log_file = bool(settings.get("LOG_FILE")) and settings.getbool("LOG_ENABLED", True)

    def mask(text: str) -> str:
        return mask_secrets(text, secrets)

    def say(level: int, line: str) -> None:
        """Log LINE; an ERROR also goes to stderr when the log goes to a file (cron mails it)."""
        logger.log(level, line)
        if log_file and level >= logging.ERROR:
            print(mask(f"crawler: {line}"), file=sys.stderr)

    classes = {name: cmd.crawler_process.spider_loader.load(name) for name in names}
    writes = folders(settings)
    output_dir, state_dir = writes["OUTPUT_DIR"], writes["STATE_DIR"]
    for setting, path in writes.items():
        broken = environment.folder_problem(path, setting)
        if broken:
            say(logging.ERROR, broken.message)
            logger.debug("the error behind it", exc_info=broken.error)  # the traceback at LOG_LEVEL=DEBUG only
            if setting != "OUTPUT_DIR":  # the report says why, where it can be written
                why = [not_started(n, "environment", broken.message) for n in names]
                say(logging.INFO, f"run report: {write_report(output_dir, why, {'ended': 'not started'})}")
            return EX_CONFIG
    lock = StateLock(state_dir, command_line(sys.argv, subcommand), mask)
    try:
        lock.acquire()
    except Locked as exc:
        print(f"crawler: {mask(str(exc))}", file=sys.stderr)
        return EX_TEMPFAIL
    extra: dict = {}
    if lock.previous:
        extra["lock_taken_over"] = {k: lock.previous.get(k) for k in ("pid", "host", "started")}
        say(logging.WARNING, f"took over a stale lock left by dead pid {lock.previous.get('pid')} "
                             f"(started {lock.previous.get('started')})")
    repaired = environment.repair_state(state_dir, output_dir)
    for line in repaired:
        say(logging.ERROR, line)
    if repaired:
        extra["state_repaired"] = repaired
    if extra and not combined_report:  # a lone crawl's report is written by RunReport: it adds these
        settings.set("RUN_REPORT_EXTRA", dict(extra), priority="cmdline")
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
    reports = [getattr(crawler, "run_report", None) or not_started(name, "error", "the spider did not start (see the log)")
               for name, crawler in zip(names, crawlers)]
    # errors logged by no spider's code (see crawler/extensions/logcount.py): the run fails, no spider is named
    unattributed = unattributed_errors() - unattributed_before
    if unattributed:
        extra["unattributed_errors"] = unattributed
    failed = cmd.crawler_process.bootstrap_failed or bool(unattributed) or not all(r["ok"] for r in reports)
    # quiet on success, loud on failure: with LOG_FILE, the summary reaches stderr only when the run failed
    loud = failed or not log_file
    summary = []
    if combined_report:
        summary.append(f"run report: {write_report(output_dir, reports, extra or None)}")
    elif failed and log_file:  # a lone crawl logged its summary and report path; cron must see them
        summary.append(f"run report: {getattr(crawlers[0], 'run_report_path', None) if crawlers else None}")
    if combined_report or (failed and log_file):
        summary += [line for report in reports for line in human_lines(report)]
    if unattributed:
        summary.append(f"crawler: {unattributed} errors logged that belong to no spider (see the log)")
    for line in summary:
        if loud:
            print(line, file=sys.stderr)
        else:
            logger.info(line)
    return 1 if failed else 0
