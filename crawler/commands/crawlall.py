"""``scrapy crawlall [spider ...]``: every spider (or the ones named) in one process, for cron.

One lock, one run report (``OUTPUT_DIR/reports/run-*.json``), one exit code:
0 all healthy, 1 any spider failed (the report names the rule), 2 usage, 75 another run is
active, 78 configuration or environment (crawler/commands/_guarded.py).
A feed of ``-o``/``-O``/``FEEDS`` shared by the spiders (a file or stdout) is written as one
part per spider and joined after the run (crawler/feedparts.py), or refused before the run with
exit 2.
"""
from __future__ import annotations

import logging
import shutil
import sys
import tempfile

from scrapy.commands import BaseRunSpiderCommand

from crawler.commands._arguments import EX_USAGE
from crawler.commands._guarded import refuse_bad_usage, run_spiders
from crawler.feedparts import Unjoinable, join, plan

logger = logging.getLogger("crawler.run")


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
        scratch = tempfile.mkdtemp(prefix="crawlall-feeds-")   # parts of a feed to stdout (-O -)
        joined = True
        try:
            try:
                feeds, joins = plan(self.settings.getdict("FEEDS"), len(names), scratch)
            except Unjoinable as exc:
                print(f"crawler: {exc}", file=sys.stderr)
                self.exitcode = EX_USAGE
                return
            if joins:
                self.settings.set("FEEDS", feeds, priority=self.settings.getpriority("FEEDS"))
            self.exitcode = run_spiders(self, names, opts.spargs, combined_report=True, subcommand="crawlall")
            joined = self.join_feeds(joins, names)
        finally:
            if joined:   # parts that could not be joined are kept
                shutil.rmtree(scratch, ignore_errors=True)

    def join_feeds(self, joins: dict, names: list[str]) -> bool:
        ok = True
        for target, (base, options) in joins.items():
            try:
                count = join(target, base, options, names, stdout=sys.stdout.buffer)
                logger.info("feed %s: joined the parts of %d spiders", target, count)
            except (OSError, ValueError) as exc:
                print(f"crawler: could not join the spiders' feeds into {target} (the parts are kept "
                      f"as {base}.<spider>.part): {exc}", file=sys.stderr)
                self.exitcode = self.exitcode or 1
                ok = False
        return ok
