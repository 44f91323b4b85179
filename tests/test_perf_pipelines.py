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
