"""The performance shortcuts give exactly the results of the slow paths they replace.

* the compiled schema check accepts exactly what jsonschema accepts;
* the one-pass <meta> index answers ``meta``/``metas`` like the XPath queries;
* ``page_selector`` builds the same lxml tree as ``response.selector``;
* the benchmark's corpus padding adds chrome without changing what the parser extracts.
"""
from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import pytest
from lxml import etree
from parsel import Selector
from scrapy.http import Headers, HtmlResponse
from scrapy.responsetypes import responsetypes

from crawler.extract import structured
from crawler.golden import FIXTURES
from crawler.items import to_record
from crawler.schema import compile_check, fast_check, schema, validator
from crawler.spiders.base import page_selector
from crawler.text import clean

RECORDS = [r for p in sorted(FIXTURES.rglob("expected.json")) for r in json.loads(p.read_text(encoding="utf-8"))]
ODD_VALUES = [None, "", " ", "x", "ab", "abc", "http://a.b/", "https://a.b/c", "ftp://a", 0, 1, 1.5, True, False,
              [], [""], ["tag"], [1], {}, {"name": "A"}, "2025-06-28", "2025-06-28T09:30:00Z",
              "2025-06-28T09:30:00+09:00", "2025-06-28T09:30", "28 June 2025", "conversation", "brief", "weird",
              "kyodo:123", "kyodo:", "en", "en-GB", "english", "e"]


def test_fixture_records_exist():
    assert len(RECORDS) > 40


def test_compiled_check_matches_jsonschema_on_fixture_records_and_mutations():
    fast, full = fast_check(), validator()
    assert fast is not None  # the record schema only uses keywords the compiler knows
    rng = random.Random(5)
    checked = rejected = 0
    for rec in RECORDS:
        variants = [rec]
        for key in list(rec):
            gone = dict(rec)
            del gone[key]
            variants.append(gone)
            for value in rng.sample(ODD_VALUES, 8):
                variants.append(dict(rec, **{key: value}))
        variants.append(dict(rec, hints={}))  # an unknown key (additionalProperties: false)
        for sub in ("authors", "images"):
            if rec.get(sub):
                for k in rec[sub][0]:
                    for value in (None, "", 3, "x"):
                        v = copy.deepcopy(rec)
                        v[sub][0][k] = value
                        variants.append(v)
                    v = copy.deepcopy(rec)
                    del v[sub][0][k]
                    variants.append(v)
                v = copy.deepcopy(rec)
                v[sub][0]["extra"] = "x"
                variants.append(v)
        for v in variants:
            expected = full.is_valid(v)
            assert fast(v) == expected, (v.get("url"), {k: v.get(k) for k in v if v.get(k) != rec.get(k)})
            checked += 1
            rejected += not expected
    assert rejected > 100 and checked - rejected > 100


def test_unknown_keyword_is_not_compiled():
    assert compile_check({"type": "string", "format": "uri"}) is None
    assert compile_check({"properties": {"a": {"maximum": 3}}}) is None
    assert compile_check({"properties": {}, "additionalProperties": {"type": "string"}}) is None
    strict = compile_check({"properties": {"a": {}}, "additionalProperties": False})
    assert strict({"a": 1}) and not strict({"a": 1, "b": 2}) and strict("not an object")
    assert compile_check({"type": ["string", "null"], "minLength": 2}) is not None
    assert schema()["type"] == "object"


def _meta_names(sel: Selector) -> set[str]:
    names = {"nonexistent", "og:title", "description"}
    for el in sel.root.iter("meta"):
        names |= {el.get(a) for a in ("name", "property", "itemprop") if el.get(a) and '"' not in el.get(a)}
    return names


@pytest.mark.parametrize("page", sorted(FIXTURES.rglob("*.html")), ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_meta_index_answers_like_xpath(page: Path):
    sel = Selector(text=page.read_text(encoding="utf-8", errors="replace"))
    for name in _meta_names(sel):
        old = clean(sel.xpath(f'//meta[@name="{name}" or @property="{name}" or @itemprop="{name}"]/@content').get())
        assert structured.meta(sel, name) == old
        old_all = [c for c in (clean(v) for v in sel.xpath(f'//meta[@name="{name}" or @property="{name}"]/@content').getall()) if c]
        assert structured.metas(sel, name) == old_all
    body = sel.xpath("//body")
    if body:  # a selector inside the page answers for the whole document, as // does
        assert structured.meta(body[0], "og:title") == structured.meta(sel, "og:title")


def test_meta_index_edge_cases():
    sel = Selector(text='<html><head><meta name="a" content="  "><meta property="a" content="two">'
                        '<meta itemprop="b" content="ip"><meta name="c"><meta name="c" content="c2">'
                        '<meta name="d" property="d" content="once"></head></html>')
    assert structured.meta(sel, "a") is None  # the first one is blank: no fallback to the second
    assert structured.metas(sel, "a") == ["two"]
    assert structured.meta(sel, "b") == "ip" and structured.metas(sel, "b") == []
    assert structured.meta(sel, "c") == "c2"
    assert structured.metas(sel, "d") == ["once"]
    assert structured.meta(sel, "x", "b") == "ip"


def _responses(body: bytes, headers: dict, url: str = "https://example.com/a"):
    h = Headers(headers)
    cls = responsetypes.from_args(headers=h, url=url, body=body)
    return cls(url=url, headers=h, body=body), cls(url=url, headers=h, body=body)


@pytest.mark.parametrize("meta_path", sorted(FIXTURES.rglob("*.meta.json")), ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}/{p.name}")
def test_page_selector_builds_the_same_tree(meta_path: Path):
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if not meta.get("body"):
        pytest.skip("no body")
    body = (meta_path.parent / meta["body"]).read_bytes()
    slow, fast = _responses(body, meta.get("headers") or {}, meta["url"])
    if not hasattr(slow, "selector"):
        pytest.skip("not a text response")
    a, b = slow.selector, page_selector(fast)
    assert etree.tostring(a.root) == etree.tostring(b.root)
    assert a.root.base == b.root.base
    assert page_selector(fast) is b and fast.selector is b  # built once, shared


@pytest.mark.parametrize("body", [
    b"\xef\xbb\xbf<html><body><p>x</p></body></html>",
    "<html><p>caf\u00e9 \u00a0</p></html>\u00a0".encode(),
    b"<html><p>bad \xff byte</p></html>",
    b"  <html><p>x\x00y</p></html>  ",
    b"",
    b"<html><head><base href='/sub/'></head><p>&amp; &nbsp;</p></html>",
    "<html><head><meta charset='iso-8859-1'></head><p>caf\u00e9</p></html>".encode(),
])
def test_page_selector_edge_cases(body: bytes):
    for headers in ({"Content-Type": "text/html; charset=utf-8"}, {"Content-Type": "text/html"},
                    {"Content-Type": "text/html; charset=iso-8859-1"}):
        slow, fast = _responses(body, headers)
        a, b = slow.selector, page_selector(fast)
        assert etree.tostring(a.root) == etree.tostring(b.root)
        assert a.root.base == b.root.base


def test_corpus_padding_keeps_extraction():
    from benchmarks.corpus import _WORD, article_cases, pad
    from crawler.sites.base import choose_page
    from crawler.spiders.conversation import ConversationSpider

    cases = list(article_cases({"conversation"}))
    assert cases
    for case, _ in cases:
        meta = json.loads((case.folder / "page.meta.json").read_text(encoding="utf-8"))
        page = (case.folder / meta["body"]).read_text(encoding="utf-8")
        vocab = sorted({w.lower() for w in _WORD.findall(page)})
        padded = pad(page, random.Random(1), vocab, 190)
        assert 185 * 1024 < len(padded.encode("utf-8")) < 215 * 1024
        out = []
        for text in (page, padded):
            sel = Selector(text=text)
            cls = choose_page(ConversationSpider.page_classes, sel, meta["url"])
            out.append([to_record(i) for i in cls(sel, meta["url"], meta.get("fetched_at")).items()])
        assert out[0] == out[1], case.name
