"""Custom signals of the crawler (sent with ``crawler.signals.send_catch_log``)."""

#: Sent by the JSONL writer after an item's line is flushed to disk.
#: Arguments: ``item`` (the Article), ``record`` (the dict written), ``spider``.
item_written = object()
