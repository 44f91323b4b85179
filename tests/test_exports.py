"""Scrapy's feed exports (-o/-O/FEEDS) give the contract record (crawler/exporters.py), and
``crawlall -O`` writes one valid file or is refused (crawler/feedparts.py)."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from xml.etree import ElementTree

import pytest
from scrapy.settings import Settings

from crawler.exporters import RECORD_EXPORTERS, RecordExportsAddon, csv_cell
from crawler.feedparts import Unjoinable, join, part_paths, plan
from crawler.golden import ROOT
from crawler.items import RECORD_KEYS
from crawler.jsonl import read_jsonl
from crawler.schema import errors as schema_errors

FORMATS = ("jsonl", "json", "csv", "xml")


def scrapy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def replay_run(command: list[str], work: Path) -> tuple[subprocess.CompletedProcess, dict[str, Path]]:
    """COMMAND over the fixtures in replay, with -O to one file per format under WORK."""
    feeds = {fmt: work / f"feed.{fmt}" for fmt in FORMATS}
    overwrite = [arg for fmt in FORMATS for arg in ("-O", str(feeds[fmt]))]
    proc = scrapy(*command, "-s", f"REPLAY_DIR={ROOT / 'fixtures'}", "-s", f"OUTPUT_DIR={work / 'out'}",
                  "-s", f"STATE_DIR={work / 'state'}", "-s", "LOG_LEVEL=WARNING", *overwrite)
    return proc, feeds


def written(work: Path) -> list[dict]:
    """What the project's JSONL writer wrote, every spider."""
    return [r for f in sorted((work / "out").glob("*/*.jsonl")) for r in read_jsonl(f)]


def csv_records(path: Path, like: list[dict]) -> list[dict]:
    """The CSV rows read back into records: a text cell as it is, an empty cell null, any other
    cell decoded as JSON (what the CSV exporter promises)."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == RECORD_KEYS
        rows = list(reader)
    out = []
    for row, record in zip(rows, like):
        out.append({k: row[k] if isinstance(record[k], str) else (None if row[k] == "" else json.loads(row[k]))
                    for k in RECORD_KEYS})
    assert len(rows) == len(like)
    return out


def xml_items(path: Path) -> list[ElementTree.Element]:
    root = ElementTree.parse(path).getroot()
    assert root.tag == "items"
    return list(root)


def check_feeds(feeds: dict[str, Path], records: list[dict]) -> None:
    """Every format holds exactly RECORDS (the JSONL writer's), each valid against the schema."""
    assert records, "the crawl wrote nothing: nothing was compared"
    by_id = {r["item_id"]: r for r in records}
    assert len(by_id) == len(records)

    jsonl = read_jsonl(feeds["jsonl"])
    assert sorted(jsonl, key=lambda r: r["item_id"]) == sorted(records, key=lambda r: r["item_id"])
    for record in jsonl:
        assert "hints" not in record
        assert schema_errors(record) == [], record["url"]

    exported = json.loads(feeds["json"].read_text(encoding="utf-8"))
    assert {r["item_id"]: r for r in exported} == by_id and len(exported) == len(records)

    text = feeds["csv"].read_text(encoding="utf-8")
    assert "Image(" not in text and "Author(" not in text and "hints" not in text
    in_order = [by_id[r["item_id"]] for r in exported]
    back = csv_records(feeds["csv"], in_order)
    assert back == in_order
    assert all(schema_errors(r) == [] for r in back)

    items = xml_items(feeds["xml"])
    assert len(items) == len(records)
    for item in items:
        assert [child.tag for child in item] == list(RECORD_KEYS)
        record = by_id[item.findtext("item_id")]
        assert item.findtext("headline") == record["headline"]
        assert item.findtext("is_republication") == json.dumps(record["is_republication"])
        assert [v.text for v in item.find("tags")] == record["tags"]
        assert [a.findtext("name") for a in item.find("authors")] == [a["name"] for a in record["authors"]]
        assert [i.findtext("url") for i in item.find("images")] == [i["url"] for i in record["images"]]
        for key in RECORD_KEYS:
            if record[key] is None:
                assert (item.findtext(key) or "") == "", key


def test_crawl_exports_are_the_written_records(tmp_path):
    """`scrapy crawl conversation -O x.jsonl -O x.json -O x.csv -O x.xml` in replay: every file holds
    what the JSONL writer wrote; the JSON lines are byte for byte the writer's lines."""
    proc, feeds = replay_run(["crawl", "conversation"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = written(tmp_path)
    assert any(r["authors"] for r in records) and any(r["images"] for r in records), "no nested values exported"
    check_feeds(feeds, records)
    (writer_file,) = (tmp_path / "out" / "conversation").glob("*.jsonl")
    assert feeds["jsonl"].read_bytes() == writer_file.read_bytes()


def test_crawlall_overwrite_writes_one_valid_file_per_feed(tmp_path):
    """`scrapy crawlall -O all.<fmt>`: five spiders, one process, each feed one valid file holding
    every spider's records (the bug: spiders overwrote each other, invalid JSON, exit 0)."""
    proc, feeds = replay_run(["crawlall"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = written(tmp_path)
    assert len({r["source"] for r in records}) == 5
    report = json.loads(sorted((tmp_path / "out" / "reports").glob("run-*.json"))[-1].read_text())
    assert len(records) == sum(s["items"]["written"] for s in report["spiders"])
    check_feeds(feeds, records)
    assert not list(tmp_path.glob("*.part")), "part files left behind"


def test_crawlall_overwrite_twice_replaces_the_file(tmp_path):
    """-O means overwrite: a second crawlall (nothing new to write) leaves an empty feed."""
    first, feeds = replay_run(["crawlall"], tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert read_jsonl(feeds["jsonl"])
    second, feeds = replay_run(["crawlall"], tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert read_jsonl(feeds["jsonl"]) == []
    assert json.loads(feeds["json"].read_text()) == []
    assert xml_items(feeds["xml"]) == []


@pytest.mark.parametrize("target", ["ftp://example.org/all.jsonl", "out/all-%(time)s.jsonl"])
def test_crawlall_refuses_a_feed_it_cannot_join(tmp_path, target):
    proc = scrapy("crawlall", "-s", f"REPLAY_DIR={ROOT / 'fixtures'}", "-s", f"OUTPUT_DIR={tmp_path / 'out'}",
                  "-s", f"STATE_DIR={tmp_path / 'state'}", "-s", "LOG_LEVEL=WARNING",
                  "-O", target)
    assert proc.returncode == 2, proc.stderr[-3000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "%(name)s" in lines[0], proc.stderr
    assert not (tmp_path / "out").exists(), "the run started"


def test_crawlall_to_stdout_prints_one_valid_feed(tmp_path):
    """`scrapy crawlall -O -:jsonl`: the spiders' records on stdout, whole lines only, nothing else."""
    proc = scrapy("crawlall", "jiji", "kyodo", "-s", f"REPLAY_DIR={ROOT / 'fixtures'}",
                  "-s", f"OUTPUT_DIR={tmp_path / 'out'}", "-s", f"STATE_DIR={tmp_path / 'state'}",
                  "-s", "LOG_LEVEL=WARNING", "-O", "-:jsonl")
    assert proc.returncode == 0, proc.stderr[-3000:]
    printed = [json.loads(line) for line in proc.stdout.split("\n") if line]
    records = written(tmp_path)
    assert {r["source"] for r in records} == {"jiji", "kyodo"}
    assert sorted(printed, key=lambda r: r["item_id"]) == sorted(records, key=lambda r: r["item_id"])


def test_crawlall_per_spider_feed_is_left_to_scrapy(tmp_path):
    proc = scrapy("crawlall", "jiji", "kyodo", "-s", f"REPLAY_DIR={ROOT / 'fixtures'}",
                  "-s", f"OUTPUT_DIR={tmp_path / 'out'}", "-s", f"STATE_DIR={tmp_path / 'state'}",
                  "-s", "LOG_LEVEL=WARNING", "-O", str(tmp_path / "feed-%(name)s.jsonl"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    for spider in ("jiji", "kyodo"):
        (writer_file,) = (tmp_path / "out" / spider).glob("*.jsonl")
        assert (tmp_path / f"feed-{spider}.jsonl").read_bytes() == writer_file.read_bytes()


# --- the pure parts -------------------------------------------------------------------------

def test_plan_points_each_spider_at_a_part_and_keeps_per_spider_feeds():
    feeds = {"out/all.jsonl": {"format": "jsonlines", "overwrite": True}, "out/%(name)s.csv": {"format": "csv"},
             "stdout:": {"format": "json"}}
    new, joins = plan(feeds, 3, "/tmp/s")
    assert new == {"out/all.jsonl.%(name)s.part": feeds["out/all.jsonl"], "out/%(name)s.csv": feeds["out/%(name)s.csv"],
                   "/tmp/s/stdout.%(name)s.part": feeds["stdout:"]}
    assert joins == {"out/all.jsonl": ("out/all.jsonl", feeds["out/all.jsonl"]),
                     "stdout:": ("/tmp/s/stdout", feeds["stdout:"])}
    assert plan(feeds, 1) == (feeds, {})


@pytest.mark.parametrize("uri, options, why", [
    ("s3://bucket/all.jsonl", {"format": "jsonlines"}, "not a local file"),
    ("stdout:", {"format": "jsonlines"}, "not a local file"),   # no scratch folder given
    ("all-%(batch_id)d.jsonl", {"format": "jsonlines", "batch_item_count": 10}, "URI parameters"),
    ("all.jsonl", {"format": "jsonlines", "batch_item_count": 10}, "batches"),
    ("all.jsonl.gz", {"format": "jsonlines", "postprocessing": ["scrapy.extensions.postprocessing.GzipPlugin"]},
     "post-processed"),
    ("all.parquet", {"format": "parquet"}, "cannot be joined"),
])
def test_plan_refuses_what_it_cannot_join(uri, options, why):
    with pytest.raises(Unjoinable, match=why):
        plan({uri: options}, 2)


def write_parts(path: Path, parts: dict[str, bytes]) -> list[str]:
    for name, data in parts.items():
        part_paths(str(path), [name])[0].write_bytes(data)
    return list(parts)


def test_join_csv_keeps_one_header_and_quoted_newlines(tmp_path):
    target = tmp_path / "all.csv"
    names = write_parts(target, {"empty": b"", "a": b'h1,h2\r\n"x\ny",1\r\n', "b": b"", "c": b'h1,h2\r\nz,2\r\n'})
    assert join(str(target), str(target), {"format": "csv", "overwrite": True}, names + ["never-started"]) == 4
    assert list(csv.reader(target.open(newline=""))) == [["h1", "h2"], ["x\ny", "1"], ["z", "2"]]
    assert not list(tmp_path.glob("*.part"))


def test_join_json_and_xml_give_one_document(tmp_path):
    target = tmp_path / "all.json"
    names = write_parts(target, {"a": b'[\n{"i": 1},\n{"i": 2}\n]', "b": b"[]", "c": b'[{"i": 3}]'})
    join(str(target), str(target), {"format": "json", "overwrite": True}, names)
    assert json.loads(target.read_text()) == [{"i": 1}, {"i": 2}, {"i": 3}]
    xml = tmp_path / "all.xml"
    head = b'<?xml version="1.0" encoding="utf-8"?>\n'
    names = write_parts(xml, {"a": head + b"<items>\n<item><i>1</i></item>\n</items>",
                              "b": head + b"<items></items>", "c": head + b"<items><item><i>2</i></item></items>"})
    stdout = BytesIO()
    join("stdout:", str(xml), {"format": "xml"}, names, stdout=stdout)
    assert [e.findtext("i") for e in ElementTree.fromstring(stdout.getvalue())] == ["1", "2"]


def test_join_appends_without_overwrite_and_keeps_parts_of_a_broken_document(tmp_path):
    target = tmp_path / "all.jsonl"
    target.write_bytes(b'{"i":0}\n')
    names = write_parts(target, {"a": b'{"i":1}\n', "b": b'{"i":2}\n'})
    join(str(target), str(target), {"format": "jsonlines"}, names)
    assert target.read_bytes() == b'{"i":0}\n{"i":1}\n{"i":2}\n'
    broken = tmp_path / "all.json"
    names = write_parts(broken, {"a": b'[{"i": 1}'})
    broken.write_bytes(b"[]")
    with pytest.raises(ValueError, match="not a whole"):
        join(str(broken), str(broken), {"format": "json", "overwrite": True}, names)
    assert part_paths(str(broken), names)[0].exists() and broken.read_bytes() == b"[]"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.json", "all.json.a.part", "all.jsonl"]


def test_csv_cells_are_text_or_json():
    assert csv_cell("a, b") == "a, b"
    assert csv_cell(None) == ""
    assert csv_cell(False) == "false"
    assert csv_cell([{"url": "u", "caption": None}]) == '[{"url":"u","caption":null}]'


def test_addon_registers_every_format_and_keeps_a_users_exporter():
    settings = Settings({"FEED_EXPORTERS": {"csv": "my.CsvExporter"}}, priority="project")
    RecordExportsAddon().update_settings(settings)
    exporters = settings.getdict("FEED_EXPORTERS")
    assert exporters["csv"] == "my.CsvExporter"
    assert {k: v for k, v in exporters.items() if k != "csv"} == {k: v for k, v in RECORD_EXPORTERS.items() if k != "csv"}
    assert set(RECORD_EXPORTERS) == set(Settings().getdict("FEED_EXPORTERS_BASE"))


def test_jsonlines_exporter_lines_are_the_writers_and_other_encodings_stay_scrapys(tmp_path):
    """The exporter on its own: UTF-8 lines are dumps_line's (U+2028 escaped, as the writer does);
    with no encoding Scrapy's ASCII-escaped JSON, still the record and not the item."""
    from crawler.exporters import JsonLinesRecordExporter
    from crawler.items import Article, Author, to_record
    from crawler.jsonl import dumps_line

    item = Article(url="https://x.example/a", headline="Tōkyō\u2028line", authors=[Author(name="A")],
                   hints={"signature": b"\x00"})
    utf8 = BytesIO()
    JsonLinesRecordExporter(utf8, encoding="utf-8").export_item(item)
    assert utf8.getvalue() == dumps_line(to_record(item)) and b"\\u2028" in utf8.getvalue()
    ascii_ = BytesIO()
    JsonLinesRecordExporter(ascii_).export_item(item)
    assert ascii_.getvalue().isascii() and json.loads(ascii_.getvalue()) == to_record(item)
