"""Issue 21, the pipelines' CPU per item: each fast path gives what its reference gives.

* the normaliser's trigger look-ups (``_Lowered``: ASCII bytes instead of ``str.lower()``, inner
  triggers first) and its chrome-line test by line length;
* ``url_key``'s plain-URL path against w3lib's ``canonicalize_url``;
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest

from crawler.dedupe import normalize as N
from crawler.dedupe.index import hard_keys, url_key, url_key_reference
from tests.test_perf_dedupe import _PIECES, fixture_texts, random_texts, synthetic_texts

ROOT = Path(__file__).resolve().parent.parent

_ALL_TRIGGERS = sorted({"kyodo news", "(jiji press)", *N._END_TRIGGERS, *N._CHROME_TRIGGERS, *N._INNER_TRIGGER.values(),
                        *(t for t, _ in N._BOILERPLATE if isinstance(t, str))})
_TRIGGER_PIECES = _PIECES + ["Kyodo News", "KYODO", "kyodo", "(JIJI PRESS)", "Jiji", "jij", "COMMENTS", "No Comments Yet",
                             "The Conversation", "the conversatio", "DAILY8", "AI FEATURES", "External Link", "READ MORE",
                             "\u0130", "\u212a", "\u0307", "\u0131", "\u00a9", "K\u212ayodo", "J\u0130J\u0130", "\u00e9",
                             "\u4e00", "Share This Article", "selected news summaries", "Advertisement", "?"]


def _texts(n=3000, seed=21):
    rng = random.Random(seed)
    return ["".join(rng.choice(_TRIGGER_PIECES) + rng.choice(("", " ", "\n", "\t")) for _ in range(rng.randint(0, 30)))
            for _ in range(n)]


def test_lowered_answers_like_the_lower_cased_text():
    texts = _texts() + fixture_texts()
    hits = 0
    for t in texts:
        low, lowered = t.lower(), N._Lowered(t)
        for trigger in _ALL_TRIGGERS:
            expected = trigger in low
            assert (trigger in lowered) is expected, (trigger, t)
            hits += expected
    assert hits > 1000          # the crafted texts hold triggers, not only their absence


def test_non_ascii_triggers_reach_the_lower_case_only_from_the_characters_checked():
    """``\\u0307`` is in ``t.lower()`` only through U+0307 or U+0130, ``\\u0131`` and ``\\xa9`` only
    through themselves; an ASCII letter only through U+0130 and U+212A (which take the lower-cased
    path); checked over every code point."""
    reach: dict[str, list[str]] = {"\u0307": [], "\u0131": [], "\u00a9": [], "ascii": []}
    for c in map(chr, range(128, sys.maxunicode + 1)):
        if 0xD800 <= ord(c) <= 0xDFFF:
            continue
        low = c.lower()
        for x in ("\u0307", "\u0131", "\u00a9"):
            if x in low:
                reach[x].append(c)
        if any(ord(x) < 128 for x in low):
            reach["ascii"].append(c)
    assert reach == {"\u0307": ["\u0130", "\u0307"], "\u0131": ["\u0131"], "\u00a9": ["\u00a9"],
                     "ascii": ["\u0130", "\u212a"]}
    assert set(N._CHROME_TRIGGERS + N._END_TRIGGERS) - {t for t in _ALL_TRIGGERS if t.isascii()} == \
        {"\u0307", "\u0131", "\u00a9"}


@pytest.mark.parametrize("source", ["fixtures", "synthetic", "random", "triggers"])
def test_normalise_equals_the_reference(source):
    texts = {"fixtures": fixture_texts, "synthetic": synthetic_texts, "random": random_texts,
             "triggers": _texts}[source]()
    changed = 0
    for t in texts:
        fast = N.normalise(t)
        assert fast == N.normalise_reference(t), t
        changed += fast != t
    assert changed > len(texts) // 10           # the texts do exercise the removals


def test_chrome_line_test_equals_a_search_of_the_whole_text():
    pattern = N._BOILERPLATE[-1][1]
    lines = ["Hashtags", "  Comments\t", "Related Art\u0131cles", "READ MORE ", "Share this article", "Advertisement",
             "Read  more", "Commentss", "x Comments", "\u0130", "Hashtag", "", " ", "\t\t", "Related Articles\r"]
    rng = random.Random(3)
    found = 0
    for _ in range(20000):
        t = "\n".join(rng.choice(lines) + rng.choice(("", " ", "x")) for _ in range(rng.randint(0, 6)))
        expected = pattern.search(t) is not None
        assert N._chrome_line(t, pattern) is expected, t
        found += expected
    assert found > 1000


_URLS = [
    "https://theconversation.com/why-ai-cannot-yet-write-history-214567", "http://english.kyodonews.net/news/2026/01/a.html",
    "https://www.japantimes.co.jp/news/2026/01/02/japan/politics/some-slug/", "https://X.com/a", "https://a.com/./b",
    "https://a.com/a/../b", "https://a.com/a/.", "https://a.com/.hidden", "http://127.0.0.1/x", "http://[::1]/x",
    "https://a.com//b", "https://a.com/a.b~c_d", "https://a.com/%41", "https://a.com/a%2fb", "https://a.com/a?b=1&a=2",
    "https://a.com/a#frag", "https://a.com/a?", "https://a.com/a#", "https://xn--bcher-kva.com/x", "https://b\u00fccher.de/x",
    "https://a-.com/x", "https://-a.com/x", "https://a..com/x", "https://a.com:443/x", "https://a.com:8080/x",
    "https://user:pw@a.com/x", "HTTPS://a.com/x", "https://a.com/r\u00e9sum\u00e9", "https://a.com/a b", "ftp://a.com/x",
    "https://a.com", "https://a.com/", "http://a.com/?", "https://a.com/;p", "https://a.com/a;p=1", " https://a.com/x ",
    "https://a.com/x\n", "https://a.com/A-B_C", "https://a.com/~x/", "https://a.com.", "https://a.com./x", "", None, 5,
    "https:///x", "//a.com/x", "https://a.com/\\x", "https://1.2.3.4/x", "https://0x7f.1/x", "https://a.com/x/..",
]


def _fixture_urls() -> list[str]:
    urls = []
    for path in sorted(ROOT.glob("fixtures/*/*/expected.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for rec in data if isinstance(data, list) else [data]:
            if isinstance(rec, dict):
                urls += [rec.get(k) for k in ("url", "canonical_url", "original_url", "parent_url")]
    return [u for u in urls if u]


def test_url_key_equals_the_reference():
    urls = _URLS + _fixture_urls()
    assert len(urls) > 100
    rng = random.Random(9)
    alphabet = "aZ09-._~/%?#:@;=&+ \u00e9A"
    for _ in range(20000):
        host = rng.choice(["a.com", "A.com", "a-b.co.jp", "xn--x.com", "a.com:80", "1.2.3.4", "a_b.com", "a.com."])
        urls.append(rng.choice(["http://", "https://"]) + host + "/" + "".join(
            rng.choice(alphabet) for _ in range(rng.randint(0, 12))))
    plain = 0
    for u in urls:
        assert url_key(u) == url_key_reference(u), u
        plain += isinstance(u, str) and N.re.fullmatch(r"\s*https?://[a-z0-9.-]+/[\w.~/-]*\s*", u) is not None
    assert plain > 1000                         # the plain path is taken, not only the reference
    assert hard_keys("conversation:1", _URLS[0], _URLS[0].upper()) == [
        "conversation:1", "url:" + _URLS[0], url_key_reference(_URLS[0].upper())]


def test_band_and_key_rows_inserted_in_one_statement_are_the_rows_executemany_inserts(tmp_path):
    """add_doc and add_keys write their rows with one multi-row INSERT (chunked): the tables hold
    what the former executemany of one row at a time gave, duplicates ignored alike, empty lists too."""
    from crawler.dedupe import SQLiteStoryStore

    rng = random.Random(4)
    store = SQLiteStoryStore(tmp_path / "new.sqlite")
    reference = SQLiteStoryStore(tmp_path / "ref.sqlite")
    for n in (32, 16, 0, 1, 199, 200, 201, 450, 32):
        bands = [rng.randint(-2**31, 2**31 - 1) for _ in range(n)]
        bands += bands[: n // 4]                                # repeated keys within one doc
        if n:
            bands.append(-2**31)                                # the same key in several docs
        item = rng.getrandbits(62)
        s = store.new_story(f"s{item}")
        ref = store.add_doc(item, s, 100, 30, b"x" * 192, bands)
        r = reference.new_story(f"s{item}")
        ref2 = reference.add_doc(item, r, 100, 30, b"x" * 192, [])
        assert ref == ref2
        reference.db.executemany("INSERT OR IGNORE INTO bands(h, doc) VALUES (?, ?)", [(b, ref2) for b in bands])
        assert sorted(store.candidates(bands, 10_000).items()) == sorted(reference.candidates(bands, 10_000).items())
    store.commit()
    reference.commit()
    rows = store.db.execute("SELECT h, doc FROM bands ORDER BY h, doc").fetchall()
    assert rows == reference.db.execute("SELECT h, doc FROM bands ORDER BY h, doc").fetchall()
    assert len(rows) > 1000
    keys = [5, 6, 5, -2**63, 2**63 - 1] + list(range(100, 500))   # add_keys: the same statements
    store.add_keys(keys, 1)
    store.add_keys([6, 7], 2)                                      # a key already held keeps its story
    reference.db.executemany("INSERT OR IGNORE INTO keys(h, story) VALUES (?, ?)", [(k, 1) for k in keys])
    reference.db.executemany("INSERT OR IGNORE INTO keys(h, story) VALUES (?, ?)", [(k, 2) for k in (6, 7)])
    got = store.db.execute("SELECT h, story FROM keys ORDER BY h").fetchall()
    assert got == reference.db.execute("SELECT h, story FROM keys ORDER BY h").fetchall() and len(got) == 405
