"""One run at a time per STATE_DIR (pure; no Scrapy imports).

The lock is an ``flock`` on ``STATE_DIR/crawl.lock``; the kernel drops it when the holder
dies, however it dies, so a lock left by a dead process is simply taken over (and reported).
The file holds the holder's pid, host, start time and command line (subcommand included,
secrets masked by the caller: see :func:`command_line`) for the message a second run prints;
it is readable by its owner only (mode 0600).
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import Callable

EX_TEMPFAIL = 75  # sysexits.h: "try again later"
#: the most of a command line kept in the lock file
MAX_COMMAND = 300


def command_line(argv: list[str], subcommand: str | None = None) -> str:
    """The command as typed: Scrapy's cmdline pops the subcommand from ``sys.argv`` before a
    command runs, so it is put back after the program name (``scrapy crawlall -s ...``)."""
    args = list(argv)
    prog = os.path.basename(args[0]) if args else "scrapy"
    if prog in ("__main__.py", "scrapy"):
        prog = "scrapy"
    rest = args[1:]
    if subcommand and subcommand not in rest[:1]:
        rest = [subcommand, *rest]
    return " ".join([prog, *rest])


class Locked(RuntimeError):
    def __init__(self, path: Path, holder: dict, mask: Callable[[str], str] = str):
        self.path, self.holder = path, holder
        pid = holder.get("pid", "?")
        # masked again: a lock file written by an older version held the command in clear
        command = mask(str(holder.get("command", "?")))
        super().__init__(
            f"another crawl holds {path}: pid {pid} on {holder.get('host', '?')} since "
            f"{holder.get('started', '?')} ({command}); exiting with code {EX_TEMPFAIL}"
        )


class StateLock:
    """COMMAND is what the file records (default: ``sys.argv``), MASK applied to it and to a
    holder's command in the :class:`Locked` message."""

    def __init__(self, state_dir: str | os.PathLike, command: str | None = None,
                 mask: Callable[[str], str] = str):
        self.path = Path(state_dir) / "crawl.lock"
        self.fd: int | None = None
        self.previous: dict = {}
        self.mask = mask
        self.command = mask(command if command is not None else " ".join(sys.argv))[:MAX_COMMAND]

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}

    def acquire(self) -> "StateLock":
        """Take the lock or raise :class:`Locked`. ``self.previous`` names a stale holder taken over."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise Locked(self.path, self._read(), self.mask) from None
        os.fchmod(fd, 0o600)  # a lock file left by an older version was 0644
        self.fd = fd
        prev = self._read()
        self.previous = prev if prev.get("pid") and prev.get("pid") != os.getpid() else {}
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "command": self.command}
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
