"""The story-assignment algorithm: hard keys first, then near-duplicate text, over a `StoryStore`.

For each item (one copy of a story):

1. **Written before?** An item_id whose line is already on disk is ``unchanged`` (same body
   hash: not written again) or ``changed`` (written again with the story it had).
2. **Hard keys** — the spider's ``story_id`` (``conversation:<id>``, ``kyodo:<id>``, ``jiji:<k>``,
   ``japantimes:<postid>``; the republisher's origin key), the canonical URL and the
   ``original_url`` (w3lib-canonicalised): every story already holding one of them.
3. **Near duplicates** — LSH candidates on the body and lead band keys, each verified on the
   8-bit signatures (:func:`match`): every story holding a verified copy.
4. No story found: a new one, whose id is the item's ``story_id`` when it has one, else
   ``story:<12 hex>`` derived from the item_id (stable). Stories found: the item joins the
   *earliest* (smallest reference); when it links several stories they are merged into the
   earliest, which keeps its id (the others become its aliases). The item's hard keys become
   keys of that story, its fingerprint is indexed under it.

Because every copy is indexed and every new copy queries both stages, the final stories are the
connected components of the "shares a hard key or is a verified near-duplicate" graph, whatever
the crawl order (the matching rule is symmetric). Only the *ids* depend on the order.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url

import numpy as np

from crawler.dedupe.fingerprint import (BODY_PERM, BODY_SAMPLE, LEAD_PERM, Fingerprint, bbit_jaccard, containment,
                                        estimate, fingerprint, text_hash)
from crawler.dedupe.normalize import words
from crawler.dedupe.store import Doc, StoryStore, key_hash
from crawler.jsonl import dumps_json


@dataclass(frozen=True)
class Thresholds:
    """Matching thresholds (chosen on fixtures/dedupe-eval, see docs/dedupe.md)."""
    min_shingles: int = 8          # shorter texts: hard keys only
    jaccard: float = 0.5           # body Jaccard: same text, small edits
    containment: float = 0.65      # body containment of the smaller text in the larger
    min_containment_shingles: int = 40   # ... when the smaller has at least this many shingles
    lead_containment: float = 0.7   # lead window: a short text is the start of the long one
    min_lead_shingles: int = 10    # ... when the shorter lead has at least this many shingles
    max_candidates: int = 400      # band rows read per query (bounds hot bands)
    max_verify: int = 40           # candidate docs verified per query


DEFAULT = Thresholds()


def match(a_nb: int, a_nl: int, a_sig: bytes, b: Doc, t: Thresholds = DEFAULT,
          sample: int | None = None) -> tuple[bool, str, float]:
    """Symmetric near-duplicate test of two fingerprints: (match, rule, score). SAMPLE: the
    index's body sample size (:func:`~crawler.dedupe.fingerprint.fingerprint`); where either
    text was sampled, Jaccard and containment are estimated for the whole texts."""
    if min(a_nb, b.n_body) < t.min_shingles:
        return False, "short", 0.0
    jb = bbit_jaccard(a_sig[:BODY_PERM], b.sig[:BODY_PERM])
    cb = None
    if sample and max(a_nb, b.n_body) > sample:
        jb, cb = estimate(jb, a_nb, b.n_body, sample)
    if jb >= t.jaccard:
        return True, "jaccard", jb
    if min(a_nb, b.n_body) >= t.min_containment_shingles:
        cb = containment(jb, a_nb, b.n_body) if cb is None else cb
        if cb >= t.containment:
            return True, "containment", cb
    if min(a_nl, b.n_lead) >= t.min_lead_shingles:
        jl = bbit_jaccard(a_sig[BODY_PERM:], b.sig[BODY_PERM:])
        cl = containment(jl, a_nl, b.n_lead)
        if cl >= t.lead_containment:
            return True, "lead", cl
    return False, "none", jb


_SIG_LEN = BODY_PERM + LEAD_PERM
_CHANCE = 1.0 / 256


def match_many(a_nb: int, a_nl: int, a_sig: bytes, docs: list[Doc], t: Thresholds = DEFAULT,
               sample: int | None = None) -> list[str | None]:
    """``[match(a_nb, a_nl, a_sig, d, t)]`` for many candidates at once: the rule that links each
    doc (``jaccard``/``containment``/``lead``) or None.

    The signatures are compared in one numpy operation instead of two per candidate; the scores
    are the same float expressions as in :func:`bbit_jaccard` and :func:`containment`, evaluated
    in the same order, so every decision equals :func:`match`'s (``tests/test_perf_dedupe.py``).
    """
    if len(docs) < 3 or len(a_sig) != _SIG_LEN or any(len(d.sig) != _SIG_LEN for d in docs):
        return [r if ok else None for ok, r, _ in (match(a_nb, a_nl, a_sig, d, t, sample) for d in docs)]
    sigs = np.frombuffer(b"".join([d.sig for d in docs]), np.uint8).reshape(len(docs), _SIG_LEN)
    agree = sigs == np.frombuffer(a_sig, np.uint8)
    nb = np.array([d.n_body for d in docs])
    nl = np.array([d.n_lead for d in docs])
    jb = np.maximum(0.0, (agree[:, :BODY_PERM].sum(axis=1) / BODY_PERM - _CHANCE) / (1 - _CHANCE))
    jl = np.maximum(0.0, (agree[:, BODY_PERM:].sum(axis=1) / LEAD_PERM - _CHANCE) / (1 - _CHANCE))
    small_b = np.minimum(nb, a_nb)
    small_l = np.minimum(nl, a_nl)
    # containment(); where the smaller set is empty the value is 0.0 there and is never used here
    # (dividing by max(small, 1) only avoids the warning)
    cb = np.minimum(1.0, jb * (nb + a_nb) / (1.0 + jb) / np.maximum(small_b, 1))
    cl = np.minimum(1.0, jl * (nl + a_nl) / (1.0 + jl) / np.maximum(small_l, 1))
    if sample and (a_nb > sample or (nb > sample).any()):
        # estimate() for the pairs where a text was sampled (the same expressions, in arrays)
        p_a = 1.0 if a_nb <= sample else sample / a_nb
        p_b = np.where(nb > sample, sample / np.maximum(nb, 1), 1.0)
        inter = np.minimum(np.maximum(small_b, 1),
                           jb * (a_nb * p_a + nb * p_b) / (1.0 + jb) / np.minimum(p_a, p_b))
        sampled = np.maximum(nb, a_nb) > sample
        jb = np.where(sampled, inter / (nb + a_nb - inter), jb)
        cb = np.where(sampled, inter / np.maximum(small_b, 1), cb)
    long_enough = small_b >= t.min_shingles
    # rule codes in match()'s order of precedence: 3 jaccard, 2 containment, 1 lead, 0 none
    code = np.where(jb >= t.jaccard, 3,
                    np.where((small_b >= t.min_containment_shingles) & (small_b > 0) & (cb >= t.containment), 2,
                             np.where((small_l >= t.min_lead_shingles) & (small_l > 0) & (cl >= t.lead_containment),
                                      1, 0)))
    code[~long_enough] = 0
    return [_RULES[c] for c in code.tolist()]


_RULES = (None, "lead", "containment", "jaccard")


_DIGEST_SEP = re.compile(r"-{8,}")
_DIGEST_TITLE = re.compile(r"\bdigest\b|news summaries", re.IGNORECASE)


def is_compilation(headline: str | None, body: str | None) -> bool:
    """A page made of several stories (a digest): never matched as a whole on its text."""
    if headline and _DIGEST_TITLE.search(headline):
        return True
    # the substring test skips the regex (which tries every position) on bodies without a separator
    return bool(body) and "--------" in body and len(_DIGEST_SEP.findall(body)) >= 2


#: an http(s) URL that w3lib's canonicalize_url returns unchanged: a lower-case ASCII host name
#: (no port, no user), a path of unreserved characters (no percent escapes, no dot segments, checked
#: apart), no query, no fragment; an article URL usually is one (~25 -> ~2 us)
_PLAIN_URL = re.compile(r"https?://([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)"
                        r"(/[A-Za-z0-9._~/-]*)\Z")


def url_key(url: str | None) -> str | None:
    """``url:<canonical form>``; None for missing URLs and site roots (never a story key)."""
    if not url or not isinstance(url, str):
        return None
    u = url.strip()
    m = _PLAIN_URL.match(u)
    if m is not None and "/." not in m[2] and "xn--" not in m[1]:
        return None if m[2] == "/" else "url:https://" + u[u.index("://") + 3:]
    return url_key_reference(url)


def url_key_reference(url: str | None) -> str | None:
    """:func:`url_key` by w3lib alone (every URL that is not plain, and the reference of the tests)."""
    if not url or not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None
        if parts.path in ("", "/") and not parts.query and not parts.fragment:
            return None
        canon = canonicalize_url(url.strip(), keep_fragments=True)
    except Exception:  # noqa: BLE001 - a malformed URL is just not a key
        return None
    canon = re.sub(r"^http://", "https://", canon)
    return "url:" + canon


def hard_keys(story_id: str | None, canonical_url: str | None = None, original_url: str | None = None) -> list[str]:
    keys = [story_id] if story_id else []
    for u in (canonical_url, original_url):
        k = url_key(u)
        if k and k not in keys:
            keys.append(k)
    return keys


def body_hash_of(text: str | None) -> int:
    """The body hash the index stores for a written line (of its normalised words)."""
    return text_hash(words(text))


#: Record keys that say where and when a copy was read, not what it says: a record whose other
#: keys are the same as the line written before is ``unchanged``.
VOLATILE_KEYS = frozenset({"story_id", "fetched_at", "warc_file", "warc_record_id"})


def record_hash(record: dict) -> int:
    """The hash a written line is remembered by: every key but :data:`VOLATILE_KEYS`, so a
    parser fix that changes any field (not only the body) makes the record ``changed``."""
    content = {k: v for k, v in record.items() if k not in VOLATILE_KEYS}
    data = dumps_json(content, sort_keys=True, default=str)     # json.dumps(...).encode("utf-8"), faster
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


def record_hash_reference(record: dict) -> int:
    """:func:`record_hash` by json alone, as first written: the reference of the tests."""
    content = {k: v for k, v in record.items() if k not in VOLATILE_KEYS}
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return int.from_bytes(hashlib.blake2b(data.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def new_story_id(item_id: str) -> str:
    return "story:" + hashlib.sha256(item_id.encode("utf-8")).hexdigest()[:12]


@dataclass
class Assignment:
    story_id: str
    how: str                 # new | hard | near | changed | unchanged
    story: int
    already_written: bool    # the story had a written copy before this item
    body_hash: int
    item_hash: int
    merged: list[str] = field(default_factory=list)   # ids of stories merged into this one
    rule: str | None = None  # the near-duplicate rule that linked it (jaccard|containment|lead)


#: the store's ``fingerprint`` setting: body sketches over a bottom-k sample of long texts' shingles
#: (indexes made from now on), or over every shingle (indexes made before; kept as they are, a copy
#: is only comparable with copies sketched the same way)
FINGERPRINT_SAMPLED = f"sample{BODY_SAMPLE}"
FINGERPRINT_FULL = "full"


def sample_of(setting: str) -> int | None:
    """The body sample size of a ``fingerprint`` setting (None: every shingle)."""
    return int(setting[len("sample"):]) if setting.startswith("sample") else None


class StoryIndex:
    def __init__(self, store: StoryStore, thresholds: Thresholds = DEFAULT):
        self.store = store
        self.t = thresholds
        self._sample: int | None | bool = False        # not read yet

    @property
    def sample(self) -> int | None:
        """Body sample size of this index (None: sketches over every shingle, an older index);
        read from the store on first use, inside the first assignment (and its lock and error
        handling), never when the index object is made."""
        if self._sample is False:
            self._sample = sample_of(self.store.index_setting("fingerprint", FINGERPRINT_SAMPLED, FINGERPRINT_FULL))
        return self._sample

    def assign(self, item_id: str, text: str | None, story_id: str | None = None,
               keys: list[str] | None = None, compilation: bool = False, content: int | None = None) -> Assignment:
        """CONTENT: the hash the written line is remembered by (:func:`record_hash`); the body
        hash when not given."""
        st = self.store
        item_h = key_hash("item:" + item_id)
        fp: Fingerprint = fingerprint(text, sample=self.sample)
        written_hash = fp.body_hash if content is None else content
        doc = st.doc_for_item(item_h)
        if doc is not None and doc.body is not None:
            how = "unchanged" if doc.body == written_hash else "changed"
            if how == "changed":
                bands = [] if compilation or fp.n_body < self.t.min_shingles else fp.bands
                st.add_doc(item_h, doc.story, fp.n_body, fp.n_lead, fp.sig, bands)
            return Assignment(st.story_sid(doc.story), how, doc.story, True, written_hash, item_h)

        keys = list(keys if keys is not None else hard_keys(story_id))
        if story_id and story_id not in keys:
            keys.insert(0, story_id)
        hk = [key_hash(k) for k in keys]
        roots: set[int] = {st.root(s) for s in st.find_keys(hk)}
        how = "hard" if roots else None
        rule = None
        near = not compilation and fp.n_body >= self.t.min_shingles
        if near:
            cands = st.candidates(fp.bands, self.t.max_candidates)
            if doc is not None:
                cands.pop(doc.ref, None)
            if cands:
                top = sorted(cands, key=lambda d: (-cands[d], d))[: self.t.max_verify]
                found = st.docs(top)
                for d, r in zip(found, match_many(fp.n_body, fp.n_lead, fp.sig, found, self.t, self.sample)):
                    if r is not None:
                        root = st.root(d.story)
                        if root not in roots:
                            roots.add(root)
                            if how is None:
                                how = "near"
                                rule = r
        if doc is not None:                     # indexed in an earlier, interrupted run
            roots.add(st.root(doc.story))
            how = how or "hard"
        merged: list[str] = []
        if not roots:
            sid = story_id or new_story_id(item_id)
            target = st.new_story(sid)
            if sid != story_id:
                hk.append(key_hash(sid))
            how = "new"
            written = False
        else:
            target = min(roots)
            written = any(st.story_written(r) for r in roots)
            for r in sorted(roots - {target}):
                merged.append(st.story_sid(r))
                st.merge(r, target)
        st.add_keys(hk, target)
        st.add_doc(item_h, target, fp.n_body, fp.n_lead, fp.sig, fp.bands if near else [])
        sid = sid if how == "new" else st.story_sid(target)
        return Assignment(sid, how, target, written, written_hash, item_h, merged, rule)

    def assign_article(self, item, content: int | None = None) -> Assignment:
        """Assign an Article-like object (attribute access; nothing is modified)."""
        text = item.body or item.description or ""
        item_id = item.item_id or item.canonical_url or item.url or ""
        keys = hard_keys(item.story_id, item.canonical_url, item.original_url)
        return self.assign(item_id, text, item.story_id, keys, is_compilation(item.headline, item.body), content)

    def mark_written(self, marks: list[tuple[int, int]]) -> None:
        self.store.mark_written(marks)

    def resolve(self, story_id: str) -> str:
        """The current id of a story (after merges) from any id it was written with."""
        hits = self.store.find_keys([key_hash(story_id)])
        return self.store.story_sid(self.store.root(hits[0])) if hits else story_id
