"""``scrapy crawlall [spider ...]``: every spider (or the ones named) in one process, for cron.

One lock, one run report (``OUTPUT_DIR/reports/run-*.json``), one exit code:
0 all healthy, 1 any spider failed (the report names the rule), 2 usage, 75 another run is
active, 78 configuration or environment (crawler/commands/_guarded.py).
"""
from __future__ import annotations

from scrapy.commands import BaseRunSpiderCommand

from crawler.commands._guarded import refuse_bad_usage, run_spiders


class Command(BaseRunSpiderCommand):
    requires_project = True

    def syntax(self):
        return "[options] [spider ...]"

    def short_desc(self):
        return "Run every spider (or those named) in one process: locked, reported, cron exit codes"

    def process_options(self, args, opts):
        super().process_options(args, opts)
        refuse_bad_usage(self.settings, args, opts.spargs)  # exit 2: unknown spider, bad -a

    def run(self, args, opts):
        assert self.crawler_process
        names = args or sorted(self.crawler_process.spider_loader.list())
        self.settings.set("RUN_REPORT_STANDALONE", False, priority="cmdline")
        self.exitcode = run_spiders(self, names, opts.spargs, combined_report=True, subcommand="crawlall")
