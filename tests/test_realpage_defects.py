"""Issue 15, point 3: defects found on real pages of unseen layouts, structured-data and
attribution side. Every page here is made up in the style of the pages that showed the defect."""
from __future__ import annotations

import json

import pytest
from parsel import Selector

from crawler import attribution as attr
from crawler.extract import structured
from crawler.sites.base import ArticlePage
from crawler.sites.republisher import RepublisherPage, attribution_links

URL = "https://www.example-news.test/2024/05/14/a-story-about-the-harbour/"
PARAS = "".join(
    f"<p>Paragraph {i} of the story says something long enough about the harbour and its new cranes.</p>"
    for i in range(1, 6)
)


def page(head: str = "", body: str = PARAS, ld: object | None = None) -> str:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld is not None else ""
    return (f"<html><head><title>A story about the harbour</title>{head}{script}</head>"
            f"<body><article><h1>A story about the harbour</h1>{body}</article></body></html>")


def names(authors) -> list[str]:
    return [a.name for a in authors]


PAGES = [ArticlePage, RepublisherPage]


# ------------------------------------------------------------------ JSON-LD authors by @id
GRAPH = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "NewsArticle", "@id": URL + "#article", "headline": "A story about the harbour",
         "author": {"@id": URL + "#/schema/person/1f2e"}, "datePublished": "2024-05-14T08:00:00+02:00",
         "publisher": {"@id": "https://www.example-news.test/#organization"}},
        {"@type": "Organization", "@id": "https://www.example-news.test/#organization", "name": "Example News"},
        {"@type": "Person", "@id": URL + "#/schema/person/1f2e", "name": "Miriam Okafor",
         "url": "https://www.example-news.test/author/miriam-okafor/"},
    ],
}


@pytest.mark.parametrize("cls", PAGES)
def test_jsonld_author_given_as_id_reference_is_the_person_of_the_graph(cls):
    p = cls(page(ld=GRAPH), URL)
    assert names(p.authors()) == ["Miriam Okafor"]
    assert p.authors()[0].url == "https://www.example-news.test/author/miriam-okafor/"
    assert p.publisher() == "Example News"


def test_jsonld_author_references_resolve_in_a_list_and_across_blocks():
    ld_article = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Harbour",
                  "author": [{"@id": "#person-1"}, {"@id": "#person-2"}]}
    ld_people = [{"@context": "https://schema.org", "@type": "Person", "@id": "#person-1", "name": "Miriam Okafor"},
                 {"@context": "https://schema.org", "@type": "Person", "@id": "#person-2", "name": "Tomasz Wilk"}]
    html = page(head=f'<script type="application/ld+json">{json.dumps(ld_people)}</script>', ld=ld_article)
    art = structured.jsonld_article(Selector(text=html))
    assert [structured.ld_text(a) for a in art["author"]] == ["Miriam Okafor", "Tomasz Wilk"]
    assert names(ArticlePage(html, URL).authors()) == ["Miriam Okafor", "Tomasz Wilk"]


def test_jsonld_reference_cycles_do_not_loop():
    ld = {"@graph": [
        {"@type": "NewsArticle", "@id": "#a", "headline": "Harbour", "author": {"@id": "#p"}},
        {"@type": "Person", "@id": "#p", "name": "Miriam Okafor", "author": {"@id": "#a"}},
    ]}
    art = structured.jsonld_article(Selector(text=page(ld=ld)))
    assert structured.ld_text(art["author"]) == "Miriam Okafor"
    json.dumps(art)  # no cycle: the structure still serialises


@pytest.mark.parametrize("cls", PAGES)
def test_jsonld_author_given_only_by_given_and_family_name(cls):
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "A story about the harbour",
          "author": {"@type": "Person", "givenName": "Miriam", "familyName": "Okafor",
                     "url": "https://www.example-news.test/author/okafor"}}
    assert names(cls(page(ld=ld), URL).authors()) == ["Miriam Okafor"]


@pytest.mark.parametrize("byline, expected", [
    ("Elena Oberholzer (obe)", ["Elena Oberholzer"]),
    ("By Elena Oberholzer (obe) and Marc Tanner (MTA)", ["Elena Oberholzer", "Marc Tanner"]),
    ("Elena Oberholzer (AFP)", []),  # an agency in brackets is no author code: not dropped silently
    ("Elena Oberholzer (a much longer remark)", []),
])
def test_trailing_author_code_is_dropped_from_a_byline(byline, expected):
    assert attr.split_authors(byline) == expected


def test_author_code_is_dropped_in_jsonld_names_too():
    ld = {"@type": "NewsArticle", "headline": "Harbour", "author": {"@type": "Person", "name": "Elena Oberholzer (obe)"}}
    assert names(RepublisherPage(page(ld=ld), URL).authors()) == ["Elena Oberholzer"]
    assert attr.clean_person_name("Elena Oberholzer (obe)") == "Elena Oberholzer"


# ------------------------------------------------------------------ meta author sources
def meta_page(*tags: str) -> str:
    return page(head="".join(tags))


@pytest.mark.parametrize("cls", PAGES)
def test_article_author_meta_holding_a_name_is_an_author(cls):
    html = meta_page('<meta property="og:site_name" content="Example News">',
                     '<meta property="article:author" content="Miriam Okafor">')
    assert names(cls(html, URL).authors()) == ["Miriam Okafor"]


@pytest.mark.parametrize("cls", PAGES)
def test_twitter_data1_written_by_is_an_author(cls):
    html = meta_page('<meta name="twitter:label1" content="Written by">',
                     '<meta name="twitter:data1" content="Miriam Okafor">',
                     '<meta name="twitter:label2" content="Est. reading time">',
                     '<meta name="twitter:data2" content="4 minutes">')
    assert names(cls(html, URL).authors()) == ["Miriam Okafor"]


@pytest.mark.parametrize("tags", [
    # a URL is a profile, not a name
    ('<meta property="article:author" content="https://www.facebook.com/examplenews">',),
    # agencies and the site are not people
    ('<meta property="article:author" content="Reuters">',),
    ('<meta property="og:site_name" content="Example News">', '<meta property="article:author" content="Example News">'),
    # twitter:data1 that is not a "Written by" value
    ('<meta name="twitter:label1" content="Est. reading time">', '<meta name="twitter:data1" content="4 Minutes Read">'),
    ('<meta name="twitter:label1" content="Written by">', '<meta name="twitter:data1" content="Editorial Team">'),
])
def test_meta_author_sources_keep_people_only(tags):
    sel = Selector(text=meta_page(*tags))
    assert structured.meta_authors(sel) == []
    for cls in PAGES:
        assert names(cls(meta_page(*tags), URL).authors()) == []


def test_meta_authors_come_after_jsonld():
    ld = {"@type": "NewsArticle", "headline": "Harbour", "author": {"@type": "Person", "name": "Tomasz Wilk"}}
    html = page(head='<meta property="article:author" content="Miriam Okafor">', ld=ld)
    for cls in PAGES:
        assert names(cls(html, URL).authors()) == ["Tomasz Wilk"]


def test_meta_authors_come_from_the_first_source_naming_people():
    sel = Selector(text=meta_page(
        '<meta name="author" content="Miriam Okafor and Tomasz Wilk">',
        '<meta property="article:author" content="Tomasz Wilk">',
        '<meta name="twitter:label1" content="Written by">', '<meta name="twitter:data1" content="Ana Lima">'))
    assert structured.meta_authors(sel) == ["Miriam Okafor", "Tomasz Wilk"]
    # a source naming nobody (the site, a URL) gives way to the next one
    sel = Selector(text=meta_page(
        '<meta property="og:site_name" content="Harbour Weekly">', '<meta name="author" content="Harbour Weekly">',
        '<meta property="article:author" content="https://www.facebook.com/harbourweekly">',
        '<meta name="twitter:label1" content="Written by">', '<meta name="twitter:data1" content="Ana Lima">'))
    assert structured.meta_authors(sel) == ["Ana Lima"]


@pytest.mark.parametrize("tags, expected", [
    (('<meta itemprop="author" content="Frank Hahn">',), ["Frank Hahn"]),  # microdata in <head>
    (('<meta name="twitter:label1" content="Verfasst von">', '<meta name="twitter:data1" content="Ana Lima">'), ["Ana Lima"]),
    (('<meta name="twitter:label1" content="Written by">', '<meta name="twitter:data1" content="Ana Lima @analima">'), ["Ana Lima"]),
    (('<meta name="parsely-author" content="Ana Lima">', '<meta name="parsely-author" content="Tomasz Wilk">'),
     ["Ana Lima", "Tomasz Wilk"]),
    (('<meta name="author" content="Harbour Weekly">', '<meta property="cXenseParse:author" content="Ana Lima">',
      '<meta property="og:site_name" content="Harbour Weekly">'), ["Ana Lima"]),
    # the site's name as one part of og:site_name ("Title | Site")
    (('<meta property="og:site_name" content="The cranes are here | Die Hafenpost">',
      '<meta name="author" content="Die Hafenpost">'), []),
])
def test_meta_author_vocabularies(tags, expected):
    assert structured.meta_authors(Selector(text=meta_page(*tags))) == expected


@pytest.mark.parametrize("name, site, expected", [
    ("Die FURCHE", "Achtsam durch die Krise | Die FURCHE", True),
    ("Harbour Weekly", "harbour weekly", True),
    ("The Harbour-Weekly", "Harbour Weekly", True),
    ("Ana Lima", "Harbour Weekly", False),
    ("Ana Lima", None, False),
    ("Harbour", "Harbour Weekly", False),
])
def test_is_site_name(name, site, expected):
    assert attr.is_site_name(name, site) is expected


@pytest.mark.parametrize("byline, expected", [
    ("Von Andreas Hoffmann", ["Andreas Hoffmann"]),
    ("Par Loïc Le Clerc", ["Loïc Le Clerc"]),
    ("Von Trotha", ["Von Trotha"]),  # a surname, not "By Trotha"
    ("Ursula von der Leyen", ["Ursula von der Leyen"]),
    ("'Luana Patriolino, Raphael Felice'", ["Luana Patriolino", "Raphael Felice"]),
    ("Luana Patriolino und Raphael Felice", ["Luana Patriolino", "Raphael Felice"]),
    ("Deutscher Caritasverband e. V.", []),
    ("Hafen Logistik GmbH", []),
    ("OÖ Volksblatt", []),
])
def test_bylines_as_pages_in_other_languages_print_them(byline, expected):
    assert attr.split_authors(byline) == expected


def attribution(publisher: str, names: list[str], hints: dict) -> tuple[list[str], int]:
    """(author names, attribution/authors_site_name) after the attribution pipeline."""
    from scrapy.utils.test import get_crawler

    from crawler.items import Author
    from crawler.pipelines.attribution import AttributionPipeline

    crawler = get_crawler()
    crawler.stats.open_spider()
    item = {"url": URL, "source": "republisher", "publisher": publisher, "body": "Some text of the story.",
            "authors": [Author(name=n, name_raw=n) for n in names], "images": [], "hints": hints}
    out = AttributionPipeline.from_crawler(crawler).process_item(item)
    return [a.name for a in out["authors"]], crawler.stats.get_value("attribution/authors_site_name")


def test_attribution_pipeline_drops_the_site_name_as_author_and_counts_it():
    site = "Achtsam durch die Krise | Die FURCHE"
    assert attribution(site, ["Die FURCHE", "Ursula Baatz"], {}) == (["Ursula Baatz"], 1)
    # given only as the byline hint
    assert attribution("Harbour Weekly", [], {"byline": "Harbour Weekly /PP"}) == ([], 1)


# ------------------------------------------------------------------ entities in JSON-LD strings
def test_html_entities_in_jsonld_strings_are_unescaped():
    ld = {"@type": "NewsArticle", "headline": "Arnault&#8217;s empire &amp; the heirs",
          "description": "How LVMH&#039;s chief plans &quot;the handover&quot;",
          "author": {"@type": "Person", "name": "Zo&euml; Brannigan"},
          "articleSection": "Business &amp; Markets"}
    for cls in PAGES:
        p = cls(page(ld=ld), URL)
        assert p.headline() == "Arnault\u2019s empire & the heirs"
        assert p.description() == 'How LVMH\'s chief plans "the handover"'
        assert names(p.authors()) == ["Zoë Brannigan"]
        assert p.section() == "Business & Markets"


# ------------------------------------------------------------------ articleBody holding HTML
def test_jsonld_article_body_holding_html_is_text_paragraphs():
    body = ("<p>The harbour authority approved the <strong>new cranes</strong> on Monday.</p>\n"
            "<p>Work starts in June &amp; ends in 2026, the authority said.<br></p>"
            "<figure><img src='x.jpg'><figcaption>Cranes</figcaption></figure>"
            "<h2>What changes</h2><ul><li>Two berths</li><li>One rail link</li></ul>\n<p>,</p>")
    ld = {"@type": "NewsArticle", "headline": "Harbour", "articleBody": body}
    art = structured.jsonld_article(Selector(text=page(ld=ld)))
    assert art["articleBody"].split("\n\n") == [
        "The harbour authority approved the new cranes on Monday.",
        "Work starts in June & ends in 2026, the authority said.",
        "What changes", "Two berths", "One rail link",
    ]
    # the republisher's JSON-LD body layer then writes no tag
    p = RepublisherPage(page(ld=ld, body=""), URL)
    assert "<" not in (p.body() or "x<")
    assert "new cranes on Monday" in p.body()


def test_jsonld_article_body_escaped_html_and_plain_text():
    ld = {"@type": "NewsArticle", "headline": "Harbour",
          "articleBody": "&lt;p&gt;First paragraph.&lt;/p&gt;&lt;p&gt;Second &amp;amp; last.&lt;/p&gt;"}
    art = structured.jsonld_article(Selector(text=page(ld=ld)))
    assert art["articleBody"] == "First paragraph.\n\nSecond & last."
    plain = {"@type": "NewsArticle", "headline": "Harbour", "articleBody": "If a < b and c > d, then it holds.\nNext line."}
    art = structured.jsonld_article(Selector(text=page(ld=plain)))
    assert art["articleBody"] == "If a < b and c > d, then it holds.\nNext line."


# ------------------------------------------------------------------ attribution_links on malformed markup
MALFORMED = ('<p>This article is republished from <a href="https://theconversation.com/the-harbour-cranes-231234" '
             '{}="" {{attrs}}>The Conversation</a> under a Creative Commons license.</p>')


def test_attribution_links_survive_attribute_names_lxml_cannot_read():
    sel = Selector(text=page(body=PARAS + MALFORMED))
    links = attribution_links(sel, URL)
    assert [(o.publisher, o.url, ev) for o, ev in links] == [
        ("The Conversation", "https://theconversation.com/the-harbour-cranes-231234", "republished-from-link")]


def test_republisher_page_with_malformed_markup_loses_no_field():
    p = RepublisherPage(page(body=PARAS + MALFORMED), URL)
    art = p.article()
    assert p.errors == []
    assert art.is_republication is True
    assert art.original_publisher == "The Conversation"
    assert art.original_url == "https://theconversation.com/the-harbour-cranes-231234"
    assert art.body and "Paragraph 5" in art.body


def test_attr_of_reads_one_attribute_where_parsel_attrib_raises():
    from crawler.extract.dom import attr_of

    a = Selector(text='<a href="/x" {}="" data-id="7">t</a>').css("a")[0]
    with pytest.raises(ValueError):
        a.attrib  # noqa: B018 - the lxml pitfall itself: parsel builds a dict of every attribute
    assert attr_of(a, "href") == "/x"
    assert attr_of(a, "data-id") == "7"
    assert attr_of(a, "title") is None
    assert attr_of(a, "title", "") == ""
    assert attr_of(a.root, "href") == "/x"
    assert attr_of(None, "href") is None


def test_entities_written_as_json_escapes_are_unescaped_too():
    raw = r'{"@type": "NewsArticle", "headline": "Arnault\u0026#8217;s heirs", "description": "\u003cp\u003eA\u003c/p\u003e"}'
    html = page(head=f'<script type="application/ld+json">{raw}</script>')
    art = structured.jsonld_article(Selector(text=html))
    assert art["headline"] == "Arnault\u2019s heirs"
    # a page without anything to unescape keeps its strings as they are
    plain = structured.jsonld_article(Selector(text=page(ld={"@type": "NewsArticle", "headline": "A + B = C"})))
    assert plain["headline"] == "A + B = C"


# ------------------------------------------------------------------ the same pitfall in every site's page classes
def _fixture_pages():
    from pathlib import Path

    from crawler.sites import conversation, japantimes, jiji, kyodo, republisher

    classes = {"conversation": conversation.PAGE_CLASSES, "japantimes": japantimes.PAGE_CLASSES,
               "jiji": jiji.PAGE_CLASSES, "kyodo": kyodo.PAGE_CLASSES, "republisher": republisher.PAGE_CLASSES}
    root = Path(__file__).resolve().parent.parent / "fixtures"
    for site, page_classes in classes.items():
        for meta_file in sorted((root / site).glob("*/page.meta.json")):
            meta_data = json.loads(meta_file.read_text())
            body = meta_file.parent / meta_data.get("body", "page.html")
            if body.suffix == ".html" and body.exists():
                yield pytest.param(page_classes, body, meta_data["url"], id=f"{site}/{meta_file.parent.name}")


def _record(page_classes, html: str, url: str):
    from crawler.sites.base import choose_page

    sel = Selector(text=html)
    page = choose_page(page_classes, sel, url)(sel, url)
    art = page.article()
    return type(page).__name__, page.errors, art


@pytest.mark.parametrize("page_classes, body, url", list(_fixture_pages()))
def test_attribute_names_lxml_cannot_read_change_no_site_field(page_classes, body, url):
    """Every element of a fixture page given an attribute named ``{}`` (what a broken template
    leaves): the page reads exactly as before, no field fails."""
    import re

    html = body.read_text(encoding="utf-8", errors="replace")
    broken = re.sub(r"<(a|img|time|figure|article|div|span|p|meta|link|section|h1|li)(?=[\s>])", r'<\1 {}=x', html)  # no quote: values holding markup stay whole
    assert broken != html
    name, errors, art = _record(page_classes, html, url)
    name2, errors2, art2 = _record(page_classes, broken, url)
    assert errors2 == errors == []
    assert name2 == name
    assert art2 == art


@pytest.mark.parametrize("name", ["Auto Illustrierte", "Badische Zeitung", "Hanns Seidel Stiftung", "Die Redaktion",
                                  "Revista Semana", "Helmholtz Klima Initiative"])
def test_publications_and_bodies_in_other_languages_are_not_people(name):
    assert not attr.is_person(name)
    assert attr.split_authors(f"By {name}") == []


def test_itemprop_author_of_cited_works_is_no_author_of_the_page():
    refs = "".join(
        f'<li itemprop="citation" itemscope itemtype="http://schema.org/ScholarlyArticle">'
        f'<meta itemprop="author" content="Ref{i} Author{i}">'
        f'<cite itemprop="name">A cited work</cite></li>' for i in range(3))
    html = page(body=PARAS + f"<ol>{refs}</ol>", head='<meta name="dc.creator" content="Marwan Adwan">')
    assert structured.meta_authors(Selector(text=html)) == ["Marwan Adwan"]
    html = page(body='<div itemscope itemtype="https://schema.org/BlogPosting"><meta itemprop="author" content="Ana Lima">'
                     + PARAS + f"<ol>{refs}</ol></div>")
    assert structured.meta_authors(Selector(text=html)) == ["Ana Lima"]
    html = page(body='<div itemscope itemtype="https://schema.org/WebPage"><div itemprop="mainEntity" itemscope '
                     'itemtype="https://schema.org/NewsArticle"><meta itemprop="author" content="Ana Lima">'
                     + PARAS + f"<ol>{refs}</ol></div></div>")
    assert structured.meta_authors(Selector(text=html)) == ["Ana Lima"]


def test_unescape_reads_only_closed_references():
    assert structured.unescape_text("https://img.test/a.jpg?w=1&copy=2&amp;h=3") == "https://img.test/a.jpg?w=1&copy=2&h=3"
    assert structured.unescape_text("AT&T and R&D &#8211; Arnault&amp;#8217;s") == "AT&T and R&D \u2013 Arnault\u2019s"
