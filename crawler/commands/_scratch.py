"""Scrapy's commands that try pages (``parse``, ``bench``, ``check``, ``shell``, ``fetch``,
``view``) run as scratch runs: ``SCRATCH_RUN`` makes crawler/settingsaddon.py point
``OUTPUT_DIR`` and ``STATE_DIR`` at a throwaway folder (removed at exit) and switch the run report
off, so they never write reports, JSONL, history or state into the real folders (``bench`` no
longer creates ``output/follow/``). ``-s SCRATCH_RUN=False`` turns it off.
"""
from __future__ import annotations

from typing import Any


def scratch(command: type) -> dict[str, Any]:
    """COMMAND's ``default_settings`` plus ``SCRATCH_RUN`` (applied at Scrapy's command priority)."""
    return {**command.default_settings, "SCRATCH_RUN": True}
