"""One run at a time per STATE_DIR (pure; no Scrapy imports).

The lock is an ``flock`` on ``STATE_DIR/crawl.lock``; the kernel drops it when the holder
dies, however it dies, so a lock left by a dead process is simply taken over (and reported).
The file holds the holder's pid, host, start time and command line for the message a second
run prints.
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from pathlib import Path

EX_TEMPFAIL = 75  # sysexits.h: "try again later"


class Locked(RuntimeError):
    def __init__(self, path: Path, holder: dict):
        self.path, self.holder = path, holder
        pid = holder.get("pid", "?")
        super().__init__(
            f"another crawl holds {path}: pid {pid} on {holder.get('host', '?')} since "
            f"{holder.get('started', '?')} ({holder.get('command', '?')}); exiting with code {EX_TEMPFAIL}"
        )


class StateLock:
    def __init__(self, state_dir: str | os.PathLike):
        self.path = Path(state_dir) / "crawl.lock"
        self.fd: int | None = None
        self.previous: dict = {}

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}

    def acquire(self) -> "StateLock":
        """Take the lock or raise :class:`Locked`. ``self.previous`` names a stale holder taken over."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise Locked(self.path, self._read()) from None
        self.fd = fd
        prev = self._read()
        self.previous = prev if prev.get("pid") and prev.get("pid") != os.getpid() else {}
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "command": " ".join(sys.argv)[:300]}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        return self

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            os.close(self.fd)
            self.fd = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()
