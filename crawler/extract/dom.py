"""Small lxml tree helpers shared by the site parsers (pure; lxml only)."""
from __future__ import annotations


def drop_keep_tail(el) -> None:
    """Remove an lxml element from its parent, keeping the text that follows it (its tail)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)
