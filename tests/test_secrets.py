"""Secrets never written: a Redis password given on the command line reaches no file, log or
stderr (the lock file, the exit-75 message, the crawl log, the run report), with a real
password-protected ``redis-server`` (tools/redis_server.py)."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from benchmarks.corpus import build
from crawler.golden import ROOT
from crawler.lock import StateLock, command_line

PASSWORD = "pw-Zq7xK2vR9"
SPIDER = "conversation"


def test_command_line_puts_back_the_subcommand_scrapy_popped():
    assert command_line(["/srv/.venv/bin/scrapy", "-s", "A=1"], "crawlall") == "scrapy crawlall -s A=1"
    assert command_line([".../scrapy/__main__.py", "kyodo", "-a", "x=1"], "crawl") == "scrapy crawl kyodo -a x=1"
    assert command_line(["scrapy", "crawl", "kyodo"], "crawl") == "scrapy crawl kyodo"


def test_lock_file_is_owner_only_and_masked_even_when_an_old_one_was_not(tmp_path):
    old = tmp_path / "crawl.lock"
    old.write_text("{}")
    old.chmod(0o644)
    lock = StateLock(tmp_path, f"scrapy crawl kyodo -s REDIS_URL=redis://:{PASSWORD}@h:1/0",
                     mask=lambda t: t.replace(PASSWORD, "***")).acquire()
    try:
        assert stat.S_IMODE(os.stat(old).st_mode) == 0o600
        text = old.read_text()
        assert PASSWORD not in text and "redis://:***@h:1/0" in text
    finally:
        lock.release()


def _redis(password: str):
    from tools.redis_server import RedisServer, redis_server_binary
    if redis_server_binary() is None:
        pytest.fail("redis-server is not installed: apt-get install -y redis-server (.ci/run does it)")
    return RedisServer(password=password).start()


def _wait_for_lock(state: Path, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            text = (state / "crawl.lock").read_text()
            if json.loads(text or "{}").get("pid"):
                return text
        except (OSError, ValueError):
            pass
        time.sleep(0.05)
    raise AssertionError("the first run never took the lock")


def test_redis_password_reaches_no_file_log_or_stderr(tmp_path):
    server = _redis(PASSWORD)
    try:
        corpus = tmp_path / "corpus"
        build(corpus, 300, seed=3, sites={SPIDER})
        out, state = tmp_path / "out", tmp_path / "state"
        out.mkdir()
        url = f"redis://:{PASSWORD}@127.0.0.1:{server.port}/0"
        env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}

        def cmd(log: str) -> list[str]:
            return [sys.executable, "-m", "scrapy", "crawl", SPIDER, "-a", f"urls_file={corpus / f'urls-{SPIDER}.txt'}",
                    "-s", f"REDIS_URL={url}", "-s", f"REPLAY_DIR={corpus}", "-s", f"OUTPUT_DIR={out}",
                    "-s", f"STATE_DIR={state}", "-s", "LOG_LEVEL=DEBUG", "-s", f"LOG_FILE={out / log}"]

        first = subprocess.Popen(cmd("first.log"), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lock_text = _wait_for_lock(state)
        lock_mode = stat.S_IMODE(os.stat(state / "crawl.lock").st_mode)
        second = subprocess.run(cmd("second.log"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        still_running = first.poll() is None
        first_out, first_err = first.communicate(timeout=600)
    finally:
        server.cleanup()
    assert still_running, "the first run ended before the second started: the exit-75 path was not tested"
    assert first.returncode == 0, first_err[-3000:]
    assert second.returncode == 75, second.stderr[-2000:]
    assert lock_mode == 0o600
    holder = json.loads(lock_text)
    assert "crawl conversation" in holder["command"] and "REDIS_URL=redis://:***@127.0.0.1" in holder["command"], holder
    assert f"scrapy crawl {SPIDER} -a urls_file=" in second.stderr, second.stderr  # the subcommand shown
    reports = list((out / "reports").glob("run-*.json"))
    assert reports
    first_log = (out / "first.log").read_text()
    assert "Overridden settings" in first_log  # the log is the DEBUG one, settings included
    places = {"lock file": lock_text, "stderr of the first run": first_err + first_out,
              "stderr of the second run": second.stderr + second.stdout}
    for path in [*out.rglob("*"), *state.rglob("*")]:
        if path.is_file():
            places[str(path.relative_to(tmp_path))] = path.read_text(encoding="utf-8", errors="replace")
    leaks = [name for name, text in places.items() if PASSWORD in text]
    assert not leaks, f"the password is written in: {leaks}"
