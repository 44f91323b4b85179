"""Fingerprints of a text: MinHash signatures (datasketch) of its word shingles, LSH band keys,
and compact 8-bit signatures for verification.

Two sketches per text:

* **body** — MinHash of every word shingle of the text (``BODY_PERM`` permutations; the first
  ``BODY_BANDS`` × ``BODY_ROWS`` values are banded for LSH): finds copies that share most of their text (edited
  headline, changed typography, chrome added, a paragraph more or less).
* **lead** — MinHash of the first ``LEAD_SHINGLES`` shingles only (``LEAD_PERM`` permutations,
  the first ``LEAD_BANDS`` × ``LEAD_ROWS`` banded): finds what a long text and a short one share when the short one is the start of
  the long one — a digest entry or teaser and its full story, an extract, a copy whose last
  paragraphs were cut. Containment (how much of the short text lies in the long one) is
  estimated from the Jaccard estimate and the two set sizes, which are stored exactly.

Verification uses *b-bit minwise hashing* (Li & König): only the low 8 bits of each MinHash value
are kept (``BODY_PERM + LEAD_PERM`` bytes per text); two texts agree on a position with
probability J + (1 − J)/256, which :func:`bbit_jaccard` corrects.

Shingle hashing is vectorised: each word is hashed once (crc32), shingle hashes are a
polynomial of their word hashes in uint64 arithmetic, folded to 32 bits, then MinHashed exactly
as datasketch's ``MinHash.update_batch`` does with scheme ``affine32`` (MurmurHash3 pre-mix +
affine permutations ``a * h + b mod 2**32``, parameters drawn from ``RandomState(seed)``), in
numpy alone: importing datasketch pulls in scipy (about 0.6 s CPU and 60 MB per crawl), so it is
imported only by :func:`_minhash_reference`, which the tests compare with. Everything is
deterministic across processes and machines.

**Long texts** (``sample``, :data:`BODY_SAMPLE`): the body sketch of a text with more distinct
shingles than that is taken over a fixed-size sample of them, the ``sample`` distinct shingles
with the smallest hash (a bottom-k sample, Broder 1997; Cohen & Kaplan 2007): its cost no
longer grows with the text (a 1,250-word body: 1,200 shingles hashed 128 times -> 256). Two
samples are consistent (a shingle both texts hold is in both samples when its hash is below
both texts' cut-offs), so :func:`estimate` recovers the Jaccard similarity and containment of
the whole texts from the samples' Jaccard estimate and the exact distinct counts. Texts with at
most ``sample`` shingles get exactly the sketch they always had. Whether an index samples is
decided once per index (``StoryIndex``: the store's ``fingerprint`` meta).
"""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from crawler.dedupe.normalize import words

SHINGLE = 3                 # words per shingle
BODY_PERM, BODY_BANDS, BODY_ROWS = 128, 16, 4
LEAD_PERM, LEAD_BANDS, LEAD_ROWS = 64, 16, 2
LEAD_SHINGLES = 30          # the lead sketch covers the first 40 shingles (about 42 words)
SEED = 20250628
#: distinct shingles a body sketch is taken over at most (``sample`` of :func:`fingerprint`)
BODY_SAMPLE = 256

_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)



@dataclass(frozen=True)
class Permutations:
    """The ``affine32`` permutations of ``datasketch.MinHash(num_perm, seed, scheme="affine32")``."""
    num_perm: int
    seed: int
    a: np.ndarray            # odd multipliers, uint32, shape (num_perm, 1)
    b: np.ndarray            # offsets, uint32, shape (num_perm, 1)
    empty: np.ndarray        # the signature of an empty set (all 2**32 - 1)

    @classmethod
    def make(cls, num_perm: int, seed: int) -> "Permutations":
        # datasketch.MinHash._init_permutations for affine32, draw for draw
        gen = np.random.RandomState(seed)
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
        return cls(num_perm, seed, a.reshape(-1, 1), b.reshape(-1, 1),
                   np.full(num_perm, 0xFFFFFFFF, dtype=np.uint32))

    def __len__(self) -> int:
        return self.num_perm


_BODY_TEMPLATE = Permutations.make(BODY_PERM, SEED)
_LEAD_TEMPLATE = Permutations.make(LEAD_PERM, SEED + 1)

# MurmurHash3 32-bit finaliser (datasketch's ``_fmix(h, 32)``)
_F16, _F13 = np.uint32(16), np.uint32(13)
_FM1, _FM2 = np.uint32(0x85EBCA6B), np.uint32(0xC2B2AE35)


def _fmix32(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> _F16)
    h *= _FM1
    h ^= h >> _F13
    h *= _FM2
    h ^= h >> _F16
    return h


class _WordHashes(dict):
    """word -> crc32 of its UTF-8 bytes, computed on first use (``__missing__``): looking up a
    whole token list is then one C-level ``map`` over ``dict.__getitem__``."""

    def __missing__(self, word: str) -> int:
        h = self[word] = zlib.crc32(word.encode())
        return h


#: a bounded cache, words repeat across a corpus
_WORD_HASHES = _WordHashes()


def _identity(x):
    return x


def shingle_hashes(tokens: list[str], k: int = SHINGLE) -> np.ndarray:
    """32-bit hashes of the word k-shingles, in text order (uint32 array; may repeat)."""
    if not tokens:
        return np.zeros(0, dtype=np.uint32)
    cache = _WORD_HASHES
    if len(cache) > 500_000:
        cache.clear()
    wh = np.fromiter(map(cache.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    if len(tokens) < k:
        k = len(tokens)
    n = len(tokens) - k + 1
    # acc = (((w0 * K1 + w1) * K1 + w2) ...) * K2, folded to 32 bits; in place, wrapping uint64
    acc = wh[:n].copy()
    for j in range(1, k):
        acc *= _K1
        acc += wh[j:j + n]
    acc *= _K2
    acc ^= acc >> _S32
    return acc.astype(np.uint32)


def _minhash(values: np.ndarray, perm: Permutations) -> np.ndarray:
    """datasketch's ``affine32`` MinHash of 32-bit values, vectorised (uint32 array of ``num_perm``).

    The same computation as ``MinHash(..., hashfunc=identity).update_batch(values)`` (MurmurHash3
    pre-mix, then ``a * h + b mod 2**32`` per permutation, minimum over the values) without a
    Python call per value; ``tests/test_perf_dedupe.py`` checks it against ``update_batch``.
    """
    if not len(values):
        return perm.empty.copy()
    return _min_affine(_fmix32(values.astype(np.uint32)), perm)


def _min_affine(mixed: np.ndarray, perm: Permutations) -> np.ndarray:
    """Column minimum of ``a * h + b`` over pre-mixed values (the (num_perm, n) layout makes the
    minimum a reduction along contiguous rows, the fastest)."""
    m = perm.a * mixed
    m += perm.b
    return m.min(axis=1)


def _minhash_reference(values: np.ndarray, perm: Permutations) -> np.ndarray:
    """The plain datasketch path (slow, imports scipy): used by the tests to check :func:`_minhash`."""
    from datasketch import MinHash
    m = MinHash(num_perm=len(perm), seed=perm.seed, hashfunc=_identity, scheme="affine32")
    if len(values):
        m.update_batch(values.tolist())
    return m.hashvalues


def _band_keys(hv: np.ndarray, bands: int, rows: int, salt: int) -> list[int]:
    """One signed 32-bit key per band (band number mixed in): fits SQLite's 4-byte integers."""
    raw = hv[: bands * rows].astype("<u4").tobytes()
    w = rows * 4
    crc = zlib.crc32
    return [h - 4294967296 if h >= 2147483648 else h
            for h in [crc(raw[i:i + w], seed) for i, seed in zip(range(0, bands * w, w), _band_seeds(salt, bands))]]


@lru_cache(maxsize=None)
def _band_seeds(salt: int, bands: int) -> tuple[int, ...]:
    """The crc32 start value of each band (the band number and SALT mixed in)."""
    return tuple((salt * 131 + b) * 2654435761 & 0xFFFFFFFF for b in range(bands))


@dataclass
class Fingerprint:
    n_body: int              # distinct shingles of the whole text
    n_lead: int              # distinct shingles of the lead window
    n_words: int
    sig: bytes               # 8-bit signatures: BODY_PERM bytes then LEAD_PERM bytes
    bands: list[int]         # LSH keys: body bands (omitted when the text is all lead) + lead bands
    tokens: list[str] = field(default=None, repr=False, compare=False)  # for body_hash, on demand

    @property
    def body_sig(self) -> bytes:
        return self.sig[:BODY_PERM]

    @property
    def lead_sig(self) -> bytes:
        return self.sig[BODY_PERM:]

    @cached_property
    def body_hash(self) -> int:
        """Signed 64-bit hash of the normalised word sequence (change detection), computed on first
        use: the pipeline remembers a line by its record hash and never asks for it."""
        return text_hash(self.tokens or [])


def _n_distinct(values: np.ndarray) -> int:
    """``len(np.unique(values))`` without its Python overhead."""
    if len(values) < 2:
        return len(values)
    s = np.sort(values)
    return int(np.count_nonzero(s[1:] != s[:-1])) + 1


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (``np.unique`` without its Python overhead)."""
    if len(values) < 2:
        return values
    s = np.sort(values)
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    return s[keep]


def text_hash(tokens: list[str]) -> int:
    d = hashlib.blake2b(" ".join(tokens).encode(), digest_size=8).digest()
    return int.from_bytes(d, "little", signed=True)


def fingerprint(text: str | None, tokens: list[str] | None = None, sample: int | None = None) -> Fingerprint:
    """The fingerprint of TEXT (or of its TOKENS). SAMPLE: the body sketch of a text with more
    distinct shingles than that is taken over the SAMPLE distinct shingles with the smallest
    hash (None: over all of them, as indexes made before sampling have it)."""
    tokens = words(text) if tokens is None else tokens
    sh = shingle_hashes(tokens)
    n_body = n_lead = 0
    if len(sh):
        body_values = sh
        if sample and len(sh) > sample:
            distinct = _distinct(sh)
            n_body = len(distinct)
            if n_body > sample:
                body_values = distinct[:sample]      # the bottom-SAMPLE sample
        if body_values is sh:
            # A minimum does not care about repeated values: the sketches are taken over all
            # shingles (pre-mixed once for both), the distinct counts are counted apart.
            mixed = _fmix32(sh)
            body_hv = _min_affine(mixed, _BODY_TEMPLATE)
            lead_hv = _min_affine(mixed[:LEAD_SHINGLES], _LEAD_TEMPLATE)
        else:
            # the sample and the lead window pre-mixed in one pass (fewer numpy calls)
            mixed = _fmix32(np.concatenate((body_values, sh[:LEAD_SHINGLES])))
            body_hv = _min_affine(mixed[:len(body_values)], _BODY_TEMPLATE)
            lead_hv = _min_affine(mixed[len(body_values):], _LEAD_TEMPLATE)
        n_body = n_body or _n_distinct(sh)
        n_lead = _n_distinct(sh[:LEAD_SHINGLES])
    else:
        body_hv, lead_hv = _BODY_TEMPLATE.empty, _LEAD_TEMPLATE.empty
    sig = body_hv.astype(np.uint8).tobytes() + lead_hv.astype(np.uint8).tobytes()     # the low 8 bits
    bands: list[int] = []
    if len(sh):
        if len(sh) > LEAD_SHINGLES:
            bands += _band_keys(body_hv, BODY_BANDS, BODY_ROWS, 1)
        bands += _band_keys(lead_hv, LEAD_BANDS, LEAD_ROWS, 2)
    return Fingerprint(n_body, n_lead, len(tokens), sig, bands, tokens)


def bbit_jaccard(a: bytes, b: bytes) -> float:
    """Jaccard estimate from two 8-bit MinHash signatures (bias of chance agreement removed)."""
    if not a or len(a) != len(b):
        return 0.0
    agree = np.count_nonzero(np.frombuffer(a, np.uint8) == np.frombuffer(b, np.uint8)) / len(a)
    c = 1.0 / 256
    return max(0.0, (agree - c) / (1 - c))


def containment(j: float, n_a: int, n_b: int) -> float:
    """Estimated share of the smaller set that lies in the larger, from Jaccard and sizes."""
    small, big = min(n_a, n_b), max(n_a, n_b)
    if small <= 0:
        return 0.0
    inter = j * (n_a + n_b) / (1.0 + j)
    return min(1.0, inter / small)


def sampled_share(n: int, sample: int | None) -> float:
    """The share of a text's N distinct shingles its body sketch was taken over."""
    return 1.0 if not sample or n <= sample else sample / n


def estimate(j_sample: float, n_a: int, n_b: int, sample: int | None) -> tuple[float, float]:
    """(Jaccard, containment of the smaller in the larger) of two whole texts of N_A and N_B
    distinct shingles, from the Jaccard estimate J_SAMPLE of their body sketches taken over
    bottom-SAMPLE samples. A shingle of both texts lies in both samples when its hash is under
    both cut-offs, which happens for the share ``min(p_a, p_b)`` of them: the samples'
    intersection (from J_SAMPLE and the sample sizes) divided by that share estimates the
    texts' one. Callers use it only when a sample was taken (otherwise J_SAMPLE is the answer)."""
    p_a, p_b = sampled_share(n_a, sample), sampled_share(n_b, sample)
    s_a, s_b = n_a * p_a, n_b * p_b
    small = min(n_a, n_b)
    if small <= 0:
        return 0.0, 0.0
    inter = min(small, j_sample * (s_a + s_b) / (1.0 + j_sample) / min(p_a, p_b))
    return inter / (n_a + n_b - inter), inter / small
