"""Politeness on the live path (issue 20.5), one component a file:

======================  ======================================================================
``rules.py``            pure rules (no Scrapy): the delay a Crawl-delay sets, the AutoThrottle
                        step with a bounded latency window, which requests are conditional
``crawldelay.py``       :class:`CrawlDelayMiddleware`: robots.txt ``Crawl-delay`` per host
``throttle.py``         :class:`BoundedAutoThrottle`: AutoThrottle that one slow page cannot hold
``validators.py``       :class:`ValidatorStore`: last run's ETag/Last-Modified in STATE_DIR
``conditional.py``      :class:`ConditionalRequestMiddleware`: feeds, listings, sitemaps fetched
                        with If-None-Match/If-Modified-Since; a 304 is "unchanged"
======================  ======================================================================
"""
