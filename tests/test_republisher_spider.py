"""The republisher spider's glue: feed seeds from settings, feed titles, shallow discovery."""
from __future__ import annotations

from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.extract.feeds import FeedEntry
from crawler.items import Article
from crawler.spiders.republisher import DEFAULT_FEEDS, RepublisherSpider, split_feed_title


def spider(settings: dict | None = None, **kwargs) -> RepublisherSpider:
    crawler = get_crawler(RepublisherSpider, settings_dict=settings or {})
    return RepublisherSpider.from_crawler(crawler, **kwargs)


def test_default_feeds_and_the_setting():
    assert spider().seed_urls() == DEFAULT_FEEDS == ["https://japantoday.com/feed", "https://www.nippon.com/en/economy/feed/"]
    assert spider({"REPUBLISHER_FEEDS": "https://a.example/feed,https://b.example/rss"}).seed_urls() == [
        "https://a.example/feed", "https://b.example/rss"]
    assert spider(url="https://c.example/x").seed_urls() == ["https://c.example/x"]


def test_no_allowed_domains():
    assert not getattr(RepublisherSpider, "allowed_domains", None)


def test_split_feed_title():
    assert split_feed_title("National \u00e2\u20ac\u00ba Publisher ordered to suspend book") == ("National", "Publisher ordered to suspend book")
    assert split_feed_title("Lifestyle › Tokyo's bathhouses") == ("Lifestyle", "Tokyo's bathhouses")
    assert split_feed_title("No section here") == (None, "No section here")
    assert split_feed_title(None) == (None, None)


def test_enrich_from_entry_fills_only_what_the_page_lacks():
    s = spider()
    item = Article(url="https://japantoday.com/category/national/x", headline="Page headline")
    entry = FeedEntry(link=item.url, title="National \u00e2\u20ac\u00ba Feed title", summary="Teaser \u00e2\u20ac\u00a6",
                      published="Fri, 18 Sep 2026 06:42:00 +0900")
    s.enrich_from_entry(item, entry)
    assert (item.headline, item.section, item.description, item.date_published_raw) == (
        "Page headline", "National", "Teaser …", "Fri, 18 Sep 2026 06:42:00 +0900")


def test_a_feed_entry_without_its_page_gives_no_item():
    assert spider().item_from_entry(FeedEntry(link="https://japantoday.com/x", title="T", summary="S"), None) is None


LISTING = b"""<html><body><a href="/en/article/5c1e0a9f3b7d4e2a8f6c9b1d0e4a7f32">one</a>
<a href="https://other.example/en/article/5c1e0a9f3b7d4e2a8f6c9b1d0e4a7f33">offsite</a>
<a href="/en/about">about</a></body></html>"""


def test_listing_links_only_from_seed_pages_and_same_host():
    s = spider()
    url = "https://www.daily8.com/en/hashtag/KYODONEWS"
    seed = HtmlResponse(url, body=LISTING, request=Request(url, meta={"seed": True}))
    assert list(s.listing_links(seed)) == ["https://www.daily8.com/en/article/5c1e0a9f3b7d4e2a8f6c9b1d0e4a7f32"]
    hop = HtmlResponse(url, body=LISTING, request=Request(url))
    assert list(s.listing_links(hop)) == []


BLOG_POST = b"""<html><head><title>Mercurial's journey to Python 3</title></head><body>
<div class="blog_post"><h1>Mercurial's journey to Python 3</h1>
<div class="post_prose"><p>Long text of the post, long enough to be an article of its own.</p></div>
<a href="/blog/2017/03/13/from-past-import-bytes-literals/">an older post</a></div></body></html>"""


def test_article_url_with_an_apostrophe_in_its_slug_is_an_article_not_a_listing():
    s = spider()
    for url in ("https://blog.example.org/blog/2020/01/13/mercurial%27s-journey-to-python-3/",
                "https://blog.example.org/blog/2020/01/13/mercurial's-journey-to-python-3/",
                "https://blog.example.org/2010/05/literatur-und-animated-typography/"):
        assert s.is_article_url(url), url
        resp = HtmlResponse(url, body=BLOG_POST, request=Request(url, meta={"seed": True}))
        assert s.page_type(resp) == "article"
        assert [type(x).__name__ for x in s.parse(resp)] == ["Article"]  # no link followed
    assert not s.is_article_url("https://blog.example.org/2010/05/")
    assert not s.is_article_url("https://blog.example.org/2010/05/page/")


POST = ("<p>Day {i}: the path over the dunes was closed again, so we walked along the beach instead, "
        "past the old tide gauge and the boat sheds, and came back by the harbour road.</p>")
#: A blog's front page showing its latest post in full, with links to older posts (no og:type,
#: no NewsArticle, no articleBody, no <article>).
BLOG_FRONT = ("<html><head><title>Dune Diary</title></head><body><h1>Dune Diary</h1><div class='hfeed'>"
              "<div class='post'><h2>Our dune walk</h2><div class='entry-content'>"
              + "".join(POST.format(i=i) for i in range(8)) + "</div></div>"
              "<ul><li><a href='/2024/01/02/apple-pie-for-winter/'>Apple pie for winter</a></li>"
              "<li><a href='/2024/01/01/new-year-on-the-dunes/'>New year on the dunes</a></li></ul></div></body></html>")
RECIPE_PAGE = ("<html><head><title>Plum cake</title><script type='application/ld+json'>"
               '{"@context": "https://schema.org", "@type": "Recipe", "name": "Plum cake"}</script></head>'
               "<body><h1>Plum cake</h1><p>Plums, flour, butter.</p>"
               "<a href='/2024/01/02/apple-pie-for-winter/'>Apple pie for winter</a></body></html>")
#: A real listing: every teaser in a block of its own.
LISTING_PAGE = ("<html><body><h1>Latest</h1>" + "".join(
    f"<div class='teaser'><h2><a href='/2024/01/0{i}/story-number-{i}/'>Story {i}</a></h2><p>{'A teaser. ' * 20}</p></div>"
    for i in range(1, 6)) + "</body></html>")


def test_a_blog_post_a_recipe_and_an_undated_page_are_articles_not_listings():
    """A page at a URL of no article shape is read as an article when its JSON-LD says it is one
    article, post or recipe, or when it prints a long run of paragraphs; before, such pages were
    read as listings and their links followed (no record)."""
    s = spider()
    for url, body in (("https://dunediary.example/blog/", BLOG_FRONT),
                      ("https://cook.example/rezepte/plum-cake.htm", RECIPE_PAGE),
                      ("https://news.example/emanuel-scobel-wird-geschaeftsfuehrer", BLOG_FRONT)):
        assert not s.is_article_url(url)
        resp = HtmlResponse(url, body=body.encode(), request=Request(url, meta={"seed": True}))
        assert s.page_type(resp) == "article", url
        assert [type(x).__name__ for x in s.parse(resp)] == ["Article"], url  # no link followed
    url = "https://news.example/latest/"
    resp = HtmlResponse(url, body=LISTING_PAGE.encode(), request=Request(url, meta={"seed": True}))
    assert s.page_type(resp) == "listing"
    assert [r.url for r in s.parse(resp)] == [f"https://news.example/2024/01/0{i}/story-number-{i}/" for i in range(1, 6)]
