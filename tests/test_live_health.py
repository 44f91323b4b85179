"""Issue 20 on the live path (tests/liveserver.py: HTTPS on the loopback, the real downloader):
each spider judged on its own, layout drift caught on every site, secrets never written, a
walled site's 403s reported."""
from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.faultserver import FAST
from tests.liveserver import ROOT, SCRAPY, SITE_HOSTS

SITES = ["conversation", "japantimes", "jiji", "kyodo"]
SPIDERS = sorted([*SITES, "republisher"])


def test_live_crawlall_one_walled_spider_fails_alone(live, tmp_path):
    """Kyodo answers every page with a challenge (403): only Kyodo fails, its 403s are in its
    HTTP status counts and its summary says so; the other spiders are healthy with 0 errors."""
    live.challenge("english.kyodonews.net")
    run = live.crawlall(tmp_path)
    assert run.exitcode == 1, run.log[-4000:]
    assert sorted(run.reports) == SPIDERS
    kyodo = run.report("kyodo")
    assert {"bot_wall", "error"} <= run.rules("kyodo"), kyodo["failed_rules"]
    assert kyodo["http_status"].get("403", 0) >= 2, kyodo["http_status"]
    assert kyodo["errors"]["log_errors"] == kyodo["errors"]["challenge_pages"], kyodo["errors"]
    assert re.search(r"kyodo: FAILED - \d+ pages \(\d+ more answered with a challenge; responses: HTTP 200 x\d+, HTTP 403 x\d+",
                     run.log), run.log[-3000:]
    for name in SPIDERS:
        if name != "kyodo":
            assert run.report(name)["ok"], (name, run.report(name)["failed_rules"])
            assert run.report(name)["errors"]["log_errors"] == 0, (name, run.report(name)["errors"])
    assert not re.search(r"\] ERROR: (conversation|jiji|japantimes|republisher): FAILED", run.log)


def _no_time_elements(path: str, body: bytes) -> bytes:
    if b"<html" not in body[:2048].lower():
        return body
    return re.sub(rb"<time\b[^>]*>.*?</time>", b"", body, flags=re.S | re.I)


def test_live_stripped_markup_fails_every_site_naming_the_fields(live, tmp_path):
    """A healthy run writes each site's history; the next run is served the same sites with
    structured data, classes and ids stripped (and The Japan Times without <time> elements, so
    its dates fall back to the day in the URL): all four fail with drift/coverage, naming fields."""
    first = live.crawlall(tmp_path / "a", SITES)
    assert first.exitcode == 0, first.log[-4000:]
    for host in SITE_HOSTS:
        live.strip_markup(host)
    live.transform("www.japantimes.co.jp", _no_time_elements)
    # a fresh state (nothing known, nothing unchanged) with the first run's history
    (tmp_path / "b" / "state").mkdir(parents=True)
    shutil.copytree(tmp_path / "a" / "state" / "history", tmp_path / "b" / "state" / "history")
    second = live.crawlall(tmp_path / "b", SITES)
    assert second.exitcode == 1, second.log[-4000:]
    said = {}
    for site in SITES:
        rules = [f for f in second.report(site)["failed_rules"] if f["rule"] in ("drift", "coverage")]
        assert rules, (site, second.report(site)["failed_rules"])
        said[site] = " | ".join(f["message"] for f in rules)
    assert re.search(r"images on \d/7 articles \(\d+%\), usually 100%", said["conversation"]), said
    assert "body boilerplate (newsletter" in said["conversation"], said
    assert "body boilerplate (related" in said["jiji"], said
    assert "section on 0/8 articles (0%), usually 100%" in said["japantimes"], said
    assert "date_published precision: a time on " in said["japantimes"], said
    assert "date_published on" in said["kyodo"] or "drift" in said["kyodo"], said


PASSWORD = "live-pw-Hq4nT8"


def test_live_redis_password_reaches_no_file_log_or_stderr(live, tmp_path):
    """``-s REDIS_URL=redis://:pw@...`` (as the README documents), a real password-protected
    redis-server: the lock file (0600), the exit-75 message of a second run (with its
    subcommand), the crawl log, the run report and every file written hold no password."""
    from tools.redis_server import RedisServer, redis_server_binary
    if redis_server_binary() is None:
        pytest.fail("redis-server is not installed: apt-get install -y redis-server (.ci/run does it)")
    live.slow("https://jen.jiji.com/rss/finance", 6)  # the first run holds the lock meanwhile
    server = RedisServer(password=PASSWORD).start()
    try:
        out, state = tmp_path / "out", tmp_path / "state"
        out.mkdir()
        url = f"redis://:{PASSWORD}@127.0.0.1:{server.port}/0"
        # REDIS_URL first: the lock keeps the first 300 characters of the command
        settings = {"REDIS_URL": url, **FAST, **live.settings(), "OUTPUT_DIR": str(out), "STATE_DIR": str(state),
                    "LOG_LEVEL": "DEBUG"}
        env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "redis_url")}
        env["PYTHONPATH"] = str(ROOT)

        def cmd(log: str) -> list[str]:
            argv = [*SCRAPY, "crawl", "jiji"]
            for k, v in {**settings, "LOG_FILE": str(out / log)}.items():
                argv += ["-s", f"{k}={v}"]
            return argv

        first = subprocess.Popen(cmd("first.log"), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline, lock_text = time.monotonic() + 60, ""
        while time.monotonic() < deadline and '"pid"' not in lock_text:
            lock_text = (state / "crawl.lock").read_text() if (state / "crawl.lock").exists() else ""
            time.sleep(0.05)
        lock_mode = stat.S_IMODE(os.stat(state / "crawl.lock").st_mode)
        second = subprocess.run(cmd("second.log"), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        still_running = first.poll() is None
        first_out, first_err = first.communicate(timeout=300)
    finally:
        server.cleanup()
    assert still_running, "the first run ended before the second started"
    assert first.returncode == 0, first_err[-3000:]
    assert second.returncode == 75, second.stderr[-2000:]
    assert lock_mode == 0o600
    assert "scrapy crawl jiji -s REDIS_URL=redis://:***@127.0.0.1" in json.loads(lock_text)["command"], lock_text
    assert "scrapy crawl jiji -s REDIS_URL=" in second.stderr and "redis://:***@127.0.0.1" in second.stderr, second.stderr
    assert list((out / "reports").glob("run-*.json"))
    places = {"lock file": lock_text, "first run's stderr": first_err + first_out, "second run's stderr": second.stderr + second.stdout}
    for path in [*out.rglob("*"), *state.rglob("*")]:
        if path.is_file():
            places[str(path.relative_to(tmp_path))] = path.read_text(encoding="utf-8", errors="replace")
    assert "Overridden settings" in places["out/first.log"]
    assert not [name for name, text in places.items() if PASSWORD in text]


def test_live_kyodo_clock_time_ahead_of_the_fetch_is_yesterdays(live, tmp_path):
    """A Kyodo credit line "5 hours ago - HH:MM" whose HH:MM is 4 hours after the fetch (a
    cached page's stale age): the article is dated the day before, never in the future."""
    from datetime import datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    live.stamp_fetch_time = False  # the crawler's own clock is the fetch time
    jst = ZoneInfo("Asia/Tokyo")
    ahead = (datetime.now(timezone.utc) + timedelta(hours=4)).astimezone(jst)
    url = "https://english.kyodonews.net/news/2025/06/5f1e2d3c4b5a-ahead-of-the-clock.html"
    body = ("<!DOCTYPE html><html lang='en'><head><title>Rail fares to rise next spring | Kyodo News</title></head>"
            "<body><article><h1>Rail fares to rise next spring</h1>"
            f"<p class='credit'>KYODO NEWS - 5 hours ago - {ahead:%H:%M} | All, Japan</p>"
            "<div class='article-body'><p>TOKYO - Major rail operators will raise fares next spring, the "
            "transport ministry said Saturday, citing higher costs for energy and staff.</p>"
            "<p>The increase averages around 8 percent and applies to commuter passes as well.</p></div>"
            "</article></body></html>")
    live.page(url, body)
    run = live.crawl("kyodo", tmp_path, args={"url": url})
    recs = [r for r in run.records("kyodo") if r["url"] == url]
    assert recs, run.log[-4000:]
    got = recs[0]["date_published"]
    fetched = datetime.fromisoformat(recs[0]["fetched_at"].replace("Z", "+00:00"))
    assert got is not None, recs[0]
    value = datetime.fromisoformat(got)
    assert value <= fetched + timedelta(minutes=5), (got, recs[0]["fetched_at"])
    assert f"{ahead - timedelta(days=1):%Y-%m-%dT%H:%M}" == got[:16], (got, recs[0]["fetched_at"])
