"""Unit tests of the Jiji Press page parsers (crawler/sites/jiji.py), no engine."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from parsel import Selector

from crawler.sites import jiji
from crawler.sites.base import choose_page

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "jiji"


def load(case: str, name: str = "page.html") -> tuple[str, str, str]:
    meta = json.loads((FIX / case / name.replace(".html", ".meta.json")).read_text(encoding="utf-8"))
    return (FIX / case / name).read_text(encoding="utf-8"), meta["url"], meta["fetched_at"]


def page(case: str):
    html, url, fetched_at = load(case)
    sel = Selector(text=html)
    cls = choose_page(jiji.PAGE_CLASSES, sel, url)
    return cls(sel, url, fetched_at)


# ---------------------------------------------------------------------------- dateline regex

@pytest.mark.parametrize("text, place, date, rest", [
    ("Tokyo, June 28 (Jiji Press)--The court said.", "Tokyo", "June 28", "The court said."),
    ("Tokyo, June 28 (Jiji Press)\u2014The court said.", "Tokyo", "June 28", "The court said."),
    ("Tokyo, June 28 (Jiji Press)\u2013The court said.", "Tokyo", "June 28", "The court said."),
    ("Tokyo, June 28 (Jiji Press) -- The court said.", "Tokyo", "June 28", "The court said."),
    ("Tokyo, June 28 (Jiji Press)\u2015The court said.", "Tokyo", "June 28", "The court said."),
    ("Mito, Ibaraki Pref., Jan. 21 (Jiji Press)--Snow fell.", "Mito, Ibaraki Pref.", "Jan. 21", "Snow fell."),
    ("Mito, Ibaraki Pref., Dec. 31 (Jiji Press)\u2014Snow fell.", "Mito, Ibaraki Pref.", "Dec. 31", "Snow fell."),
    ("Wakayama (Jiji Press)\u2013A trail reopened.", "Wakayama", None, "A trail reopened."),
    ("Wakayama (Jiji Press)--A trail reopened.", "Wakayama", None, "A trail reopened."),
    ("Washington, Sept. 3 (Jiji Press)--Talks began.", "Washington", "Sept. 3", "Talks began."),
    ("New York, Dec. 31 (Jiji Press)\u2014Stocks rose.", "New York", "Dec. 31", "Stocks rose."),
    ("  Osaka, Nov. 5 (Jiji Press)--Plans.", "Osaka", "Nov. 5", "Plans."),
])
def test_dateline_split_all_forms(text, place, date, rest):
    assert jiji.split_dateline(text) == (place, date, rest)


@pytest.mark.parametrize("text", [
    "TOKYO - Japan's government said.",            # Kyodo style, no Jiji credit
    "Tokyo, June 28 (Kyodo)--The court said.",
    "The court said on Friday that it would appeal.",
    "Tokyo, June 28 (Jiji Press) The court said.",   # no dash after the credit
    "",
])
def test_dateline_not_found(text):
    place, date, rest = jiji.split_dateline(text)
    assert place is None and date is None and rest == text


# ---------------------------------------------------------------------------- body cleaning

def test_clean_body_removes_dateline_and_copyright():
    out = jiji.clean_body([
        "Tokyo, June 28 (Jiji Press)--First paragraph.",
        "Second paragraph.",
        "[Copyright The Jiji Press, Ltd.]",
    ])
    assert out["paragraphs"] == ["First paragraph.", "Second paragraph."]
    assert out["dateline"] == "Tokyo"
    assert out["dateline_date"] == "June 28"
    assert out["copyright"] == "[Copyright The Jiji Press, Ltd.]"
    assert out["credit"] == "Jiji Press"


def test_clean_body_flattened_single_paragraph():
    """Aggregator-style text: dateline, body and copyright on one line, then a source label."""
    out = jiji.clean_body([
        "Wakayama (Jiji Press)\u2013Text of the story. More text. [Copyright The Jiji Press, Ltd.]",
        "Jiji Press",
    ])
    assert out["paragraphs"] == ["Text of the story. More text."]
    assert out["dateline"] == "Wakayama" and out["dateline_date"] is None
    assert out["copyright"] == "[Copyright The Jiji Press, Ltd.]"


def test_clean_body_without_markers_keeps_text():
    out = jiji.clean_body(["Plain text.", "More."])
    assert out["paragraphs"] == ["Plain text.", "More."]
    assert out["dateline"] is None and out["copyright"] is None


def test_photo_credit_split():
    assert jiji.split_photo_credit("Sake in Nara. (Courtesy of a brewers group; © Jiji)") == (
        "Sake in Nara.", "Courtesy of a brewers group; © Jiji")
    assert jiji.split_photo_credit("Shoppers in Tokyo. (© Jiji)") == ("Shoppers in Tokyo.", "© Jiji")
    assert jiji.split_photo_credit("The minister (left) speaks.") == ("The minister (left) speaks.", None)


def test_node_paragraphs_split_at_br():
    sel = Selector(text="<p class='x'>One<br><br>Two <a href='#'>link</a> end<br>Three<script>var a=1;</script></p>")
    assert jiji.node_paragraphs(sel.css("p.x")[0]) == ["One", "Two link end", "Three"]


# ---------------------------------------------------------------------------- URLs and ids

@pytest.mark.parametrize("url", [
    "https://jen.jiji.com/jc/eng?g=eco&k=2026091800657",
    "https://jen.jiji.com/jc/eng?k=2026091800657&g=eco",
    "http://jen.jiji.com/jc/eng?g=eco&amp;k=2026091800657",
    "https://jen.jiji.com/jc/eng?k=2026091800657&amp;g=eco&amp;m=rss",
    "//jen.jiji.com/jc/eng?g=eco&k=2026091800657#photo",
])
def test_article_url_forms(url):
    assert jiji.ARTICLE_URL_RE.search(url)
    assert jiji.article_key(url) == "2026091800657"
    assert jiji.article_url(url) == "https://jen.jiji.com/jc/eng?g=eco&k=2026091800657"


@pytest.mark.parametrize("url", [
    "https://jen.jiji.com/jc/eng?g=eco",                       # genre listing
    "https://jen.jiji.com/jc/eng?g=eco&k=202609180065",        # 12 digits
    "https://jen.jiji.com/jc/eng?g=eco&k=20260918006571",      # 14 digits
    "https://jen.jiji.com/jc/eng_list?g=all&p=2",
    "https://www.jiji.com/jc/article?k=2026091800657&g=eco",   # Japanese site
    "https://example.com/jc/eng?g=eco&k=2026091800657",
])
def test_not_article_urls(url):
    assert jiji.article_key(url) is None
    assert jiji.article_url(url) is None


def test_any_key_reads_japanese_canonical_and_genre():
    assert jiji.any_key("https://www.jiji.com/jc/article?k=2022061500123&g=pol") == "2022061500123"
    assert jiji.genre("https://jen.jiji.com/jc/eng?k=2026091800657&amp;g=SPO") == "spo"
    assert jiji.section_for_genre("spo") == "Sports"
    assert jiji.section_for_genre("zzz") is None


def test_site_id_and_ids():
    art = page("jenjiji_icc").article()
    assert art.item_id == "jiji:2025062800512"
    assert art.story_id == "jiji:2025062800512"
    assert art.canonical_url == "https://jen.jiji.com/jc/eng?g=int&k=2025062800512"


def test_canonical_pointing_at_home_page_is_ignored():
    art = page("endash_nodate").article()
    assert art.canonical_url == "https://jen.jiji.com/jc/eng?g=soc&k=2025091400218"


def test_site_id_from_meta_when_url_has_none():
    html, _, _ = load("jc_template")
    html = re.sub(r'<link rel="canonical"[^>]*>', "", html)
    html = re.sub(r'<meta property="og:url"[^>]*>', "", html)
    art = jiji.JiJiJc(Selector(text=html), "https://jen.jiji.com/some/redirected/path").article()
    assert art.item_id == "jiji:2026030300871"


# ---------------------------------------------------------------------------- variants

@pytest.mark.parametrize("case, variant", [
    ("jenjiji_icc", "JenJiji"),
    ("emdash_prefecture", "JenJiji"),
    ("endash_nodate", "JenJiji"),
    ("photo_credit", "JenJiji"),
    ("jc_template", "JiJiJc"),
    ("fallback_no_structured", "jiji-generic"),
    ("unknown_layout", "jiji-generic"),
])
def test_variant_choice(case, variant):
    assert page(case).variant == variant


def test_jenjiji_body_is_clean_and_fields_split():
    art = page("jenjiji_icc").article()
    assert art.body.startswith("Tomoko Akane, president of the International Criminal Court")
    for junk in ("Jiji Press", "Copyright", "Related News", "Most Read", "Advertisement", "Post", "Rice Prices"):
        assert junk not in art.body
    assert art.body.count("\n\n") == 5
    assert art.dateline == "Tokyo"
    assert art.copyright == "[Copyright The Jiji Press, Ltd.]"
    assert art.authors == []
    assert art.publisher == art.original_publisher == "Jiji Press"
    assert art.description is None  # the site tagline is not a description
    assert art.date_published_raw == "Jun 28, 2025 18:40 (JST)"
    assert art.hints["dateline_date"] == "June 28"
    assert art.hints["tz"] == "Asia/Tokyo"
    assert art.hints["credit"] == "Jiji Press"
    assert "JIJI PRESS" not in art.tags


def test_emdash_prefecture_dateline_and_year_evidence():
    art = page("emdash_prefecture").article()
    assert art.dateline == "Mito, Ibaraki Pref."
    assert art.hints["dateline_date"] == "Dec. 31"
    assert art.body.startswith("Priests and volunteers")
    assert "More Society News" not in art.body and "Year-End Travel" not in art.body


def test_br_separated_body_and_nodate_dateline():
    art = page("endash_nodate").article()
    assert art.dateline == "Wakayama"
    assert "dateline_date" not in art.hints
    paras = art.body.split("\n\n")
    assert len(paras) == 5 and paras[0].startswith("A section of the Kumano Kodo")
    assert "[Copyright" not in art.body and "Share this article" not in art.body


def test_photo_captions_and_credits_not_in_body():
    art = page("photo_credit").article()
    assert [i.credit for i in art.images] == ["Courtesy of the Nara Prefecture Sake Brewers Association; © Jiji", "© Jiji"]
    assert art.images[0].url == "https://jen.jiji.com/news/photo/2025100200455_1.jpg"
    assert art.images[0].caption == "Workers bottle freshly pressed sake at a brewery in the city of Nara on Thursday."
    assert "Workers bottle" not in art.body and "Rice Harvest" not in art.body


def test_jc_template_structured_data_and_exclusions():
    p = page("jc_template")
    art = p.article()
    assert art.date_published_raw == "2026-03-03T16:20:00+09:00"
    assert "20260303162000" in art.hints["date_published_candidates"]
    assert "Mar 3, 2026 16:20 (JST)" in art.hints["date_published_candidates"]
    assert art.date_modified_raw == "2026-03-03T16:45:00+09:00"
    assert "20260303164500" in art.hints["date_modified_candidates"]
    assert art.authors == []  # Organization author is no person
    for junk in ("Advertisement", "Related: Real Wages", "Shoppers pick", "More economy news", "Tokyo Stocks Rebound"):
        assert junk not in art.body
    assert art.body.count("\n\n") == 4
    assert art.copyright == "Copyright JIJI PRESS LTD. All Rights Reserved."
    assert all("eng_count" not in i.url for i in art.images)
    assert art.images[0].credit == "© Jiji"
    assert art.description.startswith("Real household spending")  # dateline stripped


def test_jc_template_comment_stamp_used_when_structured_data_removed():
    html, url, fetched = load("jc_template")
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    html = re.sub(r"<meta[^>]*pubdate[^>]*>", "", html)
    art = jiji.JiJiJc(Selector(text=html), url, fetched).article()
    assert art.date_published_raw == "20260303162000"
    assert art.date_modified_raw == "20260303164500"


def test_fallback_page_without_structured_data():
    art = page("fallback_no_structured").article()
    assert art.headline == "Osaka Plans Resort Park on Former Expo Site"  # not the "JIJI PRESS" logo h1
    assert art.date_published_raw == "Nov 5, 2025 09:30 (JST)"
    assert art.dateline == "Osaka" and art.hints["dateline_date"] == "Nov. 5"
    assert art.body.startswith("The Osaka prefectural and city governments")
    assert art.body.count("\n\n") == 4
    assert "Recommended" not in art.body and "Copyright" not in art.body
    assert art.section == "Economy"
    assert art.authors == []


def test_unknown_layout_with_structured_data_removed_still_yields_core_fields():
    html, url, fetched = load("unknown_layout")
    html = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    html = re.sub(r"<meta (?:property|name)=\"(?:og|article|description)[^>]*>", "", html)
    html = re.sub(r'<meta name="description"[^>]*>', "", html)
    sel = Selector(text=html)
    assert choose_page(jiji.PAGE_CLASSES, sel, url) is jiji.JijiGeneric
    art = jiji.JijiGeneric(sel, url, fetched).article()
    assert art.headline == "Sapporo Snow Festival Opens with Fewer Giant Sculptures"
    assert art.date_published_raw == "2026-02-08T19:05:00+09:00"
    assert art.body.startswith("The annual Sapporo Snow Festival")
    assert "Related:" not in art.body and "Share:" not in art.body and "Visitors look" not in art.body
    assert art.dateline == "Sapporo"
    assert art.images[0].credit.endswith("© Jiji")
    assert art.publisher == "Jiji Press" and art.authors == []


@pytest.mark.parametrize("html", ["", "<html><p>broken <b>markup", "<<<>>>", "<html><body><h1>JIJI PRESS</h1></body></html>"])
def test_garbled_pages_do_not_raise(html):
    items = jiji.JijiGeneric(html, "https://jen.jiji.com/jc/eng?g=soc&k=2025010100001").items()
    art = items[0]
    assert art.item_id == "jiji:2025010100001"
    assert art.headline != "JIJI PRESS"
    assert art.hints["tz"] == "Asia/Tokyo"


# ---------------------------------------------------------------------------- discovery

def test_listing_links_site_selectors_script_and_relative():
    html, url, _ = load("listing_home")
    links = jiji.listing_article_links(Selector(text=html), url, html)
    keys = {jiji.article_key(u) for u in links}
    assert keys == {"2025062800512", "2025123100734", "2025091400218", "2025110500309", "2025100200455", "2026030300871"}
    assert all(u.startswith("https://jen.jiji.com/jc/eng?g=") for u in links)
    assert len(links) == len(set(links))


def test_pagination_links_bounded_to_site_listing_pages():
    html, url, _ = load("listing_home")
    assert jiji.pagination_links(Selector(text=html), url) == ["https://jen.jiji.com/jc/eng_list?g=all&p=2"]


def test_entry_article_from_feed_entry():
    art = jiji.entry_article("https://jen.jiji.com/jc/eng?k=2026030300990&amp;g=eco", "Stocks Up - JIJI PRESS",
                             "Tue, 03 Mar 2026 15:45:00 +0900", "Tokyo, March 3 (Jiji Press)--Stocks rose.",
                             "2026-03-03T09:40:00Z")
    assert art.item_id == "jiji:2026030300990" and art.url == "https://jen.jiji.com/jc/eng?g=eco&k=2026030300990"
    assert art.headline == "Stocks Up" and art.description == "Stocks rose." and art.dateline == "Tokyo"
    assert art.hints["dateline_date"] == "March 3"
    assert jiji.entry_article("https://jen.jiji.com/jc/eng_list?g=eco", "x", None, None) is None


def test_unknown_layout_body_in_div_with_br_and_teaser_in_sidebar():
    """No <p> in the story at all; a sidebar teaser also starts with a dateline."""
    html = """<html><head><title>Rice Stocks Hit Low | JIJI PRESS</title></head><body>
    <div class="wrap"><h2 class="headline">Rice Stocks Hit Low</h2>
    <div class="story-text">Tokyo, May 2 (Jiji Press)--Private rice stocks fell to a record low in March, farm ministry data showed Friday.<br><br>
    Wholesalers said supplies would stay tight until the new harvest.<br><br>Retail prices rose for the 14th straight week.<br><br>
    The government plans to release more of its reserve stocks this month.</div>
    <div class="side"><p>Osaka, May 1 (Jiji Press)--A short teaser about something else.</p>
    <p>Another short teaser in the sidebar.</p></div>
    <div class="copyright-txt">[Copyright The Jiji Press, Ltd.]</div></div></body></html>"""
    art = jiji.JijiGeneric(html, "https://jen.jiji.com/jc/eng?g=eco&k=2025050200777").article()
    assert art.headline == "Rice Stocks Hit Low"
    assert art.dateline == "Tokyo" and art.hints["dateline_date"] == "May 2"
    paras = art.body.split("\n\n")
    assert paras[0].startswith("Private rice stocks") and len(paras) == 4
    assert "teaser" not in art.body
    assert art.copyright == "[Copyright The Jiji Press, Ltd.]"


def test_article_urls_in_raw_text_keep_parameters_after_k():
    text = (r'<script>var x={"u":"https:\/\/jen.jiji.com\/jc\/eng?k=2026020800120\u0026g=spo"};'
            r' a="/jc/eng?k=2026020800121&amp;g=eco"; b="https://jen.jiji.com/amp/eng?g=pol&k=2026020800122";</script>')
    assert jiji.article_urls_in_text(text, "https://jen.jiji.com/") == [
        "https://jen.jiji.com/jc/eng?g=spo&k=2026020800120",
        "https://jen.jiji.com/jc/eng?g=pol&k=2026020800122",
        "https://jen.jiji.com/jc/eng?g=eco&k=2026020800121",
    ]


def test_page2_listing_links_have_genre():
    html, url, _ = load("listing_home", "page2.html")
    links = jiji.listing_article_links(Selector(text=html), url, html)
    assert links == ["https://jen.jiji.com/jc/eng?g=spo&k=2026020800120", "https://jen.jiji.com/jc/eng?g=int&k=2025062800512"]


# ---------------------------------------------------------------------------- spider glue

def test_spider_seed_urls_normalised_and_feed_items_opt_in():
    from crawler.spiders.jiji import JijiSpider

    spider = JijiSpider(url="http://jen.jiji.com/jc/eng?k=2025062800512&amp;g=int")
    assert spider.seed_urls() == ["https://jen.jiji.com/jc/eng?g=int&k=2025062800512"]
    assert JijiSpider().seed_urls() == ["https://jen.jiji.com/", "https://jen.jiji.com/rss/finance"]

    class Failure:
        class request:
            meta = {"feed_fetched_at": "2026-03-03T09:40:00Z"}

    from crawler.extract.feeds import FeedEntry
    entry = FeedEntry(link="https://jen.jiji.com/jc/eng?g=eco&k=2026030300990", title="Stocks Up")
    assert JijiSpider().item_from_entry(entry, Failure) is None
    item = JijiSpider(feed_items="1").item_from_entry(entry, Failure)
    assert item.item_id == "jiji:2026030300990" and item.fetched_at == "2026-03-03T09:40:00Z"


def test_jenjiji_variant_without_body_selector_falls_back_to_dateline_block():
    """A page with the JenJiji title/date markup but a body in some other element."""
    html, url, fetched = load("jenjiji_icc")
    html = html.replace('class="full-article-txt"', 'class="story-paragraph"')
    sel = Selector(text=html)
    assert choose_page(jiji.PAGE_CLASSES, sel, url) is jiji.JenJiji
    art = jiji.JenJiji(sel, url, fetched).article()
    assert art.body.startswith("Tomoko Akane") and art.body.count("\n\n") == 5
    assert art.dateline == "Tokyo" and art.copyright == "[Copyright The Jiji Press, Ltd.]"
