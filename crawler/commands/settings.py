"""``scrapy settings``: Scrapy's own, showing the settings as a crawl gets them (checked, relative
paths under the project root, ``USER_AGENT`` from ``CONTACT``: crawler/settingsaddon.py), though
this command starts no crawler process."""
from scrapy.commands.settings import Command as Base

from crawler.settingsaddon import SettingsAddon


class Command(Base):
    def run(self, args, opts):
        SettingsAddon.update_pre_crawler_settings(self.settings)
        super().run(args, opts)
