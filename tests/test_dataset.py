"""README "Reading the output" and its helper ``python -m crawler.dataset OUTPUT_DIR``, on an
OUTPUT_DIR written by real crawls of the fixtures (replay): every spider, a Kyodo digest with its
briefs, a bare-day date, and an article that changed and was written again."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from crawler.dataset import Summary, iter_records, latest, load, main, spider_files
from crawler.golden import ROOT
from crawler.jsonl import read_jsonl

CHANGED_URL = "https://theconversation.com/backyard-chickens-are-booming-heres-what-vets-want-new-owners-to-know-287430"
DAY_URL = "https://theconversation.com/small-town-libraries-are-becoming-climate-refuges-without-the-money-to-do-it-299012"


def crawl(work: Path, *args: str, replay: Path = ROOT / "fixtures") -> None:
    proc = subprocess.run([sys.executable, "-m", "scrapy", *args, "-s", f"REPLAY_DIR={replay}",
                           "-s", f"OUTPUT_DIR={work / 'out'}", "-s", f"STATE_DIR={work / 'state'}",
                           "-s", "LOG_LEVEL=WARNING"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.fixture(scope="module")
def output(tmp_path_factory) -> Path:
    """OUTPUT_DIR after three runs: one page whose only date is a day; every spider; then the
    chickens article re-fetched after its page changed (a sentence edited)."""
    work = tmp_path_factory.mktemp("dataset")
    crawl(work, "crawl", "conversation", "-a", f"url={DAY_URL}")
    crawl(work, "crawlall")
    changed = work / "changed" / "au2026_edition"
    shutil.copytree(ROOT / "fixtures" / "conversation" / "au2026_edition", changed)
    page = changed / "page.html"
    html = page.read_text(encoding="utf-8")
    assert "Chickens cannot sweat." in html
    page.write_text(html.replace("Chickens cannot sweat.", "Chickens cannot sweat at all."), encoding="utf-8")
    crawl(work, "crawl", "conversation", "-a", f"url={CHANGED_URL}", "-s", "INCREMENTAL=False",
          replay=work / "changed")
    return work / "out"


def raw_lines(out: Path) -> list[dict]:
    return [r for f in sorted(out.glob("*/*.jsonl")) for r in read_jsonl(f)]


def test_a_changed_article_is_written_again_and_the_latest_line_wins(output):
    lines = raw_lines(output)
    copies = [r for r in lines if r["url"] == CHANGED_URL]
    assert len(copies) == 2, "the changed article was not written again"
    assert copies[0]["item_id"] == copies[1]["item_id"] and copies[0]["story_id"] == copies[1]["story_id"]
    assert "sweat at all" in copies[1]["body"] and "sweat at all" not in copies[0]["body"]
    summary = Summary()
    records = load(output, summary=summary)
    ids = [r["item_id"] for r in records]
    assert len(ids) == len(set(ids)) == len({r["item_id"] for r in lines})
    assert summary.superseded == len(lines) - len(records) == 1
    (chickens,) = [r for r in records if r["url"] == CHANGED_URL]
    assert chickens == copies[1]


def test_cli_prints_or_writes_the_latest_records(output, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "crawler.dataset", str(output)], cwd=ROOT,
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    printed = [json.loads(line) for line in proc.stdout.decode().split("\n") if line]
    assert printed == load(output)
    assert re.fullmatch(rb"crawler\.dataset: \d+ records from \d+ lines in \d+ files \(1 superseded, 0 bad lines skipped\)\n",
                        proc.stderr), proc.stderr
    target = tmp_path / "briefs.jsonl"
    assert main([str(output), "-o", str(target), "--kind", "brief", "--spider", "kyodo"]) == 0
    briefs = read_jsonl(target)
    assert briefs and all(r["kind"] == "brief" and r["source"] == "kyodo" for r in briefs)
    assert briefs == [r for r in load(output) if r["kind"] == "brief"]
    assert [r["source"] for r in load(output, spiders=["jiji"])] == ["jiji"] * len(load(output, spiders=["jiji"]))


def test_pandas_parses_every_date_with_one_call(output, tmp_path):
    """The README's example: both precisions parse in one call; a day is midnight UTC of that day."""
    target = tmp_path / "latest.jsonl"
    assert main([str(output), "-o", str(target)]) == 0
    df = pd.read_json(target, lines=True)
    assert set(df.date_published_precision.dropna()) == {"instant", "day"}, "the output does not mix both forms"
    with pytest.raises(ValueError):
        pd.to_datetime(df.date_published)      # why the README shows the format (issue 18)
    published = pd.to_datetime(df.date_published, utc=True, format="ISO8601")
    assert published.isna().sum() == df.date_published.isna().sum()
    for raw, precision, parsed in zip(df.date_published, df.date_published_precision, published):
        if raw is None or raw != raw:
            continue
        if precision == "day":
            assert parsed == pd.Timestamp(raw, tz="UTC")
        else:
            assert parsed == pd.Timestamp(datetime.fromisoformat(raw).astimezone(timezone.utc))
    days = df[df.date_published_precision == "day"]
    assert DAY_URL in set(days.url)
    assert (published[days.index].dt.date.astype(str) == days.date_published).all()


def test_a_digest_and_its_briefs_hold_the_same_text(output):
    records = load(output)
    digests = {r["canonical_url"]: r for r in records if r["kind"] == "article"}
    briefs = [r for r in records if r["kind"] == "brief"]
    assert briefs, "no digest in the output"
    for brief in briefs:
        digest = digests[brief["parent_url"]]
        assert brief["body"] and brief["body"] in digest["body"], brief["item_id"]
        assert brief["headline"] in digest["body"]
        assert brief["item_id"].startswith(digest["item_id"] + "-")
        assert brief["story_id"] != digest["story_id"]


def test_story_id_forms(output):
    """`<spider>:<the site's own id>` when a copy carried one; else `story:<12 hex>`, the sha256 of
    the item_id of the story's first copy (in this output: one of the story's own records)."""
    records = raw_lines(output)
    groups: dict[str, list[dict]] = {}
    for r in records:
        assert re.fullmatch(r"(conversation|kyodo|jiji|japantimes):\S+|story:[0-9a-f]{12}", r["story_id"]), r["story_id"]
        groups.setdefault(r["story_id"], []).append(r)
    hashed = [sid for sid in groups if sid.startswith("story:")]
    assert hashed, "no story:<hash> id in the output"
    for sid in hashed:
        firsts = {"story:" + hashlib.sha256(r["item_id"].encode()).hexdigest()[:12] for r in groups[sid]}
        assert sid in firsts, sid
    # a story's copies share its id: here a digest's brief whose headline links the full story
    assert any(len({r["item_id"] for r in g}) > 1 for g in groups.values()), "no story with two copies"


def test_bad_lines_are_skipped_named_and_counted(tmp_path, capsys):
    folder = tmp_path / "jiji"
    folder.mkdir()
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "run-1.jsonl").write_text('{"item_id": "not:a-record"}\n')
    (folder / "2026-01-01.jsonl").write_text('{"item_id": "jiji:1", "v": 1}\n{"item_id": "jiji:2"}\n')
    (folder / "2026-01-02.jsonl").write_text('{"item_id": "jiji:1", "v": 2}\n[1]\n{"item_id": "jiji:3", "v"')
    assert spider_files(tmp_path) == [folder / "2026-01-01.jsonl", folder / "2026-01-02.jsonl"]
    summary = Summary()
    assert latest(iter_records(spider_files(tmp_path), summary), summary) == [
        {"item_id": "jiji:2"}, {"item_id": "jiji:1", "v": 2}]
    assert summary.superseded == 1 and len(summary.bad) == 2
    assert summary.bad[0].startswith(f"{folder / '2026-01-02.jsonl'}:2: not a record")
    assert main([str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert "skipped" in err and ":3: not JSON" in err and "(1 superseded, 2 bad lines skipped)" in err
    assert main([str(tmp_path / "missing")]) == 2


def readme_blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Reading the output\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(rf"```{language}\n(.*?)```", section, re.S)


def test_readme_example_runs_on_the_output(output, tmp_path, monkeypatch):
    """The README's commands and pandas block, as written, on a real OUTPUT_DIR."""
    (command,) = readme_blocks("sh")
    args = command.split()
    assert args[:3] == ["python", "-m", "crawler.dataset"] and args[3] == "output"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "output").symlink_to(output)
    assert main(args[3:]) == 0
    (block,) = readme_blocks("python")
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)
    df, published, days = namespace["df"], namespace["published"], namespace["days"]
    assert len(df) == len(load(output)) and df.date_published.notna().sum() > 30
    assert published.notna().sum() == df.date_published.notna().sum()
    assert days.sum() >= 1 and (~days & df.date_published.notna()).sum() >= 30
    assert (namespace["published_day"][days].astype(str) == df.date_published[days]).all()


def test_the_helper_imports_no_scrapy():
    code = "import sys, crawler.dataset; print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted')))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.strip() == "[]", proc.stdout + proc.stderr
