"""Issue 18 (1, 2, 4, 5): settings resolved at start, one-line configuration and environment
failures with their exit codes, commands that only try pages write nothing, quiet cron runs."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crawler import config, environment
from crawler.golden import ROOT

SCRAPY = [sys.executable, "-m", "scrapy"]
FIXTURES = ROOT / "fixtures"
JIJI_ARTICLE = "https://jen.jiji.com/jc/eng?g=soc&k=2025123100734"


def scrapy(*args: str, cwd: Path = ROOT, timeout: float = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*SCRAPY, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def replay(tmp: Path, **extra: str) -> list[str]:
    settings = {"REPLAY_DIR": str(FIXTURES), "OUTPUT_DIR": str(tmp / "out"), "STATE_DIR": str(tmp / "state"), **extra}
    return [a for k, v in settings.items() for a in ("-s", f"{k}={v}")]


def lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if ln.strip()]


def reports(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "reports").glob("run-*.json"))]


# ---------------------------------------------------------------------------- 1. User-Agent from CONTACT

def test_live_requests_carry_the_contact_given_with_s(live, tmp_path):
    run = live.crawl("jiji", tmp_path / "a", settings={"CONTACT": "mailto:me@example.org"})
    assert run.exitcode == 0, run.log[-3000:]
    agents = {h.headers.get("User-Agent") for h in live.hits}
    assert len(live.hits) > 3 and len(agents) == 1, agents
    ua = agents.pop()
    assert re.fullmatch(r"news-crawler/\S+ \(research news crawler; \+mailto:me@example\.org\)", ua), ua


def test_s_user_agent_still_wins_over_contact(live, tmp_path):
    run = live.crawl("jiji", tmp_path / "b", settings={"CONTACT": "mailto:me@example.org",
                                                        "USER_AGENT": "my-lab-bot/2 (+https://lab.example.org/bot)"})
    assert run.exitcode == 0, run.log[-3000:]
    assert {h.headers.get("User-Agent") for h in live.hits} == {"my-lab-bot/2 (+https://lab.example.org/bot)"}


def test_scrapy_settings_shows_what_a_crawl_gets(tmp_path):
    proc = scrapy("settings", "--get", "USER_AGENT", "-s", "CONTACT=mailto:me@example.org")
    assert proc.stdout.strip().endswith("(research news crawler; +mailto:me@example.org)"), proc.stderr
    proc = scrapy("settings", "--get", "STATE_DIR", cwd=ROOT / "docs")
    assert proc.stdout.strip() == str(ROOT / ".state"), proc.stderr


def test_user_agent_is_not_built_at_import():
    from crawler import settings

    assert not hasattr(settings, "USER_AGENT")  # built by crawler/settingsaddon.py when the process starts
    assert config.user_agent("mailto:a@b.org", "1.2") == "news-crawler/1.2 (research news crawler; +mailto:a@b.org)"


# ---------------------------------------------------------------------------- 2. settings checked at start

def test_the_project_settings_pass_their_own_check():
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    assert config.problems(settings.get, list(settings)) == []


@pytest.mark.parametrize("name, value, allowed", [
    ("DEDUPE_MODE", "banana", "one of link, drop"),
    ("INCREMENTAL", "no", "True or False"),
    ("DEDUPE_ENABLED", "maybe", "True or False"),       # any *_ENABLED setting
    ("AUTOTHROTTLE_ENABLED", "yes", "True or False"),
    ("MAX_LINKS_PER_PAGE", "0", "whole number of at least 1"),
    ("DEDUPE_COMMIT_SECONDS", "soon", "a number (0 or more)"),
    ("WARC_GZIP_LEVEL", "12", "from 0 to 9"),
    ("HEALTH_FLOORS", '{"body": 2}', "share from 0 to 1"),
    ("REPUBLISHER_FEEDS", "japantoday.com/feed", "http(s) URLs"),
    ("LOG_LEVEL", "LOUD", "one of CRITICAL"),
    ("CONTACT", "call me", "an https:// URL"),
    ("REPLAY_DIR", "/nonexistent/replay", "an existing folder"),
])
def test_a_bad_value_is_one_line_naming_setting_value_and_allowed(name, value, allowed):
    settings = {"OUTPUT_DIR": "output", "STATE_DIR": ".state", "CONTACT": "mailto:a@b.org", name: value}
    assert config.problems(settings.get, list(settings)) == [
        f"setting {name}={value} is not allowed: {name} takes " + config.CHECKS.get(name, config.boolean)(value)]
    assert allowed in config.problems(settings.get, list(settings))[0]


def test_good_values_as_s_gives_them_pass():
    settings = {"OUTPUT_DIR": "o", "STATE_DIR": "s", "CONTACT": "https://x.org/c", "INCREMENTAL": "False",
                "DEDUPE_MODE": "Drop", "HEALTH_FLOORS": '{"body": 0.5}', "REPUBLISHER_FEEDS": "https://a.org/f,https://b.org/f",
                "WARC_GZIP_LEVEL": "0", "DEDUPE_COMMIT_SECONDS": "2.5", "CLOSESPIDER_ITEMCOUNT": "3", "LOG_LEVEL": "debug",
                "REDIS_URL": "rediss://:pw@h:6380/0", "MY_ENABLED": "1"}
    assert config.problems(settings.get, list(settings)) == []


@pytest.mark.parametrize("setting", ["DEDUPE_MODE=banana", "INCREMENTAL=no", "DOWNLOAD_DELAY=-1"])
def test_bad_setting_stops_the_run_with_78_before_anything_is_written(tmp_path, setting):
    proc = scrapy("crawl", "jiji", *replay(tmp_path), "-s", setting)
    assert proc.returncode == config.EX_CONFIG, proc.stderr[-2000:]
    name, value = setting.split("=")
    assert lines(proc.stderr) == [line for line in lines(proc.stderr) if line.startswith("crawler: ")]
    assert len(lines(proc.stderr)) == 1 and f"setting {name}={value} is not allowed" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert not (tmp_path / "out").exists() and not (tmp_path / "state").exists()


def test_bad_setting_sends_no_request(live, tmp_path):
    run = live.crawlall(tmp_path, ["jiji"], settings={"DEDUPE_MODE": "banana"})
    assert run.exitcode == 78 and "DEDUPE_MODE=banana" in run.log
    assert live.hits == []


def test_a_secret_in_a_bad_setting_is_masked(tmp_path):
    proc = scrapy("crawl", "jiji", *replay(tmp_path), "-s", "REDIS_URL=http://:hunter2pw@127.0.0.1:1/0")
    assert proc.returncode == 78
    assert "hunter2pw" not in proc.stderr and "REDIS_URL=http://:***@127.0.0.1:1/0" in proc.stderr, proc.stderr


@pytest.mark.parametrize("argv, expected", [
    (["crawl", "conversaton"], "unknown spider 'conversaton' (did you mean conversation?)"),
    (["crawlall", "jiji", "kyodoo"], "unknown spider 'kyodoo' (did you mean kyodo?)"),
    (["crawl", "jiji", "-a", "since=2025-02-30"], "-a since=2025-02-30"),
])
def test_usage_errors_are_one_line_and_exit_2(tmp_path, argv, expected):
    proc = scrapy(*argv, *replay(tmp_path))
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert len(lines(proc.stderr)) == 1 and expected in proc.stderr, proc.stderr
    assert proc.stdout == ""


# ---------------------------------------------------------------------------- 3. environment failures named

def test_unwritable_output_dir_is_one_error_line_and_exit_78(tmp_path):
    (tmp_path / "blocker").write_text("a file where OUTPUT_DIR's parent should be")
    out = tmp_path / "blocker" / "out"
    proc = scrapy("crawlall", "jiji", *replay(tmp_path, OUTPUT_DIR=str(out)))
    assert proc.returncode == 78, proc.stderr[-2000:]
    errors = [ln for ln in lines(proc.stderr) if "ERROR" in ln]
    assert len(errors) == 1 and f"OUTPUT_DIR {out} is not a writable folder" in errors[0], proc.stderr
    assert "-s OUTPUT_DIR=PATH" in errors[0]
    assert "Traceback" not in proc.stderr and "zero_items" not in proc.stderr
    assert not (tmp_path / "state").exists()  # nothing started, no lock taken


def test_unwritable_state_dir_exit_78_and_the_report_says_why(tmp_path):
    (tmp_path / "state").write_text("a file where STATE_DIR should be")
    proc = scrapy("crawl", "jiji", *replay(tmp_path))
    assert proc.returncode == 78, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert len([ln for ln in lines(proc.stderr) if "ERROR" in ln]) == 1
    [report] = reports(tmp_path / "out")
    assert report["ok"] is False and report["ended"] == "not started"
    [spider] = report["spiders"]
    assert spider["spider"] == "jiji" and spider["ended"] == "not started"
    assert spider["failed_rules"][0]["rule"] == "environment"
    assert f"STATE_DIR {tmp_path / 'state'} is not a writable folder" in spider["failed_rules"][0]["message"]
    assert not list((tmp_path / "out").glob("jiji/*.jsonl"))


def test_log_file_folder_is_made_or_named(tmp_path):
    (tmp_path / "blocker").write_text("x")
    proc = scrapy("crawl", "jiji", *replay(tmp_path, LOG_FILE=str(tmp_path / "blocker" / "crawl.log")))
    assert proc.returncode == 78 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert lines(proc.stderr) == [f"crawler: LOG_FILE's folder {tmp_path / 'blocker'} is not a writable folder "
                                  "(a file is in the way): make it writable, or give another folder with -s LOG_FILE=PATH; "
                                  "nothing was crawled"]
    proc = scrapy("crawl", "jiji", *replay(tmp_path, LOG_FILE=str(tmp_path / "logs" / "new" / "crawl.log")))
    assert proc.returncode == 0 and proc.stderr == ""
    assert "jiji: OK" in (tmp_path / "logs" / "new" / "crawl.log").read_text()


def test_the_traceback_shows_at_debug_only(tmp_path):
    (tmp_path / "state").write_text("x")
    proc = scrapy("crawl", "jiji", *replay(tmp_path, LOG_LEVEL="DEBUG"))
    assert proc.returncode == 78
    assert "Traceback" in proc.stderr and "FileExistsError" in proc.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; the file-in-the-way tests cover this path")
def test_read_only_output_dir(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        proc = scrapy("crawl", "jiji", *replay(tmp_path))
    finally:
        out.chmod(0o755)
    assert proc.returncode == 78 and "Permission denied" in proc.stderr and "Traceback" not in proc.stderr


def test_corrupt_state_files_are_moved_aside_and_rebuilt_from_the_jsonl(tmp_path):
    first = scrapy("crawlall", "jiji", *replay(tmp_path))
    assert first.returncode == 0, first.stderr[-3000:]
    state, out = tmp_path / "state", tmp_path / "out"
    written = [ln for p in sorted((out / "jiji").glob("*.jsonl")) for ln in p.read_text().splitlines()]
    assert written
    for name in ("dedupe.sqlite", "seen.sqlite"):
        for side in ("-wal", "-shm"):
            (state / (name + side)).unlink(missing_ok=True)
        (state / name).write_bytes(b"this is not a database at all\n" * 50)
    second = scrapy("crawlall", "jiji", *replay(tmp_path, LOG_FILE=str(tmp_path / "crawl.log")))
    assert second.returncode == 0, second.stderr[-3000:]
    log = (tmp_path / "crawl.log").read_text()
    for name in ("dedupe.sqlite", "seen.sqlite"):
        aside = list(state.glob(f"{name}.corrupt-*"))
        assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
        assert re.search(rf"ERROR: state file {re.escape(str(state / name))} is not a usable database "
                         rf"\(file is not a database\): moved aside as {re.escape(aside[0].name)}", log), log[-3000:]
        # the ERROR reaches cron's mail even with LOG_FILE: one line each
        assert len([ln for ln in lines(second.stderr) if str(state / name) in ln]) == 1
    assert "Traceback" not in log + second.stderr and "interrupted run" not in log
    # rebuilt: nothing written twice, every known article skipped before download
    again = [ln for p in sorted((out / "jiji").glob("*.jsonl")) for ln in p.read_text().splitlines()]
    assert again == written
    report = reports(out)[-1]
    assert len(report["state_repaired"]) == 2
    [jiji] = report["spiders"]
    assert jiji["stats"].get("incremental/known_skipped", 0) > 0
    assert jiji["stats"]["dedupe/recovered"] == len(written)


def test_a_lone_crawl_reports_the_repaired_state_file(tmp_path):
    assert scrapy("crawl", "jiji", *replay(tmp_path)).returncode == 0
    (tmp_path / "state" / "seen.sqlite").write_bytes(b"garbage")
    for side in ("-wal", "-shm"):
        (tmp_path / "state" / ("seen.sqlite" + side)).unlink(missing_ok=True)
    proc = scrapy("crawl", "jiji", *replay(tmp_path))
    assert proc.returncode == 0, proc.stderr[-3000:]
    [repaired] = reports(tmp_path / "out")[-1]["state_repaired"]
    assert repaired.startswith(f"state file {tmp_path / 'state' / 'seen.sqlite'} is not a usable database")
    assert "rebuilt from the JSONL" in repaired


def test_sqlite_problem_and_move_aside(tmp_path):
    good = tmp_path / "good.sqlite"
    import sqlite3

    sqlite3.connect(good).execute("CREATE TABLE t (x)").connection.close()
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"\0garbage" * 100)
    (tmp_path / "bad.sqlite-wal").write_bytes(b"w")
    assert environment.sqlite_problem(good) is None
    assert environment.sqlite_problem(tmp_path / "missing.sqlite") is None
    assert environment.sqlite_problem(bad) == "file is not a database"
    dest = environment.move_aside(bad, now=0)
    assert dest.name == "bad.sqlite.corrupt-19700101T000000Z" and not bad.exists()
    assert (tmp_path / "bad.sqlite.corrupt-19700101T000000Z-wal").read_bytes() == b"w"


# ---------------------------------------------------------------------------- 4. commands that only try pages

@pytest.mark.parametrize("argv", [
    ["parse", JIJI_ARTICLE, "--spider", "jiji", "-c", "parse_article", "--pipelines"],
    ["shell", JIJI_ARTICLE, "-c", "response.status"],
    ["fetch", "--nolog", JIJI_ARTICLE],
    ["check", "jiji"],
], ids=["parse", "shell", "fetch", "check"])
def test_trying_commands_write_nothing_into_output_or_state(tmp_path, argv):
    proc = scrapy(*argv, *replay(tmp_path))
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    if argv[0] != "check":  # check's result depends on the contracts, not on this
        assert proc.returncode == 0, proc.stderr[-3000:]
    assert not (tmp_path / "out").exists(), sorted(map(str, (tmp_path / "out").rglob("*")))
    assert not (tmp_path / "state").exists(), sorted(map(str, (tmp_path / "state").rglob("*")))
    if argv[0] == "parse":
        assert "Ibaraki" in proc.stdout or "Mito" in proc.stdout  # the pipelines did run, elsewhere
    assert "FAILED" not in proc.stderr  # no run report for a page tried


def test_bench_writes_no_report_and_no_follow_folder(tmp_path):
    proc = scrapy("bench", "-s", f"OUTPUT_DIR={tmp_path / 'out'}", "-s", f"STATE_DIR={tmp_path / 'state'}",
                  "-s", "CLOSESPIDER_TIMEOUT=1", timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "closespider_timeout" in proc.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "state").exists()


def make_project(tmp_path: Path) -> Path:
    """A project folder of its own (scrapy.cfg + the venv), so nothing lands in the checkout."""
    project = tmp_path / "project"
    (project / "sub" / "deeper").mkdir(parents=True)
    shutil.copy(ROOT / "scrapy.cfg", project / "scrapy.cfg")
    return project


def test_relative_paths_resolve_against_the_project_root_not_the_current_folder(tmp_path):
    project = make_project(tmp_path)
    proc = scrapy("crawl", "jiji", "-s", f"REPLAY_DIR={FIXTURES}", "-s", "OUTPUT_DIR=out", "-s", "STATE_DIR=st",
                  cwd=project / "sub" / "deeper")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert list((project / "out" / "jiji").glob("*.jsonl")) and (project / "st" / "crawl.lock").exists()
    assert sorted(p.name for p in (project / "sub").rglob("*")) == ["deeper"]


def test_resolve():
    assert config.resolve("output", "/srv/nc") == "/srv/nc/output"
    assert config.resolve("../x/./y", "/srv/nc") == "/srv/x/y"
    assert config.resolve("/abs/out", "/srv/nc") == "/abs/out"
    assert config.resolve(None, "/srv/nc") is None and config.resolve("", "/srv/nc") == ""
    assert config.resolve("output", None) == "output"


# ---------------------------------------------------------------------------- 5. the README's cron line

def cron_command() -> str:
    """The command of the README's cron line (section "Running from cron"), without the schedule
    and the ``cd``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Running from cron", 1)[1]
    block = section.split("```cron", 1)[1].split("```", 1)[0]
    [line] = [ln for ln in block.splitlines() if ln.strip() and not ln.startswith("#")]
    fields = line.split(None, 5)
    command = fields[5]
    cd, rest = command.split(" && ", 1)
    assert cd.startswith("cd "), command
    return rest


def run_cron(tmp_path: Path, *settings: str) -> subprocess.CompletedProcess:
    project = make_project(tmp_path)
    (project / ".venv").symlink_to(ROOT / ".venv")
    extra = " ".join(f"-s {s}" for s in (f"REPLAY_DIR={FIXTURES}", *settings))
    command = cron_command().replace("scrapy crawlall ", f"scrapy crawlall {extra} ", 1)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # cron runs the line with /bin/sh after turning \% into %
    return subprocess.run(["/bin/sh", "-c", command.replace("\\%", "%")], cwd=project, env=env,
                          capture_output=True, text=True, timeout=600)


def test_cron_line_is_silent_on_success(tmp_path):
    if not (ROOT / ".venv" / "bin" / "scrapy").exists():
        pytest.skip("the cron line runs .venv/bin/scrapy: make venv first")
    proc = run_cron(tmp_path)
    assert proc.returncode == 0
    assert proc.stdout == "" and proc.stderr == "", (proc.stdout, proc.stderr)
    project = tmp_path / "project"
    [log] = list((project / "logs").glob("crawl-*.log"))
    assert "run report:" in log.read_text() and "jiji: OK" in log.read_text()
    assert reports(project / "output")[-1]["ok"] is True


def test_cron_line_prints_the_summary_on_failure(tmp_path):
    if not (ROOT / ".venv" / "bin" / "scrapy").exists():
        pytest.skip("the cron line runs .venv/bin/scrapy: make venv first")
    proc = run_cron(tmp_path, "HEALTH_MIN_ITEMS=1000")
    assert "news-crawler failed: exit 1, see logs/ and output/reports/" in proc.stdout
    assert re.search(r"^run report: \S+/output/reports/run-\S+\.json$", proc.stderr, re.M), proc.stderr
    assert re.search(r"^jiji: FAILED .*\n  rule zero_items: ", proc.stderr, re.M), proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_live_crawl_with_log_file_prints_nothing(live, tmp_path):
    run = live.crawlall(tmp_path, ["jiji"], settings={"LOG_FILE": str(tmp_path / "crawl.log")})
    assert run.exitcode == 0 and run.log == "", run.log
    assert live.fetches("jen.jiji.com") and "jiji: OK" in (tmp_path / "crawl.log").read_text()


def test_a_lone_crawl_with_log_file_prints_its_summary_only_on_failure(tmp_path):
    ok = scrapy("crawl", "jiji", *replay(tmp_path, LOG_FILE=str(tmp_path / "a.log")))
    assert ok.returncode == 0 and ok.stderr == "" and ok.stdout == "", ok.stderr
    failed = scrapy("crawl", "jiji", *replay(tmp_path / "b", LOG_FILE=str(tmp_path / "b.log"), HEALTH_MIN_ITEMS="1000"))
    assert failed.returncode == 1
    assert re.search(r"^run report: \S+run-\S+\.json\njiji: FAILED", failed.stderr, re.M), failed.stderr
