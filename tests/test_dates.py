"""Date normalisation (crawler.dates) and its pipeline.

Every expected value in CASES was worked out by hand from the rules in
docs/dates.md, not copied from the module's output.  Reminders used below:
F1 = 2025-06-28T09:30:00Z is 18:30 JST / 10:30 BST on Saturday 28 June 2025;
FJ = 2025-06-28T12:00:00Z is 21:00 JST.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.dates import (
    FUTURE_TOLERANCE,
    date_from_url,
    infer_year,
    is_valid_output,
    parse_date,
    resolve,
)
from crawler.items import Article
from crawler.pipelines.dates import DatesPipeline

F1 = "2025-06-28T09:30:00Z"
FJ = "2025-06-28T12:00:00Z"
JAN17 = "2017-01-08T00:00:00Z"
TC26 = "2026-02-28T12:00:00Z"
LATE = "2025-06-28T16:20:00Z"  # 01:20 JST on Sunday 29 June

# (raw, site, fetched_at, extra kwargs, expected)
CASES = [
    # --- ISO 8601 -------------------------------------------------------------------------
    ("2025-06-28T15:00:00+09:00", "kyodo", F1, {}, "2025-06-28T15:00:00+09:00"),
    ("2025-06-28T06:00:00Z", "japantimes", F1, {}, "2025-06-28T15:00:00+09:00"),
    ("2025-06-28T06:00:00+00:00", "japantimes", F1, {}, "2025-06-28T15:00:00+09:00"),
    ("2026-02-26T14:23:59Z", "conversation", TC26, {}, "2026-02-26T14:23:59+00:00"),
    ("2026-02-26T14:24:00Z", "conversation", TC26, {}, "2026-02-26T14:24:00+00:00"),
    ("2025-06-27T22:15:30.000Z", "republisher", F1, {}, "2025-06-27T22:15:30+00:00"),
    ("2025-06-27T22:15:30.123456+02:00", "republisher", F1, {}, "2025-06-27T22:15:30+02:00"),
    ("2025-06-28T05:00:00-04:00", "conversation", F1, {}, "2025-06-28T05:00:00-04:00"),
    ("2025-06-27T22:00:00-04:00", "jiji", F1, {}, "2025-06-28T11:00:00+09:00"),
    ("2025-06-28T15:00:00", "jiji", F1, {}, "2025-06-28T15:00:00+09:00"),
    ("2025-06-28 15:00:00", "kyodo", F1, {}, "2025-06-28T15:00:00+09:00"),
    ("2025-06-27 15:00:00", "conversation", F1, {}, "2025-06-27T15:00:00+00:00"),
    ("2025-06-27 15:00:00", "conversation", F1, {"tz": "Europe/London"}, "2025-06-27T15:00:00+01:00"),
    ("2025-01-27 15:00:00", "conversation", F1, {"tz": "Europe/London"}, "2025-01-27T15:00:00+00:00"),
    ("2025-06-27 15:00:00", "republisher", F1, {"tz": "Africa/Johannesburg"}, "2025-06-27T15:00:00+02:00"),
    ("2025-06-27 15:00:00", "kyodo", F1, {"tz": "Not/AZone"}, "2025-06-27T15:00:00+09:00"),
    ("2025-06-28", "japantimes", F1, {}, "2025-06-28"),
    ("2025-06-28T15:00:00+0900", "kyodo", F1, {}, "2025-06-28T15:00:00+09:00"),
    ("2025-06-28T06:00Z", "conversation", F1, {}, "2025-06-28T06:00:00+00:00"),
    ("  2025-06-28T06:00:00Z\n", "conversation", F1, {}, "2025-06-28T06:00:00+00:00"),
    ("2025/06/27 10:00", "jiji", F1, {}, "2025-06-27T10:00:00+09:00"),
    # --- visible text with a zone name ------------------------------------------------------
    ("Jun 28, 2025 18:40 (JST)", "jiji", FJ, {}, "2025-06-28T18:40:00+09:00"),
    ("Jun 28, 2025 18:40 (JST)", "republisher", FJ, {}, "2025-06-28T18:40:00+09:00"),
    ("Published: November 2, 2023 6.55pm SAST", "conversation", "2023-11-03T08:00:00Z", {},
     "2023-11-02T18:55:00+02:00"),
    ("Published: February 26, 2026 2.23pm GMT", "conversation", TC26, {}, "2026-02-26T14:23:00+00:00"),
    ("Published: June 27, 2025 9.05am BST", "conversation", F1, {}, "2025-06-27T09:05:00+01:00"),
    ("June 27, 2025 4.10pm AEST", "conversation", F1, {}, "2025-06-27T16:10:00+10:00"),
    ("January 15, 2025 11.30pm AEDT", "conversation", "2025-01-20T00:00:00Z", {},
     "2025-01-15T23:30:00+11:00"),
    ("June 26, 2025 8.00am EDT", "conversation", F1, {}, "2025-06-26T08:00:00-04:00"),
    ("December 3, 2024 12.15pm EST", "conversation", "2024-12-10T00:00:00Z", {},
     "2024-12-03T12:15:00-05:00"),
    ("June 26, 2025 7.45pm WAT", "conversation", F1, {}, "2025-06-26T19:45:00+01:00"),
    ("June 26, 2025 12.05am CEST", "conversation", F1, {}, "2025-06-26T00:05:00+02:00"),
    ("March 4, 2025 12.30pm CET", "conversation", "2025-03-05T00:00:00Z", {}, "2025-03-04T12:30:00+01:00"),
    ("June 26, 2025 3.20pm", "conversation", F1, {"tz": "Europe/London"}, "2025-06-26T15:20:00+01:00"),
    ("June 26, 2025 3.20pm", "conversation", F1, {}, "2025-06-26T15:20:00+00:00"),
    ("June 26, 2025 3.20pm SAST", "conversation", F1, {"tz": "Europe/London"}, "2025-06-26T15:20:00+02:00"),
    # --- RSS / RFC 2822 --------------------------------------------------------------------
    ("Sat, 07 Jan 2017 17:12:55 +0900", "republisher", JAN17, {}, "2017-01-07T17:12:55+09:00"),
    ("Sat, 07 Jan 2017 17:12:55 +0900", "japantimes", JAN17, {}, "2017-01-07T17:12:55+09:00"),
    ("Sun, 08 Jan 2017 00:10:21 +0900", "japantimes", JAN17, {}, "2017-01-08T00:10:21+09:00"),
    ("Fri, 27 Jun 2025 22:00:00 GMT", "kyodo", FJ, {}, "2025-06-28T07:00:00+09:00"),
    ("Fri, 27 Jun 2025 22:00:00 GMT", "republisher", FJ, {}, "2025-06-27T22:00:00+00:00"),
    ("Fri, 27 Jun 2025 18:00:00 -0400", "conversation", FJ, {}, "2025-06-27T18:00:00-04:00"),
    # --- relative ages (base: fetched_at in the site zone) ------------------------------------
    ("2 hours ago", "kyodo", F1, {}, "2025-06-28T16:30:00+09:00"),
    ("14 minutes ago", "japantimes", F1, {}, "2025-06-28T18:16:00+09:00"),
    ("2 hours ago", "conversation", F1, {}, "2025-06-28T07:30:00+00:00"),
    ("an hour ago", "jiji", F1, {}, "2025-06-28T17:30:00+09:00"),
    ("yesterday", "kyodo", F1, {}, "2025-06-27"),
    ("a day ago", "japantimes", F1, {}, "2025-06-27"),
    ("3 days ago", "kyodo", F1, {}, "2025-06-25"),
    ("yesterday", "kyodo", LATE, {}, "2025-06-28"),  # already Sunday in Tokyo
    ("yesterday", "conversation", LATE, {}, "2025-06-27"),  # still Saturday in UTC
    ("2 weeks ago", "conversation", F1, {}, "2025-06-14"),
    # --- Kyodo credit line: clock time wins, relative part picks the day ---------------------
    ("4 hours ago - 15:00", "kyodo", F1, {}, "2025-06-28T15:00:00+09:00"),
    ("KYODO NEWS - 4 hours ago - 15:00 | All, Japan, World", "kyodo", F1, {}, "2025-06-28T15:00:00+09:00"),
    ("KYODO NEWS - 3 hours ago - 22:10 | All, Japan", "kyodo", LATE, {}, "2025-06-28T22:10:00+09:00"),
    ("1 hour ago - 00:05", "kyodo", LATE, {}, "2025-06-29T00:05:00+09:00"),
    ("yesterday - 23:30", "kyodo", F1, {}, "2025-06-27T23:30:00+09:00"),
    ("10 hours ago - 08:00", "kyodo", "2025-06-28T08:00:00Z", {}, "2025-06-28T08:00:00+09:00"),
    # the same line copied by an aggregator: still a JST clock
    ("KYODO NEWS - 4 hours ago - 15:00 | All, Japan, World", "republisher", F1, {}, "2025-06-28T15:00:00+09:00"),
    ("KYODO NEWS - 3 hours ago - 22:10 | All, Japan", "republisher", LATE, {}, "2025-06-28T22:10:00+09:00"),
    # --- Jiji datelines (day only, year inferred) ---------------------------------------------
    ("Tokyo, June 28 (Jiji Press)--", "jiji", F1, {}, "2025-06-28"),
    ("Tokyo, Jan. 21", "jiji", "2025-01-22T03:00:00Z", {}, "2025-01-21"),
    ("Mito, Ibaraki Pref., Jan. 21 (Jiji Press)--", "jiji", "2025-01-21T05:00:00Z", {}, "2025-01-21"),
    ("Tokyo, Dec. 30 (Jiji Press)--", "jiji", "2026-01-02T03:00:00Z", {}, "2025-12-30"),
    ("Tokyo, Jan. 1 (Jiji Press)—", "jiji", "2025-12-31T16:30:00Z", {}, "2026-01-01"),
    ("Tokyo, Sept. 20 (Jiji Press)–", "jiji", "2017-09-20T10:00:00Z", {}, "2017-09-20"),
    ("Tokyo, June 27 (Jiji Press)--", "jiji", "2026-01-05T00:00:00Z",
     {"reference": ["2019-06-27 18:00:00"]}, "2019-06-27"),
    ("Wakayama (Jiji Press)--", "jiji", F1, {}, None),
    # --- stamps ---------------------------------------------------------------------------
    ("20250628184000", "jiji", FJ, {}, "2025-06-28T18:40:00+09:00"),
    ("202506281840", "jiji", FJ, {}, "2025-06-28T18:40:00+09:00"),
    ("20260226", "conversation", TC26, {}, "2026-02-26"),
    # --- Japanese ------------------------------------------------------------------------
    ("2025年6月28日 18時40分", "jiji", FJ, {}, "2025-06-28T18:40:00+09:00"),
    ("2025年06月28日18時40分", "jiji", FJ, {}, "2025-06-28T18:40:00+09:00"),
    ("2025年6月28日", "jiji", FJ, {}, "2025-06-28"),
    ("2025年6月28日（土）午後6時40分", "jiji", FJ, {}, "2025-06-28T18:40:00+09:00"),
    # --- day-only visible dates and dates inside text ---------------------------------------
    ("Jun 28, 2025", "japantimes", FJ, {}, "2025-06-28"),
    ("Online: Jun 27, 2025", "japantimes", FJ, {}, "2025-06-27"),
    ("Last Modified: Jun 28, 2025", "japantimes", FJ, {}, "2025-06-28"),
    ("Kyodo News Digest: June 28, 2025", "kyodo", FJ, {}, "2025-06-28"),
    ("News from Japan World Jun 28, 2025 18:40 (JST) Tokyo, June 28 (Jiji Press)--Prices rose",
     "republisher", FJ, {}, "2025-06-28T18:40:00+09:00"),
    ("Kyodo News24-04-2025", "republisher", FJ, {}, "2025-04-24"),
    ("28 June 2025", "republisher", FJ, {}, "2025-06-28"),
    # --- clock time only / dateline evidence -------------------------------------------------
    ("18:40", "jiji", FJ, {"dateline_date": "June 28"}, "2025-06-28T18:40:00+09:00"),
    ("15:00", "kyodo", F1, {}, "2025-06-28T15:00:00+09:00"),
    ("20:00", "kyodo", F1, {}, "2025-06-27T20:00:00+09:00"),  # 20:00 today is still ahead
    (None, "jiji", FJ, {"dateline_date": "June 28"}, "2025-06-28"),
    # --- URL path as last resort ---------------------------------------------------------
    (None, "japantimes", JAN17, {"url": "https://www.japantimes.co.jp/news/2017/01/07/national/x/"},
     "2017-01-07"),
    ("no date here", "japantimes", JAN17,
     {"url": "https://www.japantimes.co.jp/news/2017/01/07/national/x/"}, "2017-01-07"),
    # --- rejections --------------------------------------------------------------------
    ("2025-06-30T12:00:00+09:00", "kyodo", F1, {}, None),  # 41.5 h after fetch
    ("2025-06-29T12:00:00+09:00", "kyodo", F1, {}, "2025-06-29T12:00:00+09:00"),  # 17.5 h: tolerated
    ("2025-06-30", "conversation", F1, {}, None),
    ("2025-06-29", "conversation", F1, {}, "2025-06-29"),
    ("1989-12-31", "kyodo", F1, {}, None),
    ("1989-12-31T23:59:59Z", "conversation", F1, {}, None),
    ("1990-01-01", "kyodo", F1, {}, "1990-01-01"),
    ("2025-13-01", "kyodo", F1, {}, None),
    ("2025-02-30T10:00:00Z", "conversation", F1, {}, None),
    ("2025-06-28T25:00:00Z", "conversation", F1, {}, None),
    ("Jun 31, 2025", "japantimes", F1, {}, None),
    ("hello world", "kyodo", F1, {}, None),
    ("", "kyodo", F1, {}, None),
    (None, "kyodo", F1, {}, None),
]


def test_table_is_large_enough():
    assert len(CASES) >= 60


@pytest.mark.parametrize("raw,site,fetched,kw,expected", CASES, ids=[repr(c[0])[:50] for c in CASES])
def test_table(raw, site, fetched, kw, expected):
    got = parse_date(raw, site=site, fetched_at=fetched, **kw)
    assert got == expected
    if got is not None:
        assert is_valid_output(got)


def test_fetched_at_as_datetime_naive_is_utc():
    aware = parse_date("2 hours ago", site="kyodo", fetched_at=datetime(2025, 6, 28, 9, 30, tzinfo=timezone.utc))
    naive = parse_date("2 hours ago", site="kyodo", fetched_at=datetime(2025, 6, 28, 9, 30))
    assert aware == naive == "2025-06-28T16:30:00+09:00"


@pytest.mark.parametrize("bad", [12345, 3.5, b"2025-06-28", object(), ["2025-06-28"], {"a": 1}, "\x00\x01", "年月日"])
def test_never_raises_on_odd_input(bad):
    assert parse_date(bad, site="kyodo", fetched_at=F1) is None


def test_odd_context_never_raises():
    assert parse_date("2025-06-28", site="nosuchsite", fetched_at="not a date", tz=42,
                      reference=7, dateline_date=3) == "2025-06-28"


# --- year inference -------------------------------------------------------------------------


def test_infer_year_january_dateline_fetched_in_december_is_next_year():
    assert infer_year("Jan. 3", "2025-12-30T00:00:00Z", None) == 2026


def test_infer_year_december_dateline_fetched_in_january_is_previous_year():
    assert infer_year("Dec. 30", "2026-01-02T00:00:00Z", None) == 2025


def test_infer_year_same_year():
    assert infer_year("June 28", "2025-06-30T00:00:00Z", None) == 2025


def test_infer_year_reference_wins_over_fetched_at():
    assert infer_year("June 28", "2026-01-02T00:00:00Z", ["garbage", "2019-06-27T10:00:00+09:00"]) == 2019


def test_infer_year_uses_zone_of_fetch():
    # 2025-12-31T16:30Z is already 1 January 2026 in Tokyo; in UTC, "Jan. 1" is next day either way
    assert infer_year("Jan. 1", "2025-12-31T16:30:00Z", None, tz="Asia/Tokyo") == 2026
    assert infer_year("Dec. 31", "2025-12-31T16:30:00Z", None, tz="Asia/Tokyo") == 2025


def test_infer_year_unreadable_gives_anchor_year():
    assert infer_year("no month here", "2024-03-01T00:00:00Z", None) == 2024


def test_dateline_far_in_future_after_inference_is_rejected():
    # "Jan. 5" fetched 30 Dec 2025: nearest is 5 Jan 2026, six days ahead -> misreading
    assert parse_date("Tokyo, Jan. 5 (Jiji Press)--", site="jiji", fetched_at="2025-12-30T00:00:00Z") is None


# --- future tolerance ------------------------------------------------------------------------


def test_future_tolerance_is_one_day():
    assert FUTURE_TOLERANCE.total_seconds() == 86400
    # 23:59 after the fetch: kept; 24:01 after: rejected
    assert parse_date("2025-06-29T09:29:00Z", site="conversation", fetched_at=F1) == "2025-06-29T09:29:00+00:00"
    assert parse_date("2025-06-29T09:31:00Z", site="conversation", fetched_at=F1) is None


# --- URL -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url,expected", [
    ("https://www.japantimes.co.jp/news/2019/05/24/business/foo/", "2019-05-24"),
    ("https://www.japantimes.co.jp/news/2019/5/4/business/foo/", "2019-05-04"),
    ("https://jen.jiji.com/jc/eng?g=eco&k=2026091800657", "2026-09-18"),
    ("https://english.kyodonews.net/news/2024/05/487c82dcc718-japan.html", None),
    ("https://example.com/2019/13/40/x", None),
    ("https://example.com/1985/01/01/x", None),
    (None, None),
])
def test_date_from_url(url, expected):
    assert date_from_url(url) == expected


# --- output validation ---------------------------------------------------------------------------


@pytest.mark.parametrize("s,ok", [
    ("2025-06-28", True),
    ("2025-06-28T15:00:00+09:00", True),
    ("2025-06-28T15:00:00-04:00", True),
    ("2025-06-28T15:00:00", False),
    ("2025-06-28T15:00:00Z", False),
    ("2025-02-30", False),
    ("1989-12-31", False),
    ("28/06/2025", False),
    (None, False),
])
def test_is_valid_output(s, ok):
    assert is_valid_output(s) is ok


# --- resolve (chain used by the pipeline) ---------------------------------------------------------


def test_resolve_reports_producing_string_and_failures():
    r = resolve(["junk", "", "2025-06-28T06:00:00Z"], site="japantimes", fetched_at=F1)
    assert r.value == "2025-06-28T15:00:00+09:00"
    assert r.raw == "2025-06-28T06:00:00Z"
    assert r.method == "iso"
    assert [f[0] for f in r.failures] == ["junk"]


def test_resolve_future_reason():
    r = resolve(["2030-01-01"], site="kyodo", fetched_at=F1)
    assert r.value is None and r.failures == (("2030-01-01", "future"),)


def test_dateparser_is_only_a_fallback():
    fast = resolve(["Jun 28, 2025 18:40 (JST)"], site="jiji", fetched_at=FJ)
    slow = resolve(["Sunday at 5pm"], site="conversation", fetched_at=F1)
    assert fast.method == "text"
    # Saturday 28 June 2025: the Sunday before is the 22nd
    assert (slow.value, slow.method) == ("2025-06-22T17:00:00+00:00", "dateparser")


@pytest.mark.parametrize("raw", ["5", "12", "2025", "June", "May", "Mar 2025", "1/2", "3.5", "2025-06", "Page 2"])
def test_fallback_refuses_partial_dates(raw):
    # dateparser would fill the missing day/month/year from fetched_at ("5" -> 5 June)
    assert parse_date(raw, site="conversation", fetched_at=F1) is None


@pytest.mark.parametrize("raw,expected", [
    ("Monday", "2025-06-23"),  # the Monday before Saturday 28 June
    ("27.06.2025", "2025-06-27"),  # no clock time in it: a day
    ("27 June, 5pm", "2025-06-27T17:00:00+00:00"),
    ("Friday, June 27th 2025 at 5:30 p.m.", "2025-06-27T17:30:00+00:00"),
])
def test_less_common_forms(raw, expected):
    assert parse_date(raw, site="conversation", fetched_at=F1) == expected


def test_long_text_is_bounded_and_still_read():
    raw = "Jun 27, 2025 18:40 (JST) " + "body text " * 100_000
    assert parse_date(raw, site="jiji", fetched_at=FJ) == "2025-06-27T18:40:00+09:00"


# --- pipeline --------------------------------------------------------------------------------------


def _pipeline(**settings):
    crawler = get_crawler(settings_dict=settings)
    return DatesPipeline.from_crawler(crawler), crawler.stats


def test_pipeline_disabled():
    with pytest.raises(NotConfigured):
        _pipeline(DATES_ENABLED=False)


def test_pipeline_normalises_both_dates():
    pipe, stats = _pipeline()
    item = Article(url="https://theconversation.com/x-272246", source="conversation", fetched_at=TC26,
                   date_published_raw="2026-02-26T14:23:59Z", date_modified_raw="2026-02-26T14:24:00Z")
    assert pipe.process_item(item) is item
    assert item.date_published == "2026-02-26T14:23:59+00:00"
    assert item.date_modified == "2026-02-26T14:24:00+00:00"
    assert item.date_published_raw == "2026-02-26T14:23:59Z"
    assert stats.get_value("dates/parsed") == 2
    assert stats.get_value("dates/invalid") is None


def test_pipeline_candidate_replaces_failed_raw_and_warns(caplog):
    pipe, stats = _pipeline()
    item = Article(url="https://jen.jiji.com/jc/eng?g=eco&k=2025062800657", source="jiji", fetched_at=FJ,
                   date_published_raw="sometime soon",
                   hints={"date_published_candidates": ["2025年6月28日 18時40分"]})
    with caplog.at_level(logging.WARNING):
        pipe.process_item(item)
    assert item.date_published == "2025-06-28T18:40:00+09:00"
    assert item.date_published_raw == "2025年6月28日 18時40分"
    assert stats.get_value("dates/invalid") == 1
    assert stats.get_value("dates/invalid/jiji") == 1
    warning = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning and "sometime soon" in warning[0].getMessage()
    assert "https://jen.jiji.com/jc/eng?g=eco&k=2025062800657" in warning[0].getMessage()


def test_pipeline_url_fallback_for_published_only():
    pipe, stats = _pipeline()
    url = "https://www.japantimes.co.jp/news/2017/01/07/national/x/"
    item = Article(url=url, source="japantimes", fetched_at=JAN17)
    pipe.process_item(item)
    assert item.date_published == "2017-01-07"
    assert item.date_published_raw == url
    assert item.date_modified is None and item.date_modified_raw is None
    assert stats.get_value("dates/from_url") == 1
    assert stats.get_value("dates/missing/modified") == 1


def test_pipeline_dateline_and_reference():
    pipe, _ = _pipeline()
    item = Article(url="https://jen.jiji.com/jc/eng?g=pol", source="jiji", fetched_at="2026-01-05T00:00:00Z",
                   date_published_raw="Tokyo, Dec. 30 (Jiji Press)--",
                   date_modified_raw="2025-12-30 19:00:00")
    pipe.process_item(item)
    assert item.date_published == "2025-12-30"
    assert item.date_modified == "2025-12-30T19:00:00+09:00"


def test_pipeline_invalid_gives_null_and_keeps_item(caplog):
    pipe, stats = _pipeline()
    item = Article(url="https://english.kyodonews.net/articles/-/79598", source="kyodo", fetched_at=F1,
                   date_published_raw="2031-01-01T00:00:00+09:00")
    with caplog.at_level(logging.WARNING):
        out = pipe.process_item(item)
    assert out is item
    assert item.date_published is None
    assert item.date_published_raw == "2031-01-01T00:00:00+09:00"  # kept as printed
    assert stats.get_value("dates/invalid/kyodo") == 1
    assert any("2031-01-01T00:00:00+09:00" in r.getMessage() for r in caplog.records)


def test_pipeline_counts_dateparser_fallback():
    pipe, stats = _pipeline()
    item = Article(url="https://theconversation.com/x-1", source="conversation", fetched_at=F1,
                   date_published_raw="Sunday at 5pm")
    pipe.process_item(item)
    assert item.date_published == "2025-06-22T17:00:00+00:00"
    assert stats.get_value("dates/fallback_dateparser") == 1


@pytest.mark.parametrize("item", [
    Article(source="kyodo", date_published_raw=12345, hints=None),
    Article(source=None, fetched_at="garbage", date_published_raw="2 hours ago"),
    {"url": "https://x.test/a", "source": "republisher", "date_published_raw": "2025-06-27T10:00:00Z",
     "fetched_at": F1, "hints": {"date_published_candidates": "not a list"}},
    {},
])
def test_pipeline_never_raises_on_odd_items(item):
    pipe, _ = _pipeline()
    assert pipe.process_item(item) is item


def test_pipeline_dict_item():
    pipe, _ = _pipeline()
    item = {"url": "https://x.test/a", "source": "republisher", "fetched_at": F1,
            "date_published_raw": "2025-06-27T10:00:00.000Z", "date_modified_raw": None, "hints": {}}
    pipe.process_item(item)
    assert item["date_published"] == "2025-06-27T10:00:00+00:00"


# --- times read against the fetch: clock skew, not a day (issue 20) ------------------------


def test_clock_skew_is_a_few_minutes():
    from crawler.dates import CLOCK_SKEW
    assert CLOCK_SKEW.total_seconds() == 300


@pytest.mark.parametrize("raw,fetched_at,expected", [
    # "5 hours ago - 21:05" seen at 16:51 JST: today's 21:05 is 4 h ahead, so it is yesterday's
    ("5 hours ago - 21:05", "2025-06-28T07:51:00Z", "2025-06-27T21:05:00+09:00"),
    ("KYODO NEWS - 5 hours ago - 21:05 | All, Japan", "2025-06-28T07:51:00Z", "2025-06-27T21:05:00+09:00"),
    # within the skew: kept on its day
    ("1 hour ago - 16:55", "2025-06-28T07:51:00Z", "2025-06-28T16:55:00+09:00"),
    # just past it: the day before
    ("1 hour ago - 16:57", "2025-06-28T07:51:00Z", "2025-06-27T16:57:00+09:00"),
    # a bare clock time ahead of the fetch is yesterday's
    ("21:05", "2025-06-28T07:51:00Z", "2025-06-27T21:05:00+09:00"),
])
def test_relative_time_later_than_the_fetch_moves_back_a_day(raw, fetched_at, expected):
    assert parse_date(raw, site="kyodo", fetched_at=fetched_at) == expected


def test_clock_time_on_a_printed_day_later_than_the_fetch_is_rejected():
    # the day is given (dateline), so it cannot move: 4 h after the fetch is a misreading
    r = resolve(["21:05"], site="kyodo", fetched_at="2025-06-28T07:51:00Z", dateline_date="June 28")
    assert r.value is None or not r.value.startswith("2025-06-28T21:05"), r
    assert ("21:05", "future") in r.failures, r
    # two minutes ahead: clock skew, kept
    ok = resolve(["16:53"], site="kyodo", fetched_at="2025-06-28T07:51:00Z", dateline_date="June 28")
    assert ok.value == "2025-06-28T16:53:00+09:00", ok


# ------------------------------------------------------------------ numeric dates by language
@pytest.mark.parametrize("language, expected", [
    ("de", "2022-12-10"), ("de-CH", "2022-12-10"), ("fr_FR", "2022-12-10"), ("en-GB", "2022-12-10"),
    ("en-US", "2022-10-12"), ("en", "2022-10-12"), (None, "2022-10-12"),
])
def test_numeric_date_read_day_first_where_the_language_says_so(language, expected):
    assert parse_date("10.12.2022", site="republisher", fetched_at="2026-01-01T00:00:00Z", language=language) == expected


def test_pipeline_reads_a_german_page_date_day_first():
    pipe, _ = _pipeline()
    item = Article(url="https://example.de/artikel", source="republisher", language="de-DE",
                   fetched_at="2026-01-01T00:00:00Z", date_published_raw="10.12.2022")
    pipe.process_item(item)
    assert item.date_published == "2022-12-10"
