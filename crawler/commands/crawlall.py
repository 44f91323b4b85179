"""``scrapy crawlall [spider ...]``: every spider (or the ones named) in one process, for cron.

One lock, one run report (``OUTPUT_DIR/reports/run-*.json``), one exit code:
0 all healthy, 1 any spider failed (the report names the rule), 75 another run is active.
"""
from __future__ import annotations

from scrapy.commands import BaseRunSpiderCommand
from scrapy.exceptions import UsageError

from crawler.commands._guarded import run_spiders


class Command(BaseRunSpiderCommand):
    requires_project = True

    def syntax(self):
        return "[options] [spider ...]"

    def short_desc(self):
        return "Run every spider (or those named) in one process: locked, reported, cron exit codes"

    def run(self, args, opts):
        assert self.crawler_process
        known = self.crawler_process.spider_loader.list()
        names = args or sorted(known)
        unknown = [n for n in names if n not in known]
        if unknown:
            raise UsageError(f"unknown spider(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        self.settings.set("RUN_REPORT_STANDALONE", False, priority="cmdline")
        self.exitcode = run_spiders(self, names, opts.spargs, combined_report=True, subcommand="crawlall")
