"""``scrapy crawl <spider>``: Scrapy's own command, plus the STATE_DIR lock, the run report
and cron-grade exit codes (0 ok, 1 failed rule, 2 usage, 75 locked, 78 configuration)."""
from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler.commands._guarded import refuse_bad_usage, run_spiders


class Command(ScrapyCrawl):
    def process_options(self, args, opts):
        super().process_options(args, opts)
        if len(args) == 1:
            refuse_bad_usage(self.settings, args, opts.spargs)  # exit 2: unknown spider, bad -a

    def run(self, args, opts):
        if len(args) != 1:
            raise UsageError("scrapy crawl takes one spider; use `scrapy crawlall` for several")
        self.exitcode = run_spiders(self, args, opts.spargs, combined_report=False, subcommand="crawl")
