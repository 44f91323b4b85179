"""The generic layers (crawler/extract/generic.py, crawler/sites/base.py) on small made-up pages."""
from __future__ import annotations

import json

import pytest
from parsel import Selector

from crawler.extract import generic
from crawler.extract.dom import element_text

ARTICLE = ("<p>The committee met on Tuesday to weigh the proposal for the new bridge across the river.</p>"
           "<p>Members asked for a second study of the costs before any vote is taken next spring.</p>"
           "<p>The city engineer said the study would take four months and cost little.</p>")


# ------------------------------------------------------------------ inline text
@pytest.mark.parametrize("html, text", [
    ("<p>Die <b>E</b>uphorie war gross</p>", "Die Euphorie war gross"),
    ("<p>Im Jahr <span>2026</span>, dass alles</p>", "Im Jahr 2026, dass alles"),
    ("<p>A <a href='#'>link</a>. Next</p>", "A link. Next"),
    ("<p>line one<br>line two</p>", "line one line two"),
    ("<p>kept<script>var x = 1;</script> tail<!-- note --> end</p>", "kept tail end"),
    ("<div><p>one</p><p>two</p>three</div>", "one two three"),
])
def test_element_text_joins_inline_pieces_as_written(html, text):
    el = Selector(text=html).css("p, div")[0]
    assert element_text(el) == text


def test_generic_body_and_headline_join_inline_tags_without_spaces():
    html = ("<html><body><h1>Die <em>E</em>uphorie</h1><div>"
            "<p>Die <b>E</b>uphorie ist vorbei, sagte sie im Jahr <span>2026</span>, dass alles anders wird.</p>"
            "<p>Ein zweiter Absatz mit genug Text, damit er zum Artikel gehört und gezählt wird.</p></div></body></html>")
    sel = Selector(text=html)
    assert generic.headline(sel) == "Die Euphorie"
    paras = generic.body_paragraphs(sel)
    assert paras[0] == "Die Euphorie ist vorbei, sagte sie im Jahr 2026, dass alles anders wird."
    assert generic.body_paragraphs_reference(sel) == paras


# ------------------------------------------------------------------ page-wide wrapper classes
@pytest.mark.parametrize("html", [
    f"<html class='header-menu-nav--closed'><body><div class='post'>{ARTICLE}</div></body></html>",
    f"<html><body class='right-sidebar'><div class='post'>{ARTICLE}</div></body></html>",
    f"<html><body><div class='content-sidebar-wrap'><main><div class='entry'>{ARTICLE}</div></main>"
    "<div class='sidebar'><p>About this blog and its author.</p></div></div></body></html>",
    f"<html><body><div class='widget Blog' id='Blog1'><div class='post-body'>{ARTICLE}</div></div>"
    "<div class='widget HTML'><p>Follow us.</p></div></body></html>",
    f"<html><body><form id='aspnetForm'><div class='story'>{ARTICLE}</div></form></body></html>",
])
def test_page_wide_wrapper_classes_do_not_make_the_body_chrome(html):
    sel = Selector(text=html)
    paras = generic.body_paragraphs(sel)
    assert len(paras) == 3 and paras[0].startswith("The committee met")
    assert generic.body_paragraphs_reference(sel) == paras


def test_a_sidebar_or_comments_block_is_still_chrome():
    sidebar = ("<div class='sidebar'><p>" + "Sidebar text about other things entirely. " * 3 + "</p>"
               "<p>" + "More sidebar text. " * 3 + "</p></div>")
    html = f"<html><body><div class='story'>{ARTICLE}</div>{sidebar}</body></html>"
    assert generic.body_paragraphs(Selector(text=html))[0].startswith("The committee met")
    # comments are chrome even when they hold most of the page's text
    comments = "<div class='comments'>" + "".join(f"<p>Comment number {i} says a lot about the bridge.</p>" for i in range(20)) + "</div>"
    html = f"<html><body><div class='story'>{ARTICLE}</div>{comments}</body></html>"
    sel = Selector(text=html)
    assert generic.body_paragraphs(sel)[0].startswith("The committee met")
    assert generic.body_paragraphs_reference(sel) == generic.body_paragraphs(sel)


# ------------------------------------------------------------------ the one generic layer and its libraries
from crawler.dates import parse_date  # noqa: E402
from crawler.sites import base as base_mod  # noqa: E402
from crawler.sites.base import ArticlePage  # noqa: E402
from crawler.sites.jiji import JenJiji, JijiGeneric  # noqa: E402
from crawler.sites.kyodo import KyodoGeneric  # noqa: E402
from crawler.sites.republisher import RepublisherPage  # noqa: E402

#: A page whose story sits in divs without <p>: the longest-<p>-run reader finds only the footer.
DIV_STORY = ("<html><head><title>Tide gauge moved after storm | Harbour Weekly</title></head><body>"
             "<header><a href='/'>Harbour Weekly</a></header><h1>Tide gauge moved after storm</h1>"
             "<div class='byline'>By Mara Lindqvist</div><time>March 4, 2024</time><div class='txt'>"
             "<div>The tide gauge at the north mole has been moved twenty metres inland after last week's storm "
             "undercut its concrete base, the port authority said on Monday.</div>"
             "<div>Readings from the gauge feed the flood warnings for the lower town, and engineers said the "
             "new site gives the same readings within a centimetre.</div>"
             "<div>The old base will be removed before the summer season, when the mole is opened to anglers "
             "and walkers again.</div></div>"
             "<footer><p>Copyright Harbour Weekly. All rights reserved.</p></footer></body></html>")


def _counting(monkeypatch):
    calls = []
    real = base_mod.generic.library_document

    def counted(html, url=None):
        calls.append(url)
        return real(html, url)

    monkeypatch.setattr(base_mod.generic, "library_document", counted)
    return calls


@pytest.mark.parametrize("cls, url", [
    (ArticlePage, "https://harbour.example/2024/03/tide-gauge"),
    (RepublisherPage, "https://harbour.example/2024/03/tide-gauge"),
    (KyodoGeneric, "https://english.kyodonews.net/articles/-/9000001"),
    (JijiGeneric, "https://jen.jiji.com/jc/eng?g=eco&k=2026000000001"),
])
def test_unknown_layouts_read_the_body_date_and_author_through_the_libraries(cls, url):
    assert "north mole" not in (generic.body(Selector(text=DIV_STORY)) or "")  # the hand-written run misses it
    page = cls(DIV_STORY, url)
    art = page.article()
    assert art.body.startswith("The tide gauge at the north mole") and art.body.endswith("walkers again.")
    assert "Copyright" not in art.body and "Tide gauge moved" not in art.body
    # htmldate's day, or a date the layer printed that is the same day (it is kept with its precision)
    assert parse_date(art.date_published_raw, site=cls.source) == "2024-03-04"
    assert ("date/htmldate" in page.fallbacks) == (art.date_published_raw == "2024-03-04")
    assert "body/trafilatura" in page.fallbacks and art.hints["fallbacks"] == page.fallbacks
    assert [a.name for a in art.authors] == ["Mara Lindqvist"]
    # the generic layer reads the div.byline itself: no variant asks trafilatura for it
    assert "authors/trafilatura" not in page.fallbacks


def test_a_known_layout_pays_for_no_library_when_its_readers_find_the_fields(monkeypatch):
    calls = _counting(monkeypatch)
    monkeypatch.setattr(base_mod.generic, "library_date", lambda html, url=None: calls.append("date") or None)
    html = ("<html><head><meta property='article:published_time' content='2026-05-02T09:00:00+09:00'></head><body>"
            f"<h1>Bridge</h1><article><div class='article-body'>{ARTICLE}</div></article></body></html>")

    class Known(ArticlePage):
        unknown_layout = False

    page = Known(html, "https://news.example/a/1")
    art = page.article()
    assert art.body.startswith("The committee met") and art.date_published_raw == "2026-05-02T09:00:00+09:00"
    assert art.authors == [] and calls == [] and page.fallbacks == [] and "fallbacks" not in art.hints
    # the same page as an unknown layout asks the libraries (and counts what it used)
    unknown = ArticlePage(html, "https://news.example/a/1")
    unknown.article()
    assert calls  # trafilatura read it


def test_a_known_layout_falls_back_to_the_library_only_for_an_empty_field():
    page = JenJiji(DIV_STORY, "https://jen.jiji.com/jc/eng?g=eco&k=2026000000001")
    art = page.article()
    assert art.body.startswith("The tide gauge at the north mole")
    assert page.fallbacks[0] == "body/trafilatura" and "authors/trafilatura" not in page.fallbacks


def test_library_authors_are_people_only():
    html = DIV_STORY.replace("By Mara Lindqvist", "By Reuters Staff")
    art = ArticlePage(html, "https://harbour.example/2024/03/tide-gauge").article()
    assert art.authors == []


def test_an_unknown_layout_keeps_its_own_instant_when_htmldate_agrees_on_the_day():
    html = DIV_STORY.replace("<head>", "<head><meta property='article:published_time' content='2024-03-04T08:15:00+01:00'>")
    page = ArticlePage(html, "https://harbour.example/2024/03/tide-gauge")
    assert page.date_published_raw() == "2024-03-04T08:15:00+01:00" and "date/htmldate" not in page.fallbacks


@pytest.mark.parametrize("paras, out", [
    (["Economy", "Tide gauge moved after storm", "Text."], ["Text."]),
    (["Sept 18, 2025, 20:00", "KANAZAWA, Japan - Text."], ["KANAZAWA, Japan - Text."]),
    (["12.03.2024 | 14:05", "Text."], ["Text."]),
    (["A long first paragraph that happens to be well over eighty characters in length, so it is text.",
      "Tide gauge moved after storm", "Text."],
     ["A long first paragraph that happens to be well over eighty characters in length, so it is text.",
      "Tide gauge moved after storm", "Text."]),
    (["In 2024 the gauge was moved twice.", "Text."], ["In 2024 the gauge was moved twice.", "Text."]),
])
def test_without_title_drops_what_an_extractor_keeps_above_the_text(paras, out):
    assert generic.without_title(paras, ["Tide gauge moved after storm"]) == out


def test_the_spider_counts_each_fallback_in_the_stats():
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from crawler.spiders.republisher import RepublisherSpider

    crawler = get_crawler(RepublisherSpider, settings_dict={})
    spider = RepublisherSpider.from_crawler(crawler)
    url = "https://harbour.example/2024/03/tide-gauge"
    resp = HtmlResponse(url, body=DIV_STORY.encode(), encoding="utf-8", request=Request(url))
    items = list(spider.parse_article(resp))
    assert items and items[0].body.startswith("The tide gauge")
    stats = crawler.stats.get_stats()
    assert stats.get("fallback/body/trafilatura") == 1 and stats.get("fallback/date/htmldate") == 1


def test_htmldate_reads_the_page_before_the_url():
    html = DIV_STORY
    assert generic.library_date(html, "https://www.japantimes.co.jp/news/2026/01/01/japan/eval-page-1/") == "2024-03-04"
    undated = DIV_STORY.replace("<time>March 4, 2024</time>", "")
    assert generic.library_date(undated, "https://news.example/2026/01/01/x/") == "2026-01-01"


@pytest.mark.parametrize("raw, people", [
    ("Mara Lindqvist; Jon Berg", ["Mara Lindqvist", "Jon Berg"]),
    ("Robert", []), ("Sarah-Indra", []),           # one given name: no person by the project's rules
    ("Reuters", []), ("CNN", []), ("Agencies", []),
    ("Harbour Weekly", []),                       # the site's own name
    ("Harbourweekly Staff", []),
    ("Badische Zeitung; PETA-Team; Hanns-Seidel-Stiftung e.V.", []),
    ("Presse Augsburg", []), ("ET Online", []),
    ("Prisma Média; Harbour Media Group", []),  # publishing groups
    ("Deinen Hochzeitsbloggern; Lokalredaktion Mitte; Deutsche Welle", []),  # German compounds, a broadcaster
    ("ThE PaiN; Leonardo DiCaprio", ["Leonardo DiCaprio"]),  # a mixed-case handle is no name
])
def test_library_people_are_people_only(raw, people):
    assert generic.library_people(raw, "https://www.harbourweekly.example/2024/x", "Harbour Weekly") == people


def test_an_unknown_layout_drops_a_masthead_author():
    html = DIV_STORY.replace("<head>", "<head><meta name='author' content='Harbour Weekly'>")
    page = ArticlePage(html, "https://www.harbour-weekly.example/2024/03/tide-gauge")
    assert [a.name for a in page.authors()] == ["Mara Lindqvist"]  # the masthead left out, the byline read
    bare = ArticlePage(html.replace("<div class='byline'>By Mara Lindqvist</div>", ""), page.url)
    assert [a.name for a in bare.authors()] == []  # (trafilatura reads the same meta: no person either)

    class Known(ArticlePage):
        unknown_layout = False

    assert [a.name for a in Known(html, page.url).authors()] == ["Harbour Weekly"]  # a known layout's rules decide


def test_an_unknown_layout_drops_an_author_that_is_no_name():
    ld = ('{"@type": "NewsArticle", "headline": "Tide gauge moved after storm", "author": '
          '{"@id": "https://harbour.example/#/schema/person/398cd1ee"}}')
    html = DIV_STORY.replace("<head>", f"<head><script type='application/ld+json'>{ld}</script>")
    for cls in (ArticlePage, KyodoGeneric):
        names = [a.name for a in cls(html, "https://harbour.example/2024/03/tide-gauge").authors()]
        assert not any("schema/person" in n for n in names) and names == ["Mara Lindqvist"], cls


def test_a_common_body_class_at_a_new_kyodo_url_is_an_unseen_layout():
    from crawler.sites import kyodo

    html = DIV_STORY.replace("<div class='txt'>", "<div class='article-body'><p>Ad</p></div><div class='txt'>")
    sel = Selector(text=html)
    assert base_mod.choose_page(kyodo.PAGE_CLASSES, sel, "https://english.kyodonews.net/articles/-/9000034") is KyodoGeneric
    old = "https://english.kyodonews.net/news/2024/11/3f9a1c7b2e40-rural-bus-routes.html"
    assert base_mod.choose_page(kyodo.PAGE_CLASSES, sel, old) is kyodo.KyodoPlus2017
    art = KyodoGeneric(html, "https://english.kyodonews.net/articles/-/9000034").article()
    assert art.body.startswith("The tide gauge at the north mole")


def test_a_common_date_class_does_not_make_a_page_the_jen_template():
    from crawler.sites import jiji

    html = DIV_STORY.replace("<time>March 4, 2024</time>", "<p class='article-date'>March 4, 2024</p>")
    url = "https://jen.jiji.com/jc/eng?g=eco&k=2026000000001"
    assert base_mod.choose_page(jiji.PAGE_CLASSES, Selector(text=html), url) is JijiGeneric


def test_a_masthead_is_no_author_when_the_page_is_served_elsewhere():
    # an unseen page at a site spider's URL: its own name is in og:site_name and its canonical URL
    html = DIV_STORY.replace("<head>", "<head><meta property='og:site_name' content='Harbour Weekly'>"
                             "<link rel='canonical' href='https://www.tidewatch.example/2024/03/tide-gauge'>"
                             "<meta name='author' content='Tidewatch Example'>")
    page = KyodoGeneric(html.replace("By Mara Lindqvist", "By Harbour Weekly"), "https://english.kyodonews.net/articles/-/9000001")
    assert [a.name for a in page.authors()] == []
    assert generic.names_the_site("Wien Orf At", ["https://wien.orf.at/stories/1"]) is True
    assert generic.names_the_site("Mara Lindqvist", ["https://wien.orf.at/stories/1"], ["Harbour Weekly"]) is False


def test_json_ld_body_goes_first_only_on_a_page_without_paragraphs():
    ld = json.dumps({"@type": "NewsArticle", "headline": "Bridge",
                     "articleBody": "Members asked for a second study.\nThe organiza&ccedil;&atilde;o said so."})
    with_p = f"<html><head><script type='application/ld+json'>{ld}</script></head><body><h1>Bridge</h1><div>{ARTICLE}</div></body></html>"
    page = ArticlePage(with_p, "https://news.example/a/2")
    assert page.body().startswith("The committee met") and page.body_layer == "trafilatura"
    without_p = f"<html><head><script type='application/ld+json'>{ld}</script></head><body><div id='app'></div></body></html>"
    page = ArticlePage(without_p, "https://news.example/a/2")
    assert page.body() == "Members asked for a second study.\n\nThe organização said so." and page.body_layer == "jsonld"


def test_a_list_of_author_links_on_an_unseen_layout_is_no_byline():
    from crawler.sites.japantimes import JapanTimesPage

    teasers = "".join(f"<li><a href='/author/{n.lower().replace(' ', '-')}/'>{n}</a></li>"
                      for n in ("Anna Conkling", "Ross Barkan", "Rhoda Feng", "Andrew Scott"))
    html = DIV_STORY.replace("</div></div>", f"</div></div><ul class='more'>{teasers}</ul>")
    html = html.replace("<div class='byline'>By Mara Lindqvist</div>", "")
    page = JapanTimesPage(html, "https://www.japantimes.co.jp/news/2026/01/01/japan/eval-page-1/")
    assert not {"Anna Conkling", "Ross Barkan"} & {a.name for a in page.authors()}


# ------------------------------------------------------------------ authors: one generic layer for every variant
def _unseen(cls, html):
    from crawler.sites.conversation import ConversationGeneric
    from crawler.sites.japantimes import JapanTimesPage

    urls = {ConversationGeneric: "https://theconversation.com/tide-gauge-moved-after-storm-254001",
            KyodoGeneric: "https://english.kyodonews.net/articles/-/9000001",
            JijiGeneric: "https://jen.jiji.com/jc/eng?g=eco&k=2026000000001",
            JapanTimesPage: "https://www.japantimes.co.jp/news/2026/01/01/japan/eval-page-1/"}
    return cls(html, urls.get(cls, "https://harbour.example/2024/03/tide-gauge"))


def _variants():
    from crawler.sites.conversation import ConversationGeneric
    from crawler.sites.japantimes import JapanTimesPage

    return (ArticlePage, RepublisherPage, KyodoGeneric, JijiGeneric, JapanTimesPage, ConversationGeneric)


def test_every_unknown_layout_reads_the_visible_byline_before_the_library(monkeypatch):
    # no JSON-LD, no <meta> author: the byline printed in the article is read by every variant
    # (before, only the republisher and Kyodo read it; the others took trafilatura's string)
    html = DIV_STORY.replace("By Mara Lindqvist", "By <a rel='author' href='/people/ml'>Mara Lindqvist</a> and Ken Ito")
    monkeypatch.setattr(base_mod.generic, "library_document",
                        lambda html, url=None: {"paragraphs": [], "date": None, "author": "Harbour Weekly; Sven Olsen",
                                                "title": None, "sitename": None})
    for cls in _variants():
        page = _unseen(cls, html)
        assert [a.name for a in page.authors()] == ["Mara Lindqvist", "Ken Ito"], cls
        assert "authors/trafilatura" not in page.fallbacks, cls


def test_a_byline_in_teasers_or_comments_is_not_the_articles(monkeypatch):
    related = ("<div class='related-posts'><h3>More</h3><div class='byline'>By Anna Conkling</div></div>"
               "<ol class='comment-list'><li><span class='author-name'>Ross Barkan</span> wrote</li></ol>")
    html = DIV_STORY.replace("<div class='byline'>By Mara Lindqvist</div>", "").replace("</div></div>", "</div></div>" + related)
    assert generic.byline_text(Selector(text=html)) is None
    monkeypatch.setattr(base_mod.generic, "library_document",  # (trafilatura's own reading aside)
                        lambda html, url=None: {"paragraphs": [], "date": None, "author": None, "title": None, "sitename": None})
    for cls in _variants():
        assert not {"Anna Conkling", "Ross Barkan"} & {a.name for a in _unseen(cls, html).authors()}, cls
    # one selector printing more than three names is a teaser list, even outside a named block
    cards = "".join(f"<div class='card'><span class='byline'>By {n}</span></div>"
                    for n in ("Anna Conkling", "Ross Barkan", "Rhoda Feng", "Andrew Scott"))
    assert generic.byline_text(Selector(text=DIV_STORY.replace("</body>", cards + "</body>"))) is None
    # the article's own byline is found beside them
    assert generic.byline_text(Selector(text=DIV_STORY.replace("</body>", related + "</body>"))) == "By Mara Lindqvist"


def test_a_screen_reader_label_is_no_part_of_the_byline():
    html = DIV_STORY.replace("By Mara Lindqvist", "<span class='screen-reader-text'>Author</span><a href='/a/ml'>Mara Lindqvist</a>")
    assert generic.byline_text(Selector(text=html)) == "Mara Lindqvist"
    assert [a.name for a in ArticlePage(html, "https://harbour.example/2024/03/tide-gauge").authors()] == ["Mara Lindqvist"]


def test_json_ld_person_typed_as_a_list_is_read_before_a_theme_credit_in_meta():
    # a Yoast graph: the author is an @id reference to {"@type": ["Person"]}; <meta name=author> credits the theme
    ld = json.dumps({"@graph": [
        {"@type": "NewsArticle", "headline": "Tide gauge moved after storm", "author": {"@id": "https://harbour.example/#/p/1"}},
        {"@type": ["Person"], "@id": "https://harbour.example/#/p/1", "name": "Mara Lindqvist"},
        {"@type": ["Person", "Organization"], "@id": "https://harbour.example/#/o/1", "name": "Harbour Weekly"}]})
    html = DIV_STORY.replace("<head>", f"<head><meta name='author' content='Sven Olsen und Theme Designs'>"
                             f"<script type='application/ld+json'>{ld}</script>")
    html = html.replace("<div class='byline'>By Mara Lindqvist</div>", "")
    for cls in _variants():
        assert [a.name for a in _unseen(cls, html).authors()] == ["Mara Lindqvist"], cls


def test_a_later_source_naming_more_of_the_same_people_wins_on_an_unknown_layout():
    ld = json.dumps({"@type": "NewsArticle", "headline": "Tide", "author": {"@type": "Person", "name": "Mara Lindqvist",
                                                                          "url": "https://harbour.example/people/ml"}})
    head = (f"<head><script type='application/ld+json'>{ld}</script>"
            "<meta name='author' content='Mara Lindqvist'><meta name='author' content='Ken Ito'>")
    html = DIV_STORY.replace("<head>", head)
    for cls in _variants():
        authors = _unseen(cls, html).authors()
        assert [a.name for a in authors] == ["Mara Lindqvist", "Ken Ito"], cls
    # what the first source knew (a profile URL) is kept (The Conversation reads its <meta> first)
    assert ArticlePage(html, "https://harbour.example/a").authors()[0].url == "https://harbour.example/people/ml"
    # a source naming someone else does not replace the first one
    other = html.replace("content='Mara Lindqvist'", "content='Sven Olsen'")
    assert [a.name for a in ArticlePage(other, "https://harbour.example/a").authors()] == ["Mara Lindqvist"]

    class Known(ArticlePage):
        unknown_layout = False

    assert [a.name for a in Known(html, "https://harbour.example/a").authors()] == ["Mara Lindqvist"]  # its first source


# ------------------------------------------------------------------ an article or a listing
RECIPE_LD = json.dumps({"@context": "https://schema.org", "@type": "Recipe", "name": "Plum cake",
                        "recipeIngredient": ["plums", "flour"]})


@pytest.mark.parametrize("html, article", [
    # structured data naming one recipe / one post, no og:type, no NewsArticle
    (f"<html><head><script type='application/ld+json'>{RECIPE_LD}</script></head><body><h1>Plum cake</h1>"
     "<ul><li><a href='/2024/01/02/apple-pie-for-winter/'>Apple pie</a></li></ul></body></html>", True),
    ("<html><head><script type='application/ld+json'>{\"@type\": \"BlogPosting\", \"headline\": \"Our dune walk\"}"
     "</script></head><body></body></html>", True),
    # no structured data: a long run of paragraphs (a blog post, a page under an undated slug)
    ("<html><body><h1>Our dune walk</h1><div class='post'>" + "".join(
        f"<p>Day {i}: the path over the dunes was closed again, so we walked along the beach instead. " * 3 + "</p>"
        for i in range(4)) + "<p><a href='/2024/01/02/apple-pie-for-winter/'>Older post</a></p></div></body></html>", True),
    (f"<html><body><h1>Plum cake</h1><div class='entry'>{ARTICLE * 5}</div></body></html>", True),
    # a listing: each teaser in a block of its own
    ("<html><body><h1>News</h1>" + "".join(
        f"<article><h2><a href='/2024/01/0{i}/story-{i}/'>Story {i}</a></h2><p>{'A teaser of the story. ' * 8}</p></article>"
        for i in range(1, 8)) + "</body></html>", False),
    # structured data saying the page is a collection
    ("<html><head><script type='application/ld+json'>{\"@type\": \"CollectionPage\", \"name\": \"Recipes\"}</script>"
     f"</head><body><div>{ARTICLE * 5}</div></body></html>", False),
])
def test_reads_as_article(html, article):
    assert generic.reads_as_article(Selector(text=html)) is article


def test_trafilatura_naming_the_same_people_and_more_wins_on_an_unknown_layout(monkeypatch):
    # the page's own sources name one of three authors (a byline element each); trafilatura all three
    html = DIV_STORY.replace("By Mara Lindqvist", "By Mara Lindqvist</div><div class='byline'>Ken Ito")
    lib = {"paragraphs": [], "date": None, "title": None, "sitename": None}
    monkeypatch.setattr(base_mod.generic, "library_document",
                        lambda html, url=None: {**lib, "author": "Mara Lindqvist; Ken Ito; Sven Olsen"})
    for cls in _variants():
        page = _unseen(cls, html)
        assert [a.name for a in page.authors()] == ["Mara Lindqvist", "Ken Ito", "Sven Olsen"], cls
        assert "authors/trafilatura" in page.fallbacks, cls
    # trafilatura naming others: the page's own byline stays, nothing counted
    monkeypatch.setattr(base_mod.generic, "library_document", lambda html, url=None: {**lib, "author": "Sven Olsen; Ken Ito"})
    page = ArticlePage(html, "https://harbour.example/a")
    assert [a.name for a in page.authors()] == ["Mara Lindqvist"] and "authors/trafilatura" not in page.fallbacks


def test_the_json_ld_publisher_is_no_author_unless_it_is_a_person():
    ld = {"@type": "NewsArticle", "headline": "Tide", "publisher": {"@type": "Organization", "name": "Harbour Sport"}}
    head = "<head><meta name='author' content='Harbour Sport'><script type='application/ld+json'>{}</script>"
    html = DIV_STORY.replace("<div class='byline'>By Mara Lindqvist</div>", "")
    page = ArticlePage(html.replace("<head>", head.format(json.dumps(ld))), "https://hb.example/a")
    assert [a.name for a in page.authors()] == []
    ld["publisher"] = {"@type": ["Person", "Organization"], "name": "Harbour Sport"}  # a blogger's own site
    page = ArticlePage(html.replace("<head>", head.format(json.dumps(ld))), "https://hb.example/a")
    assert [a.name for a in page.authors()] == ["Harbour Sport"]


def test_a_blogger_given_as_the_json_ld_publisher_is_not_the_publisher_field_before_the_site_name():
    # the attribution pipeline drops an author named as the publisher: a personal blog's author was lost
    from crawler.pipelines.attribution import AttributionPipeline

    ld = json.dumps({"@type": "BlogPosting", "headline": "Tide", "author": {"@type": "Person", "name": "Mara Lindqvist"},
                     "publisher": {"@type": ["Person", "Organization"], "name": "Mara Lindqvist"}})
    html = DIV_STORY.replace("<head>", f"<head><meta property='og:site_name' content='Harbour Diary'>"
                             f"<script type='application/ld+json'>{ld}</script>")
    art = ArticlePage(html, "https://harbour-diary.example/2024/03/tide").article()
    assert art.publisher == "Harbour Diary"
    assert [a.name for a in AttributionPipeline().process_item(art).authors] == ["Mara Lindqvist"]
    bare = ArticlePage(html.replace("<meta property='og:site_name' content='Harbour Diary'>", ""), "https://h.example/a")
    assert bare.publisher() == "Mara Lindqvist"  # no other name for the site
