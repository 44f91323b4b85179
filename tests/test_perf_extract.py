"""The query shortcuts of crawler/extract/dom.py answer like the whole-document queries they replace."""
from __future__ import annotations

import glob
from pathlib import Path

import pytest
from parsel import Selector

from crawler.extract.dom import by_id, could_match, head, head_first, scoped_css
from crawler.sites.conversation import ConversationGeneric

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(glob.glob(str(ROOT / "fixtures/*/*/*.html")))


def test_by_id_finds_the_first_element_with_the_id():
    sel = Selector(text="<html><body><div id='x'>a</div><article id='article'>b</article><p id='x'>c</p></body></html>")
    assert by_id(sel, "x").root.tag == "div"
    assert by_id(sel, "article", "article").root.tag == "article"
    assert by_id(sel, "missing") is None


def test_by_id_with_a_tag_falls_back_to_css_when_the_first_id_is_another_tag():
    sel = Selector(text="<html><body><div id='article'>a</div><article id='article'>b</article></body></html>")
    assert by_id(sel, "article", "article").root.text == "b"
    assert by_id(sel, "article", "section") is None


def test_by_id_on_a_node_selector_stays_inside_the_node():
    sel = Selector(text="<html><body><div id='a'><p>x</p></div><div id='b'></div></body></html>")
    inner = sel.css("#a")[0]
    assert by_id(inner, "b") is None  # id() would search the whole document


def test_head_first_uses_head_then_falls_back_to_the_body():
    sel = Selector(text="<html><head><title>T</title></head><body><link rel='canonical' href='/b'>"
                        "<title>U</title></body></html>")
    assert head(sel) is not None
    assert head_first(sel, "title/text()").get() == "T"
    assert head_first(sel, 'link[@rel="canonical"]/@href').get() == "/b"  # only in the body
    assert head_first(sel, "meta/@content").get() is None


def test_scoped_css_falls_back_to_the_document_when_the_scope_lacks_the_element():
    sel = Selector(text="<html><body><nav class='tags'><a>t</a></nav><article id='article'><h1>H</h1></article></body></html>")
    scope = sel.css("article")[0]
    assert scoped_css(scope, sel, "h1::text").getall() == ["H"]
    assert scoped_css(scope, sel, ".tags a::text").getall() == ["t"]
    assert scoped_css(None, sel, "h1::text").get() == "H"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: "/".join(Path(p).parts[-3:-1]))
def test_shortcuts_agree_with_whole_document_queries_on_every_fixture(path):
    sel = Selector(text=Path(path).read_text(encoding="utf-8", errors="replace"))
    for query in ('link[@rel="canonical"]/@href', "title/text()", 'meta[@http-equiv="Content-Language"]/@content',
                  "meta/@content", 'link[@rel="alternate"]/@href'):
        assert head_first(sel, query).get() == sel.xpath("//" + query).get()
    for el in sel.xpath("//*[@id]")[:50]:
        ident = el.attrib["id"]
        if ident.strip() == ident and " " not in ident and "'" not in ident and '"' not in ident and ident:
            want = sel.xpath(f"//*[@id=$i]", i=ident)[0].root
            assert by_id(sel, ident).root is want
    page = ConversationGeneric(sel, "https://theconversation.com/x-1")
    node = page.article_node
    css = sel.css("article#article")
    assert (node.root if node is not None else None) is (css[0].root if css else None)


@pytest.mark.parametrize("query, possible", [
    ("div.a-b", True), (".topic-list a, .content-topics a", False), (".topic-list a, .a-b a", True),
    ("[itemprop=headline]", True), ("[itemprop=dateModified]::attr(datetime), time[itemprop=dateModified]", False),
    ("#x::attr(data-id)", True), ("#y", False), ("h1", True), ("div:not(.zz)", True), ("a[rel='author']", False),
    ('a[rel="a-b"]', False), ("div.a-b.zz", False), ("[data-x]", True), ("[class*=a-]", True),
])
def test_could_match_reads_the_needles_of_each_alternative(query, possible):
    text = '<div class="a-b" itemprop="headline" id="x">'
    assert could_match(text, query) is possible
    seen: dict = {}
    assert could_match(text, query, seen) is possible and could_match(text, query, seen) is possible
    assert could_match(None, query) is True  # unknown text: ask the document


@pytest.mark.parametrize("source, query, possible", [
    ('<style>.magazine{margin:0}</style><a href="/feed-timestamps-lost">', "figure.magazine", False),
    ('<style>.magazine{margin:0}</style><a href="/feed-timestamps-lost">', ".timestamps", False),
    ('<meta name="author" content="A">', "[itemprop=author]", False),
    ('<span ITEMPROP = author>A</span>', "[itemprop=author]", True),
    ("<span itemprop='author'>A</span>", "[itemprop=author]", True),
    ('<p>the author said</p>', "[itemprop=author]", False),
    ('<figure class="wide\tmagazine">', "figure.magazine", True),
    ("<figure class=magazine>", "figure.magazine", True),
    ('<figure class="magazine-wide">', "figure.magazine", False),
    ('<p>read the magazine here</p>', "figure.magazine", True),  # unsure: asks the document
    ('<div id="native-share">', "#native-share", True),
    ('<a href="#native-share">', "#native-share", False),
    ('<div ' + " " * 100 + 'id="native-share">', "#native-share", True),
])
def test_could_match_reads_the_source_like_html(source, query, possible):
    assert could_match(source, query) is possible
    if possible:  # never False for a page that has the element
        return
    assert not Selector(text=source).css(query)


def test_scoped_css_skips_the_document_only_when_the_text_rules_the_element_out():
    html = "<html><body><nav class='tags'><a>t</a></nav><article id='article'><h1>H</h1></article></body></html>"
    sel = Selector(text=html)
    scope = sel.css("article")[0]
    assert scoped_css(scope, sel, ".tags a::text", html).getall() == ["t"]
    assert scoped_css(scope, sel, ".topics a::text", html).getall() == []


@pytest.mark.parametrize("path", PAGES, ids=lambda p: "/".join(Path(p).parts[-3:-1]))
def test_conversation_page_with_and_without_page_text_gives_the_same_record(path):
    from dataclasses import asdict

    from crawler.sites.base import PageSelector
    from crawler.sites.conversation import PAGE_CLASSES
    from crawler.sites.base import choose_page

    text = Path(path).read_text(encoding="utf-8", errors="replace")
    url = "https://theconversation.com/some-article-12345"
    records = []
    for page_text in (text, None):
        sel = PageSelector.of(Selector(text=text))
        sel.page_text = page_text
        cls = choose_page(PAGE_CLASSES, sel, url)
        records.append([asdict(a) for a in cls(sel, url, "2026-01-01T00:00:00Z").items()])
    assert records[0] == records[1]


@pytest.mark.parametrize("body", [
    "<html><p>a real \ufffd replacement character</p></html>".encode(),
    "<html><p>a real \ufffd and a bad</p>".encode() + b"\xff<p>byte</p></html>",
    b"<html><p>only a bad \xfe byte</p></html>",
])
def test_page_selector_strict_utf8_check_only_when_the_text_has_a_replacement(body):
    from lxml import etree
    from scrapy.http import Headers
    from scrapy.responsetypes import responsetypes

    from crawler.spiders.base import page_selector

    url = "https://example.com/a"
    h = Headers({"Content-Type": "text/html; charset=utf-8"})
    cls = responsetypes.from_args(headers=h, url=url, body=body)
    slow, fast = cls(url=url, headers=h, body=body), cls(url=url, headers=h, body=body)
    assert etree.tostring(slow.selector.root) == etree.tostring(page_selector(fast).root)


REAL = sorted(glob.glob(str(ROOT.parent / "shared/realpages/*.html")))


@pytest.mark.parametrize("path", PAGES + REAL, ids=lambda p: "/".join(Path(p).parts[-3:-1]) or Path(p).name)
def test_could_match_never_rules_out_an_element_the_page_has(path):
    """Every class token, id and itemprop/rel value present on a page is found in its source."""
    import re as _re

    text = Path(path).read_text(encoding="utf-8", errors="replace")
    root = Selector(text=text).root
    seen: dict = {}
    queries = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for token in (el.get("class") or "").split():
            if _re.fullmatch(r"[\w-]+", token) and not token[0].isdigit():
                queries.add(f"{el.tag}.{token}")
        for attr in ("itemprop", "rel", "name", "property"):
            v = el.get(attr)
            if v and _re.fullmatch(r"[\w:-]+", v):
                queries.add(f"[{attr}={v}]" if ":" not in v else f'[{attr}="{v}"]')
        ident = el.get("id")
        if ident and _re.fullmatch(r"[A-Za-z][\w-]*", ident):
            queries.add(f"#{ident}")
    assert queries
    for q in sorted(queries):
        assert could_match(text, q, seen), q


_GENERIC_EDGE = [
    "<html><body><div class='story'><p>One <b>two</b><!-- c -->three</p><p>Four</p></div>"
    "<div class='related-stories'><p>Related one</p><p>Related two and more text</p></div></body></html>",
    "<html><body><nav><div><p>Menu text that is long enough</p></div></nav><main><p>Body</p></main></body></html>",
    "<html><body><div id='site-footer'><p>x</p><p>y</p><p>z</p></div><div class='has-sidebar'><p>Kept</p></div></body></html>",
    "<html><body><p>Top level</p><p>Another</p><div><figcaption><p>Caption</p></figcaption></div></body></html>",
    "<html><body><div class='a'><p></p><p>   </p><p><?pi x?>after pi</p></div></body></html>",
    "<p>fragment only</p>",
    "<html><body></body></html>",
]


@pytest.mark.parametrize("path", PAGES + sorted(glob.glob(str(ROOT.parent / "shared/realpages/*.html"))))
def test_generic_body_paragraphs_one_walk_matches_the_xpath_reference(path):
    from crawler.extract.generic import body_paragraphs, body_paragraphs_reference

    sel = Selector(text=Path(path).read_text(encoding="utf-8", errors="replace"))
    assert body_paragraphs(sel) == body_paragraphs_reference(sel)
    # a node selector (as the Japan Times parser passes): the document of the node is searched
    for node in sel.css("article, main, div")[:5]:
        assert body_paragraphs(node) == body_paragraphs_reference(node)


@pytest.mark.parametrize("html", _GENERIC_EDGE)
def test_generic_body_paragraphs_edge_cases(html):
    from crawler.extract.generic import body_paragraphs, body_paragraphs_reference

    sel = Selector(text=html)
    assert body_paragraphs(sel) == body_paragraphs_reference(sel)


def test_generic_body_paragraphs_excludes_chrome():
    from crawler.extract.generic import body_paragraphs

    # inline pieces join as written ("<b>two</b><!-- c -->three" renders as "twothree")
    assert body_paragraphs(Selector(text=_GENERIC_EDGE[0])) == ["One twothree", "Four"]


def test_itertext_gives_the_text_nodes_of_the_xpath():
    html = "<p>A <a>x<span>B</span>y</a>. <!--com-->ctail <?pi zz?>ptail <b></b>z<br>w</p>"
    p = Selector(text=html).css("p")[0]
    assert list(p.root.itertext()) == p.xpath(".//text()").getall()


_FIGURE_EDGE = [
    "<figure><img src='/a.jpg' alt=' Alt  text '></figure>",
    "<figure><img src='data:x'><picture><source srcset=''><source srcset='/b.webp 1x, /c.webp 2x'></picture></figure>",
    "<figure><div class='image' style=''></div><div class='image' style=\"background: url('/d.jpg')\"></div></figure>",
    "<figure><img data-src='/e.jpg'><figcaption class='source'>Whole <span class='attribution'>x</span></figcaption></figure>",
    "<figure><img src='/f.jpg'><figcaption><span class='caption'>Cap</span><span class='attribution'>"
    "<a class='source'>Agency</a>, <a class='license'>CC BY</a></span></figcaption></figure>",
    "<figure><img src='/g.jpg'><figcaption>Text <span class='attribution'>Photo X, CC BY-ND</span>"
    "<a class='license'>CC BY-ND</a></figcaption></figure>",
    "<figure><img src='/h.jpg'><figcaption><span class='caption\tmain'>Tab</span><b class='source\xa0x'>no</b>"
    "<i class='source'>yes</i></figcaption></figure>",
    "<figure><img src='https://counter.theconversation.com/x.gif'></figure>",
    "<figure><figcaption>No image</figcaption></figure>",
]


def _figures_of(html: str):
    sel = Selector(text=html)
    return sel.css("figure")


@pytest.mark.parametrize("html", _FIGURE_EDGE)
def test_figure_image_lxml_walk_matches_the_css_reference_on_edge_cases(html):
    from crawler.sites.conversation import figure_image, figure_image_reference

    for fig in _figures_of(html):
        assert figure_image(fig, "https://theconversation.com/x") == figure_image_reference(fig, "https://theconversation.com/x")


@pytest.mark.parametrize("path", PAGES + sorted(glob.glob(str(ROOT.parent / "shared/realpages/*.html"))))
def test_figure_image_lxml_walk_matches_the_css_reference_on_pages(path):
    from crawler.sites.conversation import figure_image, figure_image_reference

    figs = _figures_of(Path(path).read_text(encoding="utf-8", errors="replace"))
    for fig in figs:
        assert figure_image(fig, "https://theconversation.com/x") == figure_image_reference(fig, "https://theconversation.com/x")


def test_figure_image_reads_caption_credit_and_license():
    from crawler.sites.conversation import figure_image

    img = figure_image(_figures_of(_FIGURE_EDGE[4])[0], "https://theconversation.com/x")
    assert (img.url, img.caption, img.credit, img.license) == ("https://theconversation.com/f.jpg", "Cap", "Agency", "CC BY")


_PROMO_SAMPLES = [
    "Sign up to our free newsletter", "SUBSCRIBE now", "Read more from this series", "More from our series on water",
    "Get the best of The Conversation delivered daily", "Get our weekly digest free", "straight to your INBOX: in your inbox",
    "This article is part of a series", "Our three-part climate series", "Our big long winding climate series",
    "Get news", "Forget the rest, they said it was free", "sign-up here", "ſubscribe", "Get the \u2018best\u2019 free",
    "A plain paragraph about kelp forests and rock lobster.", "", "series", "get ",
]


@pytest.mark.parametrize("text", _PROMO_SAMPLES)
def test_promo_text_prefilter_answers_like_the_regex(text):
    from crawler.sites.conversation import _PROMO_TEXT, _promo_text

    assert _promo_text(text) == bool(_PROMO_TEXT.search(text))


def test_promo_text_prefilter_on_fixture_paragraphs():
    from crawler.sites.conversation import _PROMO_TEXT, _promo_text

    paragraphs = [p for path in PAGES for p in Selector(text=Path(path).read_text(encoding="utf-8")).css("p::text").getall()]
    assert len(paragraphs) > 300
    assert sum(bool(_PROMO_TEXT.search(p)) for p in paragraphs) > 0
    for p in paragraphs:
        assert _promo_text(p) == bool(_PROMO_TEXT.search(p))


def _is_junk_reference(el) -> bool:
    """conversation._is_junk as first written (a set of classes per element)."""
    from crawler.sites.conversation import _DROP_TAGS, _JUNK_CLASSES

    if not isinstance(el.tag, str):
        return True
    if el.tag in _DROP_TAGS or set((el.get("class") or "").split()) & _JUNK_CLASSES:
        return True
    return el.get("inline-promo-placement") is not None


def test_is_junk_answers_like_the_reference_on_every_fixture_element():
    from crawler.sites.conversation import _is_junk

    n = junk = 0
    for path in PAGES:
        for el in Selector(text=Path(path).read_text(encoding="utf-8")).root.iter():
            n += 1
            junk += _is_junk_reference(el)
            assert _is_junk(el) == _is_junk_reference(el)
    assert n > 3000 and 0 < junk < n


def test_clean_body_paragraphs_are_clean_and_non_empty():
    from crawler.sites.conversation import clean_body
    from crawler.text import clean

    found = 0
    for path in PAGES:
        for node in Selector(text=Path(path).read_text(encoding="utf-8")).css("[itemprop=articleBody], div.content-body"):
            paras = clean_body(node.root)
            found += len(paras)
            assert all(p and clean(p) == p for p in paras)
    assert found > 20


def test_generic_body_paragraphs_on_a_page_nested_deeper_than_the_recursion_limit():
    import sys

    from crawler.extract.generic import body_paragraphs, body_paragraphs_reference

    depth = sys.getrecursionlimit() + 500
    html = ("<html><body>" + "<div>" * depth + "<p>Deep one</p><p>Deep two</p>" + "</div>" * depth
            + "<footer><p>Chrome</p></footer></body></html>")
    sel = Selector(text=html)
    assert body_paragraphs(sel) == body_paragraphs_reference(sel) == ["Deep one", "Deep two"]


_BODY_EDGE = [
    "<div itemprop='articleBody'><p>a</p><figure><img src='/1.jpg'><figcaption>c1</figcaption></figure>tail"
    "<p>b<img src='/i.jpg'>c</p></div>",
    "<div itemprop='articleBody'><p>a</p><hr><figure><img src='/promo.jpg'></figure><hr><p>b</p>"
    "<hr><p>Sign up to our newsletter</p><figure><img src='/n.jpg'></figure></div>",
    "<div itemprop='articleBody'><div><figure><img src='/x.jpg'><script>s</script></figure>after</div>"
    "<p><picture><source srcset='/p.jpg'><img src='/p.jpg'></picture>text</p><aside><figure><img src='/a.jpg'>"
    "</figure></aside><!-- c --><p>end</p></div>",
    "<div itemprop='articleBody'>lead<figure class='align-center'><div class='slot'>ad</div><img src='/y.jpg'>"
    "</figure><blockquote><p>q</p><figure><img src='/q.jpg'></figure></blockquote><ul><li>x<img src='/l.jpg'>y</li></ul></div>",
]


def _body_nodes():
    for path in PAGES:
        sel = Selector(text=Path(path).read_text(encoding="utf-8", errors="replace"))
        yield from sel.css("[itemprop=articleBody], div.content-body")
    for html in _BODY_EDGE:
        yield from Selector(text=html).css("[itemprop=articleBody]")


def test_body_and_figures_equals_clean_body_and_body_figures():
    """One pruned copy gives what the two prunings gave: the same paragraphs, the same figures."""
    from lxml import etree

    from crawler.sites.conversation import body_and_figures, body_figures, clean_body

    nodes = figures = 0
    for node in _body_nodes():
        paras, figs = body_and_figures(node.root)
        assert paras == clean_body(node.root)
        assert [etree.tostring(f.root) for f in figs] == [etree.tostring(f.root) for f in body_figures(node.root)]
        nodes += 1
        figures += len(figs)
    assert nodes >= 10 and figures >= 8


def test_ascii_ws_ends_is_the_two_strips_compared():
    import itertools

    from crawler.spiders.base import _ASCII_WS, _ascii_ws_ends

    alphabet = [" ", "\t", "\n", "\x0c", "\xa0", "\u2028", "\u3000", "\x1c", "a", "<"]
    n = 0
    for k in range(5):
        for chars in itertools.product(alphabet, repeat=k):
            text = "".join(chars)
            assert _ascii_ws_ends(text) == (text.strip() == text.strip(_ASCII_WS)), repr(text)
            n += 1
    assert n > 10000


def test_page_selector_keeps_lxml_html_element_classes():
    """The tree is built by a parser choosing lxml.html's classes in C: the same element API."""
    from lxml import html as lxml_html
    from scrapy.http import HtmlResponse

    from crawler.spiders.base import page_selector

    response = HtmlResponse("https://example.com/a", body=b"<html><body><!-- c --><p class='x y'>t</p></body></html>",
                            headers={"Content-Type": "text/html; charset=utf-8"})
    root = page_selector(response).root
    p = root.find(".//p")
    assert type(root) is lxml_html.HtmlElement and type(p) is lxml_html.HtmlElement
    assert p.text_content() == "t" and set(p.classes) == {"x", "y"}
    assert isinstance(root.find(".//body")[0], lxml_html.HtmlComment)


_CONTAINER_EDGE = [
    "<html><body><article><div itemprop='articleBody'>b</div></article></body></html>",
    "<html><body><div itemprop='articleBody'><article>a</article></div></body></html>",
    "<html><body><div itemprop='articleBody'>b</div><article>a</article></body></html>",
    "<html><body><article>a</article><div itemprop='articleBody'>b</div></body></html>",
    "<html><body><div itemprop='articleBody'>b</div></body></html>",
    "<html><body><p>nothing</p></body></html>",
    "<html><body><div itemprop='articlebody'>b</div><section><article>a</article></section></body></html>",
    "<html><body><aside><p itemprop='articleBody'>x</p></aside><main><article>a</article></main></body></html>",
]


@pytest.mark.parametrize("html", PAGES + _CONTAINER_EDGE, ids=lambda p: "/".join(Path(p).parts[-3:-1]) if p.endswith(".html") else p[12:60])
def test_first_body_or_article_is_the_union_query(html):
    from crawler.extract.dom import first_body_or_article

    text = Path(html).read_text(encoding="utf-8", errors="replace") if html.endswith(".html") else html
    sel = Selector(text=text)
    want = sel.xpath('(//*[@itemprop="articleBody"] | //article)[1]')
    want = want[0].root if want else None
    for scope in (sel, *sel.css("body")[:1]):
        assert first_body_or_article(scope, text) is want
        assert first_body_or_article(scope) is want


def test_page_selector_results_are_plain_selectors_and_answer_like_parsel():
    """The page selector asks a plain twin: result nodes are plain selectors (cheaper to make),
    each query is asked once, and every answer equals parsel's own."""
    from crawler.sites.base import PageSelector

    html = "<html><head><title>T</title></head><body><p class='a'>x</p><p>y</p></body></html>"
    page = PageSelector.of(Selector(text=html))
    plain = Selector(text=html)
    for query in ("//p", "//p[@class='a']/text()", "//title/text()", "//nothing"):
        got = page.xpath(query)
        assert got.getall() == plain.xpath(query).getall()
        assert all(type(s) is Selector for s in got)
        asked = page._memo[query]
        again = page.xpath(query)
        assert again is not got and again.getall() == got.getall() and page._memo[query] is asked  # asked once
    assert page.css("p.a::text").getall() == ["x"]
    assert len(page._memo) == 5  # the CSS query was translated and asked once, through the memo


@pytest.mark.parametrize("html", [
    "<p>a<b>b</b> c</p>", "<p>one<br>two<br/>three</p>", "<p>a<!-- gone -->b</p>", "<p>a<?pi x?>b</p>",
    "<p><span>x<br>y</span> tail</p>", "<p>caf\u00e9 \u2014 \u3042</p>", "<p></p>", "<p><script>s()</script>t</p>",
    "<div><p>a</p>tail<p>b</p></div>", "<br>",
])
def test_conversation_text_serialisation_matches_the_walk_on_edge_cases(html):
    from crawler.sites.conversation import _text, _text_walk

    root = Selector(text=html).root
    for el in root.iter():
        assert _text(el) == _text_walk(el), (html, el.tag)


def test_conversation_text_serialisation_matches_the_walk_on_every_fixture_element():
    from crawler.sites.conversation import _text, _text_walk

    n = with_br = 0
    for path in PAGES:
        for el in Selector(text=Path(path).read_text(encoding="utf-8", errors="replace")).root.iter():
            n += 1
            with_br += isinstance(el.tag, str) and next(el.iter("br"), None) is not None
            assert _text(el) == _text_walk(el), (path, el.tag)
    assert n > 3000 and with_br > 0


def test_conversation_wall_container_is_the_first_body_or_article_on_every_known_template_fixture():
    """Known Conversation templates give the wall check ``article#article`` directly: on every
    fixture of those templates it is the element the document-order search finds."""
    import json

    from crawler.extract.dom import first_body_or_article
    from crawler.sites.conversation import ConversationArticle, PAGE_CLASSES
    from crawler.sites.base import choose_page

    checked = 0
    for path in PAGES:
        if "/conversation/" not in path:
            continue
        meta = Path(path).with_name("page.meta.json")
        url = json.loads(meta.read_text())["url"] if meta.exists() else "https://theconversation.com/x-1"
        page_sel = Selector(text=Path(path).read_text(encoding="utf-8", errors="replace"))
        cls = choose_page(PAGE_CLASSES, page_sel, url)
        page = cls(page_sel, url)
        if not isinstance(page, ConversationArticle) or page.article_node is None:
            continue
        checked += 1
        assert page.article_node.root is first_body_or_article(page.sel), path
    assert checked >= 3


TAG_CLASS_QUERIES = ["h1.article-ttl", "div.article-body__inner, div.article-body", "a.article-header-cate__link",
                     "time.article-header-info__time", "h1.article-ttl, div.article-body__inner, div.article-header-info",
                     "div.mainpic", "p.credit", "div.entry-content", "li.vcard", "span.author-name", "div.content-body",
                     "a.author, a.byline", "p.x, div.x, p.y", "figure.magazine"]


@pytest.mark.parametrize("path", PAGES, ids=lambda p: "/".join(Path(p).parts[-3:-1]))
def test_page_selector_tag_class_queries_answer_like_parsel(path):
    """PageSelector answers ``tag.class`` lists by lxml's tag iterator: the same elements, in the
    same order, as parsel's query, on every fixture page."""
    from crawler.sites.base import PageSelector

    text = Path(path).read_text(encoding="utf-8", errors="replace")
    page, plain = PageSelector.of(Selector(text=text)), Selector(text=text)
    found = 0
    for query in TAG_CLASS_QUERIES:
        want = [s.root.getroottree().getpath(s.root) for s in plain.css(query)]
        assert [s.root.getroottree().getpath(s.root) for s in page.css(query)] == want, query
        assert [s.root.getroottree().getpath(s.root) for s in page.css(query)] == want, query  # the memo's copy
        found += len(want)
    _TAG_CLASS_FOUND[path] = found
    # other queries: asked only when the page source may hold their class, id or value
    for query in ("h1", "div.a > p", ".article-body", "a.x::attr(href)", "div.x p.y", "div#main", "div.a.b",
                  ".article-header-info__author", "[itemprop=author]", "img.article-header-info__img::attr(alt)",
                  ".topic-list a", "[itemprop=articleBody] p", "meta[name=description]::attr(content)"):
        assert page.css(query).getall() == plain.css(query).getall(), query


_TAG_CLASS_FOUND: dict[str, int] = {}


def test_tag_class_queries_find_elements_on_the_fixtures():
    """The comparison above is not vacuous: its queries find elements on many fixture pages."""
    for path in PAGES:
        if path not in _TAG_CLASS_FOUND:
            test_page_selector_tag_class_queries_answer_like_parsel(path)
    assert sum(1 for n in _TAG_CLASS_FOUND.values() if n) >= 10


@pytest.mark.parametrize("query, want", [
    ("h1.t", {"h1": ("t",)}), (" p.a , div.b,p.c", {"p": ("a", "c"), "div": ("b",)}), ("h1", None), (".t", None),
    ("div.a.b", None), ("div p.a", None), ("a.x::text", None), ("div#a", None), ("H1.t", None), ("", None),
])
def test_tag_class_query_reads_only_tag_class_lists(query, want):
    from crawler.extract.dom import tag_class_query

    assert tag_class_query(query) == want


def test_tag_class_matches_tokens_split_at_xml_whitespace():
    from crawler.extract.dom import tag_class, tag_class_query

    root = Selector(text='<div class="a\\tb"><p class="xb">1</p><p class="b\\nc">2</p><p class="B">3</p><p>4</p></div>'
                         .replace("\\t", "\t").replace("\\n", "\n")).root
    got = [e.text or e.get("class") for e in tag_class(root, tag_class_query("p.b, div.b"))]
    assert got == ["a\tb", "2"]


@pytest.mark.parametrize("html", [
    "<div class='footer'>a<footer>b<p class='copyright'>c</p>d</footer>e</div>tail<p>no</p>",
    "<footer>x<!--c-->y</footer><p>mid</p><div id='site-footer'>z<?pi q?>w</div><span class='legal'>L</span>",
    "<p>none</p>", "<div class='legalese'><div class='footer'>in</div>out</div><div class='footer'>2</div>",
])
def test_kyodo_footer_texts_are_the_xpath_text_nodes_on_edge_cases(html):
    from crawler.sites.kyodo import FOOTER_TEXTS_XPATH, footer_texts

    root = Selector(text=html).root
    assert list(footer_texts(root)) == root.xpath(FOOTER_TEXTS_XPATH)


def test_kyodo_footer_texts_are_the_xpath_text_nodes_on_every_fixture():
    from crawler.sites.kyodo import FOOTER_TEXTS_XPATH, footer_texts

    texts = 0
    for path in PAGES:
        root = Selector(text=Path(path).read_text(encoding="utf-8", errors="replace")).root
        want = root.xpath(FOOTER_TEXTS_XPATH)
        assert list(footer_texts(root)) == want, path
        texts += len(want)
    assert texts > 100


def test_kyodo_figures_are_the_xpath_figures_on_every_fixture():
    from crawler.sites.kyodo import KyodoJapanWire

    query = ("//*[contains(concat(' ', normalize-space(@class), ' '), ' article-header-img ')]//figure"
             " | //*[contains(concat(' ', normalize-space(@class), ' '), ' article-body ')]//figure")
    figures = 0
    for path in PAGES + [None]:
        html = (Path(path).read_text(encoding="utf-8", errors="replace") if path else
                "<div class='article-header-img x'><figure>1<figure>2</figure></figure></div><figure>no</figure>"
                "<section class='a article-body'><div><figure>3</figure></div></section>")
        page = KyodoJapanWire(html, "https://english.kyodonews.net/articles/-/1")
        want = page.sel.root.xpath(query)
        assert [f.root for f in page.figures()] == want, path
        figures += len(want)
    assert figures >= 3
