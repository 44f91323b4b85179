"""``python -m crawler.dedupe aliases [STATE_DIR]``: print merged story ids as JSON lines.

Lines written before two stories were found to be one keep their old ``story_id``; each output
line ``{"story_id": old, "now": current}`` maps such an old id to the id of the story it joined.
``python -m crawler.dedupe resolve STATE_DIR ID...`` prints the current id of each given id.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from crawler.dedupe.index import StoryIndex
from crawler.dedupe.store import SQLiteStoryStore


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("aliases", "resolve"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    cmd, rest = args[0], args[1:]
    db = Path(rest[0] if rest else ".state") / "dedupe.sqlite"
    if not db.exists():
        print(f"no dedupe state at {db}", file=sys.stderr)
        return 1
    store = SQLiteStoryStore(db)
    try:
        if cmd == "aliases":
            for old, now in sorted(store.aliases().items()):
                print(json.dumps({"story_id": old, "now": now}))
        else:
            index = StoryIndex(store)
            for sid in rest[1:]:
                print(json.dumps({"story_id": sid, "now": index.resolve(sid)}))
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
