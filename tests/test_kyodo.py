"""Kyodo News page parsers (crawler/sites/kyodo.py) on the fixture pages, without the engine."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from parsel import Selector

from crawler.sites.base import choose_page
from crawler.sites.kyodo import (
    PAGE_CLASSES, SEP, KyodoGeneric, KyodoJapanWire, KyodoPlus2017, byline_names, container_blocks,
    parse_credit_line, site_id_from_url, split_caption_credit, split_caption_terms, split_dateline, split_digest,
    strip_credit_prefix, strip_end_mark, strip_title_suffix,
)

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "kyodo"


def load(case: str) -> tuple[str, str, str]:
    meta = json.loads((FIX / case / "page.meta.json").read_text(encoding="utf-8"))
    return (FIX / case / "page.html").read_text(encoding="utf-8"), meta["url"], meta["fetched_at"]


def page_of(case: str, html: str | None = None):
    text, url, fetched = load(case)
    sel = Selector(text=html if html is not None else text)
    cls = choose_page(PAGE_CLASSES, sel, url)
    return cls(sel, url, fetched)


# ----------------------------------------------------------------------------- credit line

def test_credit_line_relative_age_clock_and_categories():
    line = parse_credit_line("KYODO NEWS - 2 hours ago - 15:00 | All, Japan, World")
    assert (line.agency, line.age, line.clock) == ("KYODO NEWS", "2 hours ago", "15:00")
    assert line.categories == ["All", "Japan", "World"]
    assert line.section == "Japan"
    assert line.tags == ["Japan", "World"]


def test_credit_line_with_date_instead_of_age_and_link_categories_win():
    line = parse_credit_line("KYODO NEWS  -  May 21, 2025 - 19:42 |  All ,Japan", categories=["All", "Science"])
    assert line.age == "May 21, 2025" and line.clock == "19:42"
    assert line.categories == ["All", "Science"] and line.section == "Science"


def test_credit_line_without_clock_time():
    line = parse_credit_line("KYODO NEWS - 3 days ago | All, Sports")
    assert (line.age, line.clock, line.section) == ("3 days ago", None, "Sports")


@pytest.mark.parametrize("text", [None, "", "KYODO NEWS", "KYODO NEWS - | All, Japan", "Kyodo News Digest: June 28, 2025", "TOKYO - 15:00 | All"])
def test_not_a_credit_line(text):
    assert parse_credit_line(text) is None


def test_credit_prefix_split_off_flattened_text():
    line, rest = strip_credit_prefix(
        "KYODO NEWS - 4 hours ago - 15:00 | All, Japan, World The following is the latest list.")
    assert line == "KYODO NEWS - 4 hours ago - 15:00 | All, Japan, World"
    assert rest == "The following is the latest list."
    assert strip_credit_prefix("TOKYO - Nothing to strip.") == (None, "TOKYO - Nothing to strip.")


# ----------------------------------------------------------------------------- datelines etc.

@pytest.mark.parametrize("text,place,rest", [
    ("TOKYO - The ministry said.", "TOKYO", "The ministry said."),
    ("NAHA, Japan - Researchers in Okinawa.", "NAHA, Japan", "Researchers in Okinawa."),
    ("LEGANES, Spain - Japan took the lead.", "LEGANES, Spain", "Japan took the lead."),
    ("WASHINGTON \u2013 Talks went on.", "WASHINGTON", "Talks went on."),
    ("NEW YORK - Stocks rose.", "NEW YORK", "Stocks rose."),
    ("ST. PETERSBURG, Russia - A ship.", "ST. PETERSBURG, Russia", "A ship."),
])
def test_dateline_split(text, place, rest):
    assert split_dateline(text) == (place, rest)


@pytest.mark.parametrize("text", [
    "The ministry said Thursday - in a statement - that it would act.",
    "A - B testing is popular.",
    "Japan's core inflation slowed.",
    "U.S. President spoke.",
])
def test_no_dateline(text):
    assert split_dateline(text) == (None, text)


def test_end_mark_and_title_suffix():
    assert strip_end_mark("The last line.  ==Kyodo ") == "The last line."
    assert strip_end_mark("==Kyodo") == ""
    assert strip_title_suffix("Okinawa coral spawning | KYODO NEWS") == "Okinawa coral spawning"
    assert strip_title_suffix("Kanazawa museum extends hours - Kyodo News") == "Kanazawa museum extends hours"
    assert strip_title_suffix("Kyodo News Digest: June 28, 2025") == "Kyodo News Digest: June 28, 2025"
    assert strip_title_suffix("Quake hits Japan | Kyodo News | Japan's leading news agency") == "Quake hits Japan"
    assert strip_title_suffix("Quake hits Japan｜KYODO NEWS") == "Quake hits Japan"
    assert strip_title_suffix("Yen | dollar rate | KYODO NEWS") == "Yen | dollar rate"


@pytest.mark.parametrize("caption,text,credit", [
    ("Ships at port on May 1. (Kyodo) ==Kyodo", "Ships at port on May 1.", "Kyodo"),
    ("Coral spawning. (Photo courtesy of the village)(Kyodo) ==Kyodo", "Coral spawning.", "Photo courtesy of the village; Kyodo"),
    ("Players line up. (Getty/Kyodo)", "Players line up.", "Getty/Kyodo"),
    ("Leaders pose (L to R) for a photo.", "Leaders pose (L to R) for a photo.", None),
    ("The ministers meet (center).", "The ministers meet (center).", None),
    (None, None, None),
])
def test_caption_credit_split(caption, text, credit):
    assert split_caption_credit(caption) == (text, credit)


@pytest.mark.parametrize("caption,parts", [
    ("A ship. (Photo not for sale)(Kyodo)", ("A ship.", "Kyodo", "Photo not for sale")),
    ("A model. (Courtesy of the city)(Kyodo)", ("A model.", "Courtesy of the city; Kyodo", None)),
    ("Players. (Photo not for sale)(copyright Club Media)(Kyodo)", ("Players.", "copyright Club Media; Kyodo", "Photo not for sale")),
    ("Visitors at a temple. (AP Photo/Jane Roe)", ("Visitors at a temple.", "AP Photo/Jane Roe", None)),
    ("Crowds in Seoul. (Yonhap)", ("Crowds in Seoul.", "Yonhap", None)),
    ("Final score (3-1).", ("Final score (3-1).", None, None)),
])
def test_caption_credits_and_usage_terms(caption, parts):
    assert split_caption_terms(caption) == parts


def test_inline_tags_join_without_spaces():
    """``" ".join`` of the text nodes put a space inside words split by inline tags ("Die E uphorie")."""
    div = Selector(text="<div><p>Die <b>E</b>uphorie</p><p><b>S</b>ome 40 <em>farms</em>, said<br>Kudo.</p>"
                        "<p>a<!-- note -->b<script>x()</script>c</p></div>").css("div")[0]
    assert container_blocks(div) == ["Die Euphorie", "Some 40 farms, said Kudo.", "abc"]


def test_site_ids_of_both_url_generations():
    assert site_id_from_url("https://english.kyodonews.net/news/2024/05/487c82dcc718-japan-minister-queries.html") == "487c82dcc718"
    assert site_id_from_url("https://english.kyodonews.net/articles/-/79598") == "79598"
    assert site_id_from_url("https://english.kyodonews.net/articles/-/79598?utm_source=x") == "79598"
    assert site_id_from_url("https://english.kyodonews.net/news/") is None
    assert site_id_from_url("https://english.kyodonews.net/") is None


def test_byline_names_are_people_only():
    assert byline_names("By Mariko Tanaka and Ken Ito, KYODO NEWS") == ["Mariko Tanaka", "Ken Ito"]
    assert byline_names("By KYODO NEWS") == []
    assert byline_names("KYODO NEWS - 2 hours ago - 15:00") == []


# ----------------------------------------------------------------------------- variants

@pytest.mark.parametrize("case,cls", [
    ("plus2017_tokyo", KyodoPlus2017), ("plus2017_naha", KyodoPlus2017), ("digest_2025_06_28", KyodoPlus2017),
    ("japanwire_own_story", KyodoJapanWire), ("japanwire_partner_yonhap", KyodoJapanWire),
    ("japanwire_login_wall", KyodoJapanWire), ("japanwire_digest", KyodoJapanWire),
    ("unknown_layout", KyodoGeneric), ("nostructured_fallback", KyodoGeneric),
])
def test_variant_choice(case, cls):
    assert type(page_of(case)) is cls


def test_plus2017_article_fields_and_clean_body():
    page = page_of("plus2017_tokyo")
    art = page.article()
    assert not page.errors
    assert art.headline == "Japan to expand subsidies for rural bus routes amid driver shortage"
    assert art.dateline == "TOKYO"
    assert art.body.startswith("The transport ministry will widen subsidies")
    for junk in ("TOKYO -", "==Kyodo", "Related coverage", "Advertisement", "Bus operators cut routes",
                 "Most Popular", "Subscribe", "community bus waits", "All Rights Reserved", "Share"):
        assert junk not in art.body, junk
    assert len(art.body.split("\n\n")) == 6
    assert art.authors == []
    assert art.date_published_raw == "2024-11-14 15:00:00"
    assert art.hints["tz"] == "Asia/Tokyo" and art.hints["credit"] == "KYODO NEWS"
    assert "KYODO NEWS - 2 hours ago - 15:00 | All, Japan, Politics" in art.hints["date_published_candidates"]
    assert (art.section, art.tags) == ("Japan", ["Japan", "Politics"])
    [img] = art.images
    assert img.url.endswith("image_3f9a1c7b2e40.jpg") and img.credit == "Kyodo"
    assert img.caption.endswith("Nov. 12, 2024.")
    assert art.copyright == "© Kyodo News. All Rights Reserved."
    assert art.description.endswith("lack of drivers.")  # the ==Kyodo of the meta description is dropped


def test_naha_dateline_and_relative_image_url():
    art = page_of("plus2017_naha").article()
    assert art.dateline == "NAHA, Japan"
    assert art.body.startswith("Researchers in Okinawa observed")
    assert art.images[0].url == "https://english.kyodonews.net/english/public/images/posts/a81d44c0e9b5/image/image_a81d44c0e9b5.jpg"


# ----------------------------------------------------------------------------- digest

DIGEST_HEADLINES = [
    "Japan wrestling with U.S. tariff talks as July deadline looms",
    "EU proposes global eel trade curbs despite Japan's opposition",
    "All 4 pandas at west Japan zoo depart for China, leaves 2 in country",
    "Nobel committee chair to visit Hiroshima, Nagasaki in July",
    "Japanese diet may help in fight against depression, study shows",
    "New giant slide in southwest Japan closed after 4 people break bones",
    "Century-old former Russian Consulate in Hokkaido reborn as hotel",
    "Football: Nadeshiko Japan beaten 3-1 by Spain in friendly",
]
DIGEST_DATELINES = ["WASHINGTON", "BRUSSELS", "WAKAYAMA, Japan", "TOKYO", "TOKYO", "KITAKYUSHU, Japan",
                    "HAKODATE, Japan", "LEGANES, Spain"]


def test_digest_gives_article_and_eight_briefs():
    page = page_of("digest_2025_06_28")
    items = page.items()
    digest, briefs = items[0], items[1:]
    assert digest.kind == "article" and digest.dateline is None
    assert digest.body.startswith("The following is the latest list of selected news summaries by Kyodo News.")
    assert "----------" not in digest.body and "Video:" not in digest.body
    assert [b.headline for b in briefs] == DIGEST_HEADLINES
    assert [b.dateline for b in briefs] == DIGEST_DATELINES
    parent = "https://english.kyodonews.net/news/2025/06/c5e2b7d19a03-kyodo-news-digest-june-28-2025.html"
    for n, b in enumerate(briefs, 1):
        assert b.kind == "brief" and b.parent_url == parent
        assert b.item_id == f"kyodo:c5e2b7d19a03-{n}"
        assert b.url == f"{parent}#brief-{n}" == b.canonical_url
        assert b.story_id is None and b.is_republication is False
        assert b.date_published_raw == digest.date_published_raw == "2025-06-28 15:00:00"
        assert b.publisher == b.original_publisher == "Kyodo News"
        assert not re.match(r"^[A-Z]{3,}", b.body), b.body[:40]  # the dateline left the body
        assert "==Kyodo" not in b.body and b.headline not in b.body
    assert briefs[0].body.count("\n\n") == 1  # a two-paragraph entry stays two paragraphs
    assert briefs[-1].body.endswith("SheBelieves Cup in February.")


def _digest_entries_markup(sep: str) -> str:
    """The fixture digest re-rendered with another separator markup."""
    briefs = page_of("digest_2025_06_28").items()[1:]
    parts = ["<p>The following is the latest list of selected news summaries by Kyodo News.</p>"]
    for b in briefs:
        paras = b.body.split("\n\n")
        parts.append(sep)
        parts.append(f"<p>{b.headline}</p><p>{b.dateline} - {paras[0]}</p>" + "".join(f"<p>{p}</p>" for p in paras[1:]))
    return "".join(parts)


@pytest.mark.parametrize("layout", ["hr", "flattened", "br"])
def test_digest_split_is_robust_to_separator_markup(layout):
    html, url, _ = load("digest_2025_06_28")
    if layout == "hr":
        body = _digest_entries_markup("<hr>")
    else:
        briefs = page_of("digest_2025_06_28").items()[1:]
        text = "KYODO NEWS - 4 hours ago - 15:00 | All, Japan, World The following is the latest list of selected news summaries by Kyodo News."
        for b in briefs:
            text += f" ---------- {b.headline} {b.dateline} - {b.body}"
        body = f"<p>{text}</p>" if layout == "flattened" else text.replace(" ---------- ", "<br>----------<br>")
    new = re.sub(r'(<div class="article-body">).*?(</div>\s*</article>)', lambda m: m.group(1) + body + m.group(2),
                 html, flags=re.S)
    assert new != html
    page = page_of("digest_2025_06_28", new)
    briefs = page.items()[1:]
    assert [b.headline for b in briefs] == DIGEST_HEADLINES
    assert [b.dateline for b in briefs] == DIGEST_DATELINES
    assert all(b.body and not b.body.startswith(b.dateline) for b in briefs)


def test_split_digest_without_separators_gives_no_entries():
    intro, briefs = split_digest(["Just one paragraph.", "And another."])
    assert briefs == [] and intro == ["Just one paragraph.", "And another."]
    intro, briefs = split_digest(["Intro.", SEP, "Headline only"])
    assert briefs[0].headline == "Headline only" and briefs[0].dateline is None and briefs[0].body is None
    intro, briefs = split_digest(["Intro.", SEP, "OSAKA - No headline here.", "Second paragraph."])
    assert (briefs[0].headline, briefs[0].dateline) == (None, "OSAKA")
    assert briefs[0].body == "No headline here.\n\nSecond paragraph."
    intro, briefs = split_digest(["Intro.", SEP, "Expo closes SEOUL - Flattened text.", "More."])
    assert (briefs[0].headline, briefs[0].dateline, briefs[0].body) == ("Expo closes", "SEOUL", "Flattened text.\n\nMore.")


def test_non_digest_pages_have_no_briefs():
    for case in ("plus2017_tokyo", "japanwire_own_story", "japanwire_partner_animate", "unknown_layout"):
        assert len(page_of(case).items()) == 1


# ----------------------------------------------------------------------------- fallbacks

def test_structured_data_removed_still_yields_core_fields():
    html, _, _ = load("plus2017_tokyo")
    stripped = re.sub(r"<script type=\"application/ld\+json\">.*?</script>|<meta [^>]*>|<link rel=\"canonical\"[^>]*>", "", html, flags=re.S)
    assert "ld+json" not in stripped and "og:title" not in stripped
    art = page_of("plus2017_tokyo", stripped).article()
    assert art.headline == "Japan to expand subsidies for rural bus routes amid driver shortage"
    assert art.date_published_raw == "KYODO NEWS - 2 hours ago - 15:00 | All, Japan, Politics"
    assert art.body.startswith("The transport ministry") and art.dateline == "TOKYO"
    assert art.authors == [] and art.item_id == "kyodo:3f9a1c7b2e40"


def test_nostructured_fallback_page():
    page = page_of("nostructured_fallback")
    art = page.article()
    assert not page.errors
    assert art.headline == "U.S. and Japan to hold security talks in Washington next month"
    assert art.date_published_raw == "KYODO NEWS - 5 hours ago - 21:05 | All, World, Politics"
    assert art.dateline == "WASHINGTON" and art.section == "World"
    assert art.body.startswith("The United States and Japan will hold") and "More news" not in art.body
    assert art.body.endswith("summer of last year.")
    assert art.copyright == "Copyright © Kyodo News. All rights reserved."


def test_unknown_layout_page():
    art = page_of("unknown_layout").article()
    assert [a.name for a in art.authors] == ["Emi Sato"]
    assert art.hints["byline"] == "By Emi Sato, KYODO NEWS"
    assert art.dateline == "KANAZAWA, Japan"
    assert "Evening programs" in art.body  # subheads are kept
    for junk in ("Related:", "==Kyodo", "Visitors queue outside the museum", "Facebook"):
        assert junk not in art.body
    assert [i.credit for i in art.images] == ["Kyodo", "Kyodo"]
    assert art.date_published_raw == "2025-09-18T20:00:00+09:00"


@pytest.mark.parametrize("html", [
    "", "<html></html>", "<p>==Kyodo</p>", "\x00\x01 garbage <<<>>>", "<div class='article-body'><hr><hr></div>",
    "<title>Kyodo News Digest: May 1</title><div class='article-body'><p>----------</p><p>==Kyodo</p></div>",
    '<script type="application/ld+json">{"headline": [1, 2], "datePublished": {"x": 1}, "author": 5</script>',
])
@pytest.mark.parametrize("url", ["https://english.kyodonews.net/articles/-/1", "https://english.kyodonews.net/news/2025/01/0123456789ab-x.html"])
def test_garbled_pages_do_not_raise(html, url):
    cls = choose_page(PAGE_CLASSES, Selector(text=html or "<html></html>"), url)
    page = cls(html, url)
    items = page.items()
    assert items[0].url == url and items[0].source == "kyodo"
    assert all(not a.name.upper().startswith("KYODO") for a in items[0].authors)


def test_visible_date_is_the_last_resort_for_the_published_date():
    html = ("<html><body><h1>Quake hits northern Japan</h1><span class='post-date'>Sep 19, 2025 08:45 JST</span>"
            "<div><p>SENDAI, Japan - A strong earthquake shook the region on Friday, the weather agency said.</p>"
            "<p>No tsunami warning was issued.</p></div></body></html>")
    page = KyodoGeneric(html, "https://english.kyodonews.net/articles/-/90001")
    art = page.article()
    assert art.date_published_raw == "Sep 19, 2025 08:45 JST"
    assert art.dateline == "SENDAI, Japan" and art.headline == "Quake hits northern Japan"
    assert art.item_id == "kyodo:90001"


def test_jsonld_article_body_when_the_page_has_no_paragraphs():
    html = ('<html><head><script type="application/ld+json">{"@type": "NewsArticle", "headline": "Rail line reopens",'
            ' "datePublished": "2025-09-20T10:00:00+09:00", "articleBody": "NIIGATA, Japan - A rail line reopened Saturday.\\n\\n'
            'Services had been suspended since July. ==Kyodo"}</script></head>'
            '<body><div class="c-body">NIIGATA, Japan - A rail line reopened Saturday.<br><br>Services had been suspended.</div></body></html>')
    art = KyodoGeneric(html, "https://english.kyodonews.net/articles/-/90002").article()
    assert art.dateline == "NIIGATA, Japan"
    assert art.body == "A rail line reopened Saturday.\n\nServices had been suspended since July."
    assert art.date_published_raw == "2025-09-20T10:00:00+09:00"


def test_paragraphs_wrapped_one_per_div_are_all_found():
    paras = [f"Paragraph number {n} of the story, long enough to count as article text in a page." for n in range(1, 6)]
    html = ("<html><body><nav><p>Home Japan World Sports Business Opinion Video Photos Latest news</p></nav>"
            "<div class='c-article'><h1>Typhoon nears Okinawa</h1>"
            + "".join(f"<div class='c-article__para'><p>{'NAHA, Japan - ' if n == 1 else ''}{t}</p></div>" for n, t in enumerate(paras, 1))
            + "</div><footer><p>Copyright Kyodo News. All rights reserved.</p></footer></body></html>")
    art = KyodoGeneric(html, "https://english.kyodonews.net/articles/-/90003").article()
    assert art.dateline == "NAHA, Japan"
    assert art.body == "\n\n".join(paras)
    assert art.copyright == "Copyright Kyodo News. All rights reserved."


def test_dates_survive_broken_jsonld():
    html, _, _ = load("plus2017_tokyo")
    broken = html.replace('"headline":"Japan to expand', '"headline":"Japan "to" expand', 1)
    assert broken != html
    page = page_of("plus2017_tokyo", broken)
    assert page.ld == {}  # the block no longer parses
    art = page.article()
    assert art.date_published_raw == "2024-11-14 15:00:00"
    assert art.date_modified_raw == "2024-11-14 17:32:05"
    assert art.headline == "Japan to expand subsidies for rural bus routes amid driver shortage"
