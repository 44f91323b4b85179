"""Date normalisation: raw page strings -> ISO 8601 with the publisher's UTC offset.

Pure module (no Scrapy imports).  The public API:

* :func:`parse_date` -- one raw string (plus context) -> ``"YYYY-MM-DDThh:mm:ss+HH:MM"``,
  a bare ``"YYYY-MM-DD"`` when the source only gives a day, or ``None``.
* :func:`resolve` -- the same over a list of raw strings tried in order, then the
  dateline date, then the URL path; returns a :class:`DateResult` saying which string
  produced the value and why the others failed (used by the pipeline).
* :func:`infer_year`, :func:`date_from_url`, :func:`is_valid_output`.

Design (see docs/dates.md):

1. Regex fast paths for every format the five sources print (ISO 8601, stamps,
   RFC 2822, ``Month D, YYYY h.mmpm ZONE``, Japanese ``年月日``, Kyodo credit lines,
   Jiji datelines, relative ages).  The pure "string -> components" step is
   cached with :func:`functools.lru_cache`; the context (zone, fetched_at, year
   evidence) is applied afterwards, so the cache never depends on fetched_at.
2. dateparser only as a fallback for short strings the fast paths do not know,
   one configured ``DateDataParser`` per (site languages, zone, relative base),
   imported lazily so spider start-up stays fast.
3. Output offsets: naive values are read in the page zone (``tz`` hint, else the
   site default: Asia/Tokyo for kyodo/jiji/japantimes, UTC for conversation and
   republisher).  Values with their own offset keep their instant; Japanese sites
   express it in the page zone (``+00:00`` -> ``+09:00``), conversation and
   republisher keep the offset as given.
4. Values later than ``fetched_at + FUTURE_TOLERANCE`` (1 day) or before 1990 are
   rejected as misreadings.  Nothing here ever raises.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

__all__ = [
    "SITE_ZONES",
    "FUTURE_TOLERANCE",
    "CLOCK_SKEW",
    "MIN_DATE",
    "DateResult",
    "parse_date",
    "resolve",
    "infer_year",
    "date_from_url",
    "is_valid_output",
]

SITE_ZONES: dict[str, str] = {
    "conversation": "UTC",
    "kyodo": "Asia/Tokyo",
    "jiji": "Asia/Tokyo",
    "japantimes": "Asia/Tokyo",
    "republisher": "UTC",
}
KYODO_ZONE = "Asia/Tokyo"
#: Sites whose values are always expressed in the page zone (JST).
LOCAL_OUTPUT_SITES = frozenset({"kyodo", "jiji", "japantimes"})
#: dateparser languages per site (fixed: no language detection).
SITE_LANGUAGES: dict[str, tuple[str, ...]] = {
    "conversation": ("en",),
    "kyodo": ("en", "ja"),
    "jiji": ("ja", "en"),
    "japantimes": ("en", "ja"),
    "republisher": ("en",),
}
#: A value may be at most this much later than fetched_at (clock skew between
#: publisher and crawler, a JST day already started while UTC is still on the
#: previous day, a listing rounding up).  Anything later is a misreading.
FUTURE_TOLERANCE = timedelta(days=1)
#: A time read relative to the fetch ("5 hours ago - 21:05", "21:05", "2 hours ago") may be at
#: most this much later than fetched_at (clock skew between publisher and crawler). A clock
#: time later than that is taken as the day before's when that is near what the page says
#: ("21:05" seen at 16:51 is yesterday's); otherwise, or when its day is printed, it is rejected.
CLOCK_SKEW = timedelta(minutes=5)
#: kinds of reading resolved against the fetch time (held to CLOCK_SKEW, not FUTURE_TOLERANCE)
_RELATIVE_KINDS = frozenset({"rel", "kyodo", "clock"})
#: Nothing these sources publish online predates 1990.
MIN_DATE = date(1990, 1, 1)
#: Longest text analysed (credit lines and flattened aggregator text carry their
#: date near the start); longest text handed to dateparser.
MAX_TEXT = 400
MAX_FALLBACK_TEXT = 80

# Fixed offsets (minutes) of the zone abbreviations the sources print.  The
# Conversation editions: uk GMT/BST, africa SAST/WAT/CAT/EAT, au AEST/AEDT/ACST/
# ACDT/AWST, nz NZST/NZDT, us/ca EST/EDT/CST/CDT/MST/MDT/PST/PDT, fr/es CET/CEST,
# id WIB; plus JST/KST/HKT/SGT for the Japanese sources and wires.  Ambiguous
# names: CST/EST are the US ones (as the us/ca editions print them); IST (India
# or Ireland) is left out.
ZONE_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0, "WET": 0,
    "BST": 60, "WEST": 60, "CET": 60, "WAT": 60,
    "CEST": 120, "EET": 120, "SAST": 120, "CAT": 120,
    "EEST": 180, "EAT": 180, "MSK": 180,
    "WIB": 420, "ICT": 420,
    "AWST": 480, "HKT": 480, "SGT": 480, "PHT": 480,
    "JST": 540, "KST": 540,
    "ACST": 570, "ACDT": 630,
    "AEST": 600, "AEDT": 660,
    "NZST": 720, "NZDT": 780,
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300,
    "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
    "AKST": -540, "AKDT": -480, "HST": -600,
}

MONTHS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

# --------------------------------------------------------------------------- regexes

_MON = (
    r"(?P<{n}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ABBR = "|".join(sorted((a for a in ZONE_ABBREVIATIONS if a != "Z"), key=len, reverse=True))
_ZONE = (
    r"(?P<tz>Z|(?:UTC|GMT)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}(?::?\d{2})?"
    r"|(?-i:" + _ABBR + r"))"
)
# Time tail after a date: "18:40", "6.55pm", "6pm", "17:12:55", optional zone.
_TIME_TAIL = (
    r"(?:\s*(?:,|-|–|—|at|@|T)?\s*"
    r"(?:(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.](?P<S>\d{2}))?(?:\.\d+)?\s*(?P<ap>[ap]\.?\s?m\b\.?)?"
    r"|(?P<H2>\d{1,2})\s*(?P<ap2>[ap]\.?\s?m\b\.?))"
    r"(?:\s*\(?\s*" + _ZONE + r"\b\s*\)?)?)?"
)

_ISO_RE = re.compile(
    r"^(?P<y>\d{4})(?P<sep>[-/.])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})"
    r"(?:(?:T|\s+|\s*T\s*)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d{1,9})?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.I,
)
_ISO_SEARCH_RE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<sep>[-/])(?P<mo>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?!\d)"
    r"(?:(?:T|\s+)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d{1,9})?)?"
    r"\s*\(?(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?|JST)?\)?)?",
    re.I,
)
_STAMP_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$")
_CLOCK_RE = re.compile(
    r"^(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ap>[ap]\.?\s?m\.?)?"
    r"(?:\s*\(?\s*" + _ZONE + r"\s*\)?)?$",
    re.I,
)
_MDY_RE = re.compile(
    r"(?<![a-z])" + _MON.format(n="mon") + r"\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*,?\s*"
    r"(?P<y>\d{4})(?!\d)" + _TIME_TAIL,
    re.I,
)
_DMY_RE = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*(?:-|\s)\s*" + _MON.format(n="mon")
    + r"\s*(?:-|\s|,)\s*(?P<y>\d{4})(?!\d)" + _TIME_TAIL,
    re.I,
)
_JA_RE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<mo>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"(?:\s*[(（][^)）]{0,4}[)）])?"
    r"(?:\s*(?P<ampm>午前|午後)?\s*(?P<H>\d{1,2})\s*(?:時|:)\s*(?:(?P<M>\d{1,2})\s*分?)?)?"
)
_NUM_DMY_RE = re.compile(r"(?<!\d)(?P<d>\d{1,2})-(?P<mo>\d{1,2})-(?P<y>(?:19|20)\d{2})(?!\d)")
_REL = (
    r"(?P<rel>(?P<n>\d+|an?|one)\s+(?P<unit>sec(?:ond)?s?|min(?:ute)?s?|h(?:ou)?rs?|hour|"
    r"days?|weeks?|months?|years?)\s+ago|yesterday|today|just\s+now)"
)
_REL_RE = re.compile(r"(?<![a-z])" + _REL + r"(?![a-z])", re.I)
_REL_FULL_RE = re.compile(r"^(?:about\s+)?" + _REL + r"$", re.I)
_KYODO_RE = re.compile(
    r"(?:^|kyodo\s+news\s*[-–—]\s*)" + _REL + r"\s*[-–—]\s*(?P<H>\d{1,2}):(?P<M>\d{2})(?!\d)",
    re.I,
)
_YEARLESS_MD_RE = re.compile(
    r"(?<![a-z])" + _MON.format(n="mon") + r"\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?(?![\d:])"
    + _TIME_TAIL,
    re.I,
)
_YEARLESS_DM_RE = re.compile(
    r"(?<![\d:])(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MON.format(n="mon") + r"(?![a-z])" + _TIME_TAIL,
    re.I,
)
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_URL_DATE_RE = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})(?=/|$|[?#.])")
_URL_JIJI_KEY_RE = re.compile(r"[?&]k=((?:19|20)\d{2})(\d{2})(\d{2})\d{5}(?!\d)")
_DAY_OUT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DT_OUT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
# dateparser fills what a string lacks from RELATIVE_BASE ("5" -> the 5th of this
# month, "June" -> today's day in June): only strings with a date word or three
# numbers go to it, and absolute ones must name a day and a month.
_FALLBACK_WORD_RE = re.compile(
    r"(?<![a-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ago|yesterday|today)|[年月日]",
    re.I,
)
_WEEKDAY_RE = re.compile(r"(?<![a-z])(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?(?![a-z])"
                         r"|[月火水木金土日]曜", re.I)
_DIGITS_RE = re.compile(r"\d+")
_HAS_TIME_RE = re.compile(r"(?<![\d.:])\d{1,2}[:.]\d{2}(?![\d.])|\d\s*[ap]\.?m|時|ago|now|hour|minute|second|\bat\b", re.I)


# --------------------------------------------------------------------------- results


class DateResult(NamedTuple):
    """Outcome of :func:`resolve`.

    value: the normalised string or None; raw: the input string that produced it;
    method: which path produced it (``iso``, ``stamp``, ``text``, ``japanese``,
    ``kyodo``, ``relative``, ``dateline``, ``clock``, ``dateparser``, ``url``);
    failures: ``(raw, reason)`` for every non-empty input that gave nothing.
    """

    value: str | None
    raw: str | None
    method: str | None
    failures: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class _Parsed:
    """Context-free reading of one string (cached)."""

    kind: str  # "dt" | "day" | "md" | "rel" | "kyodo" | "clock"
    method: str
    y: int = 0
    mo: int = 0
    d: int = 0
    H: int | None = None
    M: int = 0
    S: int = 0
    offset: int | None = None  # minutes east of UTC, None = naive
    n: int = 0
    unit: str = ""
    extra: tuple = field(default_factory=tuple)


class _Reject(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --------------------------------------------------------------------------- helpers


@functools.lru_cache(maxsize=64)
def _zone(name: str | None) -> tzinfo | None:
    if not name or not isinstance(name, str):
        return None
    if name.upper() in ("UTC", "Z", "GMT"):
        return timezone.utc
    try:
        return ZoneInfo(name)
    except Exception:
        return None


def _zone_name(site: str, tz: str | None) -> str:
    if tz and _zone(tz) is not None:
        return tz
    return SITE_ZONES.get(site, "UTC")


def _parse_offset(tz: str | None) -> int | None:
    """Minutes east of UTC for "Z", "+0900", "+09:00", "GMT+9", "JST"…; None if unknown."""
    if not tz:
        return None
    t = tz.strip().upper().replace(" ", "")
    if t in ZONE_ABBREVIATIONS:
        return ZONE_ABBREVIATIONS[t]
    if t[:3] in ("UTC", "GMT"):
        t = t[3:]
    m = re.fullmatch(r"([+-])(\d{1,2})(?::?(\d{2}))?", t)
    if not m:
        return None
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes >= 60:
        return None
    total = hours * 60 + minutes
    return -total if m.group(1) == "-" else total


def _hour24(hour: int, ampm: str | None) -> int:
    if ampm is None:
        return hour
    pm = ampm.strip().lower().startswith("p") or ampm == "午後"
    if hour < 1 or hour > 12:
        if ampm in ("午前", "午後") and hour == 0:
            return 12 if pm else 0
        raise ValueError("bad 12-hour clock")
    return (hour % 12) + (12 if pm else 0)


def _month(name: str) -> int:
    return MONTHS[name[:3].lower()]


def _normalise(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = " ".join(text.split())
    return text[:MAX_TEXT]


def _check_day(y: int, mo: int, d: int) -> None:
    date(y, mo, d)  # raises ValueError


def _check_time(H: int, M: int, S: int) -> None:
    if not (0 <= H <= 23 and 0 <= M <= 59 and 0 <= S <= 59):
        raise ValueError("bad time")


def _mk(method: str, y: int, mo: int, d: int, H: int | None = None, M: int = 0, S: int = 0,
        offset: int | None = None) -> _Parsed:
    """A checked day (H is None) or wall-clock datetime reading."""
    _check_day(y, mo, d)
    if H is None:
        return _Parsed("day", method, y, mo, d)
    _check_time(H, M, S)
    return _Parsed("dt", method, y, mo, d, H, M, S, offset)


def _iso(m: re.Match) -> _Parsed:
    H = int(m["H"]) if m["H"] is not None else None
    return _mk("iso", int(m["y"]), int(m["mo"]), int(m["d"]), H, int(m["M"] or 0),
               int(m["S"] or 0), _parse_offset(m["tz"]))


def _from_time_groups(m: re.Match, y: int, mo: int, d: int, method: str) -> _Parsed:
    """Reading of a date match followed by an optional _TIME_TAIL."""
    gd = m.groupdict()
    if gd.get("H") is not None:
        H, M, S = _hour24(int(gd["H"]), gd.get("ap")), int(gd["M"]), int(gd.get("S") or 0)
    elif gd.get("H2") is not None:
        H, M, S = _hour24(int(gd["H2"]), gd.get("ap2")), 0, 0
    else:
        H, M, S = None, 0, 0
    return _mk(method, y, mo, d, H, M, S, _parse_offset(gd.get("tz")))


# --------------------------------------------------------------------------- analysis

_LABEL_RE = re.compile(
    r"^(?:first\s+published|published|posted|updated|last\s+(?:modified|updated)|modified|"
    r"online|date|released?)\b\s*(?:on|at)?\s*[:：]?\s*",
    re.I,
)


@functools.lru_cache(maxsize=8192)
def _analyse(raw: str) -> _Parsed | None:
    """Context-free reading of a raw string; None when no fast path applies.

    Raises ValueError for strings that look like a date but are impossible
    (month 13, 25:00): those are invalid, not a case for dateparser.
    """
    text = _normalise(raw)
    if not text:
        return None
    text = _LABEL_RE.sub("", text, count=1) or text

    m = _ISO_RE.match(text)
    if m:
        return _iso(m)

    m = _STAMP_RE.match(text)
    if m:
        H = int(m[4]) if m[4] is not None else None
        return _mk("stamp", int(m[1]), int(m[2]), int(m[3]), H, int(m[5] or 0), int(m[6] or 0))

    m = _CLOCK_RE.match(text)
    if m:
        H = _hour24(int(m["H"]), m["ap"])
        M, S = int(m["M"]), int(m["S"] or 0)
        _check_time(H, M, S)
        return _Parsed("clock", "clock", H=H, M=M, S=S, offset=_parse_offset(m["tz"]))

    m = _REL_FULL_RE.match(text)  # the common listing case, before the searches
    if m:
        n, unit = _rel_parts(m)
        return _Parsed("rel", "relative", n=n, unit=unit)

    m = _KYODO_RE.search(text)
    if m:
        H, M = int(m["H"]), int(m["M"])
        _check_time(H, M, 0)
        n, unit = _rel_parts(m)
        return _Parsed("kyodo", "kyodo", H=H, M=M, n=n, unit=unit)

    m = _JA_RE.search(text)
    if m:
        H = _hour24(int(m["H"]), m["ampm"]) if m["H"] is not None else None
        return _mk("japanese", int(m["y"]), int(m["mo"]), int(m["d"]), H, int(m["M"] or 0))

    # Month-name dates: take the earliest match of either order.
    best = None
    for rx in (_MDY_RE, _DMY_RE):
        mm = rx.search(text)
        if mm and (best is None or mm.start() < best.start()):
            best = mm
    if best:
        return _from_time_groups(best, int(best["y"]), _month(best["mon"]), int(best["d"]), "text")

    m = _ISO_SEARCH_RE.search(text)
    if m:
        return _iso(m)

    m = _NUM_DMY_RE.search(text)
    if m:
        return _mk("text", int(m["y"]), int(m["mo"]), int(m["d"]))

    m = _REL_RE.search(text)
    if m:
        n, unit = _rel_parts(m)
        return _Parsed("rel", "relative", n=n, unit=unit)

    if not _YEAR_RE.search(text):
        md = _month_day(text)
        if md:
            mo, d, H, M, offset = md
            return _Parsed("md", "dateline", mo=mo, d=d, H=H, M=M, offset=offset)
    return None


_REL_FIXED = {"yesterday": (1, "day"), "today": (0, "day")}
_REL_UNITS = (("s", "second"), ("mi", "minute"), ("h", "hour"), ("d", "day"), ("w", "week"),
              ("mo", "month"), ("y", "year"))


def _read(raw: str) -> _Parsed | None:
    """_analyse on a bounded prefix (a page body passed by mistake must not fill the cache)."""
    return _analyse(raw if len(raw) <= 4 * MAX_TEXT else raw[: 4 * MAX_TEXT])


def _rel_parts(m: re.Match) -> tuple[int, str]:
    """(n, unit) of "2 hours ago", "an hour ago", "yesterday", "just now"."""
    rel = m["rel"].lower()
    if rel in _REL_FIXED:
        return _REL_FIXED[rel]
    if m["n"] is None:  # just now
        return 0, "second"
    n_txt = m["n"].lower()
    n = 1 if n_txt in ("a", "an", "one") else int(n_txt)
    u = m["unit"].lower()
    return n, next(unit for prefix, unit in _REL_UNITS if u.startswith(prefix))


def _month_day(text: str) -> tuple[int, int, int | None, int, int | None] | None:
    """(month, day, hour, minute, offset) of a yearless "June 28", "Jan. 21", "28 June",
    "June 27 at 5pm"; hour None when no clock time is given."""
    m = _YEARLESS_MD_RE.search(text) or _YEARLESS_DM_RE.search(text)
    if not m:
        return None
    mo, d = _month(m["mon"]), int(m["d"])
    t = _from_time_groups(m, 2000, mo, d, "dateline")  # 2000: leap year, Feb 29 allowed
    if t.kind == "dt":
        return mo, d, t.H, t.M, t.offset
    return mo, d, None, 0, None


# --------------------------------------------------------------------------- context


def _to_utc(value: Any) -> datetime | None:
    """fetched_at (datetime, ISO string or None) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        s = value.strip()
        if s.endswith(("Z", "z")):
            s = s[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(s)
        except ValueError:
            return None
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def _base(fetched_at: Any) -> datetime:
    return _to_utc(fetched_at) or datetime.now(timezone.utc)


def _nearest_year(mo: int, d: int, anchor: date) -> int:
    best_year, best_gap = anchor.year, None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cand = date(year, mo, d)
        except ValueError:  # Feb 29 in a common year
            continue
        gap = abs((cand - anchor).days)
        # ties go to the earlier (past) year
        if best_gap is None or gap < best_gap:
            best_year, best_gap = year, gap
    return best_year


def _reference_anchor(reference: Any, zone: tzinfo) -> date | None:
    if not reference:
        return None
    if isinstance(reference, str):
        reference = [reference]
    try:
        items = list(reference)
    except TypeError:
        return None
    for ref in items:
        if not isinstance(ref, str):
            continue
        try:
            p = _read(ref)
        except (ValueError, KeyError, OverflowError):
            continue
        if p is None:
            continue
        if p.kind == "day":
            return date(p.y, p.mo, p.d)
        if p.kind == "dt":
            dt = datetime(p.y, p.mo, p.d, p.H or 0, p.M, p.S)
            if p.offset is not None:
                dt = dt.replace(tzinfo=timezone(timedelta(minutes=p.offset))).astimezone(zone)
            return dt.date()
    return None


def infer_year(month_day: str, fetched_at: Any = None, reference: list[str] | None = None,
               *, tz: str | None = None) -> int:
    """Year of a yearless "June 28" / "Jan. 21": the year putting it nearest the anchor.

    The anchor is the first reference string that gives a full date, else
    fetched_at as a local date in ``tz`` (default UTC), else today.  So a
    January dateline fetched in December is next year's and a December
    dateline fetched in January last year's.  Never raises; if month_day cannot
    be read, the anchor's year is returned.
    """
    zone = _zone(tz) or timezone.utc
    anchor = _reference_anchor(reference, zone) or _base(fetched_at).astimezone(zone).date()
    try:
        md = _month_day(_normalise(month_day)) if isinstance(month_day, str) else None
    except (ValueError, KeyError):
        md = None
    if not md:
        return anchor.year
    return _nearest_year(md[0], md[1], anchor)


def _sub_months(d: date, months: int) -> date:
    total = d.year * 12 + (d.month - 1) - months
    y, mo = divmod(total, 12)
    mo += 1
    day = d.day
    while True:
        try:
            return date(y, mo, day)
        except ValueError:
            day -= 1


def _rel_value(n: int, unit: str, base_local: datetime) -> datetime | date:
    if unit == "second":
        return base_local - timedelta(seconds=n)
    if unit == "minute":
        return base_local - timedelta(minutes=n)
    if unit == "hour":
        return base_local - timedelta(hours=n)
    today = base_local.date()
    if unit == "day":
        return today - timedelta(days=n)
    if unit == "week":
        return today - timedelta(weeks=n)
    if unit == "month":
        return _sub_months(today, n)
    return _sub_months(today, 12 * n)


class _Ctx(NamedTuple):
    site: str
    zone_name: str
    zone: tzinfo
    base: datetime  # aware UTC
    reference: Any
    dateline_date: str | None
    language: str | None = None  # the page's primary language subtag ("de"), when known
    day_first: bool = False      # numeric dates (10.12.2022) read day first


#: English variants that print numeric dates month first; every other language (and English
#: elsewhere: en-GB, en-AU, en-IN...) prints them day first (year-first forms are unambiguous).
MONTH_FIRST_LANGUAGES = frozenset({"en", "en-us", "en-ph", "en-ca", "en-um", "en-as", "en-gu", "en-pr", "en-vi"})


def day_first(language: Any) -> bool:
    """Whether a page in LANGUAGE (a BCP 47 tag: ``de``, ``en-GB``, ``pt_BR``) reads ``10.12.2022``
    as 10 December: False for American English and bare ``en``, True for other known tags."""
    if not isinstance(language, str) or not language.strip():
        return False
    tag = language.strip().replace("_", "-").lower()
    return tag not in MONTH_FIRST_LANGUAGES and bool(re.match(r"[a-z]{2,3}(?:-|$)", tag))


def _make_ctx(site: Any, fetched_at: Any, tz: Any, reference: Any, dateline_date: Any, language: Any = None) -> _Ctx:
    site = site if isinstance(site, str) and site in SITE_ZONES else "republisher"
    zone_name = _zone_name(site, tz if isinstance(tz, str) else None)
    zone = _zone(zone_name) or timezone.utc
    primary = language.strip().replace("_", "-").split("-")[0].lower() if isinstance(language, str) and language.strip() else None
    return _Ctx(site, zone_name, zone, _base(fetched_at), reference,
                dateline_date if isinstance(dateline_date, str) else None,
                primary if primary and re.fullmatch(r"[a-z]{2,3}", primary) else None, day_first(language))


def _build(p: _Parsed, ctx: _Ctx) -> datetime | date:
    """Apply context to a context-free reading: an aware datetime or a date."""
    base_local = ctx.base.astimezone(ctx.zone)
    if p.kind == "day":
        return date(p.y, p.mo, p.d)
    if p.kind == "dt":
        naive = datetime(p.y, p.mo, p.d, p.H or 0, p.M, p.S)
        if p.offset is None:
            return naive.replace(tzinfo=ctx.zone)
        return naive.replace(tzinfo=timezone(timedelta(minutes=p.offset)))
    if p.kind == "rel":
        value = _rel_value(p.n, p.unit, base_local)
        return value.replace(microsecond=0) if isinstance(value, datetime) else value
    if p.kind == "kyodo":
        # Kyodo prints its clock in JST whoever shows the line (Kyodo, an
        # aggregator). The relative part picks the day nearest to the approximate
        # instant; the clock time wins.
        jst = _zone(KYODO_ZONE)
        now_jst = ctx.base.astimezone(jst)
        approx = _rel_value(p.n, p.unit, now_jst)
        if not isinstance(approx, datetime):
            approx = datetime(approx.year, approx.month, approx.day, now_jst.hour, now_jst.minute, tzinfo=jst)
        # of the days around it, those whose clock time is not after the fetch (clock skew
        # aside): a stale "5 hours ago" beside "21:05" seen at 16:51 is yesterday's 21:05
        latest = ctx.base + CLOCK_SKEW
        cands = [c for c in (datetime(d.year, d.month, d.day, p.H or 0, p.M, tzinfo=jst)
                             for d in (approx.date() + timedelta(days=k) for k in (-1, 0, 1))) if c <= latest]
        best = min(cands, key=lambda c: abs((c - approx).total_seconds()), default=None)
        if best is None or abs(best - approx) > timedelta(days=1):
            raise _Reject("future")
        return best
    if p.kind == "md":
        anchor = _reference_anchor(ctx.reference, ctx.zone) or base_local.date()
        year = _nearest_year(p.mo, p.d, anchor)
        if p.H is None:
            return date(year, p.mo, p.d)
        zone = timezone(timedelta(minutes=p.offset)) if p.offset is not None else ctx.zone
        return datetime(year, p.mo, p.d, p.H, p.M, tzinfo=zone)
    if p.kind == "clock":
        zone = timezone(timedelta(minutes=p.offset)) if p.offset is not None else ctx.zone
        if ctx.dateline_date:
            day_p = _read(ctx.dateline_date)
            if day_p is not None and day_p.kind in ("md", "day", "dt"):
                day_v = _build(day_p, ctx._replace(dateline_date=None))
                day = day_v.date() if isinstance(day_v, datetime) else day_v
                return datetime(day.year, day.month, day.day, p.H or 0, p.M, p.S, tzinfo=zone)
        # latest such clock time not after fetched_at (+ tolerance)
        local = ctx.base.astimezone(zone)
        cand = local.replace(hour=p.H or 0, minute=p.M, second=p.S, microsecond=0)
        if cand > local + CLOCK_SKEW:
            cand -= timedelta(days=1)
        return cand
    raise ValueError(f"unknown kind {p.kind}")


def _format(value: datetime | date, ctx: _Ctx, own_offset: bool, relative: bool = False) -> str:
    """Check range, express in the output zone, format. RELATIVE: a time read against the fetch
    time, held to CLOCK_SKEW instead of FUTURE_TOLERANCE."""
    if isinstance(value, datetime):
        if own_offset and ctx.site in LOCAL_OUTPUT_SITES:
            value = value.astimezone(ctx.zone)
        if value.date() < MIN_DATE:
            raise _Reject("before_1990")
        if value > ctx.base + (CLOCK_SKEW if relative else FUTURE_TOLERANCE):
            raise _Reject("future")
        return value.replace(microsecond=0).isoformat()
    if value < MIN_DATE:
        raise _Reject("before_1990")
    if value > ctx.base.astimezone(ctx.zone).date() + FUTURE_TOLERANCE:
        raise _Reject("future")
    return value.isoformat()


# --------------------------------------------------------------------------- dateparser fallback


@functools.lru_cache(maxsize=32)
def _dateparser_for(languages: tuple[str, ...], zone_name: str, base_naive: datetime, weekday: bool,
                    day_first: bool = False):
    from dateparser.date import DateDataParser  # lazy: heavy import

    settings = {
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": base_naive,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": zone_name,
    }
    if not weekday:  # "Sunday at 5pm" names no day of month; anything else must
        settings["REQUIRE_PARTS"] = ["day", "month"]
    if day_first:
        settings["DATE_ORDER"] = "DMY"
    return DateDataParser(languages=list(languages), settings=settings)


def _languages(ctx: _Ctx) -> tuple[str, ...]:
    """dateparser languages: the page's own (when dateparser knows it) before the site's."""
    site = SITE_LANGUAGES.get(ctx.site, ("en",))
    lang = ctx.language
    if not lang or lang in site:
        return site
    try:
        from dateparser.languages.loader import default_loader  # lazy: heavy import

        if lang not in default_loader.get_locale_map():
            return site
    except Exception:  # noqa: BLE001 - an unknown language is just not used
        return site
    return (lang, *site)


def _fallback(text: str, ctx: _Ctx) -> datetime | date | None:
    text = _normalise(text)
    if not text or len(text) > MAX_FALLBACK_TEXT:
        return None
    weekday = bool(_WEEKDAY_RE.search(text))
    if not (weekday or _FALLBACK_WORD_RE.search(text) or len(_DIGITS_RE.findall(text)) >= 3):
        return None
    base_naive = ctx.base.astimezone(ctx.zone).replace(tzinfo=None, microsecond=0)
    try:
        parser = _dateparser_for(_languages(ctx), ctx.zone_name, base_naive, weekday, ctx.day_first)
        data = parser.get_date_data(text)
    except Exception:
        return None
    dt = getattr(data, "date_obj", None)
    if not isinstance(dt, datetime):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ctx.zone)
    if not _HAS_TIME_RE.search(text):
        return dt.date()
    return dt


# --------------------------------------------------------------------------- public API


def _parse_one(raw: Any, ctx: _Ctx) -> tuple[str | None, str | None, str]:
    """(value, method, reason) for one raw string in a context."""
    if not isinstance(raw, str):
        return None, None, "not_a_string" if raw is not None else "empty"
    if not raw.strip():
        return None, None, "empty"
    try:
        try:
            p = _read(raw)
        except (ValueError, KeyError, OverflowError):
            return None, None, "impossible"
        if p is not None:
            value = _build(p, ctx)
            own = p.kind == "kyodo" or (p.kind in ("dt", "md", "clock") and p.offset is not None)
            return _format(value, ctx, own, p.kind in _RELATIVE_KINDS), p.method, "ok"
        value = _fallback(raw, ctx)
        if value is None:
            return None, None, "unparseable"
        return _format(value, ctx, False), "dateparser", "ok"
    except _Reject as exc:
        return None, None, exc.reason
    except Exception:  # never raise out of the module
        return None, None, "error"


def resolve(raws: Any, *, site: str, fetched_at: Any = None, url: str | None = None,
            tz: str | None = None, reference: list[str] | None = None,
            dateline_date: str | None = None, language: str | None = None) -> DateResult:
    """Try each raw string in order, then ``dateline_date`` (day only), then ``url``.

    Returns the first normalised value with the string that produced it. LANGUAGE, the page's
    language tag, decides the order of numeric dates (:func:`day_first`) and is tried first by
    the dateparser fallback.
    """
    try:
        ctx = _make_ctx(site, fetched_at, tz, reference, dateline_date, language)
        if isinstance(raws, str) or raws is None:
            raws = [raws]
        try:
            raws = list(raws)
        except TypeError:
            raws = [raws]
        failures: list[tuple[str, str]] = []
        for raw in raws:
            value, method, reason = _parse_one(raw, ctx)
            if value is not None:
                return DateResult(value, raw, method, tuple(failures))
            if reason != "empty":
                failures.append((raw if isinstance(raw, str) else repr(raw), reason))
        if ctx.dateline_date and ctx.dateline_date.strip():
            value, method, reason = _parse_one(ctx.dateline_date, ctx._replace(dateline_date=None))
            if value is not None:
                return DateResult(value, ctx.dateline_date, "dateline", tuple(failures))
            failures.append((ctx.dateline_date, reason))
        if isinstance(url, str) and url:
            day = date_from_url(url)
            if day is not None:
                try:
                    return DateResult(_format(date.fromisoformat(day), ctx, False), url, "url",
                                      tuple(failures))
                except _Reject as exc:
                    failures.append((url, exc.reason))
        return DateResult(None, None, None, tuple(failures))
    except Exception:
        return DateResult(None, None, None, ())


def parse_date(raw: str | None, *, site: str, fetched_at: datetime | str | None = None,
               url: str | None = None, tz: str | None = None,
               reference: list[str] | None = None, dateline_date: str | None = None,
               language: str | None = None) -> str | None:
    """Normalise one raw date string.

    Returns ``YYYY-MM-DDThh:mm:ss±HH:MM`` (publisher's local offset; Conversation
    ``Z`` values stay ``+00:00``), ``YYYY-MM-DD`` when only a day is known, or None
    (unparseable, impossible, later than fetched_at + 1 day, before 1990).
    When ``raw`` gives nothing, ``dateline_date`` and then ``url`` are tried.
    Never raises.
    """
    return resolve([raw], site=site, fetched_at=fetched_at, url=url, tz=tz,
                   reference=reference, dateline_date=dateline_date, language=language).value


def date_from_url(url: Any) -> str | None:
    """The day in a URL path ``/YYYY/MM/DD/`` (or a Jiji ``k=YYYYMMDDnnnnn`` key)."""
    if not isinstance(url, str):
        return None
    for rx in (_URL_DATE_RE, _URL_JIJI_KEY_RE):
        m = rx.search(url)
        if m:
            try:
                d = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            if d >= MIN_DATE:
                return d.isoformat()
    return None


def is_valid_output(s: Any) -> bool:
    """True for a bare ``YYYY-MM-DD`` or a full ISO datetime with offset, from 1990 on."""
    if not isinstance(s, str):
        return False
    try:
        if _DAY_OUT_RE.match(s):
            return date.fromisoformat(s) >= MIN_DATE
        if _DT_OUT_RE.match(s):
            dt = datetime.fromisoformat(s)
            return dt.tzinfo is not None and dt.date() >= MIN_DATE
    except ValueError:
        return False
    return False
