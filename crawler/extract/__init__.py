"""Pure readers shared by every site parser: structured data, feeds, generic fallback."""
