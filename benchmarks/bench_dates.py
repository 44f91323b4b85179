"""Benchmark: crawler.dates against plain ``dateparser.parse``.

Builds a corpus of raw date strings in the formats the five sources really print
(generated from known instants, so every string has a ground truth), then:

* times ``crawler.dates.parse_date`` (caches cleared first: a cold run) against
  plain ``dateparser.parse(s)``;
* checks both against the ground truth.  dateparser gets ``RELATIVE_BASE`` =
  fetched_at for this check (untimed) so relative ages are comparable;
* counts **disagreements**: strings where dateparser is right and we are not
  (target 0); strings where dateparser is wrong are classified by format and
  kind (``none``: no answer; ``naive``: right wall clock but no zone, e.g. JSON-LD
  ``2025-06-28 15:00:00`` that is JST; ``wrong``: a different instant or day).

Run: ``python -m benchmarks.bench_dates [--quick]``; ``run(quick) -> dict``.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from crawler import dates

JST = ZoneInfo("Asia/Tokyo")
UTC = timezone.utc
# Conversation edition zones as printed, with the fixed offset the abbreviation means
TC_ZONES = [("GMT", 0), ("BST", 60), ("SAST", 120), ("WAT", 60), ("EAT", 180), ("AEST", 600),
            ("AEDT", 660), ("EST", -300), ("EDT", -240), ("CET", 60), ("CEST", 120), ("NZST", 720)]
MONTHS_LONG = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
MONTHS_AP = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
             "Nov.", "Dec."]
CITIES = ["Tokyo", "Osaka", "Naha", "Sapporo", "Mito, Ibaraki Pref.", "Kobe", "Washington"]


def _ampm(dt: datetime) -> str:
    h = dt.hour % 12 or 12
    return f"{h}.{dt.minute:02d}{'am' if dt.hour < 12 else 'pm'}"


def _sample(rng: random.Random) -> tuple[str, str, datetime, str, object]:
    """(format name, site, fetched_at UTC, raw string, truth: aware datetime or date)."""
    fetched = datetime(2017, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(9 * 365 * 86400))
    back = timedelta(seconds=rng.randrange(60, 20 * 86400))
    t = (fetched - back).replace(microsecond=0)
    tj = t.astimezone(JST)
    fmt = rng.choice(FORMATS)
    if fmt == "iso_z":
        return fmt, "conversation", fetched, t.strftime("%Y-%m-%dT%H:%M:%SZ"), t
    if fmt == "iso_ms_z":
        return fmt, "republisher", fetched, t.strftime("%Y-%m-%dT%H:%M:%S.000Z"), t
    if fmt == "iso_jst":
        return fmt, "japantimes", fetched, tj.isoformat(), t
    if fmt == "jsonld_naive_jst":
        return fmt, "kyodo", fetched, tj.strftime("%Y-%m-%d %H:%M:%S"), t
    if fmt == "text_jst":
        return fmt, "jiji", fetched, tj.strftime("%b %d, %Y %H:%M (JST)").replace(" 0", " ", 1), t.replace(second=0)
    if fmt == "tc_visible":
        abbr, off = rng.choice(TC_ZONES)
        local = t.astimezone(timezone(timedelta(minutes=off)))
        raw = f"Published: {MONTHS_LONG[local.month - 1]} {local.day}, {local.year} {_ampm(local)} {abbr}"
        return fmt, "conversation", fetched, raw, t.replace(second=0)
    if fmt == "rss":
        return fmt, "republisher", fetched, tj.strftime("%a, %d %b %Y %H:%M:%S +0900"), t
    if fmt == "relative_time":
        n = rng.randrange(1, 23)
        unit, delta = rng.choice([("hours", timedelta(hours=n)), ("minutes", timedelta(minutes=n * 2))])
        amount = n if unit == "hours" else n * 2
        return fmt, rng.choice(["japantimes", "kyodo"]), fetched, f"{amount} {unit} ago", fetched.replace(microsecond=0) - delta
    if fmt == "relative_day":
        n = rng.randrange(1, 7)
        raw = "yesterday" if n == 1 and rng.random() < 0.5 else f"{n} days ago"
        return fmt, "kyodo", fetched, raw, fetched.astimezone(JST).date() - timedelta(days=n)
    if fmt == "kyodo_credit":
        hours = max(1, int((fetched - t).total_seconds() // 3600) % 24)
        t2 = (fetched - timedelta(hours=hours, minutes=rng.randrange(0, 59))).astimezone(JST)
        raw = f"KYODO NEWS - {hours} hour{'s' if hours > 1 else ''} ago - {t2:%H:%M} | All, Japan, World"
        return fmt, "kyodo", fetched, raw, t2.replace(second=0, microsecond=0).astimezone(UTC)
    if fmt == "jiji_dateline":
        d = (fetched - timedelta(hours=rng.randrange(0, 60))).astimezone(JST).date()
        raw = f"{rng.choice(CITIES)}, {MONTHS_AP[d.month - 1]} {d.day} (Jiji Press)--"
        return fmt, "jiji", fetched, raw, d
    if fmt == "stamp14":
        return fmt, "jiji", fetched, tj.strftime("%Y%m%d%H%M%S"), t
    if fmt == "stamp8":
        return fmt, "conversation", fetched, t.strftime("%Y%m%d"), t.date()
    if fmt == "japanese":
        raw = f"{tj.year}年{tj.month}月{tj.day}日 {tj.hour}時{tj.minute}分"
        return fmt, "jiji", fetched, raw, t.replace(second=0)
    if fmt == "jt_day":
        return fmt, "japantimes", fetched, f"{tj:%b} {tj.day}, {tj.year}", tj.date()
    if fmt == "kyodo_digest":
        return fmt, "kyodo", fetched, f"Kyodo News Digest: {MONTHS_LONG[tj.month - 1]} {tj.day}, {tj.year}", tj.date()
    if fmt == "jiji_article_date":  # jen.jiji.com p.article-date
        return fmt, "jiji", fetched, tj.strftime("%Y-%m-%d %H:%M"), t.replace(second=0)
    if fmt == "daily8_label":  # "Kyodo News24-04-2025"
        label = rng.choice(["Kyodo News", "Japan Times ", "Jiji Press "])
        return fmt, "republisher", fetched, f"{label}{tj:%d-%m-%Y}", tj.date()
    if fmt == "jt_time_padded":  # <time> text with the page's whitespace
        return fmt, "japantimes", fetched, f"\n    {tj:%b} {tj.day}, {tj.year}\n  ", tj.date()
    # iso_day
    return fmt, "japantimes", fetched, tj.strftime("%Y-%m-%d"), tj.date()


FORMATS = ["iso_z", "iso_ms_z", "iso_jst", "jsonld_naive_jst", "text_jst", "tc_visible", "rss",
           "relative_time", "relative_day", "kyodo_credit", "jiji_dateline", "stamp14", "stamp8",
           "japanese", "jt_day", "kyodo_digest", "iso_day", "jiji_article_date", "daily8_label",
           "jt_time_padded"]


def corpus(n: int, seed: int = 20250628) -> list[tuple[str, str, datetime, str, object]]:
    rng = random.Random(seed)
    return [_sample(rng) for _ in range(n)]


def _right(value, truth) -> bool:
    """Is a parsed value (our string, or dateparser's datetime) the truth?"""
    if value is None:
        return False
    if isinstance(value, str):
        if len(value) == 10:
            return isinstance(truth, date) and not isinstance(truth, datetime) and value == truth.isoformat()
        value = datetime.fromisoformat(value)
    if isinstance(truth, datetime):
        return value.tzinfo is not None and value == truth
    return value.date() == truth


def _classify_dp(value, truth, site: str) -> str:
    if value is None:
        return "none"
    if _right(value, truth):
        return "right"
    if value.tzinfo is None and isinstance(truth, datetime):
        zone = JST if site in dates.LOCAL_OUTPUT_SITES else None
        wall = truth.astimezone(zone) if zone else None
        if wall is not None and value == wall.replace(tzinfo=None):
            return "naive"
    return "wrong"


def run(quick: bool = False) -> dict:
    import dateparser

    n = 2000 if quick else 10000
    samples = corpus(n)
    dateparser.parse("2025-06-28")  # load dateparser's data outside the timing

    clock = time.perf_counter
    time_ours: Counter = Counter()
    time_dp: Counter = Counter()
    dates._analyse.cache_clear()  # cold: no string seen before
    ours = []
    for fmt, site, f, raw, _ in samples:
        t0 = clock()
        ours.append(dates.parse_date(raw, site=site, fetched_at=f))
        time_ours[fmt] += clock() - t0
    for fmt, _, _, raw, _ in samples:
        t0 = clock()
        dateparser.parse(raw)
        time_dp[fmt] += clock() - t0
    t_ours, t_dp = sum(time_ours.values()), sum(time_dp.values())

    methods = Counter(dates.resolve([raw], site=site, fetched_at=f).method for _, site, f, raw, _ in samples)
    by_format: dict[str, Counter] = defaultdict(Counter)
    disagreements = []
    ours_right = dp_right = 0
    for (fmt, site, f, raw, truth), mine in zip(samples, ours):
        base = f.astimezone(JST if site in dates.LOCAL_OUTPUT_SITES else UTC).replace(tzinfo=None)
        dp = dateparser.parse(raw, settings={"RELATIVE_BASE": base})
        dp_class = _classify_dp(dp, truth, site)
        ok = _right(mine, truth)
        ours_right += ok
        dp_right += dp_class == "right"
        by_format[fmt][f"dp_{dp_class}"] += 1
        by_format[fmt]["ours_right" if ok else "ours_wrong"] += 1
        if dp_class == "right" and not ok:
            disagreements.append({"raw": raw, "site": site, "fetched_at": f.isoformat(),
                                  "ours": mine, "dateparser": dp.isoformat()})
    return {
        "strings": n,
        "ours_seconds": round(t_ours, 4),
        "dateparser_seconds": round(t_dp, 4),
        "ours_us_per_string": round(t_ours / n * 1e6, 1),
        "dateparser_us_per_string": round(t_dp / n * 1e6, 1),
        "speedup": round(t_dp / t_ours, 1),
        # without the format where dateparser is pathologically slow ("Published: …" prefix)
        "speedup_without_tc_visible": round((t_dp - time_dp["tc_visible"]) / (t_ours - time_ours["tc_visible"]), 1),
        "speedup_by_format": {k: round(time_dp[k] / time_ours[k], 1) for k in sorted(time_dp)},
        "ours_right": ours_right,
        "dateparser_right": dp_right,
        "disagreements": len(disagreements),
        "disagreement_examples": disagreements[:10],
        "dateparser_fallback_used": methods.get("dateparser", 0),
        "by_format": {k: dict(v) for k, v in sorted(by_format.items())},
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2,000 strings instead of 10,000")
    args = ap.parse_args(argv)
    result = run(args.quick)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if result["disagreements"] == 0 and result["speedup"] >= 50 else 1


if __name__ == "__main__":
    sys.exit(main())
