"""RedisSeenStore: :class:`crawler.state.SeenStore` in one Redis hash, shared by all workers."""
from __future__ import annotations

from crawler.state import url_key


_MARK_SEEN = """
for i = 1, #ARGV - 1 do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  if (not old) or (ARGV[#ARGV] ~= '' and ARGV[#ARGV] > old) then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[#ARGV])
  end
end
return 1
"""


class RedisSeenStore:
    """:class:`crawler.state.SeenStore` in one Redis hash: canonical URL key -> lastmod ('' = none)."""

    def __init__(self, client, key: str = "crawler:seen"):
        self.r = client
        self.key = key
        self._mark = client.register_script(_MARK_SEEN)

    def should_fetch(self, url: str, lastmod: str | None = None) -> bool:
        row = self.r.hget(self.key, url_key(url))
        if row is None:
            return True
        known = row.decode("utf-8") if isinstance(row, bytes) else row
        return bool(lastmod and known and lastmod > known)

    def mark(self, urls: list[str | None], lastmod: str | None = None) -> None:
        keys = sorted({url_key(u) for u in urls if u})
        if keys:
            self._mark(keys=[self.key], args=keys + [lastmod or ""])

    def __len__(self) -> int:
        return int(self.r.hlen(self.key))

    def close(self) -> None:
        """The client belongs to the crawler; nothing to close."""
