"""The relaunched Kyodo site "Japan Wire by Kyodo News" (KyodoJapanWire, listings, the spider's
discovery) on the fixtures in its markup, and on variations of them: missing blocks, other
partners, other wall wording, hrefs with whitespace and tabs, relative and yearless dates."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from parsel import Selector
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.sites.base import choose_page
from crawler.sites.kyodo import (
    PAGE_CLASSES, KyodoJapanWire, article_url, clean_href, flow_blocks, listing_day, listing_entries,
)
from crawler.spiders.kyodo import KyodoSpider

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures" / "kyodo"
REAL = ROOT.parent / "shared" / "realpages"
BASE = "https://english.kyodonews.net"


def load(case: str) -> tuple[str, str, str]:
    meta = json.loads((FIX / case / "page.meta.json").read_text(encoding="utf-8"))
    return (FIX / case / meta["body"]).read_text(encoding="utf-8"), meta["url"], meta["fetched_at"]


def page_of(case: str, edit=None):
    html, url, fetched = load(case)
    if edit is not None:
        new = edit(html)
        assert new != html, "the edit changed nothing"
        html = new
    sel = Selector(text=html)
    return choose_page(PAGE_CLASSES, sel, url)(sel, url, fetched)


def article(case: str, edit=None):
    page = page_of(case, edit)
    art = page.article()
    assert not page.errors, page.errors
    return art


def drop(pattern: str):
    return lambda html: re.sub(pattern, "", html, flags=re.S)


# ----------------------------------------------------------------------------- Kyodo's own story

def test_own_story_fields():
    art = article("japanwire_own_story")
    assert art.hints["variant"] == "KyodoJapanWire"
    assert art.headline == "Hokkaido dairy farms turn to milking robots as workers grow scarce"
    assert (art.item_id, art.story_id) == ("kyodo:91201", "kyodo:91201")
    assert (art.section, art.tags) == ("Japan", ["Japan", "Business"])
    assert art.dateline == "SAPPORO" and art.body.startswith("Dairy farms in Hokkaido")
    assert "Some 410 farms" in art.body and "120-cow farm" in art.body  # inline tags joined as read
    assert art.body.endswith("cover the whole of eastern Hokkaido.")
    for junk in ("Related coverage", "Popular", "More from", "googletag", "Typhoon Haishen", "night buses", "KYODO NEWS"):
        assert junk not in art.body
    assert (art.publisher, art.original_publisher, art.is_republication) == ("Kyodo News", "Kyodo News", False)
    assert art.authors == []  # JSON-LD Person "KYODO NEWS" is the agency
    assert art.date_published_raw == "2026-10-02T16:30:00+09:00"
    assert [(i.caption, i.credit, i.license) for i in art.images] == [
        ("Supplied photo shows a milking robot at a dairy farm in Shihoro, Hokkaido.", "Kyodo", "Photo not for sale"),
        ("A farmer checks milking data on a tablet in Obihiro, Hokkaido, on Sept. 30, 2026.",
         "Courtesy of the Tokachi Dairy Cooperative; Kyodo", None),
    ]
    assert art.copyright == "© Kyodo News."
    # JSON-LD says isAccessibleForFree false, but the gated part is on the page with its text
    assert art.body_truncated is False


def test_header_time_is_the_fallback_to_jsonld():
    art = article("japanwire_own_story", drop(r'<script type="application/ld\+json">.*?</script>'))
    assert art.date_published_raw == "2026-10-02T16:30"  # the header's zone-less datetime (JST)
    assert "- Oct 02, 2026 - 16:30" in art.hints["date_published_candidates"]
    assert art.headline == "Hokkaido dairy farms turn to milking robots as workers grow scarce"


def test_missing_blocks_lose_nothing_else():
    art = article("japanwire_own_story", drop(r'<div class="article-header-img">.*?</div>\s*</div>|'
                                              r'<div class="article-header-info__meta">.*?</div>'))
    assert art.section is None and art.tags == []
    assert art.body.startswith("Dairy farms") and art.dateline == "SAPPORO"
    assert [i.credit for i in art.images] == ["Courtesy of the Tokachi Dairy Cooperative; Kyodo"]
    # no agency line at all: the site's own story
    art = article("japanwire_own_story", drop(r'<div class="article-header-info__inner">.*?</div>|'
                                              r'<div class="article-footer-info">.*?</div>'))
    assert art.original_publisher == "Kyodo News" and art.is_republication is False


# ----------------------------------------------------------------------------- partner copies

def test_yonhap_copy_is_a_republication_with_its_author():
    art = article("japanwire_partner_yonhap")
    assert (art.publisher, art.original_publisher, art.is_republication) == ("Kyodo News", "Yonhap", True)
    assert [(a.name, a.name_raw) for a in art.authors] == [("Park Ji-won", "By Park Ji-won,")]
    assert art.story_id is None and art.item_id == "kyodo:91188"  # dedupe links it to Yonhap's original
    assert art.dateline == "SEOUL" and art.body.endswith("according to city data.")
    assert [i.credit for i in art.images] == ["Yonhap", "Yonhap"]  # the empty lead image is no image
    assert art.copyright is None  # the footer's "© Kyodo News." is the site's, not Yonhap's story's
    assert art.hints["credit"] == "Yonhap" and art.body_truncated is False


def test_jsonld_agency_person_is_never_an_author():
    art = article("japanwire_partner_yonhap", drop(r'<span class="article-header-info__author">.*?</span>'))
    assert art.authors == []  # JSON-LD Person "Yonhap" (a /list/partners/ URL) is the agency
    assert art.original_publisher == "Yonhap"


def test_ap_copy_carousel_and_capitals_byline():
    art = article("japanwire_partner_ap_carousel")
    assert art.original_publisher == "Associated Press" and art.is_republication is True
    assert [a.name for a in art.authors] == ["Linh Nguyen", "David Morales"]
    assert art.dateline == "HOI AN, Vietnam"
    assert "A tradition kept by the town" in art.body  # sub-heads stay
    # three slides (the last without caption), the thumbnail strip is not an image
    assert len(art.images) == 3 and all("/635m/" in i.url for i in art.images)
    assert [i.credit for i in art.images] == ["AP Photo/Tran Van Minh", "AP Photo/Tran Van Minh", None]
    assert art.images[2].caption is None


@pytest.mark.parametrize("slug,name,canonical", [
    ("reuters", "Reuters", "Reuters"), ("apnews", "AP News", "Associated Press"),
    ("animate", "Animate Times", "Animate Times"), ("newpartner", "Lantern Press", "Lantern Press"),
])
def test_any_partner_in_the_agency_line(slug, name, canonical):
    def edit(html):
        return (html.replace('href="/list/partners/yonhap">Yonhap</a>', f'href="/list/partners/{slug}">{name}</a>')
                .replace('"name":"Yonhap"', f'"name":"{name}"'))
    art = article("japanwire_partner_yonhap", edit)
    assert (art.original_publisher, art.is_republication, art.publisher) == (canonical, True, "Kyodo News")
    assert name not in [a.name for a in art.authors]


def test_animate_copy_only_all_category_and_decorations():
    art = article("japanwire_partner_animate")
    assert (art.original_publisher, art.section, art.tags, art.dateline) == ("Animate Times", None, [], None)
    assert art.body.startswith("The Studio Kazehana Cel Gallery is open")  # "The<strong> Studio…"
    assert "----------" not in art.body and "\n\n\n" not in art.body
    assert "<The following is quoted from the studio’s announcement>" in art.body
    assert "Cels Shown for the First Time" in art.body
    # the lead picture again in the body (another size) is one image; captionless ones stay
    assert len(art.images) == 2 and all(i.caption is None and i.credit is None for i in art.images)
    assert len(page_of("japanwire_partner_animate").items()) == 1  # <hr>s do not make it a digest


# ----------------------------------------------------------------------------- sports

def test_sports_story_section_is_the_first_category_after_all():
    art = article("japanwire_sports_carousel")
    assert (art.section, art.tags) == ("Football", ["Football", "Sports"])
    assert art.dateline == "VALENCIA, Spain"
    assert [(i.credit, i.license) for i in art.images] == [
        ("copyright Club Media Service; Kyodo", "Photo not for sale"), ("Kyodo", None)]


# ----------------------------------------------------------------------------- login walls

WALL_WORDS = ("Sign in", "Register", "members", "Members", "Terms of Use", "newsletter", "Privacy Policy")


def test_login_walled_page_is_written_with_what_it_shows():
    art = article("japanwire_login_wall")
    assert art.body_truncated is True
    assert art.body == ("A shipyard in Nagasaki Prefecture will build Japan's first car ferry fueled by liquefied natural "
                        "gas for a route linking Kyushu and the Goto Islands, the operator said Tuesday.\n\n"
                        "The 5,800-ton ferry, due in service in 2029, will cut carbon dioxide emissions by about a "
                        "quarter compared with the diesel ship it replaces, the company said.")
    assert not any(w in art.body for w in WALL_WORDS)
    assert art.headline and art.date_published_raw == "2026-06-02T18:20:00+09:00" and art.dateline == "NAGASAKI"


@pytest.mark.parametrize("edit", [
    # another class name and no JSON-LD paywall markup: the log-in link still tells
    lambda h: re.sub(r'"isAccessibleForFree":false,"hasPart":\{[^}]*\},', "", h).replace("login-signage", "c-join-box"),
    # other words, a registration link only, after a blurred teaser ("no longer available" style)
    lambda h: re.sub(r'<a href="[^"]*/auth/login[^"]*"[^>]*>Sign in</a>|"isAccessibleForFree":false,"hasPart":\{[^}]*\},', "", h)
    .replace("login-signage", "notice").replace("Members only: sign in to keep reading", "This story has moved to the archive"),
    # the box gone altogether: the JSON-LD gated part is not on the page
    drop(r'<div class="login-signage">.*?</div>\s*</div>'),
])
def test_walls_are_read_from_structure_not_wording(edit):
    art = article("japanwire_login_wall", edit)
    assert art.body_truncated is True
    assert art.body.endswith("the company said.") and not any(w in art.body for w in WALL_WORDS)


def test_a_story_with_no_wall_and_no_gated_markup_is_whole():
    art = article("japanwire_partner_yonhap")
    assert art.body_truncated is False


# ----------------------------------------------------------------------------- digests

def test_digest_on_the_relaunched_site():
    page = page_of("japanwire_digest")
    digest, *briefs = page.items()
    assert not page.errors
    assert digest.kind == "article" and digest.dateline == "TOKYO"
    assert digest.body.startswith("The following is the latest list") and "----------" not in digest.body
    assert [b.headline for b in briefs] == [
        "Hokkaido dairy farms turn to milking robots as workers grow scarce",
        "Japan's household spending falls for 3rd straight month in August",
        "Osaka to open free Japanese classes for foreign residents' children",
        "WHO panel backs wider use of new dengue vaccine in Asia",
    ]
    assert [b.dateline for b in briefs] == ["SAPPORO", "TOKYO", "OSAKA", "GENEVA"]
    assert briefs[0].body.count("\n\n") == 1 and not briefs[0].body.startswith("SAPPORO")
    # a linked headline names its full story; a plain one leaves the story to dedupe
    assert [b.story_id for b in briefs] == ["kyodo:91201", None, "kyodo:91199", None]
    assert [b.item_id for b in briefs] == [f"kyodo:91240-{n}" for n in range(1, 5)]
    assert all(b.kind == "brief" and b.parent_url == f"{BASE}/articles/-/91240" for b in briefs)
    assert all(b.body_truncated is False for b in briefs)


def test_flow_blocks_loose_text_and_boxes():
    div = Selector(text='<div>First line<br>same paragraph<br><br>Second<div class="g-ad"><p>Ad</p></div>'
                        '<p>Third <a href="/x">link</a>.</p><hr><figure><figcaption>Cap</figcaption></figure>'
                        '<ul><li>One</li><li>Two</li></ul></div>').css("div")[0].root
    assert flow_blocks(div) == ["First line same paragraph", "Second", "Third link.", "----------", "One", "Two"]


# ----------------------------------------------------------------------------- listings, discovery

def test_hrefs_are_cleaned_as_a_browser_does():
    assert clean_href(" /list/news/\tasian-games\n") == "/list/news/asian-games"
    assert article_url(" /articles/-/\t91201\n", BASE) == f"{BASE}/articles/-/91201"
    assert article_url("https://english.kyodonews.net/articles/-/5?utm_source=rss#top") == f"{BASE}/articles/-/5"
    assert article_url("/list/news/sports", BASE) is None and article_url("javascript:void(0)") is None


def test_homepage_entries_in_block_order_with_their_dates():
    html, url, fetched = load("japanwire_homepage")
    entries = listing_entries(Selector(text=html), url)
    urls = [e.url for e in entries]
    assert urls[:4] == [f"{BASE}/articles/-/{n}" for n in ("91230", "91240", "91201", "91215")]  # top news first
    assert sorted(urls) == sorted(f"{BASE}/articles/-/{n}" for n in ("91230", "91240", "91201", "91215", "91222", "91188", "84012"))
    days = {e.url.rsplit("/", 1)[-1]: listing_day(e, fetched) for e in entries}
    assert days["91230"] == "2026-10-03" and days["84012"] == "2026-06-02"


@pytest.mark.parametrize("raw,day", [
    ("45 minutes ago", "2026-10-03"), ("11 hours ago", "2026-10-02"), ("Sep 26,2026", "2026-09-26"),
    ("Sep 27", "2026-09-27"), ("2026-09-27T21:12", "2026-09-27"), ("soon", None),
])
def test_listing_dates_relative_and_yearless(raw, day):
    html = f'<article class="m-article-item"><a href="/articles/-/1">x</a><time>{raw}</time></article>'
    entry = listing_entries(Selector(text=html), BASE + "/")[0]
    assert listing_day(entry, "2026-10-03T00:30:00Z") == day


def _spider(**kwargs) -> KyodoSpider:
    crawler = get_crawler(KyodoSpider)
    return KyodoSpider.from_crawler(crawler, **kwargs)


def _response(case: str) -> HtmlResponse:
    html, url, fetched = load(case)
    return HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8",
                        request=Request(url, meta={"fetched_at": fetched}))


def test_homepage_is_a_listing_although_its_og_type_says_article():
    spider = _spider()
    home = _response("japanwire_homepage")
    assert 'og:type" content="article"' in home.text
    assert spider.page_type(home) == "listing"
    links = list(spider.listing_links(home))
    assert f"{BASE}/articles/-/91201" in links and all("\t" not in u and u.strip() == u for u in links)


def test_since_skips_older_listing_links_and_counts_them():
    spider = _spider(since="2026-09-25")
    links = list(spider.listing_links(_response("japanwire_section_list")))
    assert links == [f"{BASE}/articles/-/91230", f"{BASE}/articles/-/90611"]  # "Sep 20,2026" is older
    assert spider.crawler.stats.get_value("discovery/listing_older_than_since") == 1


def test_default_discovery_starts_from_the_relaunched_site():
    urls = KyodoSpider.default_start_urls
    assert urls[0] == f"{BASE}/" and f"{BASE}/list/feed/rss4kyodonews-fzone" in urls
    assert f"{BASE}/list/news/sports" in urls and f"{BASE}/list/partners/yonhap" in urls
    assert not any("/rss/" in u or u.endswith("/news/") for u in urls)  # the old site's feeds and list are gone


# ----------------------------------------------------------------------------- real pages (optional)

REAL_CASES = [
    ("kyodo_2026_nyk-hydrogen-fuel-cell-ship.html", f"{BASE}/articles/-/86417"),
    ("kyodo_2026_yonhap-partner-palace-fees.html", f"{BASE}/articles/-/86288"),
]


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/realpages is not beside this checkout")
@pytest.mark.parametrize("name,url", REAL_CASES)
def test_real_relaunched_pages(name, url):
    sel = Selector(text=(REAL / name).read_text(encoding="utf-8"))
    page = choose_page(PAGE_CLASSES, sel, url)(sel, url, "2026-09-28T00:00:00Z")
    assert type(page) is KyodoJapanWire
    art = page.article()
    assert not page.errors and art.section and art.tags and art.images and art.images[0].credit
    assert art.body_truncated is False and "Related coverage" not in art.body and "Popular" not in art.body


@pytest.mark.parametrize("prefix,place", [
    ("WASHINGTON, Sept 26 (Reuters) - ", "WASHINGTON"),
    ("SEOUL, Sept. 25 (Yonhap) -- ", "SEOUL"),
    ("HANOI, Vietnam (AP) \u2014 ", "HANOI, Vietnam"),
    ("NAGOYA - ", "NAGOYA"),
    ("MAPPA (Photo) - ", None),  # brackets that name no agency: no wire dateline
])
def test_partner_wire_datelines(prefix, place):
    art = article("japanwire_partner_yonhap", lambda html: html.replace(
        "<p>SEOUL - Seoul will run subway trains", f"<p>{prefix}Seoul will run subway trains"))
    assert art.dateline == place
    assert art.body.startswith("Seoul will run" if place else prefix.strip())
