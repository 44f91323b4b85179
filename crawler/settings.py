"""Scrapy settings of the crawler. Every project setting is listed in README "Settings"."""

BOT_NAME = "crawler"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- where things go -------------------------------------------------------
OUTPUT_DIR = "output"          # JSONL: OUTPUT_DIR/<spider>/<UTC date>.jsonl
STATE_DIR = ".state"           # crawl state (dedupe index, seen articles, lock)
INCREMENTAL = True             # skip article links and seeds an earlier run already wrote
MAX_LINKS_PER_PAGE = 500       # article links followed from one listing page (feeds and sitemaps: no cap)
REDIS_URL = None               # set it (or the REDIS_URL environment variable) to crawl with many workers
REDIS_PREFETCH = 2             # requests a worker holds beyond those it downloads (crawler/distributed/scheduler.py)
REPLAY_DIR = None              # set it to replay saved responses instead of the network
WARC_DIR = None                # set it to archive every response in rotating .warc.gz files (crawler/warc/)
WARC_MAX_SIZE = 1024 ** 3      # a WARC file is closed and a new one started past this size (bytes)
WARC_GZIP_LEVEL = 6            # gzip level of each archived record
WARC_INPUT = None              # archives to read instead of the network; `-a warc=PATH` sets it
WARC_BASE_URL = "https://data.commoncrawl.org/"   # what relative warc.paths entries resolve against
WARC_MAX_PENDING = 200         # requests of archived pages waiting in the scheduler at most (flat memory)
WARC_KEEP_MB = 32              # pages the first pass over an archive keeps for serving (0: read each back)

# --- politeness (live crawls) ----------------------------------------------
CONTACT = "https://github.com/news-crawler/news-crawler/issues"
# USER_AGENT is built from CONTACT when the process starts (crawler/settingsaddon.py): -s CONTACT=
# changes it; -s USER_AGENT= still wins
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
AUTOTHROTTLE_WINDOW = 5        # latencies per host the delay is judged on (crawler/politeness/throttle.py)
CRAWL_DELAY_ENABLED = True     # honour robots.txt Crawl-delay per host (crawler/politeness/crawldelay.py) ...
CRAWL_DELAY_MAX = 30.0         # ... held to this many seconds
CONDITIONAL_REQUESTS = True    # feeds/listings/sitemaps with the last run's validators (STATE_DIR/validators/)
CONDITIONAL_MAX_AGE_DAYS = 30  # validators of a page not seen for this long are forgotten
DOWNLOAD_DELAY = 1.0
CONCURRENT_REQUESTS = 16
CONCURRENT_ITEMS = 8           # items of one page processed in parallel (Scrapy's 100 costs a task each)
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
# Scrapy re-reads and re-parses a callback's source for every response (its cache is keyed by the
# bound method, a new object per request): ~0.15 ms a page. tests/test_perf_glue.py makes the same
# check once over every spider callback instead.
WARN_ON_GENERATOR_RETURN_VALUE = False

ADDONS = {
    # settings checked once at start (exit 78), relative paths under the project root,
    # USER_AGENT from CONTACT, throwaway folders for parse/bench/check/shell (crawler/settingsaddon.py)
    "crawler.settingsaddon.SettingsAddon": -10,
    "crawler.replay.ReplayAddon": 0,
    # with -a warc=PATH (WARC_INPUT): archived records are the responses, nothing is fetched
    "crawler.warc.addon.WarcAddon": 5,
    # with REDIS_URL: scrapy-redis scheduler + dupefilter, state and story index in Redis
    "crawler.distributed.DistributedAddon": 10,
    "crawler.exporters.RecordExportsAddon": 15,   # -o/-O/FEEDS write the contract record (crawler/exporters.py)
}

COMMANDS_MODULE = "crawler.commands"
# Scrapy's filter, but with JOBDIR: only article requests persist (with their lastmod), and a
# finished job forgets them, so repeat runs and "updated since" re-fetches work (crawler/dupefilter.py)
DUPEFILTER_CLASS = "crawler.dupefilter.JobDupeFilter"
SPIDER_CONTRACTS = {"crawler.contracts.FieldsContract": 10}   # `@fields` for `scrapy check` (crawler/contracts.py)

DOWNLOADER_MIDDLEWARES = {
    "crawler.incremental.IncrementalMiddleware": 50,
    # right after RobotsTxtMiddleware (100): robots.txt Crawl-delay per host
    "crawler.politeness.crawldelay.CrawlDelayMiddleware": 101,
    # feeds, listings, sitemaps with If-None-Match/If-Modified-Since; a 304 is "unchanged"
    "crawler.politeness.conditional.ConditionalRequestMiddleware": 102,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.reliability.RetryAfterMiddleware": 550,
    "crawler.reliability.CharsetRepairMiddleware": 560,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.reliability.HttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.reliability.RedirectMiddleware": 600,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.reliability.MetaRefreshMiddleware": 580,
    # under DownloaderStats (850): a challenge's status is counted (downloader/response_status_count)
    # before the page is dropped; above RetryMiddleware (550): a walled 403/429 is never retried
    "crawler.middlewares.ChallengeMiddleware": 845,
    "crawler.middlewares.FetchTimeMiddleware": 950,
    "crawler.warc.archive.WarcArchiveMiddleware": 990,   # WARC_DIR: next to the downloader, raw responses
}

SPIDER_MIDDLEWARES = {
    "crawler.warc.source.WarcSource": 10,              # -a warc=: the start requests, one per record taken
    "crawler.warc.stamp.WarcStampMiddleware": 990,     # warc_file / warc_record_id on each item
    # the last before the engine: a big sitemap's links are queued as they are needed (flat memory)
    "crawler.frontier.FrontierMiddleware": 4,
}

EXTENSIONS = {
    "crawler.reliability.SecretMaskingExtension": 0,
    # log_count/<LEVEL> per crawler (Scrapy's LogCount counts the whole process's lines)
    "scrapy.extensions.logcount.LogCount": None,
    "crawler.extensions.logcount.SpiderLogCount": 1,
    "crawler.extensions.runreport.RunReport": 500,
    # AutoThrottle over a window of latencies: one slow page cannot hold a site (issue 20.5)
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.politeness.throttle.BoundedAutoThrottle": 0,
    # start-up's objects out of the collector's full collections during the crawl (GC_FREEZE)
    "crawler.extensions.gcfreeze.GCFreeze": 0,
}
# Scrapy's in-memory stats without the per-call deprecation wrapper (crawler/extensions/faststats.py)
STATS_CLASS = "crawler.extensions.faststats.FastStatsCollector"
RETRY_AFTER_MAX_WAIT = 60      # longest Retry-After honoured (seconds); longer ones are not retried
REMOTE_CONTROL_ENABLED = False # never run Scrapy's code-execution server in an unattended crawl

# --- republisher spider: feeds of sites that run our sources' stories ----------
REPUBLISHER_FEEDS = ["https://japantoday.com/feed", "https://www.nippon.com/en/economy/feed/"]

# --- pipelines that switch themselves off with NotConfigured ------------------
DATES_ENABLED = True           # date normalisation (crawler/pipelines/dates.py)
ATTRIBUTION_ENABLED = True     # attribution normalisation (crawler/pipelines/attribution.py)
DEDUPE_ENABLED = True          # story ids across copies, unchanged articles not rewritten (crawler/pipelines/dedupe.py)
DEDUPE_MODE = "link"           # "link": write every copy with its story_id; "drop": drop copies of written stories
DEDUPE_COMMIT_ITEMS = 200      # commit the dedupe state every N written items ...
DEDUPE_COMMIT_SECONDS = 5.0    # ... or T seconds, and at close (lines after it are read back at the next start)
DEDUPE_SQLITE_CACHE_MB = 8      # SQLite page cache of the story index: bounds the crawl's RSS ...
DEDUPE_SQLITE_MMAP_MB = 0       # ... (mapped pages would count in RSS as the index grows); raise both for speed at 1M+

# --- health rules: a run that breaks one exits 1 (see crawler/health.py) --------
HEALTH_FLOORS = {"headline": 1.0, "date_published": 0.99, "body": 0.99}
HEALTH_AUTHOR_FLOORS = {"conversation": 0.95, "japantimes": 0.0, "kyodo": 0.0, "jiji": 0.0, "republisher": 0.0}
HEALTH_MIN_ITEMS = 1
HEALTH_DRIFT = True            # judge each run against the spider's own history (crawler/drift.py)
HEALTH_DRIFT_MIN_ARTICLES = 5  # runs with fewer articles are neither judged nor a baseline
HEALTH_DRIFT_MIN_RUNS = 1      # healthy runs needed before the drift rule applies (floors only before)

ITEM_PIPELINES = {
    "crawler.pipelines.defaults.DefaultsPipeline": 100,
    "crawler.pipelines.attribution.AttributionPipeline": 300,
    "crawler.pipelines.dedupe.DedupePipeline": 500,
    "crawler.pipelines.dates.DatesPipeline": 400,
    "crawler.pipelines.since.SincePipeline": 450,
    "crawler.pipelines.coverage.CoveragePipeline": 800,
    "crawler.pipelines.profile.ProfilePipeline": 810,
    "crawler.pipelines.jsonl.JsonlWriterPipeline": 900,
}
