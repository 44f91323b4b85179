"""A throw-away ``redis-server`` on a free loopback port (tests and benchmarks).

    with RedisServer() as server:          # starts on 127.0.0.1:<free port>, data in a temp dir
        server.url                         # redis://127.0.0.1:<port>/0
        server.stop()                      # SHUTDOWN (saves the data set): "Redis went away"
        server.start()                     # same port, same data dir: "Redis is back"

    python -m tools.redis_server           # run one in the foreground, print its URL

Never touches a system-wide Redis: binds 127.0.0.1 only, ``--daemonize no``, its own dir.
Persistence: append-only file (``appendfsync everysec``; a SIGTERM flushes it), so a
stop/start cycle keeps every acknowledged write (the frontier, the dupefilter, the story index).
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def redis_server_binary() -> str | None:
    return shutil.which("redis-server") or next(
        (p for p in ("/usr/bin/redis-server", "/usr/local/bin/redis-server") if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, port: int | None = None, data_dir: str | os.PathLike | None = None,
                 password: str | None = None):
        self.binary = redis_server_binary()
        if self.binary is None:
            raise RuntimeError("redis-server is not installed (Debian: apt-get install -y redis-server)")
        self.port = port or free_port()
        self._own_dir = data_dir is None
        self.dir = Path(data_dir or tempfile.mkdtemp(prefix="redis-test-"))
        self.password = password
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def _ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                if self.password:
                    s.sendall(f"AUTH {self.password}\r\n".encode())
                    s.recv(64)
                s.sendall(b"PING\r\n")
                return s.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def start(self, timeout: float = 10.0) -> "RedisServer":
        if self.proc is not None and self.proc.poll() is None:
            return self
        self.dir.mkdir(parents=True, exist_ok=True)
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--protected-mode", "yes",
                "--daemonize", "no", "--dir", str(self.dir), "--dbfilename", "dump.rdb",
                "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                "--logfile", str(self.dir / "redis.log")]
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.proc.returncode}; see {self.dir / 'redis.log'}")
            if self._ping():
                return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port} within {timeout}s")

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM: Redis flushes the AOF and exits); wait for the port to close."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.cleanup()


def main() -> int:
    server = RedisServer().start()
    print(server.url, flush=True)
    try:
        while server.proc and server.proc.poll() is None:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
