"""Unit tests of the Japan Times page parsers and link helpers (no engine)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from parsel import Selector

from crawler.extract.feeds import FeedEntry
from crawler.items import Article
from crawler.sites import japantimes as jt
from crawler.sites.base import choose_page

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "japantimes"
ARTICLE_CASES = ["kyodo_2019", "staff_2019", "jiji_2019", "no_structured_data", "bloomberg_2023", "staff_2023",
                 "afpjiji_2023", "unknown_layout"]


def load(case: str) -> tuple[str, str]:
    meta = json.loads((FIX / case / "page.meta.json").read_text(encoding="utf-8"))
    return (FIX / case / meta["body"]).read_text(encoding="utf-8"), meta["url"]


def page_of(html: str, url: str) -> jt.JapanTimesPage:
    sel = Selector(text=html)
    return choose_page(jt.PAGE_CLASSES, sel, url)(sel, url)


def page(case: str) -> jt.JapanTimesPage:
    return page_of(*load(case))


# ----------------------------------------------------------------------------------- credits

@pytest.mark.parametrize("credit, publisher", [
    ("KYODO", "Kyodo News"), ("JIJI", "Jiji Press"), ("BLOOMBERG", "Bloomberg"), ("REUTERS", "Reuters"),
    ("AP", "Associated Press"), ("AFP-JIJI", "AFP"), ("Kyodo", "Kyodo News"), (" jiji ", "Jiji Press"),
])
def test_wire_credit_maps_to_the_agency_and_names_nobody(credit, publisher):
    cr = jt.parse_credit(credit)
    assert cr.original_publisher == publisher
    assert cr.people == []


@pytest.mark.parametrize("credit", ["No Author", "Staff Report", "THE JAPAN TIMES", "", None])
def test_credits_that_name_no_agency_and_no_person(credit):
    cr = jt.parse_credit(credit)
    assert cr.agencies == [] and cr.people == []


def test_credit_naming_a_person_keeps_the_person_and_the_agency():
    cr = jt.parse_credit("BY JANE DOE, BLOOMBERG")
    assert cr.people == ["Jane Doe"]
    assert cr.agencies == ["Bloomberg"]


def test_jat_credit_is_split_on_its_separator_and_drops_no_author():
    cr = jt.parse_credit("No Author|Kaori Minami|Ren Tsukada", separator="|")
    assert cr.people == ["Kaori Minami", "Ren Tsukada"]
    assert cr.agencies == []


def test_two_agencies_keep_their_order():
    assert jt.parse_credit("REUTERS, KYODO").agencies == ["Reuters", "Kyodo News"]


# ---------------------------------------------------------------------------------- datelines

@pytest.mark.parametrize("text, place, rest", [
    ("KOBE \u2013 The port of Kobe expects", "KOBE", "The port of Kobe expects"),
    ("WASHINGTON - A group of senators", "WASHINGTON", "A group of senators"),
    ("WAKAYAMA, Japan - A bear was seen", "WAKAYAMA, Japan", "A bear was seen"),
    ("NEW YORK \u2014 Stocks fell", "NEW YORK", "Stocks fell"),
])
def test_split_dateline(text, place, rest):
    assert jt.split_dateline(text) == (place, rest)


@pytest.mark.parametrize("text", [
    "The U.S. - Japan alliance is strong.", "Tokyo \u2013 a city in lower case is no dateline", "A - B", "",
])
def test_no_dateline(text):
    assert jt.split_dateline(text)[0] is None


def test_dateline_span_goes_to_dateline_and_leaves_the_body():
    p = page("kyodo_2019")
    html, _ = load("kyodo_2019")
    assert '<span class="dateline">KOBE &#8211; </span>' in html  # the fixture prints it in the body
    assert p.dateline() == "KOBE"
    body = p.body()
    assert body.startswith("The port of Kobe expects a record 212 cruise ship calls")
    assert "KOBE" not in body and "\u2013" not in body.split("\n\n")[0][:10]


def test_plain_text_dateline_is_split_too():
    p = page("afpjiji_2023")
    assert p.dateline() == "PARIS"
    assert p.body().startswith("A pair of Edo Period folding screens")


# ---------------------------------------------------------------------------------- captions

def test_caption_split_on_pipe_with_agency_credit():
    assert jt.split_caption("Workers clear debris in Kobe on Tuesday. | KYODO") == (
        "Workers clear debris in Kobe on Tuesday.", "Kyodo News")


def test_caption_split_drops_homepage_html_after_the_credit():
    raw = ("Lanterns float on a river. | AP | <a href='https://www.japantimes.co.jp/x/'>Share / Comment</a>"
           "<h1>Related: <a href='https://www.japantimes.co.jp/y/'>Other story</a></h1>")
    caption, credit = jt.split_caption(raw)
    assert caption == "Lanterns float on a river."
    assert credit == "Associated Press"


def test_caption_with_a_person_credit_and_without_credit():
    assert jt.split_caption("A train crosses a river. | Aya Morikawa") == ("A train crosses a river.", "Aya Morikawa")
    caption, credit = jt.split_caption("A train crosses a river.")
    assert caption == "A train crosses a river." and credit is None


def test_fresco_captions_of_the_wire_copy_are_split():
    imgs = page("kyodo_2019").images()
    assert [i.url.rsplit("/", 1)[1] for i in imgs] == ["np_file_187234.jpeg", "np_file_187235.jpeg"]  # full size, not -200x200
    assert all(i.credit == "Kyodo News" and "|" not in i.caption for i in imgs)


def test_lazy_images_use_data_src():
    imgs = page("staff_2023").images()
    assert imgs and not any(i.url.startswith("data:") for i in imgs)
    assert imgs[0].credit == "Kaori Minami"


# ---------------------------------------------------------------------------- variants, ids

@pytest.mark.parametrize("case, variant", [
    ("kyodo_2019", "japantimes-2019"), ("staff_2019", "japantimes-2019"), ("jiji_2019", "japantimes-2019"),
    ("no_structured_data", "japantimes-2019"), ("bloomberg_2023", "japantimes-2023"),
    ("staff_2023", "japantimes-2023"), ("afpjiji_2023", "japantimes-2023"), ("unknown_layout", "japantimes-generic"),
])
def test_variant_chosen(case, variant):
    assert page(case).variant == variant


def test_site_id_from_shortlink_or_body_class_else_none():
    assert page("staff_2019").site_id() == "3198842"  # shortlink
    html, url = load("afpjiji_2023")
    assert "shortlink" not in html
    assert page("afpjiji_2023").site_id() == "4198034"  # body class postid-
    assert page("no_structured_data").site_id() is None


def test_story_id_only_for_staff_originals():
    assert page("staff_2019").story_id() == "japantimes:3198842"
    assert page("staff_2023").story_id() == "japantimes:4387716"
    assert page("kyodo_2019").story_id() is None
    assert page("bloomberg_2023").story_id() is None


# ---------------------------------------------------------------------------------- attribution

@pytest.mark.parametrize("case, publisher, credit", [
    ("kyodo_2019", "Kyodo News", "KYODO"), ("jiji_2019", "Jiji Press", "JIJI"),
    ("no_structured_data", "Reuters", "REUTERS"), ("bloomberg_2023", "Bloomberg", "Mara Ellison,BLOOMBERG"),
    ("afpjiji_2023", "AFP", "AFP-JIJI"), ("unknown_layout", "Associated Press", "AP"),
])
def test_wire_copies_are_republications_of_the_agency(case, publisher, credit):
    art = page(case).article()
    assert art.is_republication is True
    assert art.original_publisher == publisher
    assert art.hints["credit"] == credit
    assert art.publisher == "The Japan Times"


@pytest.mark.parametrize("case", ARTICLE_CASES)
def test_no_author_is_never_an_author(case):
    names = [a.name for a in page(case).authors()]
    assert all(n and n.lower() != "no author" for n in names)


def test_no_author_pages_really_carry_no_author():
    """The fixtures under test do print "No Author" (meta, JSON-LD, jat-credit), so the test above can fail."""
    for case in ("kyodo_2019", "jiji_2019", "afpjiji_2023", "staff_2023"):
        assert "No Author" in load(case)[0]


def test_wire_copy_without_named_people_has_no_authors():
    for case in ("kyodo_2019", "jiji_2019", "afpjiji_2023", "no_structured_data"):
        assert page(case).authors() == []


def test_named_wire_reporter_is_an_author_with_agency_affiliation():
    authors = page("bloomberg_2023").authors()
    assert [(a.name, a.affiliation) for a in authors] == [("Mara Ellison", "Bloomberg")]


def test_two_staff_authors_with_author_urls_and_no_sidebar_writer():
    authors = page("staff_2019").authors()
    assert [a.name for a in authors] == ["Aya Morikawa", "Kenji Hasegawa"]
    assert [a.url for a in authors] == ["https://www.japantimes.co.jp/author/aya-morikawa/",
                                        "https://www.japantimes.co.jp/author/int-kenji_hasegawa/"]
    assert "Shiro Fujiwara" in load("staff_2019")[0]  # a sidebar column's writer, not this article's
    assert page("staff_2019").article().hints["byline"] == "by Aya Morikawa and Kenji Hasegawa"


def test_staff_2023_authors_from_jat_credit_with_urls():
    authors = page("staff_2023").authors()
    assert [(a.name, a.url) for a in authors] == [
        ("Kaori Minami", "https://www.japantimes.co.jp/author/kaori-minami/"),
        ("Ren Tsukada", "https://www.japantimes.co.jp/author/ren-tsukada/"),
    ]
    assert page("staff_2023").is_republication() is False


# ---------------------------------------------------------------------------------- body

BOILERPLATE_2019 = ["RELATED STORIES", "Mail the editor", "Error Report", "Commenting Policy", "Advertisement",
                    "Email this story", "JOIN THE CONVERSATION", "Take 5", "quality journalism", "KEYWORDS"]


def test_2019_boilerplate_inside_jtarticle_is_not_body():
    html, _ = load("kyodo_2019")
    body = page("kyodo_2019").body()
    for text in BOILERPLATE_2019 + ["Japan to scrap cap on daily arrivals", "Cruise lines sketch plans",
                                    "Yen slides toward 150"]:
        assert text in html, text  # present on the page ...
        assert text not in body, text  # ... but not in the body
    assert len(body.split("\n\n")) == 7
    assert "Hyogo Prefecture will also subsidize shuttle buses" in body  # the paragraph after the box


def test_related_headlines_absent_from_staff_body():
    body = page("staff_2019").body()
    assert "JR West posts record quarterly loss" not in body
    assert "Hokkaido stations close" not in body
    assert "Towns push back" in body and body.count("\n\n") == 7


def test_2023_boilerplate_is_not_body():
    html, _ = load("bloomberg_2023")
    body = page("bloomberg_2023").body()
    for text in ["Unlock unlimited access", "Sign up for our newsletter", "Related stories", "Justices weigh limits",
                 "Note to commenters", "Advertisement", "Gift this article", "Keywords", "Demonstrators gather"]:
        assert text in html, text
        assert text not in body, text
    assert body.startswith("The U.S. Supreme Court\u2019s decision")
    assert body.endswith("where the new limits allow.")


def test_headline_suffix_stripped():
    assert page("jiji_2019").headline() == "Government to widen subsidies for home insulation work"
    assert page("unknown_layout").headline() == "South Korea weighs longer hours for convenience store pharmacists"


def test_section_and_tags():
    p = page("staff_2019")
    assert p.section() == "National"
    assert p.tags()[:3] == ["rail", "JR West", "depopulation"]
    assert page("kyodo_2019").tags() == ["Kobe", "Hyogo Prefecture", "tourism", "cruise ships"]


def test_dates_raw_and_visible_candidates():
    p = page("kyodo_2019")
    assert p.date_published_raw() == "2022-10-18T17:42:10+09:00"
    assert p.date_modified_raw() == "Oct 19, 2022"  # history popover, day only
    assert "Oct 18, 2022" in p.date_published_candidates()
    assert p.hints()["tz"] == "Asia/Tokyo"


# ------------------------------------------------------------------------------------ fallback

def strip_structured(html: str) -> str:
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    html = re.sub(r"<meta\b[^>]*>", "", html)
    html = re.sub(r"<link rel=['\"](?:canonical|shortlink)['\"][^>]*>", "", html)
    return html


def test_2023_page_with_structured_data_removed_still_yields_the_core_fields():
    html, url = load("staff_2023")
    bare = strip_structured(html)
    assert "ld+json" not in bare and "<meta" not in bare
    art = page_of(bare, url).article()
    assert art.headline == "Osaka startups bet on hydrogen ferries to cut bay emissions"
    assert art.date_published_raw == "2024-09-03T16:40:00+09:00"  # visible time[datetime]
    assert art.body.startswith("Two Osaka startups are betting")
    assert [a.name for a in art.authors] == ["Kaori Minami", "Ren Tsukada"]
    assert art.section == "Business"
    assert art.item_id == "japantimes:4387716"  # body class postid- survives


def test_wire_copy_with_structured_data_removed_keeps_its_attribution():
    html, url = load("bloomberg_2023")
    art = page_of(strip_structured(html), url).article()
    assert art.original_publisher == "Bloomberg" and art.is_republication
    assert [a.name for a in art.authors] == ["Mara Ellison"]
    assert art.headline.startswith("Supreme Court curb")


def test_unknown_layout_yields_headline_dates_body_attribution():
    art = page("unknown_layout").article()
    assert art.headline and art.date_published_raw == "2026-03-17T11:48:02+09:00"
    assert art.body.startswith("South Korea\u2019s health ministry said Tuesday")
    assert "morning briefing" not in art.body and "More from Asia Pacific" not in art.body
    assert art.original_publisher == "Associated Press"
    assert art.dateline == "SEOUL"


@pytest.mark.parametrize("html", [
    "", "<html>", "<html><body><div id='jtarticle'><p><span class='dateline'>",
    "<html><head><meta name='cXenseParse:jat-credit' content='' data-separator=','></head><body><main></main>",
    "<p class='credit'>\x00\x01 | | </p><script type='application/ld+json'>{broken</script>",
    "\ufffd" * 50,
])
def test_garbled_pages_do_not_raise(html):
    p = page_of(html, "https://www.japantimes.co.jp/news/2024/01/01/japan/x/")
    art = p.article()
    assert art.source == "japantimes"
    assert p.errors == []


# ------------------------------------------------------------------------------------ links

def test_homepage_links_skip_sponsored_multimedia_archive_and_normalise():
    html, url = load("homepage")
    links = jt.listing_links(html, url)
    cases = {json.loads((FIX / c / "page.meta.json").read_text())["url"] for c in ARTICLE_CASES}
    assert set(links) == cases
    assert len(links) == len(set(links)) == 8
    assert links[0].endswith("/kobe-port-record-cruise-calls/")  # teaser blocks first, in page order
    for bad in ("/n2u/", "/jnu/", "/multimedia/", "/archive/", "/2022/10/19/", "announcements", "#"):
        assert bad in html
        assert not any(bad in u for u in links), bad
    assert all(u.startswith("https://www.japantimes.co.jp/") for u in links)


@pytest.mark.parametrize("url, ok", [
    ("https://www.japantimes.co.jp/news/2019/05/24/business/economy-business/x-y/", True),
    ("https://www.japantimes.co.jp/business/2024/09/03/companies/osaka-hydrogen-ferries/", True),
    ("https://japantimes.co.jp/opinion/2019/05/23/commentary/japan-commentary/trump-abe/", True),
    ("https://www.japantimes.co.jp/2019/05/25/", False),
    ("https://www.japantimes.co.jp/archive/2019/05/25/", False),
    ("https://www.japantimes.co.jp/n2u/2019/05/24/yamaha-x/", False),
    ("https://www.japantimes.co.jp/jnu/2019/05/20/jnu-company/others/x/", False),
    ("https://www.japantimes.co.jp/multimedia/2019/05/25/video-2/x/", False),
    ("https://www.japantimes.co.jp/news_category/business/", False),
    ("https://www.example.com/news/2019/05/24/business/x/", False),
])
def test_is_article_url(url, ok):
    assert jt.is_article_url(url) is ok


def test_normalise_url():
    assert jt.normalise_url("http://www.japantimes.co.jp/news/2017/01/07/business/x/#comments") == \
        "https://www.japantimes.co.jp/news/2017/01/07/business/x/"
    assert jt.normalise_url("/life/2017/01/07/food/y/?utm_source=rss&p=1", "https://www.japantimes.co.jp/") == \
        "https://www.japantimes.co.jp/life/2017/01/07/food/y/?p=1"
    assert jt.normalise_url("mailto:x@y") is None


def test_feed_links_from_the_undated_feed_are_https_and_in_order():
    body = (FIX / "feed_topstories" / "page.xml").read_bytes()
    raw = re.findall(rb"<item>.*?<link>([^<]+)</link>", body, flags=re.S)
    assert raw and all(r.startswith(b"http://") for r in raw)
    assert b"<pubDate>" not in body.split(b"<item>", 1)[1]  # items carry no date
    assert jt.feed_links(body) == [r.decode().replace("http://", "https://", 1) for r in raw]


def test_url_day():
    assert jt.url_day("http://www.japantimes.co.jp/news/2017/01/07/business/x/") == "2017-01-07"
    assert jt.url_day("https://www.japantimes.co.jp/") is None


# ------------------------------------------------------------------------------------ spider glue

def test_spider_enrich_keeps_the_entry_url_day_when_the_page_url_lost_it():
    from crawler.spiders.japantimes import JapanTimesSpider

    spider = JapanTimesSpider()
    entry = FeedEntry(link="http://www.japantimes.co.jp/news/2017/01/07/business/x/", title="T", summary="S")
    item = Article(url="https://www.japantimes.co.jp/article/123/")  # e.g. after a redirect
    spider.enrich_from_entry(item, entry)
    assert item.hints["date_published_candidates"] == ["2017-01-07"]
    assert item.headline == "T" and item.description == "S"
    dated = Article(url="https://www.japantimes.co.jp/news/2017/01/07/business/x/", headline="H")
    spider.enrich_from_entry(dated, entry)
    assert "date_published_candidates" not in dated.hints and dated.headline == "H"


# ------------------------------------------------------------------------------ page type

def test_homepage_is_a_listing_and_articles_are_articles():
    html, url = load("homepage")
    assert jt.looks_like_article(Selector(text=html), url) is False
    for case in ARTICLE_CASES:
        html, _ = load(case)
        # judged on the page alone (as for a URL without the date path)
        assert jt.looks_like_article(Selector(text=html), "https://www.japantimes.co.jp/?p=1") is True, case


def test_teaser_page_without_og_type_is_a_listing():
    teaser = "<article><p>" + "A long teaser sentence about the news of the day. " * 6 + "</p></article>"
    links = "".join(f'<p><a href="/news/2024/01/{d:02d}/japan/story-{d}/">Story {d}</a></p>' for d in range(1, 13))
    sel = Selector(text=f"<html><body>{teaser}{links}</body></html>")
    assert jt.looks_like_article(sel, "https://www.japantimes.co.jp/news/") is False
    sel = Selector(text=f"<html><body>{teaser}</body></html>")
    assert jt.looks_like_article(sel, "https://www.japantimes.co.jp/some-page/") is True


def test_jsonld_article_body_is_used_when_no_container_holds_the_text():
    text = ["OSAKA \u2013 First paragraph of a story that only the structured data carries in full, long enough.",
            "Second paragraph, with more words so that the whole text passes the two hundred character mark, "
            "which the reader asks of a body before it trusts it."]
    ld = json.dumps({"@type": "NewsArticle", "headline": "H", "articleBody": "\n".join(text)})
    html = f'<html><head><script type="application/ld+json">{ld}</script></head><body><div id="app"></div></body></html>'
    p = page_of(html, "https://www.japantimes.co.jp/news/2026/01/05/japan/x/")
    assert p.dateline() == "OSAKA"
    assert p.body().split("\n\n") == [text[0].split("\u2013 ", 1)[1], text[1]]


def test_photo_credit_in_a_figure_is_not_the_byline():
    html = ("<html><body><main><article><h1>Title</h1><figure><img src='a.jpg'><p class='credit'>John Roe</p></figure>"
            "<div class='article-body'><p>" + "Body text of a staff story. " * 12 + "</p></div></article></main></body></html>")
    p = page_of(html, "https://www.japantimes.co.jp/news/2026/01/05/japan/x/")
    assert p.credit_raw() == (None, None)
    assert p.authors() == [] and not p.is_republication()
