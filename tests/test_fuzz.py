"""Property and fuzz tests: hostile or broken input never raises, never writes a bad record.

* crawler.dates / crawler.attribution: any text (and odd types) in, no exception out, outputs
  well-formed (test_dates_property.py covers parse_date in depth; here: resolve and friends).
* every site parser (the page classes of each spider, picked with choose_page) fed mutated
  fixture pages: elements removed, texts swapped, attributes garbled, JSON-LD broken, the page
  truncated. No exception escapes ``page.items()``; every item, after fill_defaults and the
  attribution and date pipelines, either validates against the JSON Schema or is dropped by the
  CoveragePipeline with a counted reason (``items/dropped/schema``).

Example counts are modest (the file runs in well under a minute on two cores); set
``HYPOTHESIS_PROFILE=fuzz-long`` for a longer local run.
"""
from __future__ import annotations

import copy
import json
import os
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree, html as lxml_html
from parsel import Selector
from scrapy.exceptions import DropItem
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler import attribution, dates
from crawler.items import Article, Author, Image, to_record
from crawler.pipelines.attribution import AttributionPipeline
from crawler.pipelines.coverage import CoveragePipeline
from crawler.pipelines.dates import DatesPipeline
from crawler.pipelines.defaults import fill_defaults
from crawler.schema import errors as schema_errors
from crawler.sites.base import choose_page

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SITES = ["conversation", "kyodo", "jiji", "japantimes", "republisher"]

settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")), deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("fuzz-long", max_examples=500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
_CHOSEN = os.environ.get("HYPOTHESIS_PROFILE", "fuzz")
PROFILE = settings.get_profile(_CHOSEN if _CHOSEN in ("fuzz", "fuzz-long") else "fuzz")
#: pure functions are cheap: more examples for the same time
CHEAP = settings(PROFILE, max_examples=PROFILE.max_examples * 8)


class Stats:
    def __init__(self):
        self.values: dict[str, int] = {}

    def inc_value(self, key, count=1, start=0):
        self.values[key] = self.values.get(key, start) + count

    def get_value(self, key, default=None):
        return self.values.get(key, default)

    def set_value(self, key, value):
        self.values[key] = value


def fake_crawler():
    return SimpleNamespace(stats=Stats(), settings=Settings({"SCHEMA_VALIDATE": True}), spider=None)


# ------------------------------------------------------------------ dates and attribution

TEXTISH = st.one_of(
    st.none(),
    st.text(max_size=80),
    st.lists(st.sampled_from(["2025-06-28", "Jun 28", "18:40 JST", "KYODO", "By", "and", "Jiji Press", "(AP)",
                              "Reuters/", "©", "CC BY-ND 4.0", "|", "—", "Photo:", "yesterday", "年", "\u00a0",
                              "\x00", "<b>", "&amp;", "Staff Writer", ",", "Tokyo --"]),
             max_size=12).map(" ".join),
)
ODD = st.one_of(TEXTISH, st.integers(), st.floats(allow_nan=True), st.lists(st.text(max_size=10), max_size=3),
                st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))


@CHEAP
@given(raws=st.lists(TEXTISH, max_size=4), site=st.sampled_from(SITES + ["unknown", ""]),
       fetched=st.one_of(st.none(), st.text(max_size=25),
                         st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 1, 1),
                                      timezones=st.just(timezone.utc))),
       tz=st.one_of(st.none(), st.sampled_from(["Asia/Tokyo", "Europe/London", "Nowhere/Else", "+09:00", ""])),
       url=st.one_of(st.none(), st.text(max_size=40), st.just("https://x.example/2025/06/28/story")),
       dateline=TEXTISH)
def test_dates_resolve_never_raises(raws, site, fetched, tz, url, dateline):
    result = dates.resolve(raws, site=site, fetched_at=fetched, url=url, tz=tz, reference=list(filter(None, raws)),
                           dateline_date=dateline)
    assert isinstance(result, dates.DateResult)
    if result.value is not None:
        assert dates.is_valid_output(result.value), result
        assert result.method
    else:
        assert result.raw is None
    assert all(isinstance(r, str) and isinstance(why, str) for r, why in result.failures)
    dates.date_from_url(url)
    if isinstance(dateline, str):
        dates.infer_year(dateline, fetched_at=fetched)


ATTRIBUTION_FUNCS = [name for name in (
    "canonical_agency", "lookup_agency", "clean_person_name", "is_person", "is_placeholder", "split_byline",
    "split_authors", "parse_role_line", "parse_atom_author", "normalise_license", "normalise_copyright",
    "canonical_credit", "split_credit_license", "split_caption_credit", "detect_wire", "split_dateline",
    "strip_end_marks") if hasattr(attribution, name)]


def test_attribution_fuzz_covers_the_public_functions():
    assert len(ATTRIBUTION_FUNCS) >= 15, ATTRIBUTION_FUNCS


@CHEAP
@given(name=st.sampled_from(ATTRIBUTION_FUNCS), value=ODD)
def test_attribution_functions_never_raise(name, value):
    getattr(attribution, name)(value)


@CHEAP
@given(a=ODD, b=ODD, body=TEXTISH, names=st.lists(st.text(max_size=20), max_size=3))
def test_attribution_pairs_and_bios_never_raise(a, b, body, names):
    attribution.names_match(a, b)
    attribution.find_bio_sentences(body, names)
    attribution.strip_bios(body, names)


@CHEAP
@given(body=st.one_of(st.binary(max_size=400), st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))),
       ctype=st.one_of(st.none(), st.sampled_from(["text/html", "text/html; charset=utf-8", "text/html; charset=Shift_JIS",
                                                  "text/html; charset=bogus", "text/html; charset=windows-1252"]),
                       st.text(max_size=30)),
       header=st.one_of(st.none(), st.binary(max_size=40), st.text(max_size=40)))
def test_reliability_helpers_never_raise(body, ctype, header):
    from crawler import reliability

    fixed = reliability.repair_encoding(body, ctype)
    if fixed is not None:
        text, old, new = fixed
        assert isinstance(text, str) and new in ("utf_8", "cp932", "euc_jp") and old != new
    wait = reliability.retry_after_seconds(header)
    assert wait is None or wait >= 0
    masked = reliability.mask_secrets(header if isinstance(header, str) else "x")
    assert isinstance(masked, str)


@lru_cache(maxsize=None)
def xml_fixtures() -> tuple[bytes, ...]:
    return tuple(p.read_bytes() for p in sorted(FIXTURES.glob("*/*/page.xml")))


@CHEAP
@given(which=st.integers(min_value=0, max_value=10**6), cut=st.one_of(st.none(), st.integers(min_value=0, max_value=10**6)),
       splices=st.lists(st.tuples(st.integers(min_value=0, max_value=10**6), st.binary(max_size=20)), max_size=5))
def test_feed_and_sitemap_parsers_survive_broken_xml(which, cut, splices):
    from crawler.extract.feeds import FeedEntry, parse_feed, parse_sitemap, sniff

    docs = xml_fixtures()
    assert docs
    body = docs[which % len(docs)]
    for at, junk in splices:
        at %= len(body) + 1
        body = body[:at] + junk + body[at:]
    if cut is not None:
        body = body[: cut % (len(body) + 1)]
    sniff(body)
    entries = parse_feed(body)
    assert all(isinstance(e, FeedEntry) for e in entries)
    urls, children = parse_sitemap(body)
    assert all(isinstance(u, str) and u for u, _ in urls) and all(isinstance(c, str) for c in children)


# ------------------------------------------------------------------ site parsers on mutated pages

@lru_cache(maxsize=None)
def page_classes(site: str):
    loader = SpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["crawler.spiders"]}))
    return tuple(loader.load(site).page_classes)


@lru_cache(maxsize=None)
def cases(site: str) -> tuple[tuple[str, str, str, str | None], ...]:
    """(case, url, html, fetched_at) of every HTML fixture page of SITE."""
    out = []
    for meta_path in sorted((FIXTURES / site).glob("*/page.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body = meta_path.parent / (meta.get("body") or "page.html")
        if body.suffix != ".html" or not body.exists():
            continue
        out.append((meta_path.parent.name, meta["url"], body.read_text(encoding="utf-8", errors="replace"),
                    meta.get("fetched_at")))
    return tuple(out)


GARBAGE = st.one_of(
    st.sampled_from(["", " ", "javascript:alert(1)", "http://", "////", "#", "?", "data:,x", "mailto:x@y",
                     "https://other.example/x", "../../..", "\u202e", "null", "{\"@type\": ", "NewsArticle",
                     "2025-13-45T99:99", "By", "<script>", "&amp;&lt;", "\x00", "9" * 40]),
    st.text(max_size=30),
)
OPS = st.lists(st.tuples(st.sampled_from(["remove", "swap_text", "garble_attr", "break_ld", "empty_text", "dup", "raw"]),
                         st.integers(min_value=0, max_value=10**6), GARBAGE), max_size=10)


def _xml_safe(text: str) -> str:
    return "".join(ch for ch in text if ch in "\t\n\r" or (ord(ch) >= 0x20 and not 0xD800 <= ord(ch) <= 0xDFFF
                                                          and ch not in "\ufffe\uffff"))


def mutate(source: str, ops, cut: int | None) -> str:
    """SOURCE with the tree operations OPS applied, then raw junk (control characters and NULs
    included) spliced into the markup by the "raw" operations, then cut at CUT characters."""
    root = lxml_html.fromstring(source)
    raw_ops = [(n, junk) for op, n, junk in ops if op == "raw"]
    for op, n, junk in ops:
        if op == "raw":
            continue
        junk = _xml_safe(junk)
        elements = [e for e in root.iter() if isinstance(e.tag, str) and e is not root]
        if not elements:
            break
        el = elements[n % len(elements)]
        if op == "remove" and el.getparent() is not None:
            el.drop_tree()
        elif op == "swap_text":
            other = elements[(n // 7) % len(elements)]
            el.text, other.text = other.text, el.text
        elif op == "garble_attr":
            if el.attrib:
                keys = sorted(el.attrib)
                el.set(keys[n % len(keys)], junk)
            else:
                el.set(["href", "content", "datetime", "src", "class", "itemprop"][n % 6], junk)
        elif op == "break_ld":
            scripts = root.xpath('//script[@type="application/ld+json"]')
            if scripts:
                s = scripts[n % len(scripts)]
                text = s.text or ""
                s.text = text[: n % (len(text) + 1)] + junk
        elif op == "empty_text":
            el.text = junk or None
        elif op == "dup" and el.getparent() is not None:
            el.addnext(copy.deepcopy(el))
    out = etree.tostring(root, encoding="unicode", method="html")
    for n, junk in raw_ops:
        at = n % (len(out) + 1)
        out = out[:at] + junk + out[at:]
    return out[:cut] if cut is not None else out


def run_pipelines(site: str, item: Article) -> tuple[dict | None, Stats]:
    """defaults → attribution → dates → coverage (schema check). Returns (record or None if
    dropped, coverage stats). Any exception other than a counted DropItem fails the test."""
    fill_defaults(item, site)
    AttributionPipeline(stats=None).process_item(item)
    DatesPipeline(fake_crawler()).process_item(item)
    crawler = fake_crawler()
    record = to_record(item)
    problems = schema_errors(record)
    try:
        CoveragePipeline(crawler).process_item(item)
    except DropItem as exc:
        assert problems, f"dropped although the record validates: {exc}"
        assert crawler.stats.values.get("items/dropped/schema") == 1
        assert str(exc).startswith("schema: ")
        return None, crawler.stats
    assert not problems, problems
    assert item.hints.get("_record") == record
    return record, crawler.stats


@pytest.mark.parametrize("site", SITES)
def test_unmutated_fixture_pages_validate(site):
    """The baseline the fuzz starts from: every fixture article page yields schema-valid items."""
    assert cases(site), f"no HTML fixtures for {site}"
    for case, url, html, fetched in cases(site):
        sel = Selector(text=html)
        page = choose_page(list(page_classes(site)), sel, url)(sel, url, fetched)
        for item in page.items():
            record, _ = run_pipelines(site, item)
            assert record is not None, (site, case, schema_errors(to_record(item)))


@pytest.mark.parametrize("site", SITES)
def test_site_parsers_survive_mutated_pages(site):
    classes = list(page_classes(site))
    all_cases = cases(site)
    ran = []

    @PROFILE
    @given(which=st.integers(min_value=0, max_value=len(all_cases) - 1), ops=OPS,
           cut=st.one_of(st.none(), st.integers(min_value=0, max_value=200_000)))
    def check(which, ops, cut):
        case, url, html, fetched = all_cases[which]
        mutated = mutate(html, ops, cut)
        sel = Selector(text=mutated or "<html></html>")
        cls = choose_page(classes, sel, url)
        assert cls in classes
        page = cls(sel, url, fetched)
        ran.append(case)
        items = page.items()  # must not raise, whatever the page
        assert items and all(isinstance(i, Article) for i in items)
        for item in items:
            assert all(isinstance(a, Author) for a in item.authors)
            assert all(isinstance(i, Image) for i in item.images)
            run_pipelines(site, item)

    check()
    assert len(ran) >= PROFILE.max_examples // 2  # the property really ran over many pages
