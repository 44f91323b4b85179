"""The fast paths of the dedupe fingerprint give exactly what the plain reference paths give.

The reference paths are the straightforward versions the fast ones replaced: ``str.translate``
for the typography table, ``\\b`` in the dateline pattern, a regex ``findall`` for the words,
``np.unique`` + datasketch ``MinHash.update_batch`` for the sketches. A different signature
would change which copies are linked (and break every index already on disk), so they are
compared value for value on every fixture, the labelled dedupe set, synthetic stories and
random texts made of the furniture the normaliser handles.
"""
from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest

from crawler.dedupe import normalize as N
from crawler.jsonl import iter_lines
from crawler.dedupe.fingerprint import (BODY_BANDS, BODY_ROWS, LEAD_BANDS, LEAD_ROWS, LEAD_SHINGLES,
                                        _BODY_TEMPLATE, _LEAD_TEMPLATE, _band_keys, _identity, _minhash,
                                        _minhash_reference, fingerprint, shingle_hashes, text_hash)

ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------- reference (slow) paths
_REF_CAPS = re.compile(
    r"\b[A-Z][A-Z'.]*[A-Z](?:[ -][A-Z][A-Z'.]*[A-Z]){0,3}(?:, [A-Z][A-Za-z.]+(?: [A-Z][A-Za-z.]+)?)? ?-{1,2} ")
_REF_CHROME = re.compile(
    r"^[ \t]*(?:Hashtags|Comments|Related Articles|Advertisement|Read more|Share this article)[ \t]*$",
    re.IGNORECASE | re.MULTILINE)


def ref_normalise(text):
    if not text:
        return ""
    t = unicodedata.normalize("NFKC", str(text)).translate(N._QUOTES)
    low = t.lower()
    if "kyodo news" in low:
        t = N._KYODO_HEADER.sub("\n", t)
    for trigger, pattern in N._BOILERPLATE:
        if pattern.pattern == _REF_CHROME.pattern:
            t = _REF_CHROME.sub(" ", t)                     # the reference runs it on every text
        elif trigger in low:
            t = pattern.sub(" ", t)
    if any(x in low for x in N._END_TRIGGERS):
        t = N._END_MARKS.sub(" ", t)
    if "(jiji press)" in low:
        t = N._cut_jiji(t)
    if " -" in t:
        t = _REF_CAPS.sub(" ", t)
    return t


def ref_words(text):
    return re.findall(r"[0-9a-z]+(?:'[0-9a-z]+)*", ref_normalise(text).lower())


def ref_fingerprint(text):
    from datasketch import MinHash
    tokens = ref_words(text)
    sh = shingle_hashes(tokens)
    body_u, lead_u = np.unique(sh), np.unique(sh[:LEAD_SHINGLES])
    sketches = []
    for values, perm in ((body_u, _BODY_TEMPLATE), (lead_u, _LEAD_TEMPLATE)):
        m = MinHash(num_perm=len(perm), seed=perm.seed, hashfunc=_identity, scheme="affine32")
        if len(values):
            m.update_batch(values.tolist())
        sketches.append(m.hashvalues)
    body_hv, lead_hv = sketches
    sig = (body_hv & 0xFF).astype(np.uint8).tobytes() + (lead_hv & 0xFF).astype(np.uint8).tobytes()
    bands = []
    if len(sh):
        if len(sh) > LEAD_SHINGLES:
            bands += _band_keys(body_hv, BODY_BANDS, BODY_ROWS, 1)
        bands += _band_keys(lead_hv, LEAD_BANDS, LEAD_ROWS, 2)
    return len(body_u), len(lead_u), len(tokens), sig, bands, text_hash(tokens)


# --------------------------------------------------------------------- texts
_PIECES = [
    "TOKYO - ", "KOBE \u2013 ", "WAKAYAMA, Japan - ", "NEW YORK CITY, New York - ", "NAHA- ", "OSAKA -- ", "AB.CD - ",
    "\u00c0B - ", "X - ", "A-B - C", " - ", "--", "\u2014", "\u2212", "Tokyo, June 28 (Jiji Press)--",
    "Mito, Ibaraki Pref., Jan. 21 (Jiji Press)\u2014", "KYODO NEWS - 4 hours ago - 15:00 | All, Japan, World ",
    "==Kyodo", "(Kyodo)\n", "[Copyright The Jiji Press, Ltd.]", "\u00a9 The Conversation", "\u00a9 KYODO",
    "\u201cquoted\u201d", "Japan\u2019s", "\u2018x\u2019", "`x`", "\u00b4", "caf\u00e9", "\uff34\uff2f\uff2b\uff39\uff2f",
    "\u212a", "\u0130stanbul", "\u0131", "\u017f", "don't", "rock'n'roll", "'quoted'", "a''b", "U.S.", "3.5%", "1,000",
    "Hashtags\n", "\nRelated Articles\n", "\nRelated Art\u0131cles\n", "Comments", "  Read more  \n", "\nREAD MORE\n",
    "This article is republished from The Conversation under CC. Read the original article.", "No comments yet...",
    "External Link", "Try Our AI Features", "Explore what Daily8 AI can do for you:", "\u200b", "\u00a0",
    "The following is the latest list of selected news summaries by Kyodo News.", "Related", "Articles",
    "the", "quick", "brown", "fox", "jumps", "\n\n", ". ", "\n", " ", "\t",
]


def random_texts(n=1500, seed=5):
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) + rng.choice(("", " ", "\n")) for _ in range(rng.randint(1, 60)))
            for _ in range(n)]


def fixture_texts():
    texts = []
    for path in sorted(ROOT.glob("fixtures/*/*/expected.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data if isinstance(data, list) else data.get("items", [data]):
            if isinstance(item, dict):
                texts += [item.get(k) for k in ("body", "description", "headline")]
    for line in iter_lines((ROOT / "fixtures" / "dedupe-eval" / "docs.jsonl").read_text(encoding="utf-8")):
        d = json.loads(line)
        texts += [d.get("body"), d.get("headline")]
    return [t for t in texts if t]


def synthetic_texts(n=60):
    from benchmarks.bench_dedupe import Corpus
    c = Corpus(seed=11)
    out = []
    for _ in range(n):
        s = c.story()
        out += [s, c.copy_of(s)]
    return out


# --------------------------------------------------------------------- tests
def test_there_are_texts_to_compare():
    assert len(fixture_texts()) > 100


@pytest.mark.parametrize("source", ["fixtures", "synthetic", "random"])
def test_fingerprint_equals_datasketch_reference(source):
    texts = {"fixtures": fixture_texts, "synthetic": synthetic_texts, "random": random_texts}[source]()
    texts += [None, "", " ", "a", "a b", "a b c"]
    for t in texts:
        f = fingerprint(t)
        assert N.normalise(t) == ref_normalise(t), t
        assert N.words(t) == ref_words(t), t
        assert (f.n_body, f.n_lead, f.n_words, f.sig, f.bands, f.body_hash) == ref_fingerprint(t), t


def test_minhash_equals_update_batch_on_many_value_sets():
    rng = np.random.default_rng(3)
    for n in (0, 1, 2, 5, 30, 31, 200, 1000, 5000):
        values = rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32)
        for perm in (_BODY_TEMPLATE, _LEAD_TEMPLATE):
            assert (_minhash(values, perm) == _minhash_reference(values, perm)).all()


def test_permutations_are_datasketch_ones():
    from datasketch import MinHash
    for perm in (_BODY_TEMPLATE, _LEAD_TEMPLATE):
        a, b = MinHash(num_perm=len(perm), seed=perm.seed, scheme="affine32").permutations
        assert (perm.a.ravel() == a).all() and (perm.b.ravel() == b).all()


def test_fast_word_split_equals_the_token_regex_on_random_strings():
    rng = random.Random(1)
    alphabet = "aZz09'\u2019- .,\n\t_\u0130\u0131\u00e9A-BTOKYO"
    for _ in range(20000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25))).lower()
        assert N._words_fast(s) == N._WORD.findall(s), s


def test_fast_patterns_equal_reference_patterns_on_random_strings():
    rng = random.Random(2)
    alphabet = "aZ'\u2019\u201c- .,\n0\u0130\u0131\u00e9A_B-C--TOKYO Japan"
    for _ in range(20000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert N._CAPS_DATELINE.sub(" ", s) == _REF_CAPS.sub(" ", s), s
        assert N._unify(s) == s.translate(N._QUOTES), s


def test_unify_equals_translate_with_every_table_character():
    rng = random.Random(6)
    keys = "".join(chr(k) for k in N._QUOTES)
    for alphabet in (keys + "ab '\"-\u00e9\u4e00", "ab `'\"-", "abc "):   # the last two: ASCII-only texts
        for _ in range(5000):
            s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
            assert N._unify(s) == s.translate(N._QUOTES) == N._unify_regex(s), s


def test_datelines_removed_line_by_line_equal_one_scan_of_the_text():
    rng = random.Random(7)
    pieces = _PIECES + ["\n", "\n", "- ", " - ", "A\n- ", "TOKYO\n - "]
    for _ in range(20000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        assert N._datelines_out(s) == _REF_CAPS.sub(" ", s), s


def test_lower_case_only_matters_for_one_character_after_nfkc():
    """words() lower-cases the text only when it holds U+0130: every other non-ASCII character
    becomes a space in the byte table whether lower-cased or not, unless its lower case holds an
    ASCII character; checked over every code point."""
    import sys as _sys
    reach_ascii = [c for c in map(chr, range(128, _sys.maxunicode + 1))
                   if not 0xD800 <= ord(c) <= 0xDFFF and any(ord(x) < 128 for x in c.lower())]
    assert reach_ascii == ["\u0130", "\u212a"]
    assert unicodedata.normalize("NFKC", "\u212a") == "K"
    for t in ("Istanbul \u0130stanbul", "\u212aelvin", "caf\u00e9 \u00c9t\u00c9", "\u0130"):
        assert N.words(t) == ref_words(t)


def test_the_pipeline_does_not_import_datasketch_or_scipy():
    code = ("import sys, crawler.pipelines.dedupe; from crawler.dedupe import fingerprint;"
            "fingerprint('TOKYO - Some words of a story about something that happened today.');"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('datasketch', 'scipy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert out.strip() == "[]"


def _docs_around(sig: bytes, rng: random.Random, n: int):
    """Candidate docs whose signatures agree with ``sig`` on a random share of positions."""
    from crawler.dedupe.store import Doc
    out = []
    for i in range(n):
        keep = rng.random()
        s = bytes(b if rng.random() < keep else rng.randrange(256) for b in sig)
        out.append(Doc(i, i, i, rng.choice((0, 5, 8, 9, 39, 40, 41, 200, 600)), rng.choice((0, 9, 10, 11, 30)), s, None))
    return out


def test_vectorised_verification_equals_match():
    from crawler.dedupe.index import DEFAULT, Thresholds, match, match_many
    rng = random.Random(4)
    loose = Thresholds(min_shingles=0, min_containment_shingles=0, min_lead_shingles=0)
    texts = fixture_texts()[:80] + synthetic_texts(10)
    fps = [fingerprint(t) for t in texts]
    for t in (DEFAULT, loose):
        for f in fps:
            docs = _docs_around(f.sig, rng, rng.randint(0, 40))
            expected = [r if ok else None for ok, r, _ in (match(f.n_body, f.n_lead, f.sig, d, t) for d in docs)]
            assert match_many(f.n_body, f.n_lead, f.sig, docs, t) == expected
            for n_body, n_lead in ((0, 0), (8, 10), (40, 30)):
                expected = [r if ok else None for ok, r, _ in (match(n_body, n_lead, f.sig, d, t) for d in docs)]
                assert match_many(n_body, n_lead, f.sig, docs, t) == expected


def test_vectorised_verification_on_real_pairs():
    """Every pair of the labelled dedupe set, as index docs: the same decisions as match()."""
    from crawler.dedupe.index import match, match_many
    from crawler.dedupe.store import Doc
    docs = [json.loads(line) for line in (ROOT / "fixtures" / "dedupe-eval" / "docs.jsonl").read_text().splitlines()
            if line.strip()]
    fps = [fingerprint(d.get("body")) for d in docs]
    as_docs = [Doc(i, i, i, f.n_body, f.n_lead, f.sig, None) for i, f in enumerate(fps)]
    for f in fps:
        expected = [r if ok else None for ok, r, _ in (match(f.n_body, f.n_lead, f.sig, d) for d in as_docs)]
        assert match_many(f.n_body, f.n_lead, f.sig, as_docs) == expected
        assert any(expected)                             # the doc itself at least


# --------------------------------------------------------------------- sampled sketches of long texts
def _long_pairs(n, seed=5):
    """(kind, long text, other text) of synthetic stories of 500-2,800 words."""
    from benchmarks.bench_dedupe import Corpus
    c, rng = Corpus(seed=3), random.Random(seed)

    def long_story():
        return "\n\n".join(c.story() for _ in range(rng.randint(2, 4)))

    def cut(t, share):                  # the last SHARE of the paragraphs: the lead sketch cannot link it
        p = t.split("\n\n")
        return "\n\n".join(p[len(p) - max(1, int(len(p) * share)):])

    kinds = {"copy": c.copy_of, "cut70": lambda t: cut(t, .7), "cut50": lambda t: cut(t, .5),
             "cut35": lambda t: cut(t, .35), "extended": lambda t: t + "\n\n" + c.story(),
             "unrelated": lambda t: long_story(), "shared_para": lambda t: long_story() + "\n\n" + t.split("\n\n")[0]}
    for _ in range(n):
        text = long_story()
        for kind, make in kinds.items():
            yield kind, text, make(text)


def test_sampled_long_texts_link_what_full_sketches_link():
    """Body sketches over a bottom-256 sample of a long text's shingles: every copy, cut copy
    (its last 70/50 % of the paragraphs) and extended copy is linked as full sketches link it,
    the last 35 % about as often (both near the containment threshold), nothing unrelated is (a
    text sharing one paragraph included), and the estimates are close."""
    from crawler.dedupe.fingerprint import BODY_SAMPLE, bbit_jaccard, estimate
    from crawler.dedupe.index import DEFAULT, match
    from crawler.dedupe.store import Doc
    decisions = {}
    for kind, a_text, b_text in _long_pairs(25):
        out = []
        for sample in (None, BODY_SAMPLE):
            a, b = fingerprint(a_text, sample=sample), fingerprint(b_text, sample=sample)
            assert a.n_body > BODY_SAMPLE
            out.append(match(a.n_body, a.n_lead, a.sig, Doc(0, 0, 0, b.n_body, b.n_lead, b.sig, None), DEFAULT, sample)[0])
        decisions.setdefault(kind, []).append(tuple(out))
    for kind, pairs in decisions.items():
        full, sampled = sum(f for f, _ in pairs), sum(s for _, s in pairs)
        if kind in ("unrelated", "shared_para"):
            assert full == sampled == 0, (kind, pairs)
        elif kind == "cut35":
            # at the containment threshold both sketches miss a few, not the same ones (another
            # seed: the sampled sketches link two that full sketches miss); a handful at most
            assert full >= 22 and sampled >= 22, (kind, pairs)
        else:
            assert full == sampled == len(pairs), (kind, pairs)
    # the estimator on a sampled pair: a text and its first half, containment about 1
    text = next(t for k, t, _ in _long_pairs(1, seed=9))
    half = "\n\n".join(text.split("\n\n")[: len(text.split("\n\n")) // 2])
    a, b = fingerprint(text, sample=BODY_SAMPLE), fingerprint(half, sample=BODY_SAMPLE)
    j, c = estimate(bbit_jaccard(a.body_sig, b.body_sig), a.n_body, b.n_body, BODY_SAMPLE)
    assert c > 0.8 and abs(j - b.n_body / a.n_body) < 0.15


def test_short_texts_get_the_sketch_they_always_had():
    from crawler.dedupe.fingerprint import BODY_PERM, BODY_SAMPLE
    for t in fixture_texts() + synthetic_texts(20):
        f, g = fingerprint(t), fingerprint(t, sample=BODY_SAMPLE)
        if f.n_body <= BODY_SAMPLE:
            assert (f.n_body, f.n_lead, f.sig, f.bands, f.body_hash) == (g.n_body, g.n_lead, g.sig, g.bands, g.body_hash)
        else:
            assert (f.n_body, f.n_lead, f.sig[BODY_PERM:], f.body_hash) == (g.n_body, g.n_lead, g.sig[BODY_PERM:], g.body_hash)


def test_vectorised_verification_equals_match_with_a_sample():
    from crawler.dedupe.index import DEFAULT, match, match_many
    rng = random.Random(8)
    for _ in range(300):
        sig = bytes(rng.randrange(256) for _ in range(192))
        docs = _docs_around(sig, rng, rng.randint(3, 30))
        for d in docs:
            if rng.random() < 0.7:
                d.n_body = rng.choice((100, 256, 257, 400, 900, 3000))
        a_nb = rng.choice((9, 40, 200, 256, 257, 1200))
        want = [r if ok else None for ok, r, _ in (match(a_nb, 20, sig, d, DEFAULT, 256) for d in docs)]
        assert match_many(a_nb, 20, sig, docs, DEFAULT, 256) == want


def test_a_new_index_samples_and_an_older_one_keeps_full_sketches(tmp_path):
    from crawler.dedupe import SQLiteStoryStore, StoryIndex
    from crawler.dedupe.fingerprint import BODY_SAMPLE
    text = next(t for _, t, _ in _long_pairs(1))
    new = SQLiteStoryStore(tmp_path / "new.sqlite")
    assert StoryIndex(new).sample == BODY_SAMPLE
    StoryIndex(new).assign("a:1", text)
    new.close()
    reopened = SQLiteStoryStore(tmp_path / "new.sqlite")
    assert StoryIndex(reopened).sample == BODY_SAMPLE
    reopened.close()
    old = SQLiteStoryStore(tmp_path / "old.sqlite")     # an index made before the setting existed
    old.add_doc(1, old.new_story("x:1"), 300, 30, bytes(192), [])
    old.commit()
    ix = StoryIndex(old)
    assert ix.sample is None and old.get_meta("index:fingerprint") == "full"
    a = ix.assign("b:1", text)
    assert ix.assign("b:2", text.replace("TOKYO - ", "")).story == a.story   # full sketches still link
    old.close()
