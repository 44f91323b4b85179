"""A small fault-injection HTTP server for end-to-end crawls (tests only; loopback only).

It binds 127.0.0.1 on a free port, in a daemon thread, and serves a *site*: a table of
``path -> Route`` (or ``(host, path) -> Route`` when it is used as an HTTP proxy, see below).
Each route is a plain response or a fault:

* ``Route(body=..., status=..., headers=...)``      a normal (or 5xx/429/403/202) response
* ``Route(..., fault="reset")``                    headers + part of the body, then a TCP RST
* ``Route(..., fault="truncate")``                 a Content-Length larger than the body, then FIN
* ``Route(..., fault="stall", stall_s=...)``       headers never come (client times out)
* ``Route(..., fault="chunked")``                  body sent chunked, without Content-Length
* ``Route(..., delay_s=...)``                      the answer comes after that many seconds
* ``Route(..., gzip=True)``                        body gzip-compressed (Content-Encoding: gzip);
  pre-compressed bytes (a gzip bomb) go in ``body`` with a ``Content-Encoding`` header instead

A route may also be a list of routes: the n-th request for that path gets the n-th one (the last
one repeats), e.g. ``[Route(status=429, ...), Route(page)]`` for "busy, then fine".

Every request is recorded in ``server.hits`` as ``(host, path, headers)`` so a test can prove
what was (not) fetched, how often, and with which User-Agent.

Proxy mode: the crawler can be pointed at the server with ``http_proxy=http://127.0.0.1:<port>``;
requests then arrive with an absolute URI (``GET http://english.kyodonews.net/... HTTP/1.1``) and
are served by ``(host, path)`` routes. That lets the real site spiders (with their real
``allowed_domains``) crawl the fault server over plain http without leaving the loopback: any
host that has no route gets a 404 from the server, nothing is forwarded anywhere.
"""
from __future__ import annotations

import gzip as _gzip
import io
import socket
import struct
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def fixture_bytes(site: str, case: str, name: str = "page.html") -> bytes:
    return (FIXTURES / site / case / name).read_bytes()


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    fault: str | None = None        # None, "reset", "truncate", "stall", "chunked"
    gzip: bool = False
    stall_s: float = 5.0
    keep: int = 2048                # bytes of the body sent before a reset/truncate
    delay_s: float = 0.0            # seconds to wait before answering (a slow server)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, fmt, *args):  # quiet
        return

    def _target(self) -> tuple[str, str]:
        if self.path.startswith(("http://", "https://")):
            parts = urlsplit(self.path)
            host, path = parts.hostname or "", parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            return host.lower(), path
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        return host, self.path

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        host, path = self._target()
        self.server.record(host, path, dict(self.headers.items()))
        route = self.server.routes.get((host, path)) or self.server.routes.get(path)
        if isinstance(route, (list, tuple)):  # a sequence: the n-th request gets the n-th route (last repeats)
            n = sum(1 for h, p, _ in self.server.hits if p == path and h == host) - 1
            route = route[min(n, len(route) - 1)]
        if route is None:
            route = Route(body=b"not found", status=404, headers={"Content-Type": "text/plain"})
        self.send_route(route)

    def send_route(self, route: Route) -> None:
        """Write ROUTE as the response (its delay, gzip and fault included)."""
        if route.delay_s:
            self.server.stop.wait(route.delay_s)
        body = _gzip.compress(route.body, compresslevel=9) if route.gzip else route.body
        headers = dict(route.headers)
        if route.gzip:
            headers["Content-Encoding"] = "gzip"
        if route.fault == "stall":
            self.server.stop.wait(route.stall_s)
            self.close_connection = True
            return
        self.send_response(route.status)
        for k, v in headers.items():
            self.send_header(k, v)
        if route.fault == "chunked":
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            for i in range(0, len(body), 65536):
                chunk = body[i:i + 65536]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
            self.close_connection = True
            return
        if route.fault in ("reset", "truncate"):
            self.send_header("Content-Length", str(len(body) + 50000))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: route.keep])
            self.wfile.flush()
            if route.fault == "reset":  # SO_LINGER 0 + close now (before socketserver's FIN): a TCP RST
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.wfile.close()
                self.rfile.close()
                self.connection.close()  # the last reference: the fd really closes, with an RST
                self.wfile = self.rfile = io.BytesIO()  # what socketserver flushes/closes afterwards
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, routes):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = routes
        self.hits: list[tuple[str, str, dict]] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def handle_error(self, request, client_address):
        """A client that hangs up (the crawler cancelling an oversized body) is no server error."""
        import sys

        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)

    def record(self, host, path, headers):
        with self.lock:
            self.hits.append((host, path, headers))


class FaultServer:
    """``with FaultServer(routes) as srv: srv.url("/a")``; routes may be changed before a crawl."""

    def __init__(self, routes: dict | None = None):
        self.routes: dict = dict(routes or {})
        self._srv: _Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> FaultServer:
        self._srv = _Server(self.routes)
        self._thread = threading.Thread(target=self._srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        assert self._srv is not None
        self._srv.stop.set()
        self._srv.shutdown()
        self._srv.server_close()

    @property
    def port(self) -> int:
        assert self._srv is not None
        return self._srv.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    @property
    def hits(self) -> list[tuple[str, str, dict]]:
        assert self._srv is not None
        with self._srv.lock:
            return list(self._srv.hits)

    def count(self, path: str, host: str | None = None) -> int:
        return sum(1 for h, p, _ in self.hits if p == path and (host is None or h == host))

    def hosts(self) -> set[str]:
        return {h for h, _, _ in self.hits}


# ---------------------------------------------------------------------------- pages we write


def article_html(slug: str, headline: str, paragraphs: list[str], *, base: str = "", charset: str | None = "utf-8",
                 published: str = "2026-03-02T09:15:00+09:00", author: str = "Aiko Mori") -> str:
    """An invented news article page (JSON-LD NewsArticle, og tags, <article> body) at BASE/SLUG."""
    import json as _json

    url = f"{base}/{slug.strip('/')}/" if base else f"/{slug.strip('/')}/"
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": headline,
          "datePublished": published, "author": {"@type": "Person", "name": author},
          "mainEntityOfPage": url, "publisher": {"@type": "Organization", "name": "Harbour Gazette"}}
    meta = f'<meta charset="{charset}">' if charset else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html lang=\"en\"><head>{meta}<title>{headline} | Harbour Gazette</title>"
            f'<link rel="canonical" href="{url}"><meta property="og:type" content="article">'
            f'<meta property="og:title" content="{headline}"><meta property="og:url" content="{url}">'
            f'<script type="application/ld+json">{_json.dumps(ld, ensure_ascii=False)}</script></head>'
            f"<body><header><nav><a href=\"/\">Home</a></nav></header><article><h1>{headline}</h1>"
            f'<p class="byline">By {author}</p><time datetime="{published}">2 March 2026</time>{body}</article>'
            f"<footer>Harbour Gazette</footer></body></html>")


PARAS = [
    "The harbour board voted on Monday to rebuild the northern breakwater before the typhoon season, "
    "after engineers found cracks along a third of its length during a routine survey in January.",
    "Fishing crews who moor behind the wall said they had noticed the sea coming over the top more often "
    "in the past two winters, and several boats were damaged in a storm last October.",
    "The work is expected to take eighteen months and will be paid for from the port's reserve fund, "
    "the board said, without raising mooring fees for local crews.",
]


def listing_html(links: list[str], title: str = "Latest news") -> str:
    items = "".join(f'<li><a href="{u}">Story {i}</a></li>' for i, u in enumerate(links))
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h2>{title}</h2><ul>{items}</ul></body></html>"


# ---------------------------------------------------------------------------- crawl runner

import json as _json  # noqa: E402
import os as _os  # noqa: E402
import subprocess as _subprocess  # noqa: E402
import sys as _sys  # noqa: E402

SCRAPY = [_sys.executable, "-m", "scrapy"]

#: Settings every fault crawl uses: no politeness delays against our own loopback server.
FAST = {"DOWNLOAD_DELAY": "0", "AUTOTHROTTLE_ENABLED": "False", "LOG_LEVEL": "INFO", "RETRY_TIMES": "2",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "8", "REMOTE_CONTROL_ENABLED": "False"}


def reliability_settings() -> dict[str, str]:
    """``-s`` values that switch on crawler/reliability.py's components on top of the project's
    settings, until the lead registers them in crawler/settings.py (then this returns {})."""
    from crawler import reliability, settings

    out = {}
    mws = dict(settings.DOWNLOADER_MIDDLEWARES)
    if any(k not in mws for k in reliability.DOWNLOADER_MIDDLEWARES):
        mws.update(reliability.DOWNLOADER_MIDDLEWARES)
        out["DOWNLOADER_MIDDLEWARES"] = _json.dumps(mws)
    exts = dict(settings.EXTENSIONS)
    if any(k not in exts for k in reliability.EXTENSIONS):
        exts.update(reliability.EXTENSIONS)
        out["EXTENSIONS"] = _json.dumps(exts)
    return out


@dataclass
class CrawlRun:
    returncode: int
    log: str
    report: dict          # this spider's entry of OUTPUT_DIR/reports/run-*.json
    report_text: str      # the whole report file, as written
    lines: list[str]      # every JSONL line written
    records: list[dict]
    out: Path
    state: Path
    #: peak resident memory (KiB) of the largest child process this test process has waited for so
    #: far (kernel accounting, RUSAGE_CHILDREN): an upper bound of this crawl's peak memory
    peak_rss_kib: int = 0

    @property
    def stats(self) -> dict:
        return self.report.get("stats", {})

    @property
    def rules(self) -> set[str]:
        return {r["rule"] for r in self.report.get("failed_rules", [])}

    def stat(self, key: str) -> int:
        return int(self.stats.get(key, 0) or 0)


_PEAK_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def crawl(spider: str, tmp: Path, *, args: dict | None = None, settings: dict | None = None,
          proxy: str | None = None, env: dict | None = None, timeout: float = 120) -> CrawlRun:
    """``scrapy crawl SPIDER`` in a subprocess (real downloader), OUTPUT_DIR/STATE_DIR under TMP.

    Asserts what every fault crawl must show: the process finished, wrote exactly one run report,
    and every JSONL line is complete JSON valid against the schema."""
    from crawler.schema import errors as schema_errors

    tmp.mkdir(parents=True, exist_ok=True)
    out, state = tmp / "out", tmp / "state"
    cmd = [*SCRAPY, "crawl", spider]
    for k, v in (args or {}).items():
        cmd += ["-a", f"{k}={v}"]
    merged = {**FAST, **reliability_settings(), "OUTPUT_DIR": str(out), "STATE_DIR": str(state), **(settings or {})}
    for k, v in merged.items():
        cmd += ["-s", f"{k}={v}"]
    extra_env = env or {}
    env = {k: v for k, v in _os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy", "all_proxy")}
    env.update(extra_env)
    if proxy:
        env["http_proxy"] = proxy
    env["PYTHONPATH"] = str(ROOT)
    # the crawl runs under a fresh parent that writes its one child's peak RSS: RUSAGE_CHILDREN of
    # the test process itself is the largest of every child any earlier test ran
    peak_file = tmp / "peak_rss_kib"
    wrapped = [_sys.executable, "-c", _PEAK_WRAPPER, str(peak_file), *cmd]
    proc = _subprocess.run(wrapped, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    peak = int(peak_file.read_text()) if peak_file.exists() else 0
    log = proc.stdout + proc.stderr
    reports = sorted((out / "reports").glob("run-*.json"))
    assert len(reports) == 1, f"expected one run report, got {reports}\n{log[-3000:]}"
    text = reports[0].read_text(encoding="utf-8")
    doc = _json.loads(text)
    report = next(r for r in doc["spiders"] if r["spider"] == spider)
    lines: list[str] = []
    for path in sorted((out / spider).glob("*.jsonl")) if (out / spider).is_dir() else []:
        data = path.read_bytes()
        assert not data or data.endswith(b"\n"), f"{path}: last line is torn"
        lines += data.decode("utf-8").splitlines()
    records = []
    for line in lines:
        rec = _json.loads(line)
        problems = schema_errors(rec)
        assert not problems, f"written line breaks the schema: {problems}\n{line[:500]}"
        records.append(rec)
    assert "Traceback (most recent call last)" not in log, log[-5000:]
    return CrawlRun(proc.returncode, log, report, text, lines, records, out, state, peak)
