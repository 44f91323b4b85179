"""Text normalisation for fingerprints: the same story printed by different sites gives the
same word sequence.

Pure functions, no Scrapy. What is removed is *typography and furniture* that differs between
copies of one story, never words of the story itself:

* Unicode compatibility forms (NFKC), curly quotes and apostrophes, the dash family;
* datelines at the start of a paragraph: Kyodo / Japan Times ``TOKYO - `` / ``KOBE – `` /
  ``WAKAYAMA, Japan - ``, Jiji ``Tokyo, June 28 (Jiji Press)--`` (``--``, ``—`` or ``–``);
* wire headers and end marks: ``KYODO NEWS - 4 hours ago - 15:00 | All, Japan, World``,
  ``==Kyodo``, ``[Copyright The Jiji Press, Ltd.]``, ``© The Conversation`` and the like;
* republication boilerplate (``This article is republished from The Conversation …``) and the
  chrome lines of aggregator pages (``Hashtags``, ``Related Articles`` …).

Then :func:`words` lower-cases and keeps word characters only, so punctuation differences
(straight vs curly quotes, ``--`` vs ``—``) cannot change a fingerprint.
"""
from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u200b": "",
})
# str.translate looks every character up in the dict (about 0.1 ms on a 2 KB text); the characters
# to replace are rare, so one regex scan finds them and only those are looked up (same result).
_QUOTE_CHARS = re.compile("[%s]" % re.escape("".join(chr(c) for c in _QUOTES)))
_QUOTE_MAP = {chr(k): v or "" for k, v in _QUOTES.items()}


def _unify(t: str) -> str:
    """``t.translate(_QUOTES)``, faster: one ``str.replace`` for each character of the table that
    the text holds (no replacement is itself a key, so the order does not matter; a real body with
    curly quotes in every paragraph: ~60 -> ~10 us)."""
    if t.isascii():
        return t.replace("`", "'") if "`" in t else t
    for ch, new in _QUOTE_MAP.items():
        if ch in t:
            t = t.replace(ch, new)
    return t


def _unify_regex(t: str) -> str:
    """The previous fast path (one regex scan, each hit looked up): kept for the tests."""
    return _QUOTE_CHARS.sub(lambda m: _QUOTE_MAP[m.group()], t)

# Kyodo header line as printed on kyodonews.net and copied by aggregators.
_KYODO_HEADER = re.compile(
    r"KYODO NEWS\s*-\s*[^|\n]{0,40}?\d{1,2}:\d{2}\s*\|\s*"
    r"(?:(?:All|Japan|World|Business|Sports|Politics|Society|Science|Health|Technology|Culture|Entertainment|"
    r"Economy|Asia|Environment|Crime|Disaster|Lifestyle|Travel|Feature|Video|Photos?)\s*,?\s*)*")
# Jiji: "Tokyo, June 28 (Jiji Press)--", "Mito, Ibaraki Pref., Jan. 21 (Jiji Press)—", "Wakayama (Jiji Press)--"
# (dashes are already unified to "-"); the place and date before it are cut back to the line start
# or the last ")" within 60 characters.
_JIJI_MARK = re.compile(r"\(Jiji Press\)\s*-{1,2}\s*")
# Kyodo / JT: "TOKYO - ", "KOBE – ", "NAHA, Japan - ", "LEGANES, Spain - " (upper-case city first).
# Written as "[A-Z] not preceded by a word character" rather than "\b[A-Z]" (the same matches):
# a pattern that starts with a character class lets the regex engine skip to the next capital
# letter instead of trying a match at every position (5x faster on lower-case prose).
_CAPS_DATELINE = re.compile(
    r"[A-Z](?<!\w[A-Z])[A-Z'.]*[A-Z](?:[ -][A-Z][A-Z'.]*[A-Z]){0,3}(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)? ?-{1,2} ")
_END_MARKS = re.compile(
    r"==\s*Kyodo\b|\(Kyodo\)\s*$|\[Copyright The Jiji Press, Ltd\.?\]|"
    r"©\s*(?:The Conversation|Japan Today|Jiji(?: Press)?|KYODO(?: NEWS)?|Kyodo(?: News)?|The Japan Times)\b",
    re.IGNORECASE | re.MULTILINE)
#: The chrome-line pattern (it ran on every text) runs when one of its words is in the lower-cased
#: text, one of the two characters that IGNORECASE matches as "i" is (U+0130, U+0131: the only
#: NFKC-stable ones matching an ASCII letter; U+0130 lower-cases to "i" + U+0307), or an earlier
#: pattern removed something; so skipping it never changes the result.
_CHROME_TRIGGERS = ("hashtags", "comments", "related articles", "advertisement", "read more", "share this article",
                    "\u0307", "\u0131")
#: (literal trigger(s) in the lower-cased text, pattern): a pattern only runs when a trigger is present.
_BOILERPLATE = [
    ("the conversation", re.compile(
        r"This article is republished from The Conversation[^.\n]*\.(?:\s*Read the original article\.)?|"
        r"First published in The Conversation\.?|"
        r"The Conversation is an independent and nonprofit source of news, analysis and commentary from academic experts\.",
        re.IGNORECASE)),
    ("selected news summaries", re.compile(
        r"The following is the latest list of selected news summaries by Kyodo News\.", re.IGNORECASE)),
    ("external link", re.compile(r"\bExternal Link\b", re.IGNORECASE)),
    ("ai features", re.compile(r"\bTry Our AI Features\b", re.IGNORECASE)),
    ("daily8", re.compile(r"Explore what Daily8 AI can do for you:?", re.IGNORECASE)),
    ("no comments yet", re.compile(r"No comments yet\.*", re.IGNORECASE)),
    (_CHROME_TRIGGERS, re.compile(r"^[ \t]*(?:Hashtags|Comments|Related Articles|Advertisement|Read more|Share this article)[ \t]*$",
                    re.IGNORECASE | re.MULTILINE)),
]
_END_TRIGGERS = ("kyodo", "jiji", "©")


def _cut_jiji(t: str) -> str:
    out, pos = [], 0
    for m in _JIJI_MARK.finditer(t):
        start = m.start()
        floor = max(pos, start - 60)
        cut = max(t.rfind("\n", floor, start), t.rfind(")", floor, start))
        if cut < 0:
            sp = t.find(" ", floor, start)
            cut = sp if sp >= 0 and start - floor >= 60 else floor - 1
        out.append(t[pos:cut + 1])
        out.append(" ")
        pos = m.end()
    out.append(t[pos:])
    return "".join(out)


class _Lowered:
    """``trigger in text.lower()`` for the normaliser's triggers, cheaper (~35 -> ~10 us for the
    lower-cased copy of an 8 KB body, and fewer scans).

    ASCII triggers are looked up in the text's ASCII bytes, lower-cased (every non-ASCII character
    a ``?``, which no trigger holds): the same answer, as no non-ASCII character but U+0130 and
    U+212A has an ASCII character in its lower case (checked over every code point in
    tests/test_perf_pipeline_cost.py; with either present the text is lower-cased first). A
    trigger that holds another (``kyodo news`` holds ``kyodo``) is not scanned for when that one is
    absent; every answer is kept. The non-ASCII triggers are looked up in the text itself:
    ``\u0307`` is in the lower case when U+0307 or U+0130 is in the text, ``\u0131`` and ``©``
    only when they are.
    """

    __slots__ = ("text", "low", "seen")

    def __init__(self, t: str):
        self.text = t
        self.low = (t.lower() if "\u0130" in t or "\u212a" in t else t).encode("ascii", "replace").lower()
        self.seen: dict[str, bool] = {}

    def __contains__(self, trigger: str) -> bool:
        hit = self.seen.get(trigger)
        if hit is None:
            if trigger.isascii():
                inner = _INNER_TRIGGER.get(trigger)
                hit = (inner is None or inner in self) and trigger.encode() in self.low
            elif trigger == "\u0307":
                hit = "\u0307" in self.text or "\u0130" in self.text
            elif trigger in ("\u0131", "\xa9"):
                hit = trigger in self.text
            else:
                hit = trigger in self.text.lower()
            self.seen[trigger] = hit
        return hit


#: trigger -> a shorter trigger it holds (absent: the longer one is absent too)
_INNER_TRIGGER = {"kyodo news": "kyodo", "(jiji press)": "jiji", "no comments yet": "comments"}


def normalise(text: str | None) -> str:
    """The story text with typography unified and wire/aggregator furniture removed."""
    return _normalise(text, _Lowered, _chrome_gate)


def normalise_reference(text: str | None) -> str:
    """:func:`normalise` with the triggers looked up in ``t.lower()`` and the chrome pattern gated
    by its words (as first written): the reference of the tests."""
    return _normalise(text, str.lower, _chrome_gate_reference)


def _normalise(text, fold, chrome) -> str:
    """FOLD(t) answers ``trigger in t.lower()``; CHROME(t, low, pattern): whether the chrome-line
    pattern can match (when no earlier removal ran)."""
    if not text:
        return ""
    t = _unify(unicodedata.normalize("NFKC", str(text)))
    low = fold(t)
    ran = False                     # an earlier removal can join the words of a chrome line
    if "kyodo news" in low:
        t = _KYODO_HEADER.sub("\n", t)
        ran = True
    for trigger, pattern in _BOILERPLATE:
        if trigger in low if isinstance(trigger, str) else ran or chrome(t, low, pattern):
            t = pattern.sub(" ", t)
            ran = True
    if any(x in low for x in _END_TRIGGERS):
        t = _END_MARKS.sub(" ", t)
    if "(jiji press)" in low:
        t = _cut_jiji(t)
    if " -" in t:
        t = _datelines_out(t)
    return t


#: the lengths of the chrome-line words: IGNORECASE matches character for character, so a line the
#: chrome pattern matches is, spaces and tabs stripped, one of these long
_CHROME_LENGTHS = frozenset(map(len, ("hashtags", "comments", "related articles", "advertisement", "read more",
                                      "share this article")))


def _chrome_line(t: str, pattern: re.Pattern) -> bool:
    """Whether the line-anchored chrome PATTERN matches in T: tried on the lines of a chrome word's
    length only (``^``/``$`` under MULTILINE anchor at line breaks; one short pass over the lines
    instead of six scans of the text for the trigger words)."""
    for ln in t.split("\n"):
        if len(ln) >= 8 and len(ln.strip(" \t")) in _CHROME_LENGTHS and pattern.search(ln):
            return True
    return False


def _chrome_gate(t: str, low, pattern: re.Pattern) -> bool:
    return _chrome_line(t, pattern)


def _chrome_gate_reference(t: str, low, pattern: re.Pattern) -> bool:
    return any(x in low for x in _CHROME_TRIGGERS)


def _datelines_out(t: str) -> str:
    """``_CAPS_DATELINE.sub(" ", t)`` on the lines that can hold a match: every match ends in a
    hyphen and a space and never spans a line break (no newline in the pattern; its lookbehind
    sees a line break as it sees the start of the text), so lines without ``"- "`` are kept as they
    are instead of being scanned capital by capital (~110 -> ~25 us on a 1,250-word body)."""
    if "\n" not in t:
        return _CAPS_DATELINE.sub(" ", t)
    return "\n".join(_CAPS_DATELINE.sub(" ", ln) if "- " in ln else ln for ln in t.split("\n"))


_WORD = re.compile(r"[0-9a-z]+(?:'[0-9a-z]+)*")     # the definition of a token (see _words_fast)

#: bytes -> bytes: A-Z lower-cased, 0-9 a-z and the apostrophe kept, every other byte a space.
_TOKEN_BYTES = bytes(b + 32 if 65 <= b <= 90 else b if (48 <= b <= 57 or 97 <= b <= 122 or b == 39) else 32
                     for b in range(256))
#: an apostrophe is part of a token only between two letters/digits
_LONE_APOSTROPHE = re.compile(rb"'(?<![0-9a-z]')|'(?![0-9a-z])")


def _words_fast(low: str) -> list[str]:
    """``_WORD.findall(low)`` for a lower-cased text, without a regex match per word (4x faster).

    Non-ASCII characters become ``?`` (never in a token, like in ``_WORD``), every byte that
    cannot be in a token becomes a space, an apostrophe not between two letters/digits too; the
    tokens are then what ``split`` returns.
    """
    b = low.encode("ascii", "replace").translate(_TOKEN_BYTES)
    if b"'" in b:
        b = _LONE_APOSTROPHE.sub(b" ", b)
    return b.decode("ascii").split()


def words(text: str | None) -> list[str]:
    """Lower-case word tokens of the normalised text (punctuation dropped)."""
    t = normalise(text)
    # ASCII capitals are lower-cased by the byte table and every other non-ASCII character becomes
    # a space there, so str.lower() only matters for a non-ASCII character whose lower case holds
    # an ASCII letter: U+0130 ("i" + a combining dot) and U+212A (Kelvin sign: "k"), which NFKC has
    # already made "K" (every code point checked in tests/test_perf_dedupe.py).
    return _words_fast(t.lower() if "\u0130" in t else t)
