"""Republisher pages: origin detection, chrome removal, bios, fallbacks (no engine)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from parsel import Selector

from crawler.extract import generic
from crawler.items import Author
from crawler.sites import republisher as rp
from crawler.sites.base import choose_page
from crawler.sites.republisher import (
    PAGE_CLASSES, Daily8Page, DailyMaverick2026, RepublisherPage, WordPressRepublication, attach_bios,
    clean_paragraphs, conversation_counter_ids, detect_origin, origin_from_url, publisher_from_host,
)

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures" / "republisher"
SEED = ROOT.parent / "shared" / "seeds" / "000_eafb7e826ea25d3e.txt"
#: the two tests on the seed's text are optional extras: ../shared sits beside this checkout only
needs_seed = pytest.mark.skipif(not SEED.exists(), reason="../shared/seeds/000_eafb7e826ea25d3e.txt is not present")
TC_URL = ("https://theconversation.com/japanese-prime-ministers-abrupt-no-show-at-nato-summit-"
          "reveals-a-strained-alliance-with-the-us-259694")


def load(case: str) -> tuple[str, str]:
    meta = json.loads((FIX / case / "page.meta.json").read_text(encoding="utf-8"))
    return (FIX / case / meta["body"]).read_text(encoding="utf-8"), meta["url"]


def page_of(case: str, html: str | None = None) -> RepublisherPage:
    raw, url = load(case)
    sel = Selector(text=html if html is not None else raw)
    return choose_page(PAGE_CLASSES, sel, url)(sel, url)


def origin_of(body_html: str, url: str = "https://example-news.org/2026/01/02/some-story/"):
    """detect_origin on a small page whose body is ``body_html`` (paragraph texts cleaned)."""
    sel = Selector(text=f"<html><body><article><div class='entry-content'>{body_html}</div></article></body></html>")
    page = RepublisherPage(sel, url)
    return page.origin


# ------------------------------------------------------------------------------ URLs → origin
@pytest.mark.parametrize("url, publisher, story_id", [
    (TC_URL, "The Conversation", "conversation:259694"),
    ("https://theconversation.com/kelp-forests-shift-south-279905/", "The Conversation", "conversation:279905"),
    ("https://theconversation.com", "The Conversation", None),
    ("https://theconversation.com/uk/republishing-guidelines", "The Conversation", None),
    ("https://theconversation.com/profiles/hana-okafor-1638207", "The Conversation", None),
    ("https://theconversation.com/topics/artificial-intelligence-ai-90", "The Conversation", None),
    ("https://theconversation.com/why-mangroves-fail-281377?utm_source=twitter", "The Conversation", "conversation:281377"),
    ("https://english.kyodonews.net/news/2024/05/487c82dcc718-japan-minister-queries.html", "Kyodo News", "kyodo:487c82dcc718"),
    ("https://english.kyodonews.net/articles/-/79598", "Kyodo News", "kyodo:79598"),
    ("https://jen.jiji.com/jc/eng?g=eco&k=2026091800657", "Jiji Press", "jiji:2026091800657"),
    ("https://www.jiji.com/jc/article?k=2022081200731&g=pol", "Jiji Press", "jiji:2022081200731"),
    ("https://jen.jiji.com/jc/eng?g=eco", "Jiji Press", None),
    ("https://www.nippon.com/en/news/yjj2026092000412/", "Jiji Press", "jiji:2026092000412"),
    ("https://www.japantimes.co.jp/?p=2231873", "The Japan Times", "japantimes:2231873"),
    ("https://www.japantimes.co.jp/news/2025/06/28/world/trump-court-win/", "The Japan Times", None),
])
def test_origin_from_url(url, publisher, story_id):
    origin = origin_from_url(url)
    assert origin is not None
    assert (origin.publisher, origin.story_id) == (publisher, story_id)


@pytest.mark.parametrize("url", [
    "https://counter.theconversation.com/content/259694/count.gif",
    "https://www.nippon.com/en/japan-topics/g02345/",  # a nippon.com feature, not Jiji copy
    "https://www.daily8.com/en/article/5c1e0a9f3b7d4e2a8f6c9b1d0e4a7f32",
    "https://notheconversation.com/story-123456",
    "", None, "not a url",
])
def test_origin_from_url_negatives(url):
    assert origin_from_url(url) is None


# ------------------------------------------------------------------------------ counter pixel
def test_counter_pixel_img_iframe_and_data_src():
    sel = Selector(text=(
        '<img src="https://counter.theconversation.com/content/111111/count.gif?distributor=republish-lightbox-basic">'
        '<iframe src="https://counter.theconversation.com/content/222222/count.gif?distributor=republish-lightbox-advanced"></iframe>'
        '<img data-src="https://counter.theconversation.com/content/333333/count.gif">'
        '<img src="https://counter.theconversation.com/content/111111/count.gif">'
    ))
    assert conversation_counter_ids(sel) == ["111111", "222222", "333333"]


def test_counter_pixel_escaped_inside_an_attribute_is_not_counted():
    escaped = '&lt;iframe src=&quot;https://counter.theconversation.com/content/444444/count.gif&quot;&gt;&lt;/iframe&gt;'
    sel = Selector(text=f'<astro-island props="{escaped}"></astro-island><p>no pixel here</p>')
    assert conversation_counter_ids(sel) == []


# ------------------------------------------------------------------------------ detection table
PARAS = "<p>" + "</p><p>".join([
    "Rents in the capital rose for the ninth quarter in a row, a survey released on Monday showed.",
    "Landlords blamed higher maintenance costs and a shortage of new buildings in central wards.",
]) + "</p>"


@pytest.mark.parametrize("extra, publisher, story_id, url, evidence", [
    ('<img src="https://counter.theconversation.com/content/281377/count.gif?distributor=republish-lightbox-basic" width="1" height="1">',
     "The Conversation", "conversation:281377", None, "counter-pixel"),
    ('<iframe src="https://counter.theconversation.com/content/279905/count.gif" width="1" height="1"></iframe>',
     "The Conversation", "conversation:279905", None, "counter-pixel"),
    ('<p>This article is republished from <a href="https://theconversation.com">The Conversation</a> under a Creative '
     'Commons license. Read the <a href="https://theconversation.com/rents-rise-again-270001">original article</a>.</p>',
     "The Conversation", "conversation:270001", "https://theconversation.com/rents-rise-again-270001", None),
    ('<p><em>First published in <u><a href="https://theconversation.com/rents-rise-again-270002">The Conversation</a></u>.</em></p>',
     "The Conversation", "conversation:270002", "https://theconversation.com/rents-rise-again-270002", "first-published-link"),
    ('<p><a href="https://theconversation.com/rents-rise-again-270003">Read the full article</a></p>',
     "The Conversation", "conversation:270003", "https://theconversation.com/rents-rise-again-270003", "read-full-article-link"),
    ('<div class="src"><p>External Link</p><p><a href="https://english.kyodonews.net/news/2024/05/487c82dcc718-rents.html">'
     'https://english.kyodonews.net/news/2024/05/487c82dcc718-rents.html</a></p></div>',
     "Kyodo News", "kyodo:487c82dcc718", "https://english.kyodonews.net/news/2024/05/487c82dcc718-rents.html", "external-link"),
    ('<p>Source: <a href="https://jen.jiji.com/jc/eng?g=eco&amp;k=2026091800657">Jiji Press</a></p>',
     "Jiji Press", "jiji:2026091800657", "https://jen.jiji.com/jc/eng?g=eco&k=2026091800657", "source-link"),
    ('<p>Source: <a href="https://english.kyodonews.net/articles/-/79598">Kyodo News</a></p>',
     "Kyodo News", "kyodo:79598", "https://english.kyodonews.net/articles/-/79598", "source-link"),
    ('<p>This story originally appeared in <a href="https://www.japantimes.co.jp/news/2025/06/28/business/rents/">The Japan Times</a>.</p>',
     "The Japan Times", None, "https://www.japantimes.co.jp/news/2025/06/28/business/rents/", None),
    ('<div class="src"><p>External Link</p><p><a href="https://www.nippon.com/en/news/yjj2026092000412/">nippon.com</a></p></div>',
     "Jiji Press", "jiji:2026092000412", "https://www.nippon.com/en/news/yjj2026092000412/", "external-link"),
    ('<div class="src"><p>External Link</p><p><a href="https://www.japantimes.co.jp/?p=2231873">japantimes.co.jp</a></p></div>',
     "The Japan Times", "japantimes:2231873", "https://www.japantimes.co.jp/?p=2231873", "external-link"),
    ('<div class="src"><p>External Link</p><p><a href="https://theconversation.com/rents-rise-again-270004">Link</a></p></div>',
     "The Conversation", "conversation:270004", "https://theconversation.com/rents-rise-again-270004", "external-link"),
    ("<p>[Copyright The Jiji Press, Ltd.]</p>", "Jiji Press", None, None, None),
    ("<p>© KYODO</p>", "Kyodo News", None, None, "credit-line"),
    ("<p>The ministry will decide in October.==Kyodo</p>", "Kyodo News", None, None, None),
    ("<p>© The Japan Times</p>", "The Japan Times", None, None, "credit-line"),
    ("<p>© The Conversation</p>", "The Conversation", None, None, "credit-line"),
])
def test_detect_origin_table(extra, publisher, story_id, url, evidence):
    origin = origin_of(PARAS + extra)
    assert origin is not None
    assert (origin.publisher, origin.story_id, origin.url) == (publisher, story_id, url)
    if evidence:
        assert evidence in origin.evidence


@pytest.mark.parametrize("first_paragraph, publisher", [
    ("Tokyo, June 28 (Jiji Press)--International Criminal Court President Tomoko Akane has criticized the sanctions.", "Jiji Press"),
    ("Mito, Ibaraki Pref., Jan. 21 (Jiji Press)—A new museum opened on Tuesday in the prefectural capital.", "Jiji Press"),
    ("KYODO NEWS - 4 hours ago - 15:00 | All, Japan, World The following is the latest list of selected news summaries.", "Kyodo News"),
])
def test_wire_datelines_and_headers_are_origins(first_paragraph, publisher):
    origin = origin_of(f"<p>{first_paragraph}</p>" + PARAS)
    assert origin is not None and origin.publisher == publisher and origin.story_id is None


def test_counter_and_link_merge_into_one_origin():
    origin = origin_of(PARAS + '<p>First published in <a href="https://theconversation.com/x-281377">The Conversation</a>.</p>'
                       '<img src="https://counter.theconversation.com/content/281377/count.gif">')
    assert origin.story_id == "conversation:281377"
    assert origin.url == "https://theconversation.com/x-281377"
    assert origin.evidence[:2] == ["counter-pixel", "first-published-link"]


def test_nippon_own_url_gives_the_jiji_key():
    origin = origin_of(PARAS, url="https://www.nippon.com/en/news/yjj2026092000412/")
    assert (origin.publisher, origin.story_id) == ("Jiji Press", "jiji:2026092000412")


@pytest.mark.parametrize("body_html", [
    PARAS,  # nothing at all
    "<p>TOKYO - Rents in the capital rose for the ninth quarter in a row, a survey showed.</p>",  # bare dateline
    PARAS + "<p>Kyodo News reported that the survey covered 23 wards.</p>",
    PARAS + '<p>As researchers argued in <a href="https://theconversation.com/rents-essay-213377">an essay</a>, rents follow wages.</p>',
    PARAS + '<aside><p>Source: <a href="https://english.kyodonews.net/articles/-/79598">Kyodo</a></p></aside>',
    PARAS + '<div class="related-cards"><p>Source: <a href="https://jen.jiji.com/jc/eng?k=2026091800657">Jiji</a></p></div>',
    PARAS + "<p>© 2026 Example News. All rights reserved.</p>",
])
def test_detect_origin_negatives(body_html):
    assert origin_of(body_html) is None


def test_a_conversation_page_itself_is_not_a_copy():
    sel = Selector(text='<p>x</p><img src="https://counter.theconversation.com/content/1234567/count.gif">')
    assert detect_origin(sel, "https://theconversation.com/some-story-1234567", ["x"]) is None


# ------------------------------------------------------------------------------ chrome removal
def seed_lines() -> list[str]:
    return SEED.read_text(encoding="utf-8").splitlines()[3:]


@needs_seed
def test_clean_paragraphs_on_the_seed_text():
    cleaned = clean_paragraphs(seed_lines())
    text = "\n".join(cleaned.paragraphs)
    assert cleaned.paragraphs[0].startswith("Japanese Prime Minister Shigeru Ishiba has sent a clear signal")
    assert cleaned.paragraphs[-1] == "Craig Mark is Adjunct Lecturer, Faculty of Economics, Hosei University."
    for chrome in ("Try Our AI Features", "Explore what Daily8 AI", "No comments yet", "Hashtags", "Related Articles",
                   "Kyodo News Digest", "Jiji Press", "Supreme Court", "The Conversation is an independent",
                   "External Link", "https://", "© The Conversation", "Image:", "Participants pose"):
        assert chrome not in text, chrome
    assert cleaned.copyright == "© The Conversation"
    assert cleaned.links == [TC_URL]
    assert cleaned.captions == [("Participants pose for a photo at the NATO summit in The Hague, on Tuesday.",
                                 "Haiyun Jiang/Pool via AP")]


def test_clean_paragraphs_cuts_glued_end_marks():
    cleaned = clean_paragraphs(["Tokyo, June 28 (Jiji Press)--The court said so.", "It may appeal. [Copyright The Jiji Press, Ltd.]"])
    assert cleaned.paragraphs[-1] == "It may appeal."
    assert cleaned.marks == ["[Copyright The Jiji Press, Ltd.]"]
    assert cleaned.copyright


def test_daily8_page_body_excludes_all_chrome_and_cards():
    page = page_of("daily8_conversation_copy")
    assert isinstance(page, Daily8Page)
    art = page.article()
    for chrome in ("Try Our AI Features", "No comments yet", "Related Articles", "Kyodo News Digest",
                   "[Copyright The Jiji Press", "Supreme Court", "nonprofit source of news", "External Link",
                   "theconversation.com", "Haiyun Jiang", "Participants pose", "Hosei University", "#NATO", "Share"):
        assert chrome not in art.body, chrome
    assert art.body.endswith("Ishiba will face heavy pressure to step down.")
    assert "\n\nTariffs and diplomatic disagreements\n\n" in art.body
    assert [(a.name, a.role, a.affiliation) for a in art.authors] == [
        ("Craig Mark", "Adjunct Lecturer, Faculty of Economics", "Hosei University")]
    assert (art.is_republication, art.original_publisher, art.original_url, art.story_id) == (
        True, "The Conversation", TC_URL, "conversation:259694")
    assert art.publisher == "Daily8" and art.license == "CC BY-ND 4.0" and art.copyright == "© The Conversation"
    assert [(i.caption, i.credit) for i in art.images] == [
        ("Participants pose for a photo at the NATO summit in The Hague, on Tuesday.", "Haiyun Jiang/Pool via AP")]
    assert len(art.hints["related_links"]) == 3  # noted, never items
    assert len(page.items()) == 1


def test_wordpress_inner_chrome_and_lightbox_lines_are_not_body():
    page = page_of("wordpress_cc_counter")
    assert isinstance(page, WordPressRepublication)
    art = page.article()
    for chrome in ("Share this", "Council votes", "Related", "republished from", "Hana Okafor, University of Otago",
                   "Associate Professor", "Seedlings planted in 2021", "Leave a Reply"):
        assert chrome not in art.body, chrome
    assert art.body.startswith("Every winter for the past five years")
    assert art.story_id == "conversation:281377"
    [author] = art.authors
    assert (author.name, author.role, author.affiliation, author.url) == (
        "Hana Okafor", "Associate Professor of Coastal Ecology", "University of Otago",
        "https://theconversation.com/profiles/hana-okafor-1638207")


def test_daily_maverick_reads_the_dom_not_the_escaped_props():
    raw, _ = load("dailymaverick_astro")
    assert raw.count("First published in") >= 2  # the escaped copy in astro-island props is there
    page = page_of("dailymaverick_astro")
    assert isinstance(page, DailyMaverick2026)
    art = page.article()
    assert art.body.count("Along the Cape's west coast") == 1
    assert "First published" not in art.body and "Senior Lecturer" not in art.body and "&lt;p&gt;" not in art.body
    assert [(a.name, a.role, a.affiliation) for a in art.authors] == [
        ("Ana Ruiz", "Senior Lecturer in Marine Ecology", "University of Cape Town"),
        ("Tomás Beke", "Postdoctoral Fellow", "Stellenbosch University"),
        ("Lindiwe Dube", "Professor of Oceanography", "Nelson Mandela University"),
    ]
    assert "The Conversation" not in art.tags
    assert art.hints["origin_evidence"][:2] == ["counter-pixel", "first-published-link"]


def test_extract_page_is_linked_and_flagged():
    art = page_of("extract_read_full").article()
    assert art.story_id == "conversation:270118" and art.hints.get("extract") is True
    assert "Read the full article" not in art.body and len(art.body.split("\n\n")) == 3
    assert [a.name for a in art.authors] == ["Priya Natarajan"]  # the Organization author is dropped


def test_wire_copy_with_only_a_credit_line():
    art = page_of("japantoday_kyodo_credit").article()
    assert (art.is_republication, art.original_publisher, art.story_id) == (True, "Kyodo News", None)
    assert art.authors == []  # JSON-LD Person "KYODO" is an agency
    assert "© KYODO" not in art.body and "Advertisement" not in art.body and "sakura_rider" not in art.body
    assert art.dateline == "TOKYO" and art.hints["credit"] == "© KYODO"


def test_nippon_jiji_copy():
    art = page_of("nippon_jiji_copy").article()
    assert (art.original_publisher, art.story_id, art.publisher) == ("Jiji Press", "jiji:2026092000412", "Nippon.com")
    assert art.dateline == "Tokyo" and art.hints["dateline_date"] == "Sept. 20"
    assert art.body.startswith("Tokyo, Sept. 20 (Jiji Press)—") and "[Copyright" not in art.body
    assert [(i.caption, i.credit) for i in art.images] == [
        ("Visitors crowd a shopping street in Tokyo's Asakusa district on Saturday.", "Jiji Press")]


def test_page_with_no_origin_is_not_a_republication():
    art = page_of("japantoday_original").article()
    assert (art.is_republication, art.original_publisher, art.story_id, art.original_url) == (False, None, None, None)
    assert art.publisher == "Japan Today" and [a.name for a in art.authors] == ["Mariko Sato"]


# ------------------------------------------------------------------------------ bios
def test_attach_bios_to_known_author_and_leave_other_text():
    paras = ["The storm passed.", "Prime Minister Shigeru Ishiba is under pressure to act."]
    kept, authors = attach_bios(paras, [Author(name="Craig Mark")])
    assert kept == paras and authors[0].role is None
    kept, authors = attach_bios(paras, [], create=True)  # a politician is not a bio
    assert kept == paras and authors == []


def test_house_account_copy_takes_its_author_from_the_bio():
    raw, _ = load("wordpress_cc_counter")
    # drop the lightbox author line: only the closing bio names the author now
    html = raw.replace('<p><span><a href="https://theconversation.com/profiles/hana-okafor-1638207">Hana Okafor</a>, '
                       '<em><a href="https://theconversation.com/institutions/university-of-otago-1205">University of Otago</a></em></span></p>', "")
    assert html != raw
    art = page_of("wordpress_cc_counter", html).article()
    assert [(a.name, a.role, a.affiliation) for a in art.authors] == [
        ("Hana Okafor", "Associate Professor of Coastal Ecology", "University of Otago")]
    assert "Associate Professor" not in art.body


# ------------------------------------------------------------------------------ fallbacks
def test_trafilatura_finds_the_body_the_p_heuristic_misses():
    raw, _ = load("unknown_layout_trafilatura")
    assert generic.body(Selector(text=raw)) == "Copyright Kansai Evening Post. All rights reserved."
    page = page_of("unknown_layout_trafilatura")
    art = page.article()
    assert art.hints["body_layer"] == "trafilatura"
    assert art.body.startswith("WAKAYAMA, Japan - All three giant pandas") and len(art.body.split("\n\n")) == 5
    assert "Ranking" not in art.body and "Copyright Kansai" not in art.body and "==Kyodo" not in art.body
    assert (art.original_publisher, art.dateline, art.date_published_raw) == ("Kyodo News", "WAKAYAMA, Japan", "2026-09-18")


def test_without_trafilatura_the_generic_layer_is_used(monkeypatch):
    monkeypatch.setattr(generic, "library_document", lambda html, url=None: {
        "paragraphs": [], "date": None, "author": None, "title": None, "sitename": None})
    art = page_of("unknown_layout_trafilatura").article()
    assert art.hints["body_layer"] == "generic"


def test_structured_data_removed_still_gives_the_core_fields():
    raw, _ = load("daily8_conversation_copy")
    sel = Selector(text=raw)
    for node in sel.xpath('//script[@type="application/ld+json"] | //meta'):
        node.drop()
    page = page_of("daily8_conversation_copy", sel.get())
    art = page.article()
    assert art.headline == "Ishiba's abrupt no-show at NATO summit reveals strained alliance with U.S."
    assert art.body.startswith("Japanese Prime Minister") and [a.name for a in art.authors] == ["Craig Mark"]
    assert art.story_id == "conversation:259694" and art.publisher == "Daily8"  # host name table
    assert art.date_published_raw == "2025-06-26T03:10:00Z"  # <time datetime>


@pytest.mark.parametrize("html", ["", "<html>", "<p>only one line", "<<<>>>", "<html><body><div class='d8-content'></div></body></html>"])
def test_garbled_pages_do_not_raise(html):
    sel = Selector(text=html or "<html></html>")
    page = choose_page(PAGE_CLASSES, sel, "https://www.daily8.com/en/article/00")(sel, "https://www.daily8.com/en/article/00")
    [art] = page.items()
    assert page.errors == []
    assert art.is_republication is False and art.story_id is None


@pytest.mark.parametrize("url, name", [
    ("https://www.daily8.com/en/article/abc", "Daily8"),
    ("https://japantoday.com/category/national/x", "Japan Today"),
    ("https://www.example-news.org/a", "Example News"),
    ("https://news.kansai-post.co.jp/x", "Kansai Post"),
    ("", None),
])
def test_publisher_from_host(url, name):
    assert publisher_from_host(url) == name


@needs_seed
def test_seed_text_without_any_markup_goes_through_the_text_layers():
    """The seed's visible text in bare <div>s (no classes, no metadata): trafilatura finds the
    text, the clean-up drops the cards and chrome, the byline line and the bio give the author,
    the printed External Link URL gives the original story."""
    import html as htmllib
    lines = [ln for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    doc = (f"<html><head><title>{htmllib.escape(lines[0])}</title></head><body><div id='app'><div>"
           + "".join(f"<div>{htmllib.escape(ln)}</div>" for ln in lines) + "</div></div></body></html>")
    url = "https://www.daily8.com/en/article/0123456789abcdef0123456789abcdef"
    sel = Selector(text=doc)
    page = choose_page(PAGE_CLASSES, sel, url)(sel, url)
    art = page.article()
    assert page.variant == "generic" and art.hints["body_layer"] == "trafilatura"
    assert art.body.startswith("Japanese Prime Minister Shigeru Ishiba")  # headline and byline lines dropped
    assert art.body.endswith("Ishiba will face heavy pressure to step down.")
    for chrome in ("Related Articles", "Kyodo News Digest", "Comments", "Hosei University", "External Link", "Image:"):
        assert chrome not in art.body, chrome
    assert (art.story_id, art.original_url, art.copyright) == ("conversation:259694", TC_URL, "© The Conversation")
    assert [(a.name, a.affiliation) for a in art.authors] == [("Craig Mark", "Hosei University")]
    assert [(i.url, i.credit) for i in art.images] == [(None, "Haiyun Jiang/Pool via AP")]


# ------------------------------------------------------------------------------ wire headers
def test_wire_headers_are_cut_from_the_top_and_kept_as_evidence():
    kyodo = clean_paragraphs(["KYODO NEWS - 4 hours ago - 15:00 | All, Japan, World The following is the latest list."])
    assert kyodo.paragraphs == ["The following is the latest list."]
    assert kyodo.header == kyodo.header_date == "KYODO NEWS - 4 hours ago - 15:00 | All, Japan, World"
    jiji = clean_paragraphs(["News from Japan World Jun 28, 2025 18:40 (JST)", "Tokyo, June 28 (Jiji Press)--The court said.",
                             "It may appeal. [Copyright The Jiji Press, Ltd.]", "Jiji Press"])
    assert jiji.paragraphs == ["Tokyo, June 28 (Jiji Press)--The court said.", "It may appeal."]
    assert jiji.header_date == "Jun 28, 2025 18:40"
    assert rp.wire_credit(kyodo.paragraphs, kyodo.marks)[0] == "Kyodo News"
    assert rp.wire_credit(jiji.paragraphs, jiji.marks)[0] == "Jiji Press"


def test_a_flattened_digest_is_split_at_its_separators():
    cleaned = clean_paragraphs(["Intro line. ---------- First item TOKYO - Text one. ---------- Second item OSAKA - Text two."])
    assert cleaned.paragraphs == ["Intro line.", "First item TOKYO - Text one.", "Second item OSAKA - Text two."]


def test_daily8_wire_copies_share_the_story_of_their_originals():
    jiji = page_of("daily8_jiji_copy").article()
    kyodo = page_of("daily8_kyodo_digest").article()
    assert (jiji.original_publisher, jiji.story_id, jiji.dateline) == ("Jiji Press", "jiji:2025062800512", "Tokyo")
    assert jiji.body.endswith("which is not an ICC member.") and "News from Japan" not in jiji.body
    assert jiji.hints["wire_header"] == "News from Japan World Jun 28, 2025 18:40 (JST)" and jiji.hints["tz"] == "Asia/Tokyo"
    assert (kyodo.original_publisher, kyodo.story_id) == ("Kyodo News", "kyodo:c5e2b7d19a03")
    assert kyodo.body.startswith("The following is the latest list") and "----------" not in kyodo.body
    assert kyodo.hints["credit"] == "© Kyodo News"
    # the same stories as crawled from the originals by the jiji and kyodo spiders
    originals = [r for f in (ROOT / "fixtures").glob("*/*/expected.json") if f.parent.parent.name in ("jiji", "kyodo")
                 for r in json.loads(f.read_text(encoding="utf-8"))]
    story_ids = {r["story_id"] for r in originals if r["kind"] == "article"}
    assert {jiji.story_id, kyodo.story_id} <= story_ids


def test_lazy_counter_attribute_and_japan_times_sentence():
    origin = origin_of(PARAS + '<img data-lazy-src="https://counter.theconversation.com/content/555555/count.gif">')
    assert origin.story_id == "conversation:555555"
    origin = origin_of(PARAS + "<p>This story was first published in The Japan Times.</p>")
    assert (origin.publisher, origin.story_id, origin.evidence) == ("The Japan Times", None, ["republished-sentence"])


@pytest.mark.parametrize("line", [
    "Read more: Why kelp forests are moving south",
    "This article was originally published on The Conversation. Read the original article.",
    "This article is republished from The Conversation under a Creative Commons license. Read the original article.",
    "First published in The Conversation .",
    "Read the full article on The Conversation",
    "The Conversation is an independent and not-for-profit source of news, analysis and commentary from academic experts.",
    "#JAPAN #NATO", "3 hours ago", "Try Our AI Features", "No comments yet...", "Hashtags", "Source:", "External Link",
])
def test_chrome_and_attribution_lines_leave_the_body(line):
    assert clean_paragraphs(["First paragraph of the story.", line, "Last paragraph of the story."]).paragraphs == [
        "First paragraph of the story.", "Last paragraph of the story."]


@pytest.mark.parametrize("line", [
    "Source of the trouble was a faulty valve, engineers said.",
    "Comments from residents were mixed.",
    "By the end of the year, the ministry will decide",
    "Kyodo News reported that the survey covered 23 wards.",
    "Copyright concerns",
    "Copyright law is changing fast",
])
def test_ordinary_sentences_stay(line):
    assert clean_paragraphs(["First paragraph of the story.", line]).paragraphs == ["First paragraph of the story.", line]


@pytest.mark.parametrize("line, copyright_", [
    ("© KYODO", "© KYODO"),
    ("(c) Copyright Thomson Reuters 2025.", "(c) Copyright Thomson Reuters 2025."),
    ("Copyright 2026 Example News. All rights reserved.", "Copyright 2026 Example News. All rights reserved."),
    ("Copyright Kansai Evening Post. All rights reserved.", "Copyright Kansai Evening Post. All rights reserved."),
    ("[Copyright The Jiji Press, Ltd.]", "[Copyright The Jiji Press, Ltd.]"),
])
def test_copyright_lines_leave_the_body_into_copyright(line, copyright_):
    cleaned = clean_paragraphs(["First paragraph of the story.", line])
    assert cleaned.paragraphs == ["First paragraph of the story."] and cleaned.copyright == copyright_


def test_figures_in_chrome_are_not_images_but_page_classes_do_not_matter():
    html = ("<html><body class='single has-comments'><article class='post social-enabled'><div class='entry-content'>"
            "<p>Some text of the story that is long enough.</p>"
            "<figure><img src='/a.jpg'><figcaption>The harbour at dawn. Photo: Jane Roe</figcaption></figure>"
            "<div class='related-posts'><figure><img src='/b.jpg'><figcaption>Other story</figcaption></figure></div>"
            "</div></article></body></html>")
    page = RepublisherPage(Selector(text=html), "https://example-news.org/2026/01/02/harbour/")
    assert [(i.url, i.caption, i.credit) for i in page.images()] == [
        ("https://example-news.org/a.jpg", "The harbour at dawn.", "Jane Roe")]


@pytest.mark.parametrize("url, story_id", [
    ("https://theconversation.com/will-ai-accelerate-or-undermine-innovation-272246", "conversation:272246"),
    ("https://jen.jiji.com/jc/eng?g=int&k=2025062800512", "jiji:2025062800512"),
    ("https://example-news.org/2026/01/02/some-story/", None),
])
def test_an_original_given_to_this_spider_keeps_its_own_story(url, story_id):
    page = RepublisherPage(Selector(text="<html><body><article><p>" + "Text of the story. " * 20 + "</p></article></body></html>"), url)
    art = page.article()
    assert (art.is_republication, art.story_id) == (False, story_id)


def test_an_agency_story_on_the_agency_site_is_no_republication():
    from crawler.pipelines.attribution import AttributionPipeline

    html = ("<html><head><meta property='og:site_name' content='Reuters'></head><body><article>"
            "<h1>Oil rises</h1><div class='article-body'><p>LONDON, Jan 5 (Reuters) - Oil prices rose on Monday "
            "as traders weighed supply cuts.</p><p>Brent crude gained 1%.</p></div></article></body></html>")
    page = RepublisherPage(Selector(text=html), "https://www.reuters.com/markets/oil-rises-2026-01-05/")
    item = page.article()
    AttributionPipeline().process_item(item)
    assert (item.publisher, item.is_republication) == ("Reuters", False)


# ------------------------------------------------------------------------------ "Read next" at the top
READ_NEXT_STORY = [
    "The harbour board voted on Monday to close the old ferry pier for repairs after divers found cracks.",
    "Repairs are expected to take six weeks, and the morning ferry will dock at the fish market meanwhile.",
    "The board said the cost would be met from its maintenance fund without a rise in fares.",
]


@pytest.mark.parametrize("top", [
    ["Read next"],
    ["Read next", "Storm warning lifted for the coast"],
    ["READ NEXT:", "Storm warning lifted for the coast"],
    ["Related stories", "Storm warning lifted for the coast", "Council backs new bus lanes"],
])
def test_a_read_next_line_at_the_top_does_not_drop_the_body(top):
    cleaned = clean_paragraphs([*top, *READ_NEXT_STORY])
    assert cleaned.paragraphs == READ_NEXT_STORY
    assert "Storm warning" not in "\n".join(cleaned.paragraphs)


def test_a_read_next_line_after_the_story_still_ends_it():
    cleaned = clean_paragraphs([*READ_NEXT_STORY, "Read next", "Storm warning lifted for the coast",
                                "Council backs new bus lanes"])
    assert cleaned.paragraphs == READ_NEXT_STORY


def test_a_read_next_teaser_at_the_top_of_a_page_leaves_the_article_whole():
    story = "".join(f"<p>{p}</p>" for p in READ_NEXT_STORY)
    html = ("<html><head><title>Ferry pier closed</title></head><body><h1>Ferry pier closed</h1>"
            "<div class='article-body'><p><strong>Read next</strong></p>"
            "<p><a href='/storm'>Storm warning lifted for the coast</a></p>" + story + "</div></body></html>")
    art = rp.RepublisherPage(html, "https://www.example-harbour-news.org/2026/05/ferry-pier-closed").article()
    assert art.body == "\n\n".join(READ_NEXT_STORY)
