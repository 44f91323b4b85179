"""Layout drift judged against the spider's own run history (pure; no Scrapy imports).

The fixed floors of crawler/health.py check that three fields are there; a site that changes
its markup usually keeps a headline, a date and a body but loses the shape of its output: tags,
images or a section drop to nothing, promos and "Related:" lines come into bodies, dates fall
back to the day in the URL, bodies shrink. Each run leaves a short profile of its articles in
``STATE_DIR/history/<spider>.json``; the next run is compared with the healthy runs before it:

* **coverage**: a field present on >= 90 % (``usual``) of the articles of the last healthy runs
  that falls below half of that share (a field on >= 50 % of them: below half, and so far below
  that chance would give it less than 1 in 1,000);
* **boilerplate**: the share of bodies with a boilerplate marker (newsletter sign-ups,
  "Related:"/"Read more:" lines, share/follow bars, cookie and advert lines, copyright lines)
  where it was absent (or more than doubled, and up by 10 points, where it was not);
* **date precision**: the share of ``date_published`` values with a time (an instant rather
  than a day) falls below half of its usual share (usually >= 50 %);
* **body length**: the median body length falls below half of its usual median.

Each finding is a ``("drift", message)`` naming the field, its usual value and today's. Runs
with fewer than ``min_articles`` articles are neither judged nor used as a baseline (too few to
say anything); failed runs are kept in the file but never become the baseline, so a broken
layout does not become "usual". With no usable history yet, only the fixed floors apply.

Why not spidermon (the field's reference for monitors): its stats history
(``LocalStorageStatsHistoryCollector``) pickles whole stats dicts into ``.scrapy/stats``
(unpickling a state file runs whatever it holds; the write is not atomic, so a killed run
leaves a file the next one cannot read), replaces ``STATS_CLASS``, and has no monitor that
compares fields with the history (``FieldCoverageMonitor`` takes fixed thresholds,
``ZyteJobsComparisonMonitor`` needs Scrapy Cloud). What is needed is the four measures below
and a JSON file: about 200 lines here against ~6,700 lines of spidermon and its dependencies.
"""
from __future__ import annotations

import json
import math
import os
import re
import statistics
from pathlib import Path
from typing import Any

#: Version of the history file's format.
FORMAT = 1
#: Runs kept in a history file, and healthy runs compared against.
KEEP_RUNS = 30
BASELINE_RUNS = 10
#: A field is "usually filled" from this share on.
USUAL = 0.9
#: A field filled less often (>= 50 %) drifts when today's count is this unlikely by chance.
CHANCE = 0.001

#: Boilerplate that a clean body never holds, one regex per kind, read paragraph by paragraph
#: (a paragraph is a line of the body). Generic: no site's own wording.
_MARKERS = {
    "newsletter": r"^.{0,200}\b(?:sign up|signup|subscribe|get|receive)\b.{0,80}\bnewsletters?\b",
    "related": (r"^(?:related|related (?:stories|articles|news|coverage|content|links|topics)|read more|read also|"
                r"see also|more on this(?: story)?|recommended(?: for you)?|you (?:may|might) also like|"
                r"most (?:read|popular|viewed)|trending(?: now)?|further reading)\s*(?::|\uff1a|\||$)"),
    "share": r"^(?:share (?:this|on)\b|follow us\b|click here\b|tap here\b|join us on\b|like us on\b)",
    "advert": r"^(?:advertisement|sponsored(?: content)?|continue reading below|story continues below)\s*$",
    "cookie": r"^.{0,120}\bwe use cookies\b",
    "copyright": r"^(?:\u00a9|\(c\)\s|copyright\b).{0,200}$|^.{0,160}\ball rights reserved\.?\s*$",
}
_MARKER_RES = tuple((name, re.compile(rx, re.I | re.M)) for name, rx in _MARKERS.items())
#: cheap test before the regexes: a body holding none of these cannot match any of them
_MARKER_WORDS = ("newsletter", "related", "read ", "see also", "more on", "recommended", "also like",
                 "most ", "trending", "further", "share", "follow", "click", "tap ", "join us", "like us",
                 "advert", "sponsored", "continue", "continues", "cookie", "\u00a9", "(c)", "copyright", "rights reserved")


#: per kind, literal phrases (lower case) one of which every match of its regex holds, "^" first
#: where the regex holds it at a line start (``^`` under MULTILINE: the text's start or after a
#: "\\n"): a kind none of whose phrases is in the lower-cased body is not searched (its regex,
#: tried at every line, cost 0.05-0.25 ms on an 8 KB body; the six ~0.6 ms an article)
_MARKER_PHRASES = {
    "newsletter": ("newsletter",),
    "related": ("^related", "^read more", "^read also", "^see also", "^more on this", "^recommended", "^you m",
                "^most ", "^trending", "^further reading"),
    "share": ("^share ", "^follow us", "^click here", "^tap here", "^join us on", "^like us on"),
    "advert": ("^advertisement", "^sponsored", "^continue reading below", "^story continues below"),
    "cookie": ("we use cookies",),
    "copyright": ("^\u00a9", "^(c)", "^copyright", "all rights reserved"),
}
#: characters that IGNORECASE matches with an ASCII letter although ``str.lower`` does not make
#: them that letter (U+0130 I with dot, U+0131 dotless i, U+017F long s, U+212A Kelvin sign;
#: tests/test_drift.py checks every code point): a body holding one takes the reference path
_CASE_FOLDS = "\u0130\u0131\u017f\u212a"


#: line-start phrases are looked up in the first characters of each line only (longer than any)
_HEAD = 32


def _phrase_test(phrases: tuple[str, ...]):
    """A function (the text's lower-cased ASCII bytes, its lower-cased line heads) -> whether one
    of PHRASES is in the text
    (``^``: at a line start, looked up as ``"\\n" + phrase`` in the line heads)."""
    starts = tuple("\n" + p[1:] for p in phrases if p.startswith("^"))
    inside = tuple(p.encode("ascii") for p in phrases if not p.startswith("^"))
    assert all(len(p) <= _HEAD + 1 for p in starts)

    def test(low: bytes, heads: str) -> bool:
        return any(p in heads for p in starts) or any(p in low for p in inside)

    return test


_MARKER_SCAN = tuple((name, rx, _phrase_test(_MARKER_PHRASES[name])) for name, rx in _MARKER_RES)


def line_heads(text: str, n: int = _HEAD) -> str:
    """The first N characters of each line of TEXT (lines split at "\\n" only), each after a "\\n"."""
    return "\n" + "\n".join([ln[:n] for ln in text.split("\n")])


def boilerplate_markers(body: str | None) -> list[str]:
    """The kinds of boilerplate found in BODY (``[]`` for a clean body).

    The same answer as :func:`boilerplate_markers_reference` (each phrase holds one of its marker
    words); a kind's regex runs only when one of its phrases is in the body."""
    if not body:
        return []
    for c in _CASE_FOLDS:
        if c in body:
            return boilerplate_markers_reference(body)
    # The phrases inside lines are ASCII: looked up in the body's ASCII bytes, lower-cased (every
    # other character a "?", in no phrase; no character but those of _CASE_FOLDS has an ASCII letter
    # in its lower case), not in a lower-cased copy of the body (~35 -> ~10 us an 8 KB body); the
    # line heads are lower-cased after being cut (str.lower keeps every character's length but
    # U+0130's, one of _CASE_FOLDS, and makes no "\n"; tests/test_drift.py checks every code point).
    low = body.encode("ascii", "replace").lower()
    heads = line_heads(body).lower()
    return [name for name, rx, has_phrase in _MARKER_SCAN if has_phrase(low, heads) and rx.search(body)]


def boilerplate_markers_reference(body: str | None) -> list[str]:
    """:func:`boilerplate_markers` without the per-kind phrases (every regex searched): the
    reference the tests compare it with."""
    if not body:
        return []
    low = body.lower()
    if not any(w in low for w in _MARKER_WORDS):
        return []
    return [name for name, rx in _MARKER_RES if rx.search(body)]


def precision(value: Any) -> str | None:
    """``instant`` for an ISO date-time, ``day`` for a bare ``YYYY-MM-DD``, else None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    return "instant" if len(value) > 10 and value[10] == "T" else "day"


class Profile:
    """The shape of one run's articles, added one record at a time."""

    def __init__(self) -> None:
        self.bodies = 0
        self.boilerplate_bodies = 0
        self.markers: dict[str, int] = {}
        self.example: str | None = None
        self.precision = {"instant": 0, "day": 0}
        self.lengths: list[int] = []

    def add(self, record: dict[str, Any]) -> list[str]:
        """Count RECORD (an article); returns the boilerplate kinds its body holds."""
        body = record.get("body")
        found: list[str] = []
        if body:
            self.bodies += 1
            self.lengths.append(len(body))
            found = boilerplate_markers(body)
            if found:
                self.boilerplate_bodies += 1
                self.example = self.example or record.get("url")
                for name in found:
                    self.markers[name] = self.markers.get(name, 0) + 1
        p = precision(record.get("date_published"))
        if p:
            self.precision[p] += 1
        return found

    def body_median(self) -> int:
        return int(statistics.median(self.lengths)) if self.lengths else 0


# ---------------------------------------------------------------------------- one run's entry


def run_entry(stats: dict[str, Any], ok: bool, finished: str) -> dict[str, Any]:
    """What the history keeps of a run, from its final stats (``field/*`` and ``profile/*``)."""
    coverage: dict[str, list[int]] = {}
    for key, value in stats.items():
        if key.startswith("field/") and key.endswith(("/present", "/missing")):
            _, name, which = key.split("/")
            pair = coverage.setdefault(name, [0, 0])
            pair[0 if which == "present" else 1] += int(value)
    return {
        "finished": finished,
        "ok": bool(ok),
        "articles": int(stats.get("items/article", 0)),
        "coverage": {name: [p, p + m] for name, (p, m) in sorted(coverage.items())},  # [present, total]
        "bodies": int(stats.get("profile/bodies", 0)),
        "boilerplate_bodies": int(stats.get("profile/boilerplate_bodies", 0)),
        "dates": [int(stats.get("profile/date_published/instant", 0)),
                  int(stats.get("profile/date_published/instant", 0)) + int(stats.get("profile/date_published/day", 0))],
        "body_median": int(stats.get("profile/body_length_median", 0)),
        "boilerplate_kinds": {k.rsplit("/", 1)[1]: int(v) for k, v in sorted(stats.items())
                              if k.startswith("profile/boilerplate/")},
        "boilerplate_example": stats.get("profile/boilerplate_example"),
    }


# ---------------------------------------------------------------------------- the history file


def load(path: str | os.PathLike) -> tuple[list[dict], str | None]:
    """(runs, problem): a missing file is no history; an unreadable one is no history and a
    problem to report (the file is then rewritten whole at the end of the run)."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return [], None
    except (OSError, ValueError) as exc:
        return [], f"run history {path} unreadable ({exc.__class__.__name__}): started afresh"
    runs = doc.get("runs") if isinstance(doc, dict) else None
    if not isinstance(runs, list):
        return [], f"run history {path} has no list of runs: started afresh"
    return [r for r in runs if isinstance(r, dict)], None


def save(path: str | os.PathLike, runs: list[dict]) -> None:
    """Write the last KEEP_RUNS runs atomically (a killed run leaves the old file whole)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_text(json.dumps({"format": FORMAT, "runs": runs[-KEEP_RUNS:]}, indent=0), encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------------------- the judgement


def binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p): how likely so few articles carry a field by chance."""
    if p <= 0:
        return 1.0
    if p >= 1:
        return 0.0 if k < n else 1.0
    return sum(math.comb(n, i) * p ** i * (1 - p) ** (n - i) for i in range(0, k + 1))


def _share(pairs: list[list[int]]) -> tuple[float | None, int]:
    present = sum(p for p, _ in pairs)
    total = sum(t for _, t in pairs)
    return (present / total if total else None), total


def _pair(value: Any) -> list[int] | None:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return value
    return None


def baseline(runs: list[dict], min_articles: int, last: int = BASELINE_RUNS) -> list[dict]:
    """The last healthy runs with enough articles to count."""
    good = [r for r in runs if r.get("ok") and int(r.get("articles") or 0) >= min_articles]
    return good[-last:]


def judge(today: dict, runs: list[dict], *, min_articles: int = 5, min_runs: int = 1,
          usual: float = USUAL) -> list[tuple[str, str]]:
    """``("drift", message)`` for each measure of TODAY (a :func:`run_entry`) that fell away
    from the healthy runs of RUNS; nothing without enough history or articles."""
    base = baseline(runs, min_articles)
    n = int(today.get("articles") or 0)
    if len(base) < min_runs or n < min_articles:
        return []
    runs_said = f"{len(base)} earlier run{'s' if len(base) != 1 else ''}"
    out: list[tuple[str, str]] = []
    # field coverage
    for field, pair in sorted((today.get("coverage") or {}).items()):
        pair = _pair(pair)
        past = [p for p in (_pair((r.get("coverage") or {}).get(field)) for r in base) if p]
        was, total = _share(past)
        if pair is None or was is None or not pair[1] or was < 0.5:
            continue
        now = pair[0] / pair[1]
        # usually filled (>= 90 %) and under half of that; or, for a field on half of the
        # articles or more, under half and too far under to be chance (tags on 0 of 8 where
        # 7 in 8 usually have them)
        if now < was / 2 and (was >= usual or binomial_cdf(pair[0], pair[1], was) < CHANCE):
            out.append(("drift", f"{field} on {pair[0]}/{pair[1]} articles ({now:.0%}), usually {was:.0%} "
                                 f"({runs_said}): layout drift?"))
    # boilerplate in bodies
    bodies, dirty = int(today.get("bodies") or 0), int(today.get("boilerplate_bodies") or 0)
    was, total = _share([[int(r.get("boilerplate_bodies") or 0), int(r.get("bodies") or 0)] for r in base])
    if bodies and dirty and was is not None:
        now = dirty / bodies
        if (was == 0) or (now > 2 * was and now >= was + 0.1):
            kinds = today.get("boilerplate_kinds") or {}
            what = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) if kinds else "markers"
            example = f"; e.g. {today['boilerplate_example']}" if today.get("boilerplate_example") else ""
            out.append(("drift", f"body boilerplate ({what}) in {dirty}/{bodies} bodies ({now:.0%}), usually "
                                 f"{was:.0%} ({runs_said}){example}: layout drift?"))
    # date precision
    pair = _pair(today.get("dates"))
    was, total = _share([p for p in (_pair(r.get("dates")) for r in base) if p])
    if pair and pair[1] and was is not None and was >= 0.5:
        now = pair[0] / pair[1]
        if now < was / 2:
            out.append(("drift", f"date_published precision: a time on {pair[0]}/{pair[1]} articles ({now:.0%}), "
                                 f"usually {was:.0%} ({runs_said}); the others have only a day: layout drift?"))
    # body length
    medians = [int(r.get("body_median") or 0) for r in base if r.get("body_median")]
    median = int(today.get("body_median") or 0)
    if medians and median:
        was_len = statistics.median(medians)
        if median < was_len / 2:
            out.append(("drift", f"body length: median {median} characters, usually {was_len:.0f} ({runs_said}): "
                                 "layout drift?"))
    return out
