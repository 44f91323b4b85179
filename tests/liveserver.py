"""A local HTTPS "internet" for live-path tests: the sites of ``fixtures/`` on the loopback.

The crawler runs as cron runs it (``scrapy crawl``/``scrapy crawlall`` in a subprocess, the real
HTTP/1.1 downloader, TLS, robots.txt, gzip, redirects, conditional requests), but every host
name it looks up is answered by :class:`LoopbackResolver` from a table the test hands over in
settings, so nothing leaves the machine and ``/etc/hosts`` is never touched::

    def test_something(live, tmp_path):                    # the ``live`` fixture: tests/conftest.py
        live.redirect_loop("https://jen.jiji.com/jc/eng?g=eco&k=2025100200455")
        run = live.crawlall(tmp_path, ["jiji"])            # scrapy crawlall jiji, state under tmp_path
        assert run.exitcode == 1
        assert run.stat("jiji", "pages/failed/redirect_loop") == 1
        assert live.count("https://jen.jiji.com/rss/finance") == 1
        run2 = live.crawlall(tmp_path, ["jiji"])           # the same STATE_DIR: a cron run later

How it is reached. :meth:`LiveServer.settings` gives the ``-s`` settings of a crawl:
``TWISTED_DNS_RESOLVER=tests.liveserver.LoopbackResolver`` and ``LIVESERVER_ADDRESSES`` (JSON:
``{"host": [ip, https_port, http_port]}``). Twisted's ``HostnameEndpoint`` connects to the
address *and port* the resolver returns, so ``https://theconversation.com/...`` (port 443 in the
URL) reaches ``ip:https_port`` and ``http://...`` reaches ``ip:http_port``: no root, no fixed
port, and parallel test runs never collide. The ip is a random address of 127.0.0.0/8. A name
missing from the table fails like a dead DNS entry (``DNSLookupError``).

What it serves (``LiveServer(fixtures=...)``, default the project's ``fixtures/``):

* every ``*.meta.json`` response of the folder, at its URL (looked up like replay mode does,
  :class:`crawler.replay.ReplayIndex`), for the four sites (``theconversation.com``,
  ``english.kyodonews.net``, ``jen.jiji.com``, ``www.japantimes.co.jp``, their ``www.``/bare
  variants) and every other host the fixtures name (the republishers);
* ``/robots.txt``: the fixture's, else :attr:`LiveServer.robots` ``[host]``, else allow-all;
* ``ETag`` (a hash of the body) and ``Last-Modified`` (the fixture's ``fetched_at``), answering
  ``If-None-Match``/``If-Modified-Since`` with 304; gzip when the client accepts it;
* the fixture's fetch time in ``X-Replay-Fetched-At`` (``stamp_fetch_time=True``), so relative
  dates resolve as in replay; plain http answers 301 to https, as the real sites do;
* ``LiveServer(latency=s)``: every answer but robots.txt comes after S seconds (a server's think
  time, so that concurrent crawlers overlap).

Scenario hooks (call before the crawl; each returns nothing and can be combined):

* :meth:`route` (a :class:`tests.faultserver.Route`, a list of them for the n-th request, or a
  callable ``(LiveRequest) -> Route | None``), :meth:`page` (an HTML/XML body at a URL),
  :meth:`fixture` (a fixture's answer as a Route, to serve it elsewhere);
* :meth:`redirect`, :meth:`redirect_loop` (A -> A?from=loop -> A), :meth:`slow` (a delay),
  :meth:`challenge` (a bot wall on a whole host), :meth:`strip_markup` (structured data,
  classes and ids removed from a host's HTML: a layout change), :meth:`transform` (any
  rewriting of a host's bodies), :attr:`robots` / :meth:`crawl_delay`.

What it records: :attr:`LiveServer.hits` (``Hit(scheme, host, path, headers, status, at)``, one
per request, ``at`` from ``time.monotonic()``), :meth:`count` and :meth:`fetches`.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import random
import re
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.faultserver import FAST, ROOT, Route, _Handler

FIXTURES = ROOT / "fixtures"
SCRAPY = [sys.executable, "-m", "scrapy"]

#: The four sites' host names (each also answered with/without ``www.``).
SITE_HOSTS = ("theconversation.com", "english.kyodonews.net", "jen.jiji.com", "www.japantimes.co.jp")

# ---------------------------------------------------------------------------- the resolver (crawler side)

try:  # imported by the crawler subprocess (TWISTED_DNS_RESOLVER); tests only need the server
    from twisted.internet import error as _twisted_error
    from twisted.internet.address import IPv4Address
    from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolverSimple
    from zope.interface import implementer
except ImportError:  # pragma: no cover - Scrapy always brings Twisted
    implementer = None  # type: ignore[assignment]


def _resolver_classes():
    @implementer(IHostResolution)
    class _Resolution:
        def __init__(self, name: str):
            self.name = name

        def cancel(self) -> None:  # the answer is immediate
            return None

    @implementer(IHostnameResolver, IResolverSimple)
    class LoopbackResolver:
        """``TWISTED_DNS_RESOLVER``: host names from ``LIVESERVER_ADDRESSES`` only, ports rewritten.

        ``LIVESERVER_ADDRESSES`` is a JSON object (or dict) ``{"host": [ip, https_port,
        http_port]}``; a lookup for port 443 (or any port but 80) answers ``ip:https_port``, for
        port 80 ``ip:http_port``. Unknown names resolve to nothing: the download fails with
        ``DNSLookupError`` and no packet leaves the machine.
        """

        def __init__(self, reactor, table: dict[str, list]):
            self.reactor = reactor
            self.table = {k.lower().rstrip("."): v for k, v in table.items()}

        @classmethod
        def from_crawler(cls, crawler, reactor):
            raw = crawler.settings.get("LIVESERVER_ADDRESSES") or {}
            table = json.loads(raw) if isinstance(raw, str) else dict(raw)
            return cls(reactor, table)

        def install_on_reactor(self) -> None:
            self.reactor.installResolver(self)      # (this one also resets nameResolver: first)
            self.reactor.installNameResolver(self)

        def address(self, name: str, port: int) -> tuple[str, int] | None:
            row = self.table.get((name or "").lower().rstrip("."))
            if not row:
                return None
            ip, https_port, http_port = row
            return ip, (http_port if port == 80 else https_port)

        def resolveHostName(self, resolutionReceiver, hostName, portNumber=0, addressTypes=None,
                            transportSemantics="TCP"):
            resolution = _Resolution(hostName)
            resolutionReceiver.resolutionBegan(resolution)
            found = self.address(hostName, portNumber)
            if found is not None:
                resolutionReceiver.addressResolved(IPv4Address("TCP", found[0], found[1]))
            resolutionReceiver.resolutionComplete()
            return resolution

        def getHostByName(self, name, timeout=()):
            from twisted.internet import defer

            found = self.address(name, 443)
            if found is None:
                return defer.fail(_twisted_error.DNSLookupError(name))
            return defer.succeed(found[0])

    return LoopbackResolver


if implementer is not None:
    LoopbackResolver = _resolver_classes()


# ---------------------------------------------------------------------------- certificates


def make_certificate(hosts: list[str], folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate (EC P-256, one day) for HOSTS and 127.0.0.1: (cert, key) files."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "news-crawler live-path test server")])
    now = _dt.datetime.now(_dt.timezone.utc)
    sans = [x509.DNSName(h) for h in sorted(set(hosts))] + [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - _dt.timedelta(minutes=5))
            .not_valid_after(now + _dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    os.chmod(key_path, 0o600)
    return cert_path, key_path


# ---------------------------------------------------------------------------- pages we write

CHALLENGE_PAGE = (b'<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>'
                  b'<div id="challenge-stage"><p>Checking your browser before accessing the site.</p>'
                  b'<div class="cf-challenge-running">Please wait</div></div>'
                  b'<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script></body></html>')

_LD_JSON = re.compile(rb"<script[^>]*application/ld\+json[^>]*>.*?</script>", re.S | re.I)
_META_STRUCT = re.compile(rb"<meta\s[^>]*(?:property|itemprop|name)\s*=\s*[\"'](?:og:|article:|twitter:|itemprop|"
                          rb"author|date|parsely|sailthru|dc\.|citation_)[^>]*>", re.I)
_ATTRS = re.compile(rb"""\s(?:class|id|itemprop|itemscope|itemtype|data-[\w-]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?""", re.I)


def strip_structure(body: bytes) -> bytes:
    """HTML with its structured data (JSON-LD, og/article/author meta, microdata) and every
    class, id and data- attribute removed: the same page after a redesign the selectors miss."""
    body = _LD_JSON.sub(b"", body)
    body = _META_STRUCT.sub(b"", body)
    return re.sub(rb"<[a-zA-Z][^<>]*>", lambda m: _ATTRS.sub(b"", m.group(0)), body)


# ---------------------------------------------------------------------------- the server


@dataclass
class Hit:
    scheme: str
    host: str
    path: str
    headers: dict
    status: int = 0
    at: float = 0.0

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}{self.path}"


@dataclass
class LiveRequest:
    """What a route callable sees."""
    scheme: str
    host: str
    path: str
    headers: dict
    n: int          # 1 for the first request of this URL, 2 for the second...

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}{self.path}"


_TEXTUAL = ("text/", "xml", "json", "javascript", "rss", "atom")


class _LiveHandler(_Handler):
    server: "_LiveHTTPServer"

    def do_GET(self):
        live: LiveServer = self.server.live
        host = (self.headers.get("Host") or "").split(":")[0].lower().rstrip(".")
        path = self.path if not self.path.startswith(("http://", "https://")) else (urlsplit(self.path).path or "/")
        scheme = self.server.scheme
        hit = Hit(scheme, host, path, dict(self.headers.items()), 0, time.monotonic())
        n = live._record(hit)
        req = LiveRequest(scheme, host, path, hit.headers, n)
        try:
            route = live._answer(req)
        except Exception as exc:  # noqa: BLE001 - a broken hook is a 500 the test will see, not a hang
            route = Route(body=f"liveserver hook failed: {exc!r}".encode(), status=500,
                          headers={"Content-Type": "text/plain"})
        hit.status = route.status
        self.send_route(route)


class _LiveHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address, live: "LiveServer", scheme: str, context: ssl.SSLContext | None):
        self.live = live
        self.scheme = scheme
        self.context = context
        self.stop = live._stop
        super().__init__(address, _LiveHandler)

    def finish_request(self, request, client_address):
        if self.context is not None:  # the TLS handshake in the connection's own thread
            request.settimeout(10)
            try:
                request = self.context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
            request.settimeout(None)
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, ssl.SSLError)):
            return
        super().handle_error(request, client_address)


_CERTS: dict[tuple, tuple[Path, Path, Any]] = {}


class LiveServer:
    """The fixtures' sites over HTTPS (and http) on a random loopback address; see the module doc."""

    def __init__(self, fixtures: Path | str | None = FIXTURES, *, extra_hosts: tuple[str, ...] = (),
                 stamp_fetch_time: bool = True, conditional: bool = True, gzip: bool = True,
                 latency: float = 0.0):
        from crawler.replay import ReplayIndex

        self.index = ReplayIndex(fixtures) if fixtures else None
        self.stamp_fetch_time = stamp_fetch_time
        self.conditional = conditional
        self.gzip = gzip
        self.latency = latency      # seconds added to every answer but robots.txt (a real server's think time)
        hosts = set()
        for site in SITE_HOSTS:
            bare = site[4:] if site.startswith("www.") else site
            hosts.update({bare, "www." + bare})
        if fixtures:
            for meta in Path(fixtures).rglob("*.meta.json"):
                try:
                    host = urlsplit(json.loads(meta.read_text(encoding="utf-8"))["url"]).hostname
                except (OSError, ValueError, KeyError, TypeError):
                    continue
                if host:
                    hosts.add(host.lower())
        hosts.update(h.lower() for h in extra_hosts)
        self.hosts = sorted(hosts)
        self.robots: dict[str, str] = {}
        self.routes: dict[str, Any] = {}
        self.host_hooks: dict[str, list[Callable[[LiveRequest], Route | None]]] = {}
        self.transforms: dict[str, list[Callable[[str, bytes], bytes]]] = {}
        self.delays: dict[str, float] = {}
        self._hits: list[Hit] = []
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._servers: list[_LiveHTTPServer] = []
        self.ip = "127.0.0.1"
        self.https_port = self.http_port = 0

    # --- lifecycle
    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> "LiveServer":
        key = tuple(self.hosts)
        if key not in _CERTS:  # one certificate per host set and process, removed at exit
            folder = tempfile.TemporaryDirectory(prefix="liveserver-")
            _CERTS[key] = (*make_certificate(self.hosts, Path(folder.name)), folder)
        cert, keyfile, _ = _CERTS[key]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(str(cert), str(keyfile))
        for _ in range(20):
            ip = f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
            try:
                tls = _LiveHTTPServer((ip, 0), self, "https", ctx)
            except OSError:
                continue
            break
        else:  # pragma: no cover - a loopback without 127/8 routing
            ip = "127.0.0.1"
            tls = _LiveHTTPServer((ip, 0), self, "https", ctx)
        plain = _LiveHTTPServer((ip, 0), self, "http", None)
        self.ip, self.https_port, self.http_port = ip, tls.server_address[1], plain.server_address[1]
        self._servers = [tls, plain]
        for srv in self._servers:
            threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()
        self._servers = []

    # --- what the crawler needs
    def settings(self) -> dict[str, str]:
        """``-s`` settings that send a crawl here (resolver + address table)."""
        table = {h: [self.ip, self.https_port, self.http_port] for h in self.hosts}
        return {"TWISTED_DNS_RESOLVER": "tests.liveserver.LoopbackResolver",
                "LIVESERVER_ADDRESSES": json.dumps(table)}

    # --- scenario hooks
    def route(self, url: str, route) -> None:
        """Answer URL (scheme-less match: ``host/path?query``) with ROUTE: a Route, a list of
        Routes (n-th request gets the n-th, the last repeats) or ``callable(LiveRequest)``."""
        self.routes[_key(url)] = route

    def page(self, url: str, body: str | bytes, *, content_type: str = "text/html; charset=utf-8",
             status: int = 200, headers: dict | None = None) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.route(url, Route(body=data, status=status, headers={"Content-Type": content_type, **(headers or {})}))

    def fixture(self, url: str) -> Route:
        """The fixture response saved for URL as a Route (to serve it elsewhere or changed)."""
        from crawler.replay import load_entry

        entry = self.index.locate(url) if self.index is not None else None
        assert entry is not None, f"no fixture answers {url}"
        status, headers, body, _ = load_entry(entry)
        return Route(body=body, status=status, headers=headers)

    def redirect(self, url: str, to: str, status: int = 301) -> None:
        self.route(url, Route(status=status, headers={"Location": to, "Content-Type": "text/html"},
                              body=b"<html><body>moved</body></html>"))

    def redirect_loop(self, url: str) -> str:
        """A -> A?from=loop -> A -> ...: every request of A and of the detour redirects. Returns the detour."""
        sep = "&" if "?" in url else "?"
        detour = f"{url}{sep}from=loop"
        self.redirect(url, detour, 302)
        self.redirect(detour, url, 302)
        return detour

    def slow(self, url: str, seconds: float, times: int | None = None) -> None:
        """Delay the answer of URL by SECONDS (the first TIMES requests only, when given)."""
        key = _key(url)
        if times is None:
            self.delays[key] = seconds
            return
        left = {"n": times}

        def hook(req: LiveRequest):
            if left["n"] > 0:
                left["n"] -= 1
                return "delay", seconds
            return None
        self.delays[key] = hook  # type: ignore[assignment]

    def challenge(self, host: str, status: int = 403, *, robots_too: bool = False) -> None:
        """Every request to HOST answered with a bot-wall page (robots.txt still served unless ROBOTS_TOO)."""
        def hook(req: LiveRequest):
            if req.path == "/robots.txt" and not robots_too:
                return None
            return Route(body=CHALLENGE_PAGE, status=status, headers={"Content-Type": "text/html; charset=utf-8"})
        self.host_hooks.setdefault(host.lower(), []).append(hook)

    def transform(self, host: str, fn: Callable[[str, bytes], bytes]) -> None:
        """Rewrite every fixture body served for HOST: ``fn(path, body) -> body``."""
        self.transforms.setdefault(host.lower(), []).append(fn)

    def strip_markup(self, host: str) -> None:
        """Serve HOST's HTML pages with structured data, classes and ids removed (a redesign)."""
        self.transform(host, lambda path, body: strip_structure(body) if b"<html" in body[:2048].lower() else body)

    def crawl_delay(self, host: str, seconds: float, disallow: tuple[str, ...] = ()) -> None:
        lines = ["User-agent: *", f"Crawl-delay: {seconds:g}"] + [f"Disallow: {p}" for p in disallow]
        self.robots[host.lower()] = "\n".join(lines) + "\n"

    # --- what was asked
    @property
    def hits(self) -> list[Hit]:
        with self._lock:
            return list(self._hits)

    def count(self, url: str, scheme: str | None = "https") -> int:
        key = _key(url)
        return sum(1 for h in self.hits if _key(h.url) == key and (scheme is None or h.scheme == scheme))

    def fetches(self, host: str | None = None, *, skip_robots: bool = True) -> list[Hit]:
        return [h for h in self.hits if (host is None or h.host == host.lower())
                and not (skip_robots and h.path == "/robots.txt")]

    def reset_hits(self) -> None:
        with self._lock:
            self._hits.clear()
            self._counts.clear()

    # --- crawling it
    def command(self, argv: list[str], tmp: Path, *, settings: dict | None = None,
                env: dict | None = None) -> tuple[list[str], dict]:
        """(command line, environment) of ``scrapy ARGV...`` against this server, OUTPUT_DIR and
        STATE_DIR under TMP: for tests that start several crawls at once (``subprocess.Popen``)."""
        tmp = Path(tmp)
        tmp.mkdir(parents=True, exist_ok=True)
        merged = {**FAST, "OUTPUT_DIR": str(tmp / "out"), "STATE_DIR": str(tmp / "state"), **self.settings(),
                  **(settings or {})}
        cmd = [*SCRAPY, *argv]
        for k, v in merged.items():
            cmd += ["-s", f"{k}={v}"]
        run_env = {k: v for k, v in os.environ.items()
                   if k.lower() not in ("http_proxy", "https_proxy", "no_proxy", "all_proxy", "redis_url")}
        run_env.update(env or {})
        run_env["PYTHONPATH"] = str(ROOT)
        return cmd, run_env

    def run(self, argv: list[str], tmp: Path, *, settings: dict | None = None, env: dict | None = None,
            timeout: float = 240) -> "LiveRun":
        """``scrapy ARGV...`` in a subprocess against this server, OUTPUT_DIR/STATE_DIR under TMP."""
        tmp = Path(tmp)
        out, state = tmp / "out", tmp / "state"
        before = set((out / "reports").glob("run-*.json")) if (out / "reports").is_dir() else set()
        cmd, run_env = self.command(argv, tmp, settings=settings, env=env)
        started = time.monotonic()
        proc = subprocess.run(cmd, cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=timeout)
        log = proc.stdout + proc.stderr
        new = sorted(set((out / "reports").glob("run-*.json")) - before) if (out / "reports").is_dir() else []
        reports: dict[str, dict] = {}
        for path in new:
            for rep in json.loads(path.read_text(encoding="utf-8")).get("spiders", []):
                reports[rep["spider"]] = rep
        return LiveRun(proc.returncode, log, reports, out, state, time.monotonic() - started)

    def crawlall(self, tmp: Path, spiders: list[str] | None = None, **kw) -> "LiveRun":
        return self.run(["crawlall", *(spiders or [])], tmp, **kw)

    def crawl(self, spider: str, tmp: Path, *, args: dict | None = None, **kw) -> "LiveRun":
        argv = ["crawl", spider]
        for k, v in (args or {}).items():
            argv += ["-a", f"{k}={v}"]
        return self.run(argv, tmp, **kw)

    # --- internals
    def _record(self, hit: Hit) -> int:
        key = _key(hit.url)
        with self._lock:
            self._hits.append(hit)
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]

    def _answer(self, req: LiveRequest) -> Route:
        route = self._choose(req)
        delay = self.delays.get(_key(req.url))
        if callable(delay):
            got = delay(req)
            delay = got[1] if got else 0.0
        if not delay and self.latency and req.path != "/robots.txt":
            delay = self.latency
        if delay:
            route = _copy(route, delay_s=float(delay))
        return route

    def _choose(self, req: LiveRequest) -> Route:
        key = _key(req.url)
        if key in self.routes:
            route = self.routes[key]
            if callable(route):
                route = route(req)
            elif isinstance(route, (list, tuple)):
                route = route[min(req.n, len(route)) - 1]
            if route is not None:
                return route
        for hook in self.host_hooks.get(req.host, []):
            got = hook(req)
            if got is not None:
                return got
        if req.scheme == "http":  # the sites answer http with a redirect to https
            return Route(status=301, headers={"Location": "https://" + req.host + req.path, "Content-Type": "text/html"},
                         body=b"<html><body>moved</body></html>")
        if req.path == "/robots.txt" and req.host in self.robots:
            return self._conditional(req, Route(body=self.robots[req.host].encode(), headers={
                "Content-Type": "text/plain; charset=utf-8"}), None)
        entry = self.index.locate(req.url) if self.index is not None else None
        if entry is None:
            if req.path == "/robots.txt":
                return Route(body=b"User-agent: *\nDisallow:\n", headers={"Content-Type": "text/plain; charset=utf-8"})
            return Route(body=b"<html><body><h1>Not found</h1></body></html>", status=404,
                         headers={"Content-Type": "text/html; charset=utf-8"})
        from crawler.replay import FETCHED_AT_HEADER, load_entry

        status, headers, body, fetched_at = load_entry(entry)
        for fn in self.transforms.get(req.host, []):
            body = fn(req.path, body)
        headers = {k: v for k, v in headers.items() if k.lower() not in ("content-length", "content-encoding",
                                                                           "transfer-encoding")}
        if self.stamp_fetch_time and fetched_at:
            headers[FETCHED_AT_HEADER] = fetched_at
        return self._conditional(req, Route(body=body, status=status, headers=headers), fetched_at)

    def _conditional(self, req: LiveRequest, route: Route, fetched_at: str | None) -> Route:
        if route.status != 200:
            return route
        headers = dict(route.headers)
        if self.conditional:
            etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            modified = _parse_iso(fetched_at)
            if modified is not None:
                headers["Last-Modified"] = format_datetime(modified, usegmt=True)
            inm = req.headers.get("If-None-Match") or req.headers.get("if-none-match")
            ims = req.headers.get("If-Modified-Since") or req.headers.get("if-modified-since")
            not_modified = False
            if inm is not None:
                not_modified = etag in [t.strip().removeprefix("W/") for t in inm.split(",")] or inm.strip() == "*"
            elif ims is not None and modified is not None:
                try:
                    since = parsedate_to_datetime(ims)
                    not_modified = since is not None and modified <= since
                except (TypeError, ValueError):
                    not_modified = False
            if not_modified:
                keep = {k: v for k, v in headers.items() if k in ("ETag", "Last-Modified")}
                return Route(body=b"", status=304, headers=keep)
        ctype = headers.get("Content-Type", "")
        accepts = "gzip" in (req.headers.get("Accept-Encoding") or "").lower()
        if self.gzip and accepts and len(route.body) > 256 and any(t in ctype for t in _TEXTUAL):
            headers["Vary"] = "Accept-Encoding"
            return _copy(route, headers=headers, gzip=True)
        return _copy(route, headers=headers)


def _copy(route: Route, **changes) -> Route:
    from dataclasses import replace

    return replace(route, **changes)


def _key(url: str) -> str:
    """``host/path?query`` (lower-case host, no scheme, no fragment)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return f"{(parts.hostname or '').lower()}{path}"


def _parse_iso(stamp: str | None) -> _dt.datetime | None:
    if not stamp:
        return None
    try:
        when = _dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=_dt.timezone.utc)


# ---------------------------------------------------------------------------- a run's results


@dataclass
class LiveRun:
    exitcode: int
    log: str
    reports: dict[str, dict]         # spider -> its entry of the run report written by this run
    out: Path
    state: Path
    seconds: float = 0.0
    _records: dict[str, list[dict]] = field(default_factory=dict)

    def report(self, spider: str) -> dict:
        assert spider in self.reports, f"no run report for {spider}: {sorted(self.reports)}\n{self.log[-4000:]}"
        return self.reports[spider]

    def stat(self, spider: str, key: str) -> int:
        return int(self.report(spider).get("stats", {}).get(key, 0) or 0)

    def rules(self, spider: str) -> set[str]:
        return {r["rule"] for r in self.report(spider).get("failed_rules", [])}

    def records(self, spider: str) -> list[dict]:
        """Every JSONL line under OUTPUT_DIR/<spider>/ (all runs of this folder)."""
        out = []
        for path in sorted((self.out / spider).glob("*.jsonl")) if (self.out / spider).is_dir() else []:
            out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return out

    def warnings(self, pattern: str) -> list[str]:
        rx = re.compile(pattern)
        return [ln for ln in self.log.splitlines() if "WARNING" in ln and rx.search(ln)]
