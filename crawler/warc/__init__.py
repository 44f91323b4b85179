"""Web archives in and out (WARC, ISO 28500), on top of warcio.

* :mod:`crawler.warc.reader`   read records of ``.warc``, ``.warc.gz``, ``.arc``, ``.arc.gz`` files
                               (a streamed scan, then one record at a known offset); no Scrapy.
* :mod:`crawler.warc.paths`    what ``-a warc=PATH`` names: files, folders, globs, path lists,
                               http(s) URLs, CC-NEWS ``warc.paths.gz``; no Scrapy.
* :mod:`crawler.warc.select`   which records a spider takes (its domains and article URLs; the
                               republisher's byte-level pre-check); no Scrapy.
* :mod:`crawler.warc.writer`   rotating per-record-gzipped WARC/1.1 files, crash-safe; no Scrapy.
* :mod:`crawler.warc.addon`    ``-a warc=``: serve the archive instead of the network.
* :mod:`crawler.warc.source`   spider middleware: the start requests, one per record taken.
* :mod:`crawler.warc.handler`  download handler: the page the first pass kept, or the request's
                               record read back, as its response.
* :mod:`crawler.warc.archive`  downloader middleware: ``WARC_DIR`` archives every response.
* :mod:`crawler.warc.stamp`    spider middleware: ``warc_file`` / ``warc_record_id`` on each item.

Many files on many workers (``REDIS_URL``): :mod:`crawler.distributed.warc`.

Why warcio and not FastWARC: README "Web archives" (measured by ``make bench``).
"""
