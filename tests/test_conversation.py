"""The Conversation: page variants, body cleaning, authors, Atom entries, spider discovery + robots.txt.

Page classes are tested directly on the fixture HTML (no engine); a few tests run the spider
through the engine in replay mode (robots.txt refusal, a feed with no article pages, sitemap ``since``).
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from parsel import Selector

from crawler.extract.feeds import parse_feed
from crawler.golden import FIXTURES, crawl
from crawler.items import Author
from crawler.sites import conversation as tc
from crawler.sites.base import choose_page

HERE = FIXTURES / "conversation"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "realpages"
REAL_HTML = SHARED / "theconversation_2026_ai-innovation.html"
REAL_ATOM = SHARED / "theconversation_2026_feed_uk-health_atom.xml"


def case(name: str) -> tuple[str, str]:
    folder = HERE / name
    meta = json.loads((folder / "page.meta.json").read_text(encoding="utf-8"))
    return (folder / meta["body"]).read_text(encoding="utf-8"), meta["url"]


def page_of(html: str, url: str):
    sel = Selector(text=html)
    cls = choose_page(tc.PAGE_CLASSES, sel, url)
    return cls(sel, url, "2026-01-01T00:00:00Z")


def paragraphs(text: str | None) -> list[str]:
    return (text or "").split("\n\n")


# ----------------------------------------------------------------------------- variants
@pytest.mark.parametrize("name,variant", [
    ("uk2026_three_authors", tc.Conversation2026),
    ("au2026_edition", tc.Conversation2026),
    ("us_meta_fallback", tc.Conversation2026),
    ("africa2023_lazyload", tc.Conversation2023),
    ("unknown_layout", tc.ConversationGeneric),
])
def test_variant_chosen(name, variant):
    html, url = case(name)
    assert type(page_of(html, url)) is variant


# ----------------------------------------------------------------------------- 2026 UK page
def test_uk2026_fields():
    html, url = case("uk2026_three_authors")
    art = page_of(html, url).article()
    # NBSP in the h1 collapsed, no site suffix
    assert art.headline == "Britain has some of the world’s highest tides – why has it never built a tidal lagoon?"
    assert art.canonical_url.startswith("https://theconversation.com/") and art.canonical_url.endswith("-301544")
    assert (art.item_id, art.story_id) == ("conversation:301544", "conversation:301544")
    assert [a.name for a in art.authors] == ["Harriet Pengelly", "Tomasz Wierzbicki", "Bethan Rees-Morgan"]
    # role with a comma: split at the last comma, the institution meta confirms it
    third = art.authors[2]
    assert (third.role, third.affiliation) == ("Lecturer, School of Earth and Environmental Sciences", "Cardiff University")
    assert third.url == "https://theconversation.com/profiles/bethan-rees-morgan-1377514"
    assert art.date_published_raw == "2026-03-10T07:12:31Z"  # time@datetime, UTC
    assert art.hints["date_published_candidates"] == ["March 10, 2026 7.12am GMT", "20260310"]
    assert art.hints["tz"] == "Europe/London"
    assert art.date_modified_raw == "2026-03-10T09:40:02Z"
    assert art.language == "en-GB"
    assert art.doi == "10.64628/AAB.x7qk2mdp4"
    assert art.license == "CC BY-ND 4.0"
    assert art.copyright is None  # not printed on the page
    assert art.tags[:2] == ["Renewable energy", "Tidal power"]
    assert art.section is None


def test_uk2026_body_has_no_promos_captions_or_disclosure():
    html, url = case("uk2026_three_authors")
    body = page_of(html, url).article().body
    paras = paragraphs(body)
    assert paras[0].startswith("On a grey morning in the Severn estuary")
    assert paras[-1].endswith("while we argue about the discount rate.")
    for junk in ("Read more from the series", "part of our series", "Offshore wind has a storage problem",
                 "weekly roundup", "Imagine", "computer model of water levels", "Tidal Futures Group",
                 "receive funding", "Republish this article", "Copyright", "Public lecture"):
        assert junk not in body, junk
    # subheads are paragraphs of their own; the blockquote is kept; no empty paragraphs
    assert "Why the numbers look worse than they are" in paras
    assert "What it would take" in paras
    assert any(p.startswith("“The tide will still be there in 2100.") for p in paras)
    assert all(p.strip() for p in paras)
    # text across inline links keeps its spacing
    assert "The finance and the permitting are where" in body


def test_uk2026_images_caption_credit_licence():
    html, url = case("uk2026_three_authors")
    images = page_of(html, url).article().images
    assert [i.credit for i in images] == ["Alun Prys/Shutterstock", "Tidal Futures Group, University of Plymouth", "Authors’ calculations"]
    assert images[0].caption == "High tide at a sea wall on the Bristol Channel."  # attribution split off
    assert images[1].license == "CC BY-SA"
    assert all(i.url.startswith("https://images.theconversation.com/files/") for i in images)
    # the newsletter promo's image (after the last <hr>) is not an article image
    assert not any("598112" in i.url for i in images)


# ----------------------------------------------------------------------------- 2023 Africa page
def test_africa2023_lazy_images_authors_and_zone():
    html, url = case("africa2023_lazyload")
    art = page_of(html, url).article()
    assert art.hints["tz"] == "Africa/Johannesburg"
    assert "May 16, 2023 3.47pm SAST" in art.hints["date_published_candidates"]
    assert art.language == "en-ZA"
    assert [(a.name, a.role, a.affiliation) for a in art.authors] == [
        ("Irene Nakato", "Lecturer in Agricultural Meteorology", "Makerere University"),
        ("Peter Okello Ochieng", "PhD candidate", "Makerere University"),
    ]
    urls = [i.url for i in art.images]
    assert all(u.startswith("https://images.theconversation.com/files/") for u in urls)  # data-src, never data:
    assert "526101" in urls[1] and "441201" not in " ".join(urls)  # newsletter image dropped
    assert art.images[1].license == "CC BY-ND"
    assert art.images[2].credit == "Daniel Ssekandi"  # plain span.source
    assert art.doi is None
    body = art.body
    assert "newsletter" not in body.lower() and "Sign up" not in body
    assert "Write an article" not in body and "WhatsApp" not in body
    assert paragraphs(body)[-1].startswith("Timing matters too.")


def test_au_fenced_series_promo_dropped_but_fenced_correction_kept():
    html, url = case("au2026_edition")
    art = page_of(html, url).article()
    assert "Living with animals" not in art.body and "Read the rest of the series" not in art.body
    assert paragraphs(art.body)[-1].startswith("Correction: an earlier version")
    assert "Worms, mites and the neighbours" in paragraphs(art.body)
    assert art.hints["tz"] == "Australia/Sydney"
    assert art.images[0].credit == "Tom Reilly"  # lead credit in a plain span.source


# ----------------------------------------------------------------------------- fallbacks
def test_meta_fallback_page():
    html, url = case("us_meta_fallback")
    art = page_of(html, url).article()
    assert [(a.name, a.affiliation) for a in art.authors] == [
        ("Marisol Ortega-Baines", "University of California, Davis"),
        ("Kwame Asante-Ridley", "The Ohio State University"),
    ]
    assert art.date_published_raw == "20251118"  # meta pubdate only
    assert art.tags == ["Libraries", "Extreme heat", "Rural America", "Climate adaptation"]  # news_keywords
    assert art.canonical_url.startswith("https://")


def test_structured_pieces_removed_still_yield_core_fields():
    html, url = case("uk2026_three_authors")
    sel = Selector(text=html)
    for q in ("section.content-authors", "div.timestamps", "div.content-topics", "link[rel=canonical]"):
        for node in sel.css(q):
            node.drop()
    # the body container loses its microdata too
    stripped = sel.get().replace('itemprop="articleBody"', "")
    art = page_of(stripped, url).article()
    assert art.headline.startswith("Britain has some of the world’s highest tides")
    assert [a.name for a in art.authors] == ["Harriet Pengelly", "Tomasz Wierzbicki", "Bethan Rees-Morgan"]
    assert art.date_published_raw == "20260310"
    assert art.tags == ["Renewable energy", "Tidal power", "Energy policy", "Estuaries", "UK energy"]
    assert art.canonical_url.endswith("-301544") and art.canonical_url.startswith("https://")
    assert art.story_id == "conversation:301544"
    assert "pathfinder project" in art.body  # generic body reader


def test_unknown_layout_generic_variant():
    html, url = case("unknown_layout")
    art = page_of(html, url).article()
    assert art.hints["variant"] == "conversation-generic"
    assert art.headline == "Two ways of measuring the ice: what Inuit hunters and satellites agree on in Hudson Bay"
    assert art.authors[0].name == "Élise Tremblay-Qaunaq"
    assert art.authors[0].url == "https://theconversation.com/profiles/elise-tremblay-qaunaq-1500912"
    assert art.date_published_raw == "2026-04-01T16:05:33Z"
    assert "Hunters distinguish a dozen kinds" in art.body
    assert "Sign up now" not in art.body and "Polar bears" not in art.body
    assert art.hints["tz"] == "UTC"


@pytest.mark.parametrize("html", [
    "", "<html>", "\x00\x01garbage<<>>", "<article id='article'><div class='content-sidebar'><li class='vcard'></li>",
    "<article id='article'><aside class='content-sidebar'></aside><div itemprop='articleBody'><hr><hr><p>x</p><hr></div>",
    "<html><head><meta name='current-region' content='xx'><link rel='canonical' href='::::'></head></html>",
])
def test_garbled_pages_do_not_raise(html):
    page = page_of(html, "https://theconversation.com/some-story-123")
    art = page.article()
    assert art.source == "conversation"
    assert art.story_id == "conversation:123"  # from the URL when nothing else is there
    assert page.errors == []


# ----------------------------------------------------------------------------- pure helpers
@pytest.mark.parametrize("text,insts,want", [
    ("Professor of Anthropology, University of Tennessee", [], ("Professor of Anthropology", "University of Tennessee")),
    ("Associate Professor of History, University of California, Davis", ["University of California, Davis"],
     ("Associate Professor of History", "University of California, Davis")),
    ("Associate Professor of History, University of California, Davis", [], ("Associate Professor of History, University of California", "Davis")),
    ("PhD Candidate", [], ("PhD Candidate", None)),
    ("Makerere University", ["Makerere University"], (None, "Makerere University")),
    ("Monash University", [], (None, "Monash University")),
    (None, [], (None, None)),
])
def test_split_role(text, insts, want):
    assert tc.split_role(text, insts) == want


def test_split_atom_author():
    assert tc.split_atom_author("Kylie Baldwin, Senior Lecturer, School of Social Sciences, Loughborough University ") == (
        "Kylie Baldwin", "Senior Lecturer, School of Social Sciences", "Loughborough University")
    assert tc.split_atom_author("Ada Obi") == ("Ada Obi", None, None)


def test_merge_authors_completes_page_authors_from_feed():
    page = [Author(name="Ada Obi", name_raw="Ada Obi", affiliation="University of California, Davis")]
    feed = [Author(name="Ada Obi", role="Lecturer, University of California", affiliation="Davis",
                   url="https://theconversation.com/profiles/ada-obi-1")]
    merged = tc.merge_authors(page, feed)
    assert merged[0].url == "https://theconversation.com/profiles/ada-obi-1"
    assert (merged[0].role, merged[0].affiliation) == ("Lecturer", "University of California, Davis")


@pytest.mark.parametrize("url,want", [
    ("https://theconversation.com/why-tides-matter-301544", True),
    ("http://theconversation.com/why-tides-matter-301544", True),
    ("https://theconversation.com/profiles/harriet-pengelly-1402281", False),
    ("https://theconversation.com/topics/food-security-4126", False),
    ("https://theconversation.com/institutions/makerere-university-2031", False),
    ("https://theconversation.com/uk/health", False),
    ("https://example.com/why-tides-matter-301544", False),
])
def test_article_url(url, want):
    assert tc.is_article_url(url) is want


@pytest.mark.parametrize("url,title,want", [
    ("https://theconversation.com/uk/health/articles.atom", "Health – The Conversation", "Health"),
    ("https://theconversation.com/us/environment/articles.atom", None, "Environment"),
    ("https://theconversation.com/au/science-technology/articles.atom", None, "Science Technology"),
    ("https://theconversation.com/uk/articles.atom", "The Conversation – Articles (UK)", None),
    ("https://theconversation.com/topics/food-security-4126", None, None),
    ("https://theconversation.com/uk/health", None, "Health"),
    (None, None, None),
])
def test_section_from_url(url, title, want):
    assert tc.section_from_url(url, title) == want


def test_body_from_atom_html_strips_counter_fine_print_and_series_promo():
    html = ('<figure><img src="https://images.theconversation.com/files/1/original/a.jpg" /><figcaption>'
            '<span class="caption">Cap.</span></figcaption></figure><p>First.</p>\n\n<hr>\n\n'
            '<p><em>Part of our <a href="https://tcnv.link/x">series</a>.</em></p><ul><li><p><a href="https://theconversation.com/a-1">A</a></p></li></ul>'
            '\n\n<hr>\n\n<p>Second <a href="#">linked</a> words.</p><p></p><p><div inline-promo-placement="editor"></div></p>'
            '<img src="https://counter.theconversation.com/content/9/count.gif" alt="The Conversation" width="1" height="1" />'
            '<p class="fine-print"><em><span>X receives funding.</span></em></p>')
    assert tc.body_from_html(html) == ["First.", "Second linked words."]


# ----------------------------------------------------------------------------- Atom entries
def test_entry_only_item_from_fixture_feed():
    body = (HERE / "uk_edition_feed" / "page.xml").read_bytes()
    entries = {e.link: e for e in parse_feed(body)}
    entry = entries["https://theconversation.com/its-the-rain-not-the-cold-that-stops-winter-cycling-302210"]
    art = tc.article_from_entry(entry, feed_url="https://theconversation.com/uk/articles.atom",
                                feed_title="The Conversation – Articles (UK)", feed_lang="en-US",
                                fetched_at="2026-03-10T12:30:00Z")
    assert art.story_id == "conversation:302210"
    assert art.section is None and art.language == "en-GB" and art.hints["tz"] == "Europe/London"
    assert art.license == "CC BY-ND 4.0"
    assert [a.name for a in art.authors] == ["Owen Hartigan", "Priya Kaur-Sandhu"]
    assert art.authors[0].affiliation == "University of Leeds"
    assert art.authors[0].url == "https://theconversation.com/profiles/owen-hartigan-1399770"
    assert "Getting around" not in art.body and "receives funding" not in art.body
    assert "Covered routes, not just cycle lanes" in paragraphs(art.body)
    assert [i.credit for i in art.images] == ["Kerry Dunstable/Alamy", "Authors’ data"]
    assert art.images[1].license == "CC BY"
    assert art.date_published_raw == "2026-03-10T10:30:05Z"


@pytest.mark.skipif(not REAL_ATOM.exists(), reason="../shared/realpages not available")
def test_real_atom_feed_entries():
    entries = parse_feed(REAL_ATOM.read_bytes())
    assert len(entries) == 3
    items = [tc.article_from_entry(e, feed_url="https://theconversation.com/uk/health/articles.atom",
                                   feed_title="Health – The Conversation") for e in entries]
    for art, entry in zip(items, entries):
        assert art.story_id == f"conversation:{tc.article_id(entry.link)}"
        assert art.section == "Health"
        assert art.license == "CC BY-ND 4.0"
        assert art.description and 60 < len(art.description) < 200
        assert len(art.body) > 2500
        assert "count.gif" not in art.body
        for a in art.authors:
            assert a.name and "," not in a.name and a.url.startswith("https://theconversation.com/profiles/")
            assert a.affiliation and a.name_raw.startswith(a.name)
        assert art.images and art.images[0].url.startswith("https://images.theconversation.com/")
    first, _, third = items
    assert len(first.authors) == 3
    assert "receive funding" not in first.body and "does not work for" not in first.body
    # the mid-body series promo fenced by <hr> is gone, the text after it is kept
    assert "Quarter Life" not in third.body and "Read more from" not in third.body
    assert "panic-partnering" in third.body


@pytest.mark.skipif(not REAL_HTML.exists(), reason="../shared/realpages not available")
def test_real_2026_page():
    art = page_of(REAL_HTML.read_text(encoding="utf-8"),
                  "https://theconversation.com/will-ai-accelerate-or-undermine-the-way-humans-have-always-innovated-272246").article()
    assert art.hints["variant"] == "conversation-2026"
    assert art.authors[0].name == "R. Alexander Bentley" and art.authors[0].affiliation == "University of Tennessee"
    assert art.doi and art.story_id == "conversation:272246"
    assert "Didier Descouens/Wikimedia Commons" in [i.credit for i in art.images]
    assert "does not work for" not in art.body and len(art.body) > 7000


# ----------------------------------------------------------------------------- through the engine
def _replay_with(tmp_path: Path, *folders: str) -> Path:
    replay = tmp_path / "replay"
    for f in folders:
        shutil.copytree(HERE / f, replay / f)
    return replay


def test_robots_refusal_is_visible(tmp_path):
    """With an agent robots.txt refuses (Scrapy's default), every seed is refused: ERROR + stat."""
    records, proc = crawl("conversation", {"url": "https://theconversation.com/uk/articles.atom"},
                          settings={"USER_AGENT": "Scrapy/2.19 (+https://scrapy.org)"},
                          replay=_replay_with(tmp_path, "robots", "uk_edition_feed"), workdir=tmp_path)
    assert records == []
    assert re.search(r"ERROR: robots\.txt refused every seed request", proc.stderr), proc.stderr[-2000:]
    assert "'robotstxt/refused_seeds': 1" in proc.stderr


def test_feed_without_article_pages_yields_entry_items(tmp_path):
    """Outside checkers may give only the Atom feed: every entry still becomes an item."""
    records, proc = crawl("conversation", {"url": "https://theconversation.com/uk/articles.atom"},
                          replay=_replay_with(tmp_path, "robots", "uk_edition_feed"), workdir=tmp_path)
    assert "Traceback" not in proc.stderr
    assert "refused" not in proc.stderr  # our own agent is allowed by the same robots.txt
    assert sorted(r["story_id"] for r in records) == ["conversation:299012", "conversation:301544", "conversation:302210"]
    for r in records:
        assert r["body"] and r["authors"] and r["license"] == "CC BY-ND 4.0"
        assert r["fetched_at"] == "2026-03-10T12:30:00Z"


def test_sitemap_since_skips_old_archives(tmp_path):
    records, proc = crawl("conversation", {"url": "https://theconversation.com/sitemap.xml", "since": "2024-01-01"},
                          workdir=tmp_path)
    assert "Traceback" not in proc.stderr
    assert sorted(r["story_id"] for r in records) == ["conversation:301544", "conversation:305220"]
    assert "'discovery/sitemaps_skipped_since': 1" in proc.stderr


def test_editions_argument_sets_default_feeds():
    from crawler.spiders.conversation import EDITIONS, ConversationSpider

    assert ConversationSpider().default_start_urls == [f"https://theconversation.com/{e}/articles.atom" for e in EDITIONS]
    assert ConversationSpider(editions="fr, ES").default_start_urls == [
        "https://theconversation.com/fr/articles.atom", "https://theconversation.com/es/articles.atom"]
    # -a url= wins over the default feeds
    assert ConversationSpider(url="https://theconversation.com/x-1", editions="fr").seed_urls() == ["https://theconversation.com/x-1"]


def test_articles_forbidden_by_robots_fall_back_to_feed_entries(tmp_path):
    replay = _replay_with(tmp_path, "uk_edition_feed", "uk2026_three_authors")
    robots = replay / "robots"
    robots.mkdir()
    (robots / "robots.txt").write_text("User-agent: news-crawler\nAllow: /uk/articles.atom\nDisallow: /\n")
    (robots / "robots.txt.meta.json").write_text(json.dumps({
        "url": "https://theconversation.com/robots.txt", "status": 200,
        "headers": {"Content-Type": "text/plain"}, "body": "robots.txt", "fetched_at": "2026-03-10T12:00:00Z"}))
    records, proc = crawl("conversation", {"url": "https://theconversation.com/uk/articles.atom"},
                          replay=replay, workdir=tmp_path)
    assert "'robotstxt/forbidden': 3" in proc.stderr
    assert "refused every seed" not in proc.stderr  # the feed itself was allowed
    # the article page of 301544 exists in replay but was not fetched: its item comes from the entry
    lagoon = [r for r in records if r["story_id"] == "conversation:301544"]
    assert len(records) == 3 and len(lagoon) == 1
    assert lagoon[0]["tags"] == [] and lagoon[0]["doi"] is None


def test_topic_page_with_long_teasers_is_a_listing():
    from scrapy.http import HtmlResponse

    from crawler.spiders.conversation import ConversationSpider

    teaser = "A long teaser paragraph. " * 20
    html = (f"<html><head><meta property='og:type' content='website'></head><body><article class='article-teaser'>"
            f"<h2><a class='article-link' href='/a-story-12'>A story</a></h2><p>{teaser}</p></article></body></html>")
    spider = ConversationSpider()
    listing = HtmlResponse("https://theconversation.com/topics/oceans-77", body=html.encode(), encoding="utf-8")
    assert spider.page_type(listing) == "listing"
    assert list(spider.listing_links(listing)) == ["https://theconversation.com/a-story-12"]
    html_article, url = case("unknown_layout")
    # an article page under an unexpected URL is still recognised by its markers
    odd = HtmlResponse("https://theconversation.com/preview/abc", body=html_article.encode(), encoding="utf-8")
    assert spider.page_type(odd) == "article"
