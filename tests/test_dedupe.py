"""Pure dedupe logic: normalisation, fingerprints, the story index (no Scrapy)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.dedupe import SQLiteStoryStore, StoryIndex, hard_keys, is_compilation, normalise, url_key, words
from crawler.dedupe.fingerprint import BODY_PERM, bbit_jaccard, containment, fingerprint
from crawler.dedupe.index import body_hash_of, new_story_id

ROOT = Path(__file__).resolve().parent.parent

STORY = """TOKYO - The national police agency said Monday that reported cases of investment fraud using fake celebrity advertisements on social media more than doubled last year, with losses topping 50 billion yen.

Most victims were contacted through messaging apps after clicking on advertisements that used the names and photos of well-known business leaders without their consent, the agency said.

The agency has asked platform operators to remove such advertisements more quickly and to verify the identities of advertisers, a senior official told reporters.

People in their 50s and 60s accounted for more than half of the victims, according to the data."""

OTHER = """TOKYO - The Bank of Japan kept its key short-term interest rate unchanged on Wednesday, saying it needed more time to assess the impact of overseas trade policies on the country's exporters.

The decision by the nine-member policy board was unanimous. Governor Takeshi Mori told a press conference that the bank would raise rates if its outlook for wages and prices was realized.

Economists polled before the meeting had expected no change, though some see a hike as early as the autumn."""


def paras(t):
    return t.split("\n\n")


# ---------------------------------------------------------------- normalisation
@pytest.mark.parametrize("a,b", [
    ("TOKYO - The agency said", "TOKYO \u2013 The agency said"),
    ("KOBE - A fire broke out", "A fire broke out"),
    ("WAKAYAMA, Japan - All four pandas left", "All four pandas left"),
    ("Tokyo, June 28 (Jiji Press)--The court said", "Tokyo, June 28 (Jiji Press)\u2014The court said"),
    ("Mito, Ibaraki Pref., Jan. 21 (Jiji Press)--A man was", "A man was"),
    ("He said \u201cno\u201d and left.", 'He said "no" and left.'),
    ("Japan\u2019s economy grew", "Japan's economy grew"),
    ("The talks ended. ==Kyodo", "The talks ended."),
    ("The talks ended. [Copyright The Jiji Press, Ltd.]", "The talks ended."),
    ("KYODO NEWS - 4 hours ago - 15:00 | All, Japan, World TOKYO - The talks ended.", "The talks ended."),
])
def test_typography_and_furniture_do_not_change_words(a, b):
    assert words(a) == words(b)


def test_normalise_keeps_story_words():
    w = words(STORY)
    assert w[:4] == ["the", "national", "police", "agency"]      # dateline gone, text kept
    assert "billion" in w and len(w) == len(STORY.split()) - 2 + 1   # "TOKYO -" dropped, "well-known" is 2 words


def test_normalise_drops_republication_boilerplate_and_chrome():
    text = ("Hashtags\nTry Our AI Features\nThe body of the story.\n"
            "This article is republished from The Conversation under a Creative Commons license. Read the original article.\n"
            "Related Articles")
    assert words(text) == ["the", "body", "of", "the", "story"]


def test_normalise_handles_empty_and_none():
    assert normalise(None) == "" and words("") == []
    assert fingerprint(None).n_body == 0 and fingerprint(None).bands == []


# ---------------------------------------------------------------- fingerprints
def test_fingerprint_is_stable_across_processes():
    code = ("from crawler.dedupe.fingerprint import fingerprint;import sys;"
            "f=fingerprint(sys.stdin.read());print(f.body_hash, f.bands, f.sig.hex())")
    outs = {subprocess.run([sys.executable, "-c", code], input=STORY, capture_output=True, text=True, cwd=ROOT,
                           env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin"}).stdout for seed in ("1", "2")}
    assert len(outs) == 1 and outs.pop().strip()
    f = fingerprint(STORY)
    assert f"{f.body_hash} {f.bands} {f.sig.hex()}" == subprocess.run(
        [sys.executable, "-c", code], input=STORY, capture_output=True, text=True, cwd=ROOT).stdout.strip()


def test_bbit_jaccard_tracks_true_jaccard():
    base = [f"w{i}" for i in range(400)]
    for keep in (400, 300, 200, 100):
        other = base[:keep] + [f"x{i}" for i in range(400 - keep)]
        a, b = fingerprint(" ".join(base)), fingerprint(" ".join(other))
        sa = {tuple(base[i:i + 3]) for i in range(398)}
        sb = {tuple(other[i:i + 3]) for i in range(398)}
        true = len(sa & sb) / len(sa | sb)
        est = bbit_jaccard(a.sig[:BODY_PERM], b.sig[:BODY_PERM])
        assert abs(est - true) < 0.15, (keep, est, true)


def test_containment_from_jaccard_and_sizes():
    # A (100) inside B (400): J = 100/400
    assert containment(0.25, 100, 400) == pytest.approx(1.0)
    assert containment(0.0, 100, 400) == 0.0
    assert containment(1.0, 50, 50) == pytest.approx(1.0)
    assert containment(0.5, 0, 10) == 0.0


def test_short_text_has_no_body_bands_only_lead():
    f = fingerprint("The agency asked platform operators to remove advertisements more quickly today")
    assert 0 < len(f.bands) == 16
    assert len(fingerprint(STORY).bands) == 32


# ---------------------------------------------------------------- keys
def test_url_key_canonicalises():
    assert url_key("http://Example.com/a?b=2&a=1") == url_key("https://example.com/a?a=1&b=2")
    assert url_key("https://example.com/") is None and url_key("mailto:x@y") is None and url_key(None) is None
    assert url_key("https://x.com/d#brief-1") != url_key("https://x.com/d#brief-2")


def test_hard_keys_include_story_id_and_urls():
    keys = hard_keys("conversation:1", "https://a.com/x", "https://theconversation.com/y-1")
    assert keys[0] == "conversation:1" and len(keys) == 3
    assert hard_keys(None, "https://a.com/x", "https://a.com/x") == [url_key("https://a.com/x")]


def test_is_compilation():
    assert is_compilation("Kyodo News Digest: June 28, 2025", "x")
    assert is_compilation(None, "intro\n----------\nA\n----------\nB")
    assert not is_compilation("Japan approves wage hike", STORY)


# ---------------------------------------------------------------- story assignment
@pytest.fixture
def index():
    store = SQLiteStoryStore(":memory:")
    yield StoryIndex(store)
    store.close()


def test_first_copy_with_hard_key_names_the_story(index):
    a = index.assign("kyodo:abc", STORY, "kyodo:abc", hard_keys("kyodo:abc", "https://k.net/abc.html"))
    assert (a.how, a.story_id) == ("new", "kyodo:abc")
    copy = STORY.replace("TOKYO - ", "TOKYO \u2013 ") + "\n\n| KYODO"
    b = index.assign("japantimes:9", copy, None, hard_keys(None, "https://jt.jp/9/"))
    assert (b.how, b.story_id, b.rule) == ("near", "kyodo:abc", "jaccard")
    c = index.assign("kyodo:other", OTHER, "kyodo:other")
    assert (c.how, c.story_id) == ("new", "kyodo:other")


def test_story_without_hard_key_gets_stable_derived_id(index):
    a = index.assign("republisher:x1", STORY, None, [])
    assert a.story_id == new_story_id("republisher:x1") and a.story_id.startswith("story:")
    # a later original carrying a hard key joins it; its key becomes an alias
    b = index.assign("kyodo:abc", STORY, "kyodo:abc", ["kyodo:abc"])
    assert b.story_id == a.story_id and b.how == "near"
    c = index.assign("republisher:x2", "completely different words " * 3, "kyodo:abc", ["kyodo:abc"])
    assert (c.how, c.story_id) == ("hard", a.story_id)
    assert index.resolve("kyodo:abc") == a.story_id


def test_digest_entry_and_teaser_join_the_full_story(index):
    index.assign("kyodo:abc", STORY, "kyodo:abc")
    entry = index.assign("kyodo:digest-1", paras(STORY)[0].replace("TOKYO - ", ""), None, [])
    teaser = index.assign("jtoday:t", " ".join(paras(STORY)[0].split()[:22]) + "\u2026", None, [])
    extract = index.assign("portal:e", "\n\n".join(paras(STORY)[:2]) + "\n\nRead more at Kyodo News.", None, [])
    assert {entry.story_id, teaser.story_id, extract.story_id} == {"kyodo:abc"}
    assert entry.rule == "lead"


def test_too_short_texts_are_not_matched_on_text(index):
    a = index.assign("a:1", "Police said on Monday that", None, [])
    b = index.assign("b:1", "Police said on Monday that", None, [])
    assert a.story_id != b.story_id


def test_different_stories_stay_apart(index):
    a = index.assign("kyodo:1", STORY, "kyodo:1")
    b = index.assign("kyodo:2", OTHER, "kyodo:2")
    assert a.story_id != b.story_id and b.how == "new"


def test_compilation_is_not_text_matched(index):
    index.assign("kyodo:abc", STORY, "kyodo:abc")
    digest = "Intro.\n\n----------\n\n" + paras(STORY)[0] + "\n\n----------\n\n" + paras(OTHER)[0]
    d = index.assign("kyodo:digest", digest, "kyodo:digest", compilation=True)
    assert (d.how, d.story_id) == ("new", "kyodo:digest")


def test_bridge_copy_merges_two_stories_into_the_earlier(index):
    # X and Z do not match each other; Y matches both: the stories merge, earliest id kept
    p = paras(STORY)
    x = index.assign("x", p[0] + "\n\n" + p[1], None, ["kyodo:x"])
    z = index.assign("z", OTHER, None, ["jiji:z"])
    assert x.story_id != z.story_id
    y = index.assign("y", "filler words here", "kyodo:x", ["kyodo:x", "jiji:z"])
    assert y.story_id == x.story_id and y.merged == [z.story_id]
    assert index.resolve(z.story_id) == x.story_id
    assert index.store.aliases() == {z.story_id: x.story_id}


def test_written_state_survives_reopen_unchanged_and_changed(tmp_path):
    db = tmp_path / "s.sqlite"
    store = SQLiteStoryStore(db)
    ix = StoryIndex(store)
    a = ix.assign("kyodo:abc", STORY, "kyodo:abc")
    ix.mark_written([(a.item_hash, a.body_hash)])
    b = ix.assign("republisher:c", STORY + "\n\nAn extra line.", None, [])   # never marked written
    store.close()

    store = SQLiteStoryStore(db)
    ix = StoryIndex(store)
    again = ix.assign("kyodo:abc", STORY.replace("TOKYO - ", "TOKYO \u2013 "), "kyodo:abc")  # typography only
    assert again.how == "unchanged"
    changed = ix.assign("kyodo:abc", STORY + "\n\nThe agency will publish more data in June.", "kyodo:abc")
    assert (changed.how, changed.story_id) == ("changed", "kyodo:abc")
    not_written = ix.assign("republisher:c", STORY + "\n\nAn extra line.", None, [])
    assert not_written.how != "unchanged" and not_written.story_id == b.story_id == "kyodo:abc"
    assert body_hash_of(STORY) == a.body_hash
    store.close()


def test_eval_set_meets_targets_in_every_order():
    from tools.eval_dedupe import evaluate, load, passes
    docs, negatives = load()
    assert len(docs) >= 40 and len(negatives) >= 15
    full = evaluate(shuffles=3)
    assert full["positive_pairs"] >= 60
    assert passes(full), (full["forward"]["missed"], full["forward"]["wrong"], full["orders_agree"])
    text = evaluate(text_only=True, shuffles=3)
    assert passes(text), (text["forward"]["missed"], text["forward"]["wrong"])


def test_cli_prints_aliases_of_merged_stories(tmp_path, capsys):
    from crawler.dedupe.__main__ import main
    store = SQLiteStoryStore(tmp_path / "dedupe.sqlite")
    ix = StoryIndex(store)
    x = ix.assign("x", STORY, None, ["kyodo:x"])
    z = ix.assign("z", OTHER, None, ["jiji:z"])
    ix.assign("y", "filler words", None, ["kyodo:x", "jiji:z"])
    store.close()
    assert main(["aliases", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == json.dumps({"story_id": z.story_id, "now": x.story_id})
    assert main(["resolve", str(tmp_path), "jiji:z"]) == 0
    assert json.loads(capsys.readouterr().out)["now"] == x.story_id
    assert main(["aliases", str(tmp_path / "missing")]) == 1


def test_sqlite_store_pragmas(tmp_path):
    store = SQLiteStoryStore(tmp_path / "deep" / "d.sqlite", cache_mb=8, mmap_mb=0)
    q = lambda p: store.db.execute(f"PRAGMA {p}").fetchone()[0]  # noqa: E731
    assert (q("journal_mode"), q("synchronous"), q("cache_size"), q("mmap_size")) == ("wal", 1, -8192, 0)
    store.close()
    # the defaults bound the process's memory (no map, 8 MB cache) and checkpoint the WAL rarely
    store = SQLiteStoryStore(tmp_path / "d2.sqlite")
    assert (q("cache_size"), q("mmap_size"), q("wal_autocheckpoint")) == (-8192, 0, 10_000)
    store.close()


def test_vectorised_minhash_equals_datasketch_update_batch():
    import numpy as np

    from crawler.dedupe.fingerprint import _BODY_TEMPLATE, _LEAD_TEMPLATE, _minhash, _minhash_reference, shingle_hashes
    values = np.unique(shingle_hashes(words(STORY + OTHER)))
    for template in (_BODY_TEMPLATE, _LEAD_TEMPLATE):
        assert (_minhash(values, template) == _minhash_reference(values, template)).all()
        assert (_minhash(values[:0], template) == _minhash_reference(values[:0], template)).all()


def test_add_doc_twice_for_one_item_keeps_one_doc():
    store = SQLiteStoryStore(":memory:")
    s = store.new_story("story:x")
    a = store.add_doc(42, s, 10, 10, b"\x01" * 192, [1, 2])
    b = store.add_doc(42, s, 12, 10, b"\x02" * 192, [3])
    assert a == b and store.doc_for_item(42).n_body == 12
    assert set(store.candidates([1, 2, 3], 100)) == {a}
    store.close()
