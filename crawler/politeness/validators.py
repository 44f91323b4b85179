"""ValidatorStore: the ETag / Last-Modified of the last run's feeds, listings and sitemaps.

One JSON file a spider, ``STATE_DIR/validators/<spider>.json`` (spiders of one ``crawlall``
never write the same file)::

    {"format": 1, "urls": {"https://jen.jiji.com/rss/finance":
                           {"etag": "\\"a1b2\\"", "last_modified": "Mon, 06 Oct 2025 ...", "seen": "2026-12-07"}}}

Written whole to a temporary file and renamed (a killed run leaves the previous file). A file
that cannot be read is moved aside (``<name>.corrupt-<UTC time>``) and reported once by the
caller: the run then fetches everything whole, which is always safe. Entries not seen for
``max_age_days`` are dropped. No Scrapy import: tested directly.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path

FORMAT = 1


class ValidatorStore:
    def __init__(self, path: str | os.PathLike, max_age_days: int = 30):
        self.path = Path(path)
        self.max_age_days = max_age_days
        self.problem: str | None = None   # why the file was not used (then moved aside)
        self.urls: dict[str, dict] = self._load()

    def _load(self) -> dict[str, dict]:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            urls = doc["urls"]
            if doc.get("format") != FORMAT or not isinstance(urls, dict):
                raise ValueError(f"not a format-{FORMAT} validators file")
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            stamp = _dt.datetime.now(_dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
            try:
                os.replace(self.path, aside)
                where = f"moved aside to {aside.name}"
            except OSError as move_exc:
                where = f"could not be moved aside ({move_exc.__class__.__name__})"
            self.problem = (f"validators file {self.path} unreadable ({exc.__class__.__name__}: {exc}); "
                            f"{where}; feeds and listings are fetched whole this run")
            return {}
        return {u: v for u, v in urls.items() if isinstance(v, dict) and (v.get("etag") or v.get("last_modified"))}

    def headers(self, url: str) -> dict[str, str]:
        """The conditional request headers for URL (empty when nothing is known)."""
        entry = self.urls.get(url) or {}
        out = {}
        if entry.get("etag"):
            out["If-None-Match"] = entry["etag"]
        if entry.get("last_modified"):
            out["If-Modified-Since"] = entry["last_modified"]
        return out

    def merge(self, learned: dict[str, dict | None], today: str) -> None:
        """LEARNED: url -> {"etag", "last_modified"} (None: the page came without validators, forget it)."""
        for url, entry in learned.items():
            if entry and (entry.get("etag") or entry.get("last_modified")):
                self.urls[url] = {**{k: v for k, v in entry.items() if v}, "seen": today}
            else:
                self.urls.pop(url, None)
        cutoff = (_dt.date.fromisoformat(today) - _dt.timedelta(days=self.max_age_days)).isoformat()
        self.urls = {u: v for u, v in self.urls.items() if str(v.get("seen", "")) >= cutoff}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.tmp{os.getpid()}")
        tmp.write_text(json.dumps({"format": FORMAT, "urls": self.urls}, indent=0, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)
