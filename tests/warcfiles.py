"""Build archive files for the tests, from the fixtures, with warcio (the library the crawler
reads them with). Shapes:

* :func:`cc_news_warc`: Common Crawl's CC-NEWS shape: a ``warcinfo`` record, then per page a
  ``request``, a ``response`` and a ``metadata`` record, every record its own gzip member;
* :func:`write_warc`: any list of :class:`Page` (mixed domains, duplicates with other dates),
  plus ``revisit`` records and deliberately broken tails;
* :func:`write_arc`: the legacy ARC format (ARC v1). No maintained library writes ARC (warcio
  reads it): the test writes its text headers itself, gzip member per record, as
  the Internet Archive's ARC files are.
"""
from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.golden import FIXTURES, cases


@dataclass
class Page:
    url: str
    body: bytes
    headers: dict = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    status: int = 200
    fetched_at: str = "2026-02-28T12:00:00Z"


def fixture_pages(site: str | None = None, only_articles: bool = False) -> list[Page]:
    """Every saved response of the fixtures (of SITE's folder), as pages."""
    root = FIXTURES / site if site else FIXTURES
    out = []
    article_urls = None
    if only_articles:  # cases whose page is itself an article (its expected records hold its URL)
        article_urls = set()
        for c in cases():
            if c.expected_path.exists():
                urls = {r.get("url") for r in json.loads(c.expected_path.read_text(encoding="utf-8"))}
                if c.url in urls:
                    article_urls.add(c.url)
    for meta_path in sorted(root.rglob("*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if article_urls is not None and meta["url"] not in article_urls:
            continue
        body = (meta_path.parent / meta["body"]).read_bytes() if meta.get("body") else b""
        out.append(Page(meta["url"], body, dict(meta.get("headers") or {}), int(meta.get("status", 200)),
                        meta.get("fetched_at") or "2026-02-28T12:00:00Z"))
    return out


def _http_headers(page: Page) -> StatusAndHeaders:
    headers = [(k, v) for k, v in page.headers.items() if k.lower() != "content-length"]
    headers.append(("Content-Length", str(len(page.body))))
    return StatusAndHeaders(f"{page.status} OK", headers, protocol="HTTP/1.1")


def response_record(w: WARCWriter, page: Page):
    return w.create_warc_record(page.url, "response", payload=io.BytesIO(page.body), length=len(page.body),
                                http_headers=_http_headers(page), warc_headers_dict={"WARC-Date": page.fetched_at})


def write_warc(path: Path, pages: list[Page], revisits: list[tuple[Page, str]] = (), gz: bool = True,
               cc_news: bool = False, version: str = "1.0") -> list[str]:
    """Write PAGES (and REVISITS: (page, date) of an identical payload) to PATH; return the
    response records' ids, in order."""
    ids = []
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz, warc_version=version)
        if cc_news:
            w.write_record(w.create_warcinfo_record(path.name, {
                "software": "test builder (warcio)", "isPartOf": "CC-NEWS",
                "operator": "Common Crawl Admin", "description": "Wide crawl of news sites (test fixture)",
                "format": "WARC File Format 1.0"}))
        digests = {}
        for page in pages:
            resp = response_record(w, page)
            rid = resp.rec_headers.get_header("WARC-Record-ID")
            ids.append(rid)
            if cc_news:
                req = w.create_warc_record(page.url, "request", payload=io.BytesIO(b""), length=0,
                                           http_headers=StatusAndHeaders(
                                               f"GET {urlsplit(page.url).path or '/'} HTTP/1.1",
                                               [("User-Agent", "CCBot/2.0"), ("Accept", "text/html")],
                                               is_http_request=True),
                                           warc_headers_dict={"WARC-Date": page.fetched_at, "WARC-Concurrent-To": rid})
                w.write_record(req)
            w.write_record(resp)
            digests[page.url] = (resp.rec_headers.get_header("WARC-Payload-Digest"), page.fetched_at)
            if cc_news:
                meta = w.create_warc_record(page.url, "metadata", payload=io.BytesIO(b"fetchTimeMs: 123\r\n"),
                                            warc_content_type="application/warc-fields",
                                            warc_headers_dict={"WARC-Date": page.fetched_at, "WARC-Concurrent-To": rid})
                w.write_record(meta)
        for page, date in revisits:
            digest, orig_date = digests[page.url]
            rev = w.create_revisit_record(page.url, digest, page.url, orig_date,
                                          http_headers=StatusAndHeaders("200 OK", list(page.headers.items()), protocol="HTTP/1.1"),
                                          warc_headers_dict={"WARC-Date": date})
            w.write_record(rev)
    return ids


def cc_news_warc(path: Path, pages: list[Page]) -> list[str]:
    return write_warc(path, pages, cc_news=True)


def dated(page: Page, when: str, body: bytes | None = None) -> Page:
    return replace(page, fetched_at=when, body=page.body if body is None else body)


def write_arc(path: Path, pages: list[Page]) -> None:
    """An ARC v1 file (gzip member per record) holding PAGES."""
    def member(data: bytes) -> bytes:
        return gzip.compress(data)

    filedesc_body = b"1 0 Test Builder\nURL IP-address Archive-date Content-type Archive-length\n"
    head = f"filedesc://{path.name} 0.0.0.0 20260228120000 text/plain {len(filedesc_body)}\n".encode()
    out = [member(head + filedesc_body + b"\n")]
    for page in pages:
        http = [f"HTTP/1.1 {page.status} OK"] + [f"{k}: {v}" for k, v in page.headers.items()]
        http.append(f"Content-Length: {len(page.body)}")
        block = ("\r\n".join(http) + "\r\n\r\n").encode("latin-1") + page.body
        stamp = page.fetched_at.replace("-", "").replace(":", "").replace("T", "")[:14]
        ctype = page.headers.get("Content-Type", "text/html").split(";")[0]
        line = f"{page.url} 192.0.2.1 {stamp} {ctype} {len(block)}\n".encode()
        out.append(member(line + block + b"\n"))
    path.write_bytes(b"".join(out))
