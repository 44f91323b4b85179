"""Per-spider run report: counts, coverage, errors, HTTP statuses, health verdict.

At ``spider_closed`` the extension turns the crawl stats into a report dict (kept on
``crawler.run_report``), logs a few human lines and, for a lone ``scrapy crawl``, writes the
report file. ``scrapy crawlall`` gathers the reports of all its spiders into one file:
``OUTPUT_DIR/reports/run-<UTC time>-<pid>.json``.
"""
from __future__ import annotations

import json
import logging
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler import drift, health
from crawler.items import RECORD_KEYS
from crawler.pipelines.coverage import NOT_COUNTED
from crawler.reliability import mask_secrets, secrets_in_settings

logger = logging.getLogger(__name__)


def _jsonable(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, (int, float, str, bool)) or v is None:
        return v
    return str(v)


#: how a run ended (the report's ``ended``), by Scrapy's finish reason
ENDED_FINISHED, ENDED_PAUSED, ENDED_INTERRUPTED, ENDED_LIMIT, ENDED_EARLY = (
    "finished", "paused", "interrupted", "limit reached", "closed early")
#: ends that are stops asked for, not failures: the run is judged on what it did up to then
STOPS = (ENDED_PAUSED, ENDED_INTERRUPTED, ENDED_LIMIT)


def how_it_ended(reason: str | None, jobdir: bool = False) -> str:
    """``finished``; ``paused`` (Ctrl-C or SIGTERM with JOBDIR: the same command resumes);
    ``interrupted`` (Ctrl-C or SIGTERM without JOBDIR); ``limit reached`` (a CLOSESPIDER_*
    setting); ``closed early`` (anything else: an error)."""
    if reason in (None, "", "finished"):
        return ENDED_FINISHED
    if reason == "shutdown":
        return ENDED_PAUSED if jobdir else ENDED_INTERRUPTED
    if reason.startswith("closespider_"):
        return ENDED_LIMIT
    return ENDED_EARLY


def build_report(spider: str, stats: dict[str, Any], failures: list[tuple[str, str]], duration: float,
                 ended: str | None = None) -> dict:
    def prefixed(prefix: str) -> dict[str, int]:
        return {k[len(prefix):]: v for k, v in sorted(stats.items()) if k.startswith(prefix)}

    cov = {}
    for key in RECORD_KEYS:
        if key in NOT_COUNTED:
            continue
        present, total = health.coverage(stats, key)
        if total:
            cov[key] = round(present / total, 4)
    return {
        "spider": spider,
        "ok": not failures,
        "failed_rules": [{"rule": r, "message": m} for r, m in failures],
        "duration_s": round(duration, 3),
        "finish_reason": stats.get("finish_reason"),
        "ended": ended or how_it_ended(stats.get("finish_reason")),
        "discovery": {
            "not_followed": int(stats.get("discovery/not_followed", 0)),
            "before_since": sum(int(stats.get(k, 0)) for k in (
                "discovery/before_since", "discovery/listing_older_than_since", "since/skipped")),
            "seeds_invalid": int(stats.get("seeds/invalid", 0)),
            "seeds_known_skipped": int(stats.get("seeds/known_skipped", 0)),
            "seeds_failed": int(stats.get("seeds/failed", 0)) + int(stats.get("seeds/ignored", 0)),
        },
        "pages": int(stats.get("response_received_count", 0)),
        "responses": int(stats.get("downloader/response_count", 0)),
        "items": {
            "written": int(stats.get("jsonl/written", 0)),
            "new_story": int(stats.get("dedupe/new_story", 0)),
            "changed": int(stats.get("dedupe/changed", 0)),
            "unchanged": int(stats.get("dedupe/unchanged", 0)),
            "duplicate": int(stats.get("dedupe/linked_hard", 0)) + int(stats.get("dedupe/linked_near", 0)),
            "dropped": int(stats.get("item_dropped_count", 0)),
            "articles": int(stats.get("items/article", 0)),
            "briefs": int(stats.get("items/brief", 0)),
            "body_truncated": int(stats.get("items/body_truncated", 0)),
        },
        "coverage": cov,
        "errors": {
            "log_errors": int(stats.get("log_count/ERROR", 0)) + int(stats.get("log_count/CRITICAL", 0)),
            "spider_exceptions": prefixed("spider_exceptions/"),
            "downloader_exceptions": prefixed("downloader/exception_type_count/"),
            "dropped": prefixed("item_dropped_reasons_count/"),
            "field_errors": {k.split("/")[1]: v for k, v in stats.items() if k.startswith("field/") and k.endswith("/error")},
            "dates_invalid": int(stats.get("dates/invalid", 0)),
            "robots_forbidden": int(stats.get("robotstxt/forbidden", 0)),
            "challenge_pages": int(stats.get("health/challenge", 0)),
        },
        "http_status": prefixed("downloader/response_status_count/"),
        **({"warc_files": stats["warc/file_reports"]} if "warc/file_reports" in stats else {}),  # -a warc=: per file
        "stats": {k: _jsonable(v) for k, v in sorted(stats.items()) if k != "warc/file_reports"},
    }


def human_lines(report: dict) -> list[str]:
    i = report["items"]
    pages = f"{report['pages']} pages"
    walled = int((report.get("errors") or {}).get("challenge_pages", 0))
    if walled:  # dropped before parsing: not in "pages", said here with their HTTP statuses
        statuses = ", ".join(f"HTTP {k} x{v}" for k, v in sorted((report.get("http_status") or {}).items()))
        pages += f" ({walled} more answered with a challenge; responses: {statuses})"
    ended = report.get("ended")
    state = ("OK" if report["ok"] else "FAILED") + (f" ({ended})" if ended and ended != ENDED_FINISHED else "")
    head = (f"{report['spider']}: {state} - {pages}, "
            f"{i['written']} written ({i['articles']} articles, {i['briefs']} briefs), {i['unchanged']} unchanged, "
            f"{i['dropped']} dropped, {report['duration_s']:.1f}s")
    lines = [head] + [f"  rule {f['rule']}: {f['message']}" for f in report["failed_rules"]]
    d = report.get("discovery") or {}
    if d.get("not_followed"):
        lines.append(f"  {d['not_followed']} links not followed (over a limit; see the WARNING lines)")
    if d.get("seeds_invalid"):
        lines.append(f"  {d['seeds_invalid']} seed lines skipped as not URLs (see the WARNING lines)")
    if ended == ENDED_PAUSED:
        lines.append("  paused: the same command (same JOBDIR) resumes it")
    elif ended == ENDED_INTERRUPTED:
        lines.append("  interrupted: the same command goes on; what was written is not fetched again")
    return lines


def write_report(output_dir: str | os.PathLike, reports: list[dict], extra: dict | None = None) -> Path:
    folder = Path(output_dir) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"run-{stamp}-{os.getpid()}.json"
    doc = {"finished": datetime.now(timezone.utc).isoformat(), "ok": all(r["ok"] for r in reports),
           "spiders": reports, **(extra or {})}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
    return path


class RunReport:
    def __init__(self, crawler):
        self.crawler = crawler
        self.started = time.monotonic()
        s = crawler.settings
        if not s.getbool("RUN_REPORT_ENABLED", True):  # scrapy parse/bench/check/shell (SCRATCH_RUN)
            raise NotConfigured("RUN_REPORT_ENABLED is False")
        self.floors = s.getdict("HEALTH_FLOORS") or None
        self.author_floors = s.getdict("HEALTH_AUTHOR_FLOORS") or None
        self.min_items = s.getint("HEALTH_MIN_ITEMS", 1)
        self.standalone = s.getbool("RUN_REPORT_STANDALONE", True)
        self.drift = s.getbool("HEALTH_DRIFT", True)  # drift rule: crawler/drift.py
        self.drift_min_articles = s.getint("HEALTH_DRIFT_MIN_ARTICLES", 5)
        self.drift_min_runs = s.getint("HEALTH_DRIFT_MIN_RUNS", 1)
        self.history_dir = Path(s.get("STATE_DIR") or ".state") / "history"
        crawler.run_report = None
        crawler.run_report_path = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self, spider, reason):
        stats = dict(self.crawler.stats.get_stats())
        stats.setdefault("finish_reason", reason)
        failures = health.evaluate(spider.name, stats, self.floors, self.author_floors, self.min_items)
        ended = how_it_ended(reason, jobdir=bool(self.crawler.settings.get("JOBDIR")))
        if ended in (ENDED_PAUSED, ENDED_INTERRUPTED):
            # stopped by hand: judged on what it did, not on how much (zero_items would be unfair)
            failures = [f for f in failures if f[0] != "zero_items"]
        elif ended == ENDED_EARLY:
            failures.append(("error", f"spider closed early: {reason}"))
        today, runs = None, []
        if self.drift:  # today's shape against this spider's own healthy runs
            runs, problem = drift.load(self.history_dir / f"{spider.name}.json")
            if problem:
                logger.warning(problem, extra={"spider": spider})
            today = drift.run_entry(stats, ok=True, finished=datetime.now(timezone.utc).isoformat())
            failures += drift.judge(today, runs, min_articles=self.drift_min_articles, min_runs=self.drift_min_runs)
        report = build_report(spider.name, stats, failures, time.monotonic() - self.started, ended=ended)
        if today is not None:
            today["ok"] = not failures
            report["profile"] = {k: v for k, v in today.items() if k not in ("finished", "ok", "coverage")}
            try:
                drift.save(self.history_dir / f"{spider.name}.json", runs + [today])
            except OSError as exc:
                logger.warning("run history of %s not saved: %s", spider.name, exc, extra={"spider": spider})
        report = mask_secrets(report, secrets_in_settings(self.crawler.settings))
        self.crawler.run_report = report
        # a failed summary is a WARNING: at ERROR it would count as one more error (of this
        # spider, or, before the per-crawler log count, of every spider still running)
        for line in human_lines(report):
            logger.log(logging.INFO if report["ok"] else logging.WARNING, line, extra={"spider": spider})
        if self.standalone:  # with what the command found before the run (crawler/commands/_guarded.py)
            extra = self.crawler.settings.getdict("RUN_REPORT_EXTRA") or None
            path = self.crawler.run_report_path = write_report(
                self.crawler.settings.get("OUTPUT_DIR") or "output", [report], extra)
            logger.info("run report: %s", path)
