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
polynomial of their word hashes in uint64 arithmetic, folded to 32 bits, then fed to
datasketch's ``MinHash.update_batch`` (scheme ``affine32``: MurmurHash3 pre-mix + affine
permutations). Everything is deterministic across processes and machines.
"""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash
from datasketch.minhash import _fmix

from crawler.dedupe.normalize import words

SHINGLE = 3                 # words per shingle
BODY_PERM, BODY_BANDS, BODY_ROWS = 128, 16, 4
LEAD_PERM, LEAD_BANDS, LEAD_ROWS = 64, 16, 2
LEAD_SHINGLES = 30          # the lead sketch covers the first 40 shingles (about 42 words)
SEED = 20250628

_K1 = np.uint64(0x9E3779B97F4A7C15)
_K2 = np.uint64(0xC2B2AE3D27D4EB4F)
_M32 = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)

_BODY_TEMPLATE = MinHash(num_perm=BODY_PERM, seed=SEED, scheme="affine32")
_LEAD_TEMPLATE = MinHash(num_perm=LEAD_PERM, seed=SEED + 1, scheme="affine32")


#: word -> crc32: a bounded cache, words repeat across a corpus
_WORD_HASHES: dict[str, int] = {}


def _identity(x):
    return x


def shingle_hashes(tokens: list[str], k: int = SHINGLE) -> np.ndarray:
    """32-bit hashes of the word k-shingles, in text order (uint32 array; may repeat)."""
    if not tokens:
        return np.zeros(0, dtype=np.uint32)
    cache = _WORD_HASHES
    if len(cache) > 500_000:
        cache.clear()
    for w in set(tokens).difference(cache):
        cache[w] = zlib.crc32(w.encode())
    wh = np.fromiter(map(cache.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    if len(tokens) < k:
        k = len(tokens)
    n = len(tokens) - k + 1
    acc = wh[:n].copy()
    with np.errstate(over="ignore"):
        for j in range(1, k):
            acc = acc * _K1 + wh[j:j + n]
        acc = acc * _K2
        acc = acc ^ (acc >> _S32)
    return (acc & _M32).astype(np.uint32)


def _minhash(values: np.ndarray, template: MinHash) -> np.ndarray:
    """datasketch's ``affine32`` MinHash of 32-bit values, vectorised.

    The same computation as ``MinHash(..., hashfunc=identity).update_batch(values)`` (MurmurHash3
    pre-mix, then ``a * h + b mod 2**32`` per permutation, column minimum) without a Python call
    per value; ``tests/test_dedupe.py`` checks it against ``update_batch``.
    """
    if not len(values):
        return template.hashvalues.copy()
    a, b = template.permutations
    with np.errstate(over="ignore"):
        hv = _fmix(values.astype(np.uint32).reshape(-1, 1), 32)
        return (hv * a + b).min(axis=0)


def _minhash_reference(values: np.ndarray, template: MinHash) -> np.ndarray:
    """The plain datasketch path (slower): used by the tests to check :func:`_minhash`."""
    m = MinHash(num_perm=len(template), seed=template.seed, hashfunc=_identity,
                permutations=template.permutations, scheme="affine32")
    if len(values):
        m.update_batch(values.tolist())
    return m.hashvalues


def _band_keys(hv: np.ndarray, bands: int, rows: int, salt: int) -> list[int]:
    """One signed 32-bit key per band (band number mixed in): fits SQLite's 4-byte integers."""
    out = []
    raw = hv[: bands * rows].astype("<u4").tobytes()
    for b in range(bands):
        chunk = raw[b * rows * 4:(b + 1) * rows * 4]
        h = zlib.crc32(chunk, (salt * 131 + b) * 2654435761 & 0xFFFFFFFF)
        out.append(h - (1 << 32) if h >= (1 << 31) else h)
    return out


@dataclass
class Fingerprint:
    n_body: int              # distinct shingles of the whole text
    n_lead: int              # distinct shingles of the lead window
    n_words: int
    sig: bytes               # 8-bit signatures: BODY_PERM bytes then LEAD_PERM bytes
    bands: list[int]         # LSH keys: body bands (omitted when the text is all lead) + lead bands
    body_hash: int           # signed 64-bit hash of the normalised word sequence (change detection)

    @property
    def body_sig(self) -> bytes:
        return self.sig[:BODY_PERM]

    @property
    def lead_sig(self) -> bytes:
        return self.sig[BODY_PERM:]


def text_hash(tokens: list[str]) -> int:
    d = hashlib.blake2b(" ".join(tokens).encode(), digest_size=8).digest()
    return int.from_bytes(d, "little", signed=True)


def fingerprint(text: str | None, tokens: list[str] | None = None) -> Fingerprint:
    tokens = words(text) if tokens is None else tokens
    sh = shingle_hashes(tokens)
    lead = sh[:LEAD_SHINGLES]
    body_u = np.unique(sh)
    lead_u = np.unique(lead)
    body_hv = _minhash(body_u, _BODY_TEMPLATE)
    lead_hv = _minhash(lead_u, _LEAD_TEMPLATE)
    sig = (body_hv & 0xFF).astype(np.uint8).tobytes() + (lead_hv & 0xFF).astype(np.uint8).tobytes()
    bands: list[int] = []
    if len(sh):
        if len(sh) > LEAD_SHINGLES:
            bands += _band_keys(body_hv, BODY_BANDS, BODY_ROWS, 1)
        bands += _band_keys(lead_hv, LEAD_BANDS, LEAD_ROWS, 2)
    return Fingerprint(len(body_u), len(lead_u), len(tokens), sig, bands, text_hash(tokens))


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
