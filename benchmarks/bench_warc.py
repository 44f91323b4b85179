"""Web archives in the bench (issue 19): what reading a WARC costs, and which library reads it.

    python -m benchmarks.bench_warc [--quick]      (also a part of ``make bench``: ``warc``)

* **input**: the same pages crawled twice by the full crawl (every pipeline), from the replay
  folder (``-a urls_file=... REPLAY_DIR``) and from a CC-NEWS-shaped WARC of those pages
  (``-a warc=FILE``: ``warcinfo``, then ``request``, ``response`` and ``metadata`` records per
  page, a gzip member each), each net of a zero-page crawl of the same kind. CPU ms per page and
  pages/s for each, and the difference: the target is that reading archives costs at most
  0.3 ms a page above the replay-folder path.
* **readers**: records/s reading every record (headers and whole body) of that WARC with warcio
  and with FastWARC (Resiliparse), when installed; plus the crawler's own first pass
  (:func:`crawler.warc.reader.scan`, headers only) for scale. And what each library makes of
  the edge cases the crawler must survive: a truncated tail, a ``Content-Length`` that lies
  (longer, then shorter than the block), an ARC file. The findings decide the library (README
  "Web archives").

:func:`build_warcs` (the corpus as WARC files) is also used by the tests.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


# ----------------------------------------------------------------------------- corpora as WARC
def corpus_entries(root: Path, spider: str | None = None) -> list[tuple[str, Path, dict]]:
    """(url, body file, meta) of every page of a replay corpus (benchmarks.corpus), in urls.txt order."""
    by_url = {}
    for meta_path in root.rglob("*.meta.json"):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        by_url[meta["url"]] = (meta_path.parent / meta["body"], meta)
    out = []
    for line in (root / "urls.txt").read_text(encoding="utf-8").splitlines():
        s, u = line.split(" ", 1)
        if spider is None or s == spider:
            out.append((u, *by_url[u]))
    return out


def build_warcs(root: Path, out_dir: Path, files: int = 1, spider: str | None = None,
                when: str = "2026-02-28T12:00:00Z", prefix: str = "CC-NEWS") -> list[Path]:
    """The pages of the replay corpus ROOT as FILES CC-NEWS-shaped ``.warc.gz`` files (pages
    dealt out in urls.txt order, consecutive runs per file), written with warcio."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    entries = corpus_entries(root, spider)
    out_dir.mkdir(parents=True, exist_ok=True)
    per = max(1, -(-len(entries) // files))
    paths = []
    for f in range(files):
        path = out_dir / f"{prefix}-20260228120000-{f:05d}.warc.gz"
        with open(path, "wb") as fh:
            w = WARCWriter(fh, gzip=True)
            w.write_record(w.create_warcinfo_record(path.name, {"software": "benchmarks.bench_warc (warcio)",
                                                                "isPartOf": "CC-NEWS", "format": "WARC File Format 1.0"}))
            for url, body_path, meta in entries[f * per:(f + 1) * per]:
                body = body_path.read_bytes()
                headers = [(k, v) for k, v in (meta.get("headers") or {}).items() if k.lower() != "content-length"]
                headers.append(("Content-Length", str(len(body))))
                date = meta.get("fetched_at") or when
                resp = w.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                            http_headers=StatusAndHeaders(f"{int(meta.get('status', 200))} OK", headers,
                                                                          protocol="HTTP/1.1"),
                                            warc_headers_dict={"WARC-Date": date})
                rid = resp.rec_headers.get_header("WARC-Record-ID")
                req = w.create_warc_record(url, "request", payload=io.BytesIO(b""), length=0,
                                           http_headers=StatusAndHeaders(f"GET {urlsplit(url).path or '/'} HTTP/1.1",
                                                                         [("User-Agent", "CCBot/2.0")], is_http_request=True),
                                           warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": rid})
                w.write_record(req)
                w.write_record(resp)
                w.write_record(w.create_warc_record(url, "metadata", payload=io.BytesIO(b"fetchTimeMs: 100\r\n"),
                                                    warc_content_type="application/warc-fields",
                                                    warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": rid}))
        paths.append(path)
    return paths


def empty_warc(path: Path) -> Path:
    """A WARC with a warcinfo record only: the zero-page crawl of the archive path."""
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "benchmarks.bench_warc"}))
    return path


# ----------------------------------------------------------------------------- readers
def read_warcio(path: Path) -> tuple[int, int]:
    """Records and body bytes of every record, with warcio (as the crawler reads: arc2warc)."""
    from warcio.archiveiterator import ArchiveIterator

    n = size = 0
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh, arc2warc=True):
            n += 1
            size += len(rec.content_stream().read())
    return n, size


def read_fastwarc(path: Path) -> tuple[int, int]:
    """The same with FastWARC (HTTP headers parsed, bodies read)."""
    from fastwarc.warc import ArchiveIterator

    n = size = 0
    with open(path, "rb") as fh:  # gzip is detected from the stream
        for rec in ArchiveIterator(fh, parse_http=True):
            n += 1
            size += len(rec.reader.read())
    return n, size


def read_scan(path: Path) -> tuple[int, int]:
    """The crawler's first pass (headers and HTTP status, no body)."""
    from crawler.warc.reader import scan

    with open(path, "rb") as fh:
        return sum(1 for c, _, _ in scan(fh) if c is not None), 0


def fastwarc_version() -> str | None:
    try:
        from importlib.metadata import version

        return version("fastwarc")
    except Exception:  # noqa: BLE001 - not installed
        return None


def records_per_s(fn, path: Path, repeat: int) -> dict:
    best = None
    n = size = 0
    for _ in range(repeat):
        t0 = time.process_time()
        n, size = fn(path)
        dt = time.process_time() - t0
        best = dt if best is None else min(best, dt)
    best = max(best or 0.0, 1e-9)
    return {"records": n, "body_mb": round(size / 1e6, 1), "cpu_s": round(best, 3), "records_per_s": round(n / best)}


def stages(path: Path, pages: int, repeat: int) -> dict:
    """CPU ms per page of the archive path's own stages, in this process: the first pass
    (:func:`crawler.warc.reader.scan`), the first pass as a crawl runs it, keeping the pages it
    takes (:func:`crawler.warc.scan.scan_file`, ``WARC_KEEP_MB``), reading each response back
    (:func:`read_at`, what is left to do without kept pages), and what inflating the file's gzip
    members alone costs (the floor of any gzip WARC reader)."""
    import zlib

    from crawler.warc.reader import read_at, scan
    from crawler.warc.scan import KeptPages, scan_file
    from crawler.warc.select import Selection, host_of

    def best(fn) -> float:
        out = None
        for _ in range(repeat):
            t0 = time.process_time()
            fn()
            dt = time.process_time() - t0
            out = dt if out is None else min(out, dt)
        return round(out / max(1, pages) * 1000, 3)

    with open(path, "rb") as fh:
        caps = [c for c, _, _ in scan(fh) if c is not None and c.rec_type == "response"]
    offsets = [c.offset for c in caps]
    selection = Selection(sorted({host_of(c.uri) for c in caps}))
    members = gzip_members(path.read_bytes())

    def first_pass_keeping():
        with open(path, "rb") as fh:
            scan_file(fh, str(path), selection, keep=KeptPages(1 << 40))

    def first_pass():
        with open(path, "rb") as fh:
            for _ in scan(fh):
                pass

    def read_back():
        with open(path, "rb") as fh:
            for off in offsets:
                read_at(fh, off)
    return {"scan_ms": best(first_pass), "scan_keeping_ms": best(first_pass_keeping), "read_back_ms": best(read_back),
            "inflate_only_ms": best(lambda: [zlib.decompress(m, 16 + zlib.MAX_WBITS) for m in members])}


# ----------------------------------------------------------------------------- edge cases
def _page_warc(path: Path, n: int = 3) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for i in range(n):
            body = f"<html><body><p>page {i} of the edge cases</p></body></html>".encode()
            w.write_record(w.create_warc_record(
                f"https://example.org/{i}", "response", payload=io.BytesIO(body), length=len(body),
                http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(body)))],
                                              protocol="HTTP/1.1")))


def gzip_members(data: bytes) -> list[bytes]:
    """DATA (a .warc.gz) cut into its gzip members."""
    import zlib

    out, pos = [], 0
    while pos < len(data):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        d.decompress(data[pos:])
        used = len(data) - pos - len(d.unused_data)
        out.append(data[pos:pos + used])
        pos += used
    return out


def edge_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, what a correct reader does): the edge cases the crawler must survive."""
    from tests.warcfiles import Page, write_arc  # ARC: no maintained library writes it

    folder.mkdir(parents=True, exist_ok=True)
    _page_warc(folder / "ok.warc.gz")
    data = (folder / "ok.warc.gz").read_bytes()
    (folder / "truncated.warc.gz").write_bytes(data[:-40])
    plain = [gzip.decompress(m) for m in gzip_members(data)]
    longer = re.sub(rb"Content-Length: (\d+)", lambda m: b"Content-Length: %d" % (int(m.group(1)) + 30), plain[0], count=1)
    shorter = re.sub(rb"Content-Length: (\d+)", lambda m: b"Content-Length: %d" % (int(m.group(1)) - 10), plain[1], count=1)
    (folder / "lying.warc.gz").write_bytes(gzip.compress(longer) + gzip.compress(shorter) + gzip.compress(plain[2]))
    write_arc(folder / "old.arc.gz", [Page(f"https://example.org/arc{i}", b"<html><p>archived</p></html>") for i in range(2)])
    return {
        "truncated tail": (folder / "truncated.warc.gz", "2 sound records, the cut one seen as short"),
        "lying length": (folder / "lying.warc.gz", "3 records seen, the next one read whole, no body unflagged with another's bytes"),
        "ARC file": (folder / "old.arc.gz", "2 responses"),
    }


def _edge_warcio(path: Path) -> dict:
    from warcio.archiveiterator import ArchiveIterator

    got = []
    try:
        with open(path, "rb") as fh:
            it = ArchiveIterator(fh, arc2warc=True)
            it.INC_RECORD = ""  # no stderr noise; err_count still counts
            for rec in it:
                body = rec.content_stream().read()
                short = bool(getattr(rec.raw_stream, "limit", 0))
                got.append((rec.rec_headers.get_header("WARC-Target-URI"), rec.rec_type, len(body), short))
    except Exception as exc:  # noqa: BLE001
        return {"records": got, "error": f"{type(exc).__name__}: {exc}"[:160]}
    return {"records": got, "error": None}


def _edge_fastwarc(path: Path, **options) -> dict:
    from fastwarc.warc import ArchiveIterator

    got = []
    try:
        with open(path, "rb") as fh:
            for rec in _fastwarc_edge_records(ArchiveIterator(fh, parse_http=True, **options)):
                got.append(rec)
    except Exception as exc:  # noqa: BLE001
        return {"records": got, "error": f"{type(exc).__name__}: {exc}"[:160]}
    return {"records": got, "error": None}


def _fastwarc_edge_records(it):
    for rec in it:
        body = rec.reader.read()
        hdr = rec.http_headers
        http_len = int(hdr.get("Content-Length")) if hdr is not None and hdr.get("Content-Length") else None
        short = http_len is not None and len(body) < http_len
        kind = str(rec.record_type).rsplit(".", 1)[-1]
        yield rec.headers.get("WARC-Target-URI"), kind, len(body), short


def judge(case: str, res: dict) -> bool:
    """Whether a library's reading of an edge case is what the crawler needs."""
    recs = res["records"]
    if case == "truncated tail":
        whole = [r for r in recs if not r[3]]
        return len(whole) == 2 and (len(recs) == 3 and recs[2][3] or res["error"] is not None)
    if case == "lying length":  # every record seen; none with another's bytes in its body unflagged
        by_url = {r[0]: r for r in recs}
        return (set(by_url) >= {f"https://example.org/{i}" for i in range(3)}
                and not by_url["https://example.org/2"][3] and by_url["https://example.org/2"][2] == 57
                and (by_url["https://example.org/0"][3] or by_url["https://example.org/0"][2] <= 57))
    if case == "ARC file":
        return sum(1 for r in recs if str(r[1]).lower() == "response" and r[2] > 0) == 2
    raise ValueError(case)


def edge_cases(folder: Path) -> dict:
    libs = {"warcio": _edge_warcio}
    if fastwarc_version():
        from functools import partial

        libs["fastwarc"] = _edge_fastwarc
        libs["fastwarc (quirks mode)"] = partial(_edge_fastwarc, quirks_mode=True, strict_mode=False)
    out = {}
    for case, (path, want) in edge_files(folder).items():
        row = {"expected": want}
        for lib, fn in libs.items():
            res = fn(path)
            row[lib] = {"ok": judge(case, res), "records": len(res["records"]),
                        "short_records": sum(1 for r in res["records"] if r[3]), "error": res["error"]}
        out[case] = row
    return out


# ----------------------------------------------------------------------------- the part
def input_throughput(root: Path, spider: str, work: Path, repeat: int, log) -> dict:
    """Full crawl from the replay folder vs from one WARC of the same pages (net of zero-page crawls)."""
    from benchmarks import run

    warc = build_warcs(root, work / "warc", files=1, spider=spider)[0]
    empty_w = empty_warc(work / "warc" / "empty.warc.gz")
    urls = root / f"urls-{spider}.txt"
    empty_u = work / "empty-urls.txt"
    empty_u.write_text("")
    n = sum(1 for ln in urls.read_text().splitlines() if ln.strip())
    out = {}
    for label, full_args, zero_args in (
        ("replay", ["-a", f"urls_file={urls}", "-s", f"REPLAY_DIR={root}"],
         ["-a", f"urls_file={empty_u}", "-s", f"REPLAY_DIR={root}"]),
        ("warc", ["-a", f"warc={warc}"], ["-a", f"warc={empty_w}"]),
    ):
        zeros, fulls = [], []
        for _ in range(max(1, repeat)):
            zeros.append(run.crawl(spider, urls, root, source_args=zero_args))
            fulls.append(run.crawl(spider, urls, root, source_args=full_args))
        zero, full = run._least_cpu(zeros), run._least_cpu(fulls)
        net_cpu = max(1e-9, full["cpu_s"] - zero["cpu_s"])
        net_wall = max(1e-9, full["wall_s"] - zero["wall_s"])
        out[label] = {"pages": n, "written": full["written"], "rc": full["rc"],
                      "cpu_s": round(full["cpu_s"], 2), "empty_cpu_s": round(zero["cpu_s"], 2),
                      "cpu_ms_per_page": round(net_cpu / n * 1000, 3), "pages_per_s": round(n / net_wall, 1),
                      "cpu_s_runs": full["cpu_s_runs"]}
        if full["rc"] not in (0, 1):
            out[label]["stderr_tail"] = full["stderr_tail"]
        log(f"  warc input, {label}: {n} pages, {full['written']} lines, net {out[label]['cpu_ms_per_page']:.2f} "
            f"CPU ms/page, {out[label]['pages_per_s']:.0f} pages/s")
    out["warc_above_replay_ms"] = round(out["warc"]["cpu_ms_per_page"] - out["replay"]["cpu_ms_per_page"], 3)
    out["warc_file_mb"] = round(warc.stat().st_size / 1e6, 1)
    return out


def run(quick: bool = False, log=None, root: Path | None = None, spider: str = "conversation") -> dict:
    from benchmarks import run as suite

    log = log or suite.log
    if root is None:
        n = suite.QUICK_PAGES if quick else 2_000
        root = suite.corpus(f"conversation{n}", n, 11, {"conversation"})
    (ROOT / "benchmarks" / ".work").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-warc-", dir=ROOT / "benchmarks" / ".work") as tmp:
        work = Path(tmp)
        res = {"spider": spider, "input": input_throughput(root, spider, work, 1 if quick else 3, log)}
        warc = build_warcs(root, work / "readers", files=1, spider=spider)[0]
        repeat = 1 if quick else 3
        readers = {"warcio": records_per_s(read_warcio, warc, repeat),
                   "crawler_scan_warcio_headers_only": records_per_s(read_scan, warc, repeat)}
        ver = fastwarc_version()
        if ver:
            readers["fastwarc"] = records_per_s(read_fastwarc, warc, repeat)
        res["readers"] = readers
        res["stages"] = stages(warc, res["input"]["warc"]["pages"], repeat + 2)
        res["fastwarc"] = ver or "not installed (pip install -e '.[bench]')"
        res["edge_cases"] = edge_cases(work / "edge")
    for lib, v in readers.items():
        log(f"  reading the WARC with {lib}: {v['records']} records, {v['records_per_s']} records/s")
    return res


def table(w: dict) -> list[str]:
    """Markdown lines for the bench report."""
    inp = w["input"]
    lines = [f"**WARC input** ({inp['replay']['pages']} {w['spider']} pages, the full crawl; one CC-NEWS-shaped "
             f"file of {inp['warc_file_mb']} MB), net of a zero-page crawl of each kind:", "",
             "| source | CPU ms/page | pages/s, wall on this machine | lines written |", "|---|---:|---:|---:|"]
    for k in ("replay", "warc"):
        v = inp[k]
        lines.append(f"| {'replay folder' if k == 'replay' else '-a warc=FILE'} | {v['cpu_ms_per_page']:.2f} | "
                     f"{v['pages_per_s']:.0f} | {v['written']} |")
    st = w.get("stages") or {}
    lines += ["", f"Reading archives costs {inp['warc_above_replay_ms']:+.2f} CPU ms a page against the replay folder "
              "(target: at most +0.3)" + (f"; in-process, the first pass costs {st['scan_ms']:.2f} ms a page "
                                           f"({st.get('scan_keeping_ms', 0):.2f} ms keeping the pages it takes), "
                                           f"reading a page back {st['read_back_ms']:.2f} ms (not needed for a kept "
                                           f"page), and inflating the file's gzip members alone "
                                           f"{st['inflate_only_ms']:.2f} ms" if st else "") + ".", "",
              "| reader (every record of that file) | records | records/s (CPU) |", "|---|---:|---:|"]
    for lib, v in w["readers"].items():
        lines.append(f"| {lib} | {v['records']} | {v['records_per_s']} |")
    libs = [lib for lib in ("warcio", "fastwarc", "fastwarc (quirks mode)") if any(lib in row for row in w["edge_cases"].values())]
    lines += ["", "| edge case | " + " | ".join(libs) + " |", "|---|" + "---|" * len(libs)]
    for case, row in w["edge_cases"].items():
        cells = []
        for lib in libs:
            r = row[lib]
            cells.append(("right" if r["ok"] else "**wrong**") + f" ({r['records']} records, {r['short_records']} short"
                         + (f"; {r['error'].split(':')[0]}" if r["error"] else "") + ")")
        lines.append(f"| {case} ({row['expected']}) | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    res = run(args.quick)
    print(json.dumps(res, indent=1, default=str))
    print("\n".join(table(res)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
