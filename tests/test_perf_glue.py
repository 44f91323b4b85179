"""Fast paths of the per-item glue give the same results as the plain reference code."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler import attribution as attr

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _reference_strip_end_marks(body):
    """strip_end_marks as first written: every pattern searched over the whole text."""
    return attr._strip_end_marks(body, tail_only=False)


def _fixture_bodies() -> list[str]:
    bodies = []
    for path in sorted(FIXTURES.glob("*/*/expected.json")):
        for record in json.loads(path.read_text(encoding="utf-8")):
            if isinstance(record, dict) and isinstance(record.get("body"), str):
                bodies.append(record["body"])
    return bodies


_MARKS = [
    "", "\n==Kyodo", " ==Kyodo  \n", "\n[Copyright The Jiji Press, Ltd.]", "\n\n© The Conversation",
    "\nCopyright 2025 Kyodo News. All Rights Reserved.", " It ended. © 2024 Jiji Press Ltd. All rights reserved",
    "\n==" + " " * 2000 + "Kyodo", "\n" + "\n " * 900 + "© The Japan Times", ". " + " \n" * 700 + "Copyright\n" + "\n" * 600 + "Hana Inc.",
    "\n[Copyright The Jiji Press, Ltd.]" + " " * 3000, "\n© Jiji\n==Kyodo", "\n==Kyodo\n[Copyright The Jiji Press, Ltd.]",
    "\n© " + "x" * 79, "\n© " + "x" * 81, "\n==" + "y" * 31, "==Reuters",
]


@pytest.mark.parametrize("mark", _MARKS)
def test_strip_end_marks_tail_search_matches_whole_text_search(mark):
    bodies = _fixture_bodies()
    assert bodies
    short = ["", "  ", "==Kyodo", "© The Conversation", "word " * 40, "a\n" * 100]
    for body in bodies + short:
        text = body + mark
        assert attr.strip_end_marks(text) == _reference_strip_end_marks(text)
        # a whitespace-padded short body (the tail window must grow to the whole text)
        padded = "Lead." + " " * 1500 + text[-150:]
        assert attr.strip_end_marks(padded) == _reference_strip_end_marks(padded)


def test_cached_attribution_helpers_return_fresh_lists_and_handle_non_strings():
    people, others = attr.split_byline("By Jane Doe and KYODO")
    assert (people, others) == (["Jane Doe"], ["KYODO"])
    people.append("mutated")
    others.clear()
    assert attr.split_byline("By Jane Doe and KYODO") == (["Jane Doe"], ["KYODO"])
    assert attr.split_byline(None) == ([], [])
    assert attr.lookup_agency(None) is None
    assert attr.lookup_agency(["KYODO"]) is None
    assert attr.canonical_agency("KYODO NEWS") == "Kyodo News"
    assert attr.split_caption_credit(None) == (None, None, None)


def _charset_cases() -> list[tuple[bytes, str | None]]:
    from crawler import reliability  # noqa: F401 - imported for the codecs below

    text = "Café “quoted” – naïve résumé, 東京 "
    cases = []
    for path in sorted(FIXTURES.glob("*/*/page.html"))[:40]:
        cases.append((path.read_bytes(), "text/html; charset=utf-8"))
    for body, ctype in [
        (text.encode("utf-8"), "text/html; charset=utf-8"),
        (text.encode("utf-8"), "text/html; charset=iso-8859-1"),
        (text.encode("utf-8"), None),
        (text.encode("utf-8").decode("cp1252", "replace").encode("utf-8") * 3, "text/html; charset=utf-8"),
        ("Â pair Ã and â alone".encode("utf-8"), "text/html; charset=utf-8"),
        (b"\xef\xbb\xbf" + text.encode("utf-8"), "text/html; charset=utf-8"),
        (b"\xff\xfe" + text.encode("utf-16-le"), "text/html; charset=utf-8"),
        (text.encode("utf-8") + b"\xff broken", "text/html; charset=utf-8"),
        ("a literal \ufffd replacement character".encode("utf-8"), "text/html; charset=utf-8"),
        ("東京都の天気は晴れです。".encode("cp932"), "text/html; charset=utf-8"),
        ("東京都の天気は晴れです。".encode("euc_jp"), None),
    ]:
        cases.append((body, ctype))
    return cases


def test_charset_repair_with_scrapys_decoding_matches_its_own_decoding():
    from crawler.reliability import repair_encoding

    for body, ctype in _charset_cases():
        replaced = body.decode("utf-8", "replace")
        assert repair_encoding(body, ctype, replaced) == repair_encoding(body, ctype), body[:60]


def test_meta_refresh_precheck_gives_scrapys_answer():
    from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware as ScrapyMetaRefresh
    from scrapy.http import HtmlResponse, Request, Response
    from scrapy.utils.test import get_crawler

    from crawler.reliability import MetaRefreshMiddleware

    crawler = get_crawler(settings_dict={})
    ours, theirs = MetaRefreshMiddleware.from_crawler(crawler), ScrapyMetaRefresh.from_crawler(crawler)
    pages = [p.read_bytes() for p in sorted(FIXTURES.glob("*/*/page.html"))[:30]]
    pages += [
        b'<html><head><meta http-equiv="refresh" content="0; url=/moved"></head><body>x</body></html>',
        b'<html><head><META HTTP-EQUIV="Refresh" CONTENT="5;URL=https://example.com/b"></head></html>',
        b'<html><head><script>var s = \'<meta http-equiv="refresh" content="0;url=/no">\';</script></head></html>',
        b'<html><head><meta http-equiv="refresh" content="9999; url=/slow"></head></html>',
        b"<html><head><title>no refresh, but the word Refresh in text</title></head></html>",
        b" " * 5000 + b'<meta http-equiv="refresh" content="0; url=/late">',
    ]
    for body in pages:
        for meta in ({}, {"dont_redirect": True}):
            url = "https://example.com/a"

            def answer(mw):
                request = Request(url, meta=dict(meta))
                response = HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=utf-8"}, request=request)
                out = mw.process_response(request, response)
                return (type(out).__name__, out.url) if out is not response else "same"

            assert answer(ours) == answer(theirs), body[:80]
    plain = Response("https://example.com/a", body=b'<meta http-equiv="refresh" content="0; url=/x">')
    assert ours.process_response(Request(plain.url), plain) is plain


def test_last_paragraphs_found_from_the_end_are_the_tail_of_all_paragraphs():
    from crawler.attribution import _paragraphs

    texts = _fixture_bodies() + ["", "\n", "one", "\n\n a \n\n", "a\nb\n", " \n \r\n x\r\n\n\ty ", "\n" * 5 + "z"]
    for body in texts:
        for last in (1, 2, 6, 50):
            assert _paragraphs(body, last=last) == _paragraphs(body)[-last:], (body[:40], last)


def _generator_callbacks_with_return_value(spider_cls) -> list[str]:
    """Names of SPIDER_CLS's generator methods that ``return`` a value (Scrapy would drop it)."""
    import inspect

    from scrapy.utils.misc import is_generator_with_return_value

    bad = []
    for name, fn in inspect.getmembers(spider_cls, inspect.isfunction):
        if inspect.isgeneratorfunction(fn) and is_generator_with_return_value(fn):
            bad.append(f"{spider_cls.__name__}.{name}")
    return bad


def test_no_spider_callback_is_a_generator_returning_a_value():
    """WARN_ON_GENERATOR_RETURN_VALUE is off in the crawl (Scrapy re-parses the callback's source
    for every response); this makes its check once, over every method of every spider."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    loader = SpiderLoader.from_settings(get_project_settings())
    names = loader.list()
    assert {"conversation", "kyodo", "jiji", "japantimes", "republisher"} <= set(names)
    for name in names:
        assert _generator_callbacks_with_return_value(loader.load(name)) == []


def test_generator_return_value_check_can_fail():
    class Bad:
        def parse(self, response):
            yield 1
            return 2

    assert _generator_callbacks_with_return_value(Bad) == ["Bad.parse"]


def test_clean_fast_path_agrees_with_the_regex_for_every_code_point():
    from crawler.text import clean, clean_reference

    for cp in range(0x110000):
        ch = chr(cp)
        for text in (f"a{ch}b  c", f"{ch}x {ch}"):
            assert clean(text) == clean_reference(text), hex(cp)


def test_clean_fast_path_agrees_on_mixed_whitespace():
    from hypothesis import given, settings, strategies as st

    from crawler.text import clean, clean_reference

    alphabet = st.sampled_from(list("ab .\t\r\n\f\v\x1c\x1f\x85\xa0\u1680\u2000\u200a\u200b\u2028\u2029\u202f\u205f\u3000\u00e9"))

    @settings(max_examples=3000, deadline=None)
    @given(st.lists(alphabet, max_size=30).map("".join))
    def check(text):
        assert clean(text) == clean_reference(text)

    check()
    assert clean(None) is None and clean("  \u200b ") is None and clean(3) == "3"
