"""``scrapy crawl <spider>``: Scrapy's own command, plus the STATE_DIR lock, the run report
and cron-grade exit codes (0 ok, 1 failed rule, 75 locked)."""
from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from crawler.commands._guarded import run_spiders


class Command(ScrapyCrawl):
    def run(self, args, opts):
        if len(args) != 1:
            raise UsageError("scrapy crawl takes one spider; use `scrapy crawlall` for several")
        self.exitcode = run_spiders(self, args, opts.spargs, combined_report=False, subcommand="crawl")
