"""Settings resolved and checked when the process starts, not when crawler/settings.py is imported.

An add-on (``ADDONS``) whose ``update_pre_crawler_settings`` runs once, on the process's settings
with ``-s`` applied, before any crawler exists (``scrapy crawl``, ``crawlall``, ``shell``,
``parse``..., and any script that builds a ``CrawlerProcess``):

1. every project setting is checked (:func:`crawler.config.problems`): a bad value prints one
   line per setting (``crawler: setting DEDUPE_MODE=banana is not allowed: ...``) to stderr and
   the process exits with 78 (EX_CONFIG) before any request;
2. relative ``OUTPUT_DIR``, ``STATE_DIR``, ``WARC_DIR`` and ``JOBDIR`` are resolved against the
   project root (the folder of ``scrapy.cfg``), so a run started in a subfolder uses the same
   output, state and lock;
3. ``USER_AGENT`` is built from ``CONTACT`` unless a ``USER_AGENT`` was given (``-s USER_AGENT=``
   or a settings module wins);
4. ``SCRATCH_RUN`` (set by ``scrapy parse/bench/check/shell/fetch/view``, crawler/commands/):
   ``OUTPUT_DIR`` and ``STATE_DIR`` become a throwaway folder removed at exit and no run report
   is made, so trying a page never writes reports, JSONL or state into the real folders;
5. the folder of ``LOG_FILE`` is created, and one that cannot be is one line and exit 78 (not
   a traceback from Scrapy's logging set-up).

Each crawler's ``update_settings`` repeats 2 and 3 (idempotent) for a crawler built without a
process (a bare ``Crawler``).
"""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

from scrapy.utils.conf import closest_scrapy_cfg

from crawler import __version__, config, environment
from crawler.reliability import mask_secrets, secrets_in_settings

#: above the command line (40): a scratch run never writes into the folders -s names
SCRATCH_PRIORITY = 50


def project_root() -> str | None:
    """The folder of the nearest ``scrapy.cfg`` from the current folder up, or None."""
    cfg = closest_scrapy_cfg()
    return os.path.dirname(cfg) if cfg else None


class SettingsAddon:
    @classmethod
    def update_pre_crawler_settings(cls, settings) -> None:
        secrets = secrets_in_settings(settings)
        bad = config.problems(settings.get, list(settings), mask=lambda v: mask_secrets(v, secrets))
        if bad:
            for line in bad:
                print(f"crawler: {line}", file=sys.stderr)
            raise SystemExit(config.EX_CONFIG)
        log_file = settings.get("LOG_FILE")
        broken = environment.folder_problem(os.path.dirname(os.path.abspath(log_file)), "LOG_FILE's folder") \
            if log_file and settings.getbool("LOG_ENABLED", True) else None
        if broken:  # Scrapy would raise from its logging set-up, a traceback and exit 1
            print(f"crawler: {broken.message}".replace("-s LOG_FILE's folder=PATH", "-s LOG_FILE=PATH"), file=sys.stderr)
            raise SystemExit(config.EX_CONFIG)
        if settings.getbool("SCRATCH_RUN"):
            scratch = tempfile.mkdtemp(prefix="crawler-scratch-")
            atexit.register(shutil.rmtree, scratch, True)
            settings.set("OUTPUT_DIR", os.path.join(scratch, "output"), priority=SCRATCH_PRIORITY)
            settings.set("STATE_DIR", os.path.join(scratch, "state"), priority=SCRATCH_PRIORITY)
            settings.set("RUN_REPORT_ENABLED", False, priority=SCRATCH_PRIORITY)
        cls.resolve(settings)

    @staticmethod
    def resolve(settings) -> None:
        root = project_root()
        for name in config.PATH_SETTINGS:
            value = settings.get(name)
            resolved = config.resolve(value, root)
            if resolved != value:
                settings.set(name, resolved, priority=settings.getpriority(name))
        if (settings.getpriority("USER_AGENT") or 0) <= 0:  # Scrapy's default: nobody chose one
            settings.set("USER_AGENT", config.user_agent(settings.get("CONTACT"), __version__), priority="project")

    def update_settings(self, settings) -> None:
        self.resolve(settings)
