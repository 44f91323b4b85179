"""Secrets never written: the lock file's command line and mode. The end-to-end check (a real
password-protected redis-server, the exit-75 message, the log, the report) is on the live path:
tests/test_live_health.py::test_live_redis_password_reaches_no_file_log_or_stderr."""
from __future__ import annotations

import os
import stat

from crawler.lock import StateLock, command_line

PASSWORD = "pw-Zq7xK2vR9"


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
