"""The generic layers (crawler/extract/generic.py, crawler/sites/base.py) on small made-up pages."""
from __future__ import annotations

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
