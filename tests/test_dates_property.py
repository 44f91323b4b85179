"""Property tests for crawler.dates: never raises, outputs are always well-formed."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.dates import SITE_ZONES, is_valid_output, parse_date

SITES = st.sampled_from(sorted(SITE_ZONES))
FETCHED = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2035, 1, 1),
                       timezones=st.just(timezone.utc))
# text with the pieces dates are made of, so the fast paths and the fallback are reached
DATEISH = st.lists(
    st.one_of(
        st.sampled_from(["Jun", "June", "Jan.", "Sept.", "2025", "28", "18:40", "6.55pm", "(JST)", "SAST",
                         "ago", "hours", "a", "yesterday", "-", "|", ",", "KYODO NEWS", "(Jiji Press)--",
                         "年", "月", "日", "時", "分", "T", "Z", "+09:00", "Published:", "Tokyo,", " "]),
        st.integers(min_value=0, max_value=99999999999999).map(str),
        st.text(max_size=6),
    ),
    max_size=10,
).map(" ".join)
PROFILE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _well_formed(out: str | None, fetched: datetime | None = None) -> None:
    if out is None:
        return
    assert is_valid_output(out), out
    if len(out) == 10:
        d = date.fromisoformat(out)
        assert d >= date(1990, 1, 1)
        if fetched is not None:
            assert d <= (fetched + timedelta(days=2)).date()
    else:
        dt = datetime.fromisoformat(out)
        assert dt.tzinfo is not None and dt.utcoffset() is not None
        if fetched is not None:
            assert dt <= fetched + timedelta(days=1)


@PROFILE
@given(st.text(max_size=120), SITES, FETCHED)
def test_random_text_never_raises(text, site, fetched):
    _well_formed(parse_date(text, site=site, fetched_at=fetched), fetched)


@PROFILE
@given(DATEISH, SITES, FETCHED, st.sampled_from([None, "Europe/London", "Asia/Tokyo", "Bad/Zone"]))
def test_date_like_text_never_raises(text, site, fetched, tz):
    _well_formed(parse_date(text, site=site, fetched_at=fetched, tz=tz, dateline_date=text[:12],
                            reference=[text]), fetched)


@PROFILE
@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary(), st.lists(st.text())),
       st.one_of(st.none(), st.text(max_size=5), st.integers()))
def test_non_strings_never_raise(value, fetched):
    assert parse_date(value, site="kyodo", fetched_at=fetched) is None


@PROFILE
@given(st.datetimes(min_value=datetime(1990, 1, 2), max_value=datetime(2030, 1, 1),
                    timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=9)),
                                               timezone(timedelta(hours=-4, minutes=-30))])),
       SITES)
def test_iso_with_offset_keeps_the_instant(dt, site):
    dt = dt.replace(microsecond=0)
    out = parse_date(dt.isoformat(), site=site, fetched_at=datetime(2031, 1, 1, tzinfo=timezone.utc))
    assert out is not None
    assert datetime.fromisoformat(out) == dt
    if site in ("kyodo", "jiji", "japantimes"):
        assert out.endswith("+09:00")
    else:
        assert datetime.fromisoformat(out).utcoffset() == dt.utcoffset()


@PROFILE
@given(st.datetimes(min_value=datetime(1990, 1, 2), max_value=datetime(2030, 1, 1)),
       st.sampled_from(["%b %d, %Y %H:%M (JST)", "%Y%m%d%H%M%S", "%Y年%m月%d日 %H時%M分",
                        "%a, %d %b %Y %H:%M:%S +0900", "%Y-%m-%d %H:%M:%S"]))
def test_jst_formats_round_trip(dt, fmt):
    dt = dt.replace(second=dt.second if "%S" in fmt else 0, microsecond=0)
    out = parse_date(dt.strftime(fmt), site="jiji", fetched_at=datetime(2031, 1, 1, tzinfo=timezone.utc))
    assert out == dt.replace(tzinfo=timezone(timedelta(hours=9))).isoformat()
