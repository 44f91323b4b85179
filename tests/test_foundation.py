"""Unit tests of the foundation's pure pieces: items, replay index, JSONL, lock, health, feeds."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from crawler import health
from crawler.extract.feeds import parse_feed, parse_sitemap, sniff
from crawler.items import RECORD_KEYS, Article, Author, Image, to_record
from crawler.jsonl import dumps_line, read_jsonl, repair_torn_tail
from crawler.lock import Locked, StateLock
from crawler.pipelines.defaults import fill_defaults
from crawler.replay import ReplayIndex, url_keys
from crawler.schema import errors as schema_errors
from crawler.text import clean, fix_mojibake, join_paragraphs


# ---------------------------------------------------------------- items and schema
def test_record_has_every_key_with_empty_defaults():
    rec = to_record(Article(url="https://x.test/a", source="kyodo", item_id="kyodo:1"))
    assert tuple(rec) == RECORD_KEYS
    assert rec["tags"] == [] and rec["authors"] == [] and rec["images"] == []
    assert rec["headline"] is None and rec["is_republication"] is False
    assert "hints" not in rec


def test_record_of_nested_dataclasses_and_dicts():
    art = Article(url="https://x.test/a", authors=[Author(name="A B")], images=[Image(url="https://x.test/i.jpg")])
    rec = to_record(art)
    assert rec["authors"] == [{"name": "A B", "name_raw": None, "affiliation": None, "role": None, "url": None}]
    rec2 = to_record({"url": "https://x.test/a", "authors": [{"name": "C D"}]})
    assert rec2["authors"][0]["role"] is None and rec2["tags"] == []


def test_schema_rejects_a_bad_date_and_accepts_a_good_record():
    art = fill_defaults(Article(url="http://x.test/a", source="kyodo", fetched_at="2025-06-28T00:00:00Z"))
    rec = to_record(art)
    assert schema_errors(rec) == []
    assert rec["canonical_url"] == "http://x.test/a"
    rec["date_published"] = "28/06/2025"
    assert schema_errors(rec), "a non-ISO date must not validate"
    rec["date_published"] = "2025-06-28T18:40:00+09:00"
    assert schema_errors(rec) == []


def test_schema_names_exactly_the_record_keys_and_requires_them_all():
    """Items, schema and writer agree: every contract key is required, no other key is allowed
    (a record carrying the internal ``hints``, or a key renamed by mistake, does not validate)."""
    from crawler.schema import schema

    doc = schema()
    assert tuple(doc["properties"]) == RECORD_KEYS
    assert sorted(doc["required"]) == sorted(RECORD_KEYS)
    assert doc["additionalProperties"] is False
    for sub in ("authors", "images"):
        item = doc["properties"][sub]["items"]
        assert item["additionalProperties"] is False and sorted(item["required"]) == sorted(item["properties"])


def test_schema_rejects_unknown_keys_and_a_missing_doi():
    rec = to_record(fill_defaults(Article(url="https://x.test/a", source="kyodo", fetched_at="2025-06-28T00:00:00Z")))
    assert schema_errors(rec) == []
    assert schema_errors(dict(rec, hints={"dedupe": [1, 2]})), "the internal hints key must not validate"
    assert schema_errors({k: v for k, v in rec.items() if k != "doi"}), "doi is a contract key: required"
    with_author = dict(rec, authors=[{"name": "A B", "name_raw": None, "affiliation": None, "role": None,
                                      "url": None, "email": "a@b.test"}])
    assert schema_errors(with_author), "an author with an unknown key must not validate"


@pytest.mark.parametrize("published, precision", [
    ("2025-06-28", "day"), ("2025-06-28T18:40:00+09:00", "instant"), ("2025-06-28T09:40:00Z", "instant"), (None, None)])
def test_date_published_precision_says_what_the_date_holds(published, precision):
    rec = to_record(fill_defaults(Article(url="https://x.test/a", source="kyodo", fetched_at="2025-06-28T00:00:00Z",
                                          date_published=published)))
    assert rec["date_published_precision"] == precision
    assert schema_errors(rec) == []
    assert schema_errors(dict(rec, date_published_precision="hour")), "only instant, day or null"


def test_defaults_fill_ids_and_force_https_canonical():
    art = fill_defaults(Article(url="https://x.test/a", canonical_url="http://x.test/a", source="jiji"))
    assert art.canonical_url == "https://x.test/a"
    assert art.item_id.startswith("jiji:") and len(art.item_id) == len("jiji:") + 16
    assert art.publisher == "Jiji Press" and art.original_publisher == "Jiji Press"
    again = fill_defaults(Article(url="https://x.test/a", canonical_url="https://x.test/a", source="jiji"))
    assert again.item_id == art.item_id, "item_id must be stable"


# ---------------------------------------------------------------- text
@pytest.mark.parametrize("raw,fixed", [
    ("Japan\u00e2\u20ac\u2122s", "Japan\u2019s"),
    ("T\u00c5\u008dky\u00c5\u008d", "T\u014dky\u014d"),
    ("National \u00e2\u20ac\u00ba Title", "National \u203a Title"),
    ("already fine \u2019", "already fine \u2019"),
    ("caf\u00e9", "caf\u00e9"),
])
def test_fix_mojibake(raw, fixed):
    assert fix_mojibake(raw) == fixed


def test_clean_and_paragraphs():
    assert clean("  a\u00a0 b\n c ") == "a b c"
    assert clean(" \n ") is None
    assert join_paragraphs(["a  b", "", None, " c"]) == "a b\n\nc"


# ---------------------------------------------------------------- replay
def _entry(folder, name, url, body=b"<html></html>", status=200):
    (folder / f"{name}.html").write_bytes(body)
    (folder / f"{name}.meta.json").write_text(json.dumps(
        {"url": url, "status": status, "headers": {"Content-Type": "text/html"}, "body": f"{name}.html",
         "fetched_at": "2025-01-01T00:00:00Z"}))


def test_replay_index_matches_after_canonicalisation(tmp_path):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    _entry(sub, "p", "https://jen.jiji.com/jc/eng?g=eco&k=2025062800612")
    _entry(tmp_path, "q", "http://www.japantimes.co.jp/news/2017/01/07/x/")
    (tmp_path / "broken.meta.json").write_text("{not json")
    idx = ReplayIndex(tmp_path)
    assert len(idx) == 2 and idx.errors
    assert idx.find("https://jen.jiji.com/jc/eng?k=2025062800612&g=eco") == sub / "p.meta.json"
    assert idx.find("https://www.japantimes.co.jp/news/2017/01/07/x") == tmp_path / "q.meta.json"
    assert idx.find("https://jen.jiji.com/jc/eng?g=eco&k=2025062800613") is None
    assert url_keys("https://a.test/x#frag")[0] == "https://a.test/x"


# ---------------------------------------------------------------- jsonl
def test_torn_tail_is_cut_and_kept(tmp_path):
    path = tmp_path / "x.jsonl"
    good = dumps_line({"a": 1}) + dumps_line({"b": "\u00e9"})
    path.write_bytes(good + b'{"c": tr')
    torn = repair_torn_tail(path)
    assert torn == b'{"c": tr'
    assert path.read_bytes() == good
    assert (tmp_path / "x.jsonl.torn").read_bytes() == b'{"c": tr\n'
    assert read_jsonl(path) == [{"a": 1}, {"b": "\u00e9"}]
    assert repair_torn_tail(path) == b"", "a whole file is left alone"


def test_jsonl_lines_escape_line_and_paragraph_separators():
    line = dumps_line({"body": "one\u2028two\u2029three \u00e9"})
    text = line.decode("utf-8")
    assert "\u2028" not in text and "\u2029" not in text and "\u00e9" in text
    assert text.splitlines() == [text[:-1]]  # one line, whatever splits it
    assert json.loads(text) == {"body": "one\u2028two\u2029three \u00e9"}


def test_project_readers_split_jsonl_at_newlines_only(tmp_path):
    from crawler.golden import read_records

    # a file written by another tool, with raw separators inside the records
    rec = [{"kind": "article", "item_id": "a", "body": "x\u2028y\u0085z\x1cw"}, {"kind": "article", "item_id": "b"}]
    (tmp_path / "out.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rec), encoding="utf-8")
    assert read_records(tmp_path) == rec


def test_torn_single_line_file_becomes_empty(tmp_path):
    path = tmp_path / "y.jsonl"
    path.write_bytes(b'{"half": ')
    repair_torn_tail(path)
    assert path.read_bytes() == b""


# ---------------------------------------------------------------- lock
def test_second_lock_is_refused_with_the_holder_named(tmp_path):
    with StateLock(tmp_path):
        with pytest.raises(Locked) as exc:
            StateLock(tmp_path).acquire()
        assert f"pid {os.getpid()}" in str(exc.value)
    StateLock(tmp_path).acquire().release()  # free again


def test_lock_of_a_killed_process_is_taken_over(tmp_path):
    code = ("import sys,time; sys.path.insert(0, %r); from crawler.lock import StateLock;"
            "StateLock(%r).acquire(); print('held', flush=True); time.sleep(60)") % (os.getcwd(), str(tmp_path))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    with pytest.raises(Locked):
        StateLock(tmp_path).acquire()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    lock = StateLock(tmp_path).acquire()
    assert lock.previous.get("pid") == proc.pid
    lock.release()


# ---------------------------------------------------------------- health
def test_health_rules():
    ok = {"item_scraped_count": 5, "field/headline/present": 5, "field/date_published/present": 5,
          "field/body/present": 5, "field/authors/present": 5}
    assert health.evaluate("conversation", ok) == []
    drift = dict(ok, **{"field/headline/present": 4, "field/headline/missing": 1})
    assert [r for r, _ in health.evaluate("conversation", drift)] == ["coverage"]
    assert [r for r, _ in health.evaluate("kyodo", {})] == ["zero_items"]
    wall = dict(ok, **{"health/challenge": 1})
    assert "bot_wall" in [r for r, _ in health.evaluate("kyodo", wall)]
    robots = dict(ok, **{"robotstxt/forbidden": 3})
    assert "robots_refused" in [r for r, _ in health.evaluate("conversation", robots)]
    no_authors = dict(ok, **{"field/authors/present": 0, "field/authors/missing": 5})
    assert health.evaluate("kyodo", no_authors) == []
    assert [r for r, _ in health.evaluate("conversation", no_authors)] == ["coverage"]


# ---------------------------------------------------------------- feeds: hostile XML
def test_external_entity_is_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    xml = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}">]>'
           '<rss><channel><item><title>&x;</title><link>https://a.test/1</link></item></channel></rss>').encode()
    entries = parse_feed(xml)
    assert entries and entries[0].link == "https://a.test/1"
    assert "TOP-SECRET" not in (entries[0].title or "")


def test_billion_laughs_does_not_expand():
    lol = '<!ENTITY a0 "lol">' + "".join(f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE r [{lol}]>'
           '<rss><channel><item><title>&a9;</title><link>https://a.test/1</link></item></channel></rss>').encode()
    t0 = time.monotonic()
    entries = parse_feed(xml)
    assert time.monotonic() - t0 < 5
    assert all(len(e.title or "") < 1000 for e in entries)


def test_sniff_and_sitemap():
    sm = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
          b"<url><loc>https://a.test/x-1</loc><lastmod>2025-01-02T00:00:00Z</lastmod></url></urlset>")
    assert sniff(sm) == "sitemap"
    assert parse_sitemap(sm) == ([("https://a.test/x-1", "2025-01-02T00:00:00Z")], [])
    assert sniff(b"<!DOCTYPE html><html><body>rss</body></html>") is None
    assert parse_feed(b"not xml at all") == []


def test_replay_index_finds_every_fixture_by_its_url_and_loose_variants():
    # the compact index (hashed keys, relative paths) answers like a text-keyed one
    from crawler.golden import FIXTURES

    idx = ReplayIndex(FIXTURES)
    metas = sorted(FIXTURES.rglob("*.meta.json"))
    assert len(idx) > 40 and not idx.errors
    by_strict: dict = {}
    for meta_path in metas:
        url = json.loads(meta_path.read_text(encoding="utf-8"))["url"]
        expected = by_strict.setdefault(url_keys(url)[0], meta_path)  # the first file of a URL wins
        assert idx.find(url) == expected
        host_path = url.split("://", 1)[1]
        assert idx.find("http://" + host_path.rstrip("/")) is not None
    assert idx.find("https://nowhere.example/") is None


def test_urls_file_seeds_are_read_as_the_crawl_goes(tmp_path):
    from crawler.spiders.jiji import JijiSpider
    from crawler.spiders.kyodo import KyodoSpider

    urls = tmp_path / "urls.txt"
    urls.write_text("# a comment\n\nhttps://english.kyodonews.net/news/a\n  https://english.kyodonews.net/news/b  \n",
                    encoding="utf-8")
    spider = KyodoSpider(urls_file=str(urls))
    seeds = spider.iter_seed_urls()
    assert next(seeds) == "https://english.kyodonews.net/news/a"
    # the rest of the file is not read yet: a line appended now is still seen
    with open(urls, "a", encoding="utf-8") as fh:
        fh.write("https://english.kyodonews.net/news/c\n")
    assert list(seeds) == ["https://english.kyodonews.net/news/b", "https://english.kyodonews.net/news/c"]
    assert spider.seed_urls() == [f"https://english.kyodonews.net/news/{x}" for x in "abc"]
    # a site's per-seed normalisation applies to file seeds too
    urls.write_text("https://jen.jiji.com/jc/eng?g=int&amp;k=2025062800512\n", encoding="utf-8")
    assert JijiSpider(urls_file=str(urls)).seed_urls() == ["https://jen.jiji.com/jc/eng?g=int&k=2025062800512"]
