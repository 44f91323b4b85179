"""``scrapy fetch``: Scrapy's own, as a scratch run that writes nothing into OUTPUT_DIR/STATE_DIR
(crawler/commands/_scratch.py)."""
from scrapy.commands.fetch import Command as Base

from crawler.commands._scratch import scratch


class Command(Base):
    default_settings = scratch(Base)
