"""`scrapy crawl republisher`: pages on any site that carry a story of our four sources.

Discovery is deliberately shallow because the spider has no ``allowed_domains``:

* seeds are ``-a url=``, ``-a urls_file=`` or the ``REPUBLISHER_FEEDS`` setting (default
  :data:`DEFAULT_FEEDS`);
* a seed feed → its entry links (one hop, any host); a seed listing page → links on the same
  host that look like article URLs (one hop); an article page → its item(s), no links followed.
  Related-article cards on aggregator pages are not followed either (they are noted in the
  page's hints only).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from scrapy.http import TextResponse

from crawler.extract import generic
from crawler.extract.feeds import FeedEntry
from crawler.items import Article
from crawler.sites.republisher import PAGE_CLASSES
from crawler.spiders.base import NewsSpider, page_selector
from crawler.text import clean, fix_mojibake

#: Default of the REPUBLISHER_FEEDS setting: Japan Today's RSS and nippon.com's economy feed.
DEFAULT_FEEDS = ["https://japantoday.com/feed", "https://www.nippon.com/en/economy/feed/"]

#: Article URL shapes of known republishers (used on seed listing pages only).
ARTICLE_URL_RE = re.compile(
    r"daily8\.com/[a-z]{2}/article/[0-9a-f]{16,}"
    r"|japantoday\.com/category/(?:[\w-]+/)+(?:view/)?[\w%'’.]+(?:-[\w%'’.]+){3,}/?$"
    r"|nippon\.com/[a-z]{2}/news/yjj\d{13}"
    r"|dailymaverick\.co\.za/article/\d{4}-\d{2}-\d{2}-[\w-]+"
    # a dated path: /YYYY/MM/DD/<slug> (any slug characters: apostrophes, percent escapes, accents),
    # /YYYY/MM/<slug of three words or more>
    r"|/\d{4}/\d{2}/\d{2}/[^/?#\s]{8,}/?$"
    r"|/\d{4}/\d{2}/[^/?#\s-]+-[^/?#\s-]+-[^/?#\s]+/?$"
)
#: "Section › Title" prefix of Japan Today feed titles (U+203A).
_SECTION_PREFIX = re.compile(r"^\s*(?P<section>[^›]{1,40}?)\s*›\s*")


def split_feed_title(title: str | None) -> tuple[str | None, str | None]:
    """'National › Publisher ordered …' → ('National', 'Publisher ordered …'); mojibake repaired."""
    title = clean(fix_mojibake(title))
    if not title:
        return None, None
    m = _SECTION_PREFIX.match(title)
    if not m:
        return None, title
    return m.group("section"), clean(title[m.end():])


class RepublisherSpider(NewsSpider):
    name = "republisher"
    # no allowed_domains: any site may republish; the crawl depth is bounded by discovery below
    page_classes = PAGE_CLASSES
    article_url_re = ARTICLE_URL_RE
    default_feeds = DEFAULT_FEEDS
    # seeds are depth 0, their articles depth 1; a feed reached through a feed may add one more
    custom_settings = {"DEPTH_LIMIT": 2}

    @property
    def default_start_urls(self) -> list[str]:  # type: ignore[override]
        feeds = self.settings.getlist("REPUBLISHER_FEEDS") if getattr(self, "settings", None) else []
        return list(feeds or self.default_feeds)

    def looks_like_article(self, response: TextResponse) -> bool:
        """Article markers (og:type, a NewsArticle, an articleBody), else what the page reads as
        (``generic.reads_as_article``: one article/post/recipe in its JSON-LD, or a long run of
        paragraphs): a blog post, a recipe or an undated page without markers is no listing."""
        if response.css("div.d8-content, div.article-contents.ql-editor"):
            return True
        return super().looks_like_article(response) or generic.reads_as_article(page_selector(response))

    def listing_links(self, response: TextResponse) -> Iterable[str]:
        """Same-host article links of a seed listing page; nothing from pages reached by a hop."""
        if not response.meta.get("seed"):
            return
        own = self.host(response.url).removeprefix("www.")
        for url in super().listing_links(response):
            if self.host(url).removeprefix("www.") == own:
                yield url

    def parse_listing(self, response: TextResponse):
        """A seed page that is not recognisably an article: follow its same-host article links;
        with none, it is read as an article after all (unknown sites often lack og:type)."""
        requests = list(super().parse_listing(response))
        if requests:
            yield from requests
        else:
            yield from self.parse_article(response)

    def enrich_from_entry(self, item: Article, entry: FeedEntry) -> None:
        """Japan Today-style feed entries: 'Section › Title', mojibake, teaser, +0900 dates."""
        super().enrich_from_entry(item, entry)
        section, title = split_feed_title(entry.title)
        if not item.headline and title:
            item.headline = title
        if not item.section:
            item.section = section or (clean(entry.categories[0]) if entry.categories else None)
        if not item.description and entry.summary:
            item.description = clean(fix_mojibake(entry.summary))
        if entry.title:
            item.hints.setdefault("feed_title", entry.title)

    def item_from_entry(self, entry: FeedEntry, failure) -> Article | None:
        """No item without a body: a feed teaser alone is not the story (decision, see docs)."""
        self.crawler.stats.inc_value("republisher/feed_entry_without_page")
        return None

    def parse_article(self, response, entry=None):
        """An article page gives its item. Contracts for ``scrapy check`` (fixtures/ replayed, README):

        @url https://riverbendchronicle.org/2026/02/11/why-mangrove-seedlings-keep-failing-on-the-estuary/
        @returns items 1 1
        @returns requests 0 0
        @fields headline body date_published_raw language publisher original_publisher
        """
        return super().parse_article(response, entry)
