"""Fixture cases (web-poet style) and crawls through the real engine in replay mode.

One folder per case: ``fixtures/<site>/<case>/`` with ``page.html`` (or ``.xml``),
``page.meta.json`` (the replay entry: url, status, headers, body, fetched_at) and
``expected.json`` (the reviewed records a crawl of that URL writes). An optional
``case.json`` may name another spider (``{"spider": "republisher"}``); by default the spider
is the site folder's name. Other replay entries (robots.txt, extra pages) may sit anywhere
under ``fixtures/``: the whole folder is the replay directory.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from crawler.jsonl import iter_lines

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@dataclass(frozen=True)
class Case:
    site: str
    name: str
    folder: Path
    url: str
    spider: str

    @property
    def id(self) -> str:
        return f"{self.site}/{self.name}"

    @property
    def expected_path(self) -> Path:
        return self.folder / "expected.json"


def cases(root: Path = FIXTURES) -> list[Case]:
    out = []
    for meta in sorted(root.glob("*/*/page.meta.json")):
        folder = meta.parent
        url = json.loads(meta.read_text(encoding="utf-8"))["url"]
        spider = folder.parent.name
        extra = folder / "case.json"
        if extra.exists():
            spider = json.loads(extra.read_text(encoding="utf-8")).get("spider", spider)
        out.append(Case(folder.parent.name, folder.name, folder, url, spider))
    return out


def read_records(out_dir: Path) -> list[dict]:
    records = []
    for f in sorted(Path(out_dir).rglob("*.jsonl")):
        records.extend(json.loads(line) for line in iter_lines(f.read_text(encoding="utf-8")))
    return sort_records(records)


def sort_records(records: list[dict]) -> list[dict]:
    return sorted(records, key=lambda r: (r.get("kind") != "article", r.get("item_id") or "", r.get("url") or ""))


def crawl(spider: str, args: dict[str, str] | None = None, settings: dict[str, str] | None = None,
          replay: Path | None = FIXTURES, workdir: Path | None = None, timeout: int = 300) -> tuple[list[dict], subprocess.CompletedProcess]:
    """Run ``scrapy crawl SPIDER`` in a subprocess; return (records written, process)."""
    work = Path(workdir or tempfile.mkdtemp(prefix="crawl-"))
    out, state = work / "out", work / "state"
    cmd = [sys.executable, "-m", "scrapy", "crawl", spider]
    for k, v in (args or {}).items():
        cmd += ["-a", f"{k}={v}"]
    all_settings = {"OUTPUT_DIR": str(out), "STATE_DIR": str(state), "LOG_LEVEL": "INFO"}
    if replay is not None:
        all_settings["REPLAY_DIR"] = str(replay)
    all_settings.update(settings or {})
    for k, v in all_settings.items():
        cmd += ["-s", f"{k}={v}"]
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)
    return read_records(Path(all_settings["OUTPUT_DIR"]) / spider), proc


def crawl_case(case: Case, workdir: Path | None = None) -> tuple[list[dict], subprocess.CompletedProcess]:
    return crawl(case.spider, {"url": case.url}, workdir=workdir)


def dump_expected(records: list[dict]) -> str:
    return json.dumps(sort_records(records), ensure_ascii=False, indent=1) + "\n"
