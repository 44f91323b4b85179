"""Fast paths of the item pipelines (issue 21) give the same results as the reference code."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.items import Article, Author, Image, to_record, to_record_reference

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _fixture_records() -> list[dict]:
    out = []
    for path in sorted(FIXTURES.glob("*/*/expected.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        out += [r for r in (doc if isinstance(doc, list) else [doc]) if isinstance(r, dict)]
    return out


def _article(record: dict) -> Article:
    """The Article a spider would yield for RECORD (authors and images as objects)."""
    values = {k: v for k, v in record.items() if k in Article.__dataclass_fields__}
    values["authors"] = [Author(**a) for a in record.get("authors") or []]
    values["images"] = [Image(**i) for i in record.get("images") or []]
    return Article(**values, hints={"byline": "x", "_record": {"nested": [1]}})


def _same(a, b) -> bool:
    return a == b and list(a) == list(b) and json.dumps(a) == json.dumps(b)


def test_to_record_equals_the_reference_on_every_fixture_record():
    records = _fixture_records()
    assert len(records) > 50
    for record in records:
        item = _article(record)
        assert _same(to_record(item), to_record_reference(item)), record.get("url")


class _MyAuthor(Author):
    pass


@pytest.mark.parametrize("item", [
    Article(),
    Article(url="https://x.test/a", tags=None, authors=None, images=None),
    Article(tags=("a", "b"), authors=(Author(name="A B"),), images=(Image(url="u"),)),
    Article(authors=[{"name": "C D"}, Author(name="E F")], images=[{"url": "u", "extra": 1}]),
    Article(authors=[_MyAuthor(name="G H", role="r")]),
    Article(tags=[["nested", {"k": Author(name="I J")}]], section={"a": [Image(url="v")]}),
    Article(date_published="2025-06-28", date_modified="2025-06-28T10:00:00+09:00", body_truncated=True),
    Article(date_published="2025-06-28T10:00:00+09:00", is_republication=None, kind=None),
    {"url": "https://x.test/a", "authors": [{"name": "C D"}], "images": None},
])
def test_to_record_equals_the_reference_on_crafted_items(item):
    assert _same(to_record(item), to_record_reference(item))


def test_to_record_copies_containers_and_fails_like_the_reference():
    item = Article(tags=["a"], authors=[Author(name="A B")])
    rec = to_record(item)
    rec["tags"].append("b")
    rec["authors"][0]["name"] = "changed"
    assert item.tags == ["a"] and item.authors[0].name == "A B"
    assert to_record(Article())["tags"] is not to_record(Article())["tags"]
    for bad in (Article(authors="A B"), Article(images=["u"])):
        with pytest.raises(AttributeError):
            to_record_reference(bad)
        with pytest.raises(AttributeError):
            to_record(bad)


# ---------------------------------------------------------------------------- JSON by orjson

import math  # noqa: E402
import uuid  # noqa: E402
from datetime import datetime, timezone  # noqa: E402
from enum import Enum  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from crawler import jsonl  # noqa: E402
from crawler.dedupe.index import record_hash, record_hash_reference  # noqa: E402

#: every character but the surrogates, in strings of 500
_ALL_CHARS = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
_CHUNKS = [_ALL_CHARS[i:i + 500] for i in range(0, len(_ALL_CHARS), 500)]


def test_orjson_is_installed():
    """A declared dependency: without it every line silently takes the slow path."""
    assert jsonl.orjson is not None


def test_lines_and_hashes_equal_json_on_every_character():
    for chunk in _CHUNKS:
        record = {"body": chunk, "authors": [{"name": chunk[:7], "url": None}], "tags": [chunk[-3:]]}
        assert jsonl.dumps_line(record) == jsonl.dumps_line_reference(record)
        assert record_hash(record) == record_hash_reference(record)
    assert jsonl._orjson_writes_as_json({"body": _CHUNKS[0]})


def test_lines_and_hashes_equal_json_on_fixture_records():
    for record in _fixture_records():
        assert jsonl.dumps_line(record) == jsonl.dumps_line_reference(record)
        assert record_hash(record) == record_hash_reference(record)
        item = _article(record)
        assert jsonl.dumps_line(to_record(item)) == jsonl.dumps_line_reference(to_record_reference(item))


class _Colour(Enum):
    RED = "red"


class _Str(str):
    pass


@pytest.mark.parametrize("record", [
    {"a": "\u2028x\u2029", "b": "\n\r\t\b\f\x00\x1f\x7f\"\\/"},
    {"n": [0, -1, 2**63 - 1, -(2**63), 2**64 - 1, True, False, None]},
    {"big": 2**64, "small": -(2**63) - 1},                           # orjson refuses: json writes them
    {"f": 1.0, "g": 1e16, "h": 0.1, "nan": math.nan},               # floats: json's own way
    {"when": datetime(2025, 6, 28, tzinfo=timezone.utc), "id": uuid.UUID(int=1), "e": _Colour.RED},
    {"s": _Str("sub"), "t": ("tuple",), "nested": [{"deep": {"x": 1}}], 3: "int key"},
    {"z": 1, "a": {"y": 2, "b": 3}, "\u00e9": 0, "\U0001F600": 1, "Z": 2},   # key order when sorted
])
def test_lines_and_hashes_equal_json_on_crafted_values(record):
    for sort in (False, True):
        try:
            want = json.dumps(record, ensure_ascii=False, separators=(",", ":"), sort_keys=sort,
                              default=str).encode("utf-8")
        except TypeError as exc:              # json cannot sort int and str keys: neither can we
            with pytest.raises(TypeError):
                jsonl.dumps_json(record, sort_keys=sort, default=str)
            assert "not supported" in str(exc)
            continue
        assert jsonl.dumps_json(record, sort_keys=sort, default=str) == want
    try:
        line = jsonl.dumps_line_reference(record)
    except (TypeError, ValueError) as exc:
        with pytest.raises(type(exc)):
            jsonl.dumps_line(record)
    else:
        assert jsonl.dumps_line(record) == line


def test_a_lone_surrogate_fails_as_before():
    for fn in (jsonl.dumps_line, jsonl.dumps_line_reference):
        with pytest.raises(UnicodeEncodeError):
            fn({"body": "a\ud800b"})
    with pytest.raises(UnicodeEncodeError):
        record_hash({"body": "a\ud800b"})


_LEAF = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70), st.text())


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(), st.one_of(_LEAF, st.lists(_LEAF), st.lists(st.dictionaries(st.text(), _LEAF)))))
def test_lines_and_hashes_equal_json_on_random_records(record):
    try:
        want = jsonl.dumps_line_reference(record)
    except UnicodeEncodeError:
        with pytest.raises(UnicodeEncodeError):
            jsonl.dumps_line(record)
        return
    assert jsonl.dumps_line(record) == want
    assert record_hash(record) == record_hash_reference(record)


# ---------------------------------------------------------------------------- the pipeline bench


def test_pipeline_bench_passes_items_through_every_project_pipeline():
    """benchmarks/pipeline_cost.py times the project's pipelines themselves: every one is built,
    every item is written (the writer's signal reaches the dedupe store), each pipeline is timed."""
    from benchmarks.pipeline_cost import one_round
    from crawler import settings as project

    by_url = {r["url"]: r for r in _fixture_records() if r.get("kind") == "article" and r.get("source") == "conversation"}
    records = list(by_url.values())[:3]
    items = []
    for r in records:
        item = _article(r)
        item.hints = {}
        item.story_id = item.item_id = None      # as the spider yields them: the pipelines fill these
        items.append(item)
    spent, written, stats = one_round(items)
    assert set(spent) == {path.rsplit(".", 1)[1] for path in project.ITEM_PIPELINES}
    assert written == len(items) == stats["jsonl/written"] == stats["dedupe/new_story"] > 0
    assert all(v >= 0 for v in spent.values()) and spent["DedupePipeline"] > 0
