"""Story dedupe: which copies are one story (pure logic, no Scrapy).

* :mod:`.normalize` — text normalisation for fingerprints;
* :mod:`.fingerprint` — word shingles, MinHash (datasketch's affine32, in numpy), LSH band keys, 8-bit signatures;
* :mod:`.store` — the `StoryStore` interface and its SQLite implementation;
* :mod:`.index` — the story-assignment algorithm.
"""
from crawler.dedupe.fingerprint import Fingerprint, fingerprint
from crawler.dedupe.index import Assignment, StoryIndex, Thresholds, hard_keys, is_compilation, match, url_key
from crawler.dedupe.normalize import normalise, words
from crawler.dedupe.store import SQLiteStoryStore, StoryStore, key_hash

__all__ = ["Assignment", "Fingerprint", "SQLiteStoryStore", "StoryIndex", "StoryStore", "Thresholds",
           "fingerprint", "hard_keys", "is_compilation", "key_hash", "match", "normalise", "url_key", "words"]
