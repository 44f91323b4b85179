"""``scrapy check``: Scrapy's command over the replayed fixtures, so it runs offline.

Each spider's article callback names a fixture page with ``@url`` (its docstring holds the
contracts; ``@fields`` is crawler/contracts.py). Unless ``REPLAY_DIR`` is set (``-s``) or
``--live`` is given, the pages come from the project's ``fixtures/`` through the replay handler:
a change of the page code that loses a field fails the check. ``--live`` fetches the same URLs
from the sites, which finds layout drift of the sites themselves.

A check is not a crawl: a page an earlier crawl wrote is still checked (INCREMENTAL off), and no
run report or run history is written (RunReport off; Scrapy's check already turns the item
pipelines and feeds off), and as a scratch run it writes no state (crawler/commands/_scratch.py).
"""
from __future__ import annotations

import sys
from pathlib import Path

from scrapy.commands.check import Command as ScrapyCheck
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.utils.conf import closest_scrapy_cfg

from crawler.commands._scratch import scratch


def fixtures_dir() -> Path:
    """``fixtures/`` beside the project's scrapy.cfg (this checkout's when none is found)."""
    cfg = closest_scrapy_cfg()
    root = Path(cfg).parent if cfg else Path(__file__).resolve().parents[2]
    return root / "fixtures"


class Command(ScrapyCheck):
    # a scratch run: nothing is written into OUTPUT_DIR/STATE_DIR (crawler/commands/_scratch.py)
    default_settings = scratch(ScrapyCheck)

    def add_options(self, parser):
        super().add_options(parser)
        parser.add_argument("--live", action="store_true",
                            help="fetch the @url pages from the sites (default: replay them from fixtures/)")

    def process_options(self, args, opts):
        super().process_options(args, opts)
        # as Scrapy's check sets ITEM_PIPELINES: above the spiders' settings, below the command line
        priority = (SETTINGS_PRIORITIES["spider"] + SETTINGS_PRIORITIES["cmdline"]) // 2
        if not opts.live:
            self.settings.set("REPLAY_DIR", str(fixtures_dir()), priority=priority)
        self.settings.set("INCREMENTAL", False, priority=priority)
        extensions = dict(self.settings.getdict("EXTENSIONS"))
        extensions["crawler.extensions.runreport.RunReport"] = None
        self.settings.set("EXTENSIONS", extensions, priority=priority)

    def run(self, args, opts):
        replay = self.settings.get("REPLAY_DIR")
        if replay and not opts.list and not Path(replay).is_dir():
            print(f"crawler: REPLAY_DIR {replay} is not a folder: nothing to replay the contract pages from "
                  "(give -s REPLAY_DIR=DIR, or --live to fetch them from the sites)", file=sys.stderr)
            self.exitcode = 2
            return
        super().run(args, opts)
