"""Login/pay walls (crawler/extract/walls.py), the ``body_truncated`` key, its run counter and
the ``truncated`` health rule. Pages are small invented snippets: the wall is read from its
structure (classes, log-in and registration links, blurred teasers, JSON-LD gated parts), so the
wording changes from case to case on purpose."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from parsel import Selector
from scrapy.settings import Settings

from crawler import health
from crawler.extensions.runreport import build_report
from crawler.extract import walls
from crawler.items import RECORD_KEYS, Article, to_record
from crawler.pipelines.coverage import CoveragePipeline
from crawler.schema import errors as schema_errors
from crawler.sites import conversation, japantimes, jiji, kyodo, republisher
from crawler.sites.base import ArticlePage, choose_page

TEASER = "<p>HAKODATE - The ferry operator said on Monday that it would add a second night crossing in spring.</p>"
GATED = {"isAccessibleForFree": False, "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False,
                                                     "cssSelector": ".members-text"}}


def truncated(body_html: str, ld: dict | None = None, container: str = "div.story") -> bool | None:
    sel = Selector(text=f"<html><body><main>{body_html}</main></body></html>")
    node = sel.css(container)
    return walls.body_truncated(sel.root, node[0].root if node else None, ld)


WALL_BOXES = [
    # log-in and registration links, class names nobody told us about, different words
    '<div class="gate-box"><p>Members read on.</p><a href="https://www.example.jp/auth/login?next=/a/1">Sign in</a>'
    '<a href="https://member.example.jp/service/regist/">Join free</a></div>',
    '<div class="login-signage"><p>Please register to continue.</p></div>',
    '<section class="c-paywall"><h3>Subscriber exclusive</h3></section>',
    '<div><form action="/session"><input type="email"><input type="password"><button>Go</button></form></div>',
    '<aside class="x1"><a href="/login">Already a reader? Log in</a></aside>',
]


@pytest.mark.parametrize("box", WALL_BOXES)
def test_a_wall_box_where_the_text_stops_means_truncated(box):
    assert truncated(f'<div class="story">{TEASER}{box}</div>') is True


def test_a_registration_box_after_a_blurred_teaser_is_a_wall():
    blurred = TEASER.replace("<p>", '<p class="--blur">')
    box = '<div class="offer"><p>Free accounts get three months of archive.</p><a href="https://member.example.jp/join">Create account</a></div>'
    assert truncated(f'<div class="story">{TEASER}{blurred}{box}</div>') is True
    # the same box with no blurred teaser may be a promo: the page says nothing
    assert truncated(f'<div class="story">{TEASER}{box}</div>') is None


def test_a_promo_in_the_middle_of_a_whole_article_is_not_a_wall():
    promo = '<div class="promo"><a href="https://www.example.jp/subscribe/">Subscribe</a> <a href="/login">Log in</a></div>'
    more = "<p>Officials said the new timetable would be published in February, with tickets on sale a month later.</p>"
    assert truncated(f'<div class="story">{TEASER}{promo}{more}</div>') is None


def test_a_paragraph_that_links_to_a_login_page_is_text_not_a_wall():
    p = '<p>Residents can <a href="https://city.example.jp/login">log in to the city portal</a>.</p>'
    assert truncated(f'<div class="story">{TEASER}{p}</div>') is None


def test_a_wall_right_after_the_body_element():
    box = '<div class="cta"><a href="https://id.example.jp/signin">Sign in</a> to keep reading</div>'
    assert truncated(f'<div class="story">{TEASER}</div>{box}') is True


def test_jsonld_gated_part_missing_or_served():
    # the gated part's element is not on the page: it was not served
    assert truncated(f'<div class="story">{TEASER}</div>', GATED) is True
    # it is there with its text: whole, although isAccessibleForFree says false
    served = f'<div class="story">{TEASER}<div class="members-text"><p>{"More text. " * 10}</p></div></div>'
    assert truncated(served, GATED) is False
    # there but empty (filled by script for subscribers only)
    assert truncated(f'<div class="story">{TEASER}<div class="members-text"> </div></div>', GATED) is True


def test_is_accessible_for_free_alone_proves_nothing():
    assert truncated(f'<div class="story">{TEASER}</div>', {"isAccessibleForFree": False}) is None
    assert truncated(f'<div class="story">{TEASER}</div>', {"isAccessibleForFree": "False", "hasPart": []}) is None


def test_no_container_and_no_markup_is_unknown():
    assert truncated(TEASER, None, container="div.nothing") is None
    assert walls.gated_selectors({"hasPart": [{"isAccessibleForFree": "false", "cssSelector": ".a, #b"}]}) == [".a", "#b"]
    assert walls.gated_selectors({"hasPart": "junk"}) == []


def test_link_kinds():
    assert walls.link_kind("https://english.example.net/auth/login?return_to=x") == "login"
    assert walls.link_kind(" /users/sign-in ") == "login"
    assert walls.link_kind("https://member.example.net/service/regist/") == "join"
    assert walls.link_kind("/subscribe") == "join"
    assert walls.link_kind("/articles/-/123") is None
    assert walls.link_kind("/blogin-tips") is None
    assert walls.link_kind(None) is None


def test_deeply_nested_page_does_not_raise():
    deep = "<div>" * 3000 + TEASER + "</div>" * 3000
    assert truncated(f'<div class="story">{deep}</div>') is None


def test_base_page_reads_walls_around_its_article_element():
    html = (f'<html><body><article>{TEASER}<div class="regwall"><a href="/register">Register</a></div>'
            "</article></body></html>")
    assert ArticlePage(html, "https://news.example/a/1").article().body_truncated is True
    whole = f"<html><body><article>{TEASER}</article></body></html>"
    assert ArticlePage(whole, "https://news.example/a/1").article().body_truncated is None


# ---------------------------------------------------------------- the key, its counter, the rule

def test_body_truncated_is_a_contract_key_that_validates():
    assert "body_truncated" in RECORD_KEYS
    for value in (True, False, None):
        record = to_record(Article(url="https://x.test/a", canonical_url="https://x.test/a", source="kyodo", item_id="kyodo:1",
                                   fetched_at="2026-09-28T00:00:00Z", body_truncated=value))
        assert record["body_truncated"] is value and schema_errors(record) == []
    bad = dict(record, body_truncated="yes")
    assert schema_errors(bad)


class _Stats:
    def __init__(self):
        self.values: dict = {}

    def inc_value(self, key, count=1, start=0):
        self.values[key] = self.values.get(key, start) + count


def test_truncated_articles_are_counted_and_reported():
    crawler = SimpleNamespace(stats=_Stats(), settings=Settings({"SCHEMA_VALIDATE": True}))
    pipe = CoveragePipeline(crawler)
    for n, value in enumerate((True, True, False, None)):
        pipe.process_item(Article(url=f"https://x.test/{n}", canonical_url=f"https://x.test/{n}", source="kyodo", item_id=f"kyodo:{n}",
                                  fetched_at="2026-09-28T00:00:00Z", body_truncated=value))
    pipe.process_item(Article(url="https://x.test/5#brief-1", canonical_url="https://x.test/5#brief-1", source="kyodo",
                              kind="brief", item_id="kyodo:5-1",
                              fetched_at="2026-09-28T00:00:00Z", body_truncated=True))
    stats = crawler.stats.values
    assert stats["items/body_truncated"] == 2  # articles only
    assert stats["field/body_truncated/present"] == 3 and stats["field/body_truncated/missing"] == 1
    assert build_report("kyodo", stats, [], 1.0)["items"]["body_truncated"] == 2


def test_most_articles_truncated_fails_with_its_own_rule():
    ok = {"item_scraped_count": 10, "items/article": 10, "field/headline/present": 10,
          "field/date_published/present": 10, "field/body/present": 10}
    assert health.evaluate("kyodo", dict(ok, **{"items/body_truncated": 5})) == []  # half is not most
    rules = health.evaluate("kyodo", dict(ok, **{"items/body_truncated": 6}))
    assert [r for r, _ in rules] == ["truncated"] and "6/10" in rules[0][1]
    # a run too small to judge (one walled page fetched by hand) is not failed for it
    one = {"item_scraped_count": 1, "items/article": 1, "items/body_truncated": 1, "field/headline/present": 1,
           "field/date_published/present": 1, "field/body/present": 1}
    assert health.evaluate("kyodo", one) == []
    assert health.truncation({"items/article": 3, "items/body_truncated": 2})[0] == "truncated"


# ---------------------------------------------------------------- the fast path and its reference

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = sorted(p for p in FIXTURES.glob("*/*/*.html"))
SITE_PAGES = {"conversation": conversation, "japantimes": japantimes, "jiji": jiji, "kyodo": kyodo, "republisher": republisher}
#: crafted walls: each body of the tests above, and variants the fast path reads otherwise
BLURRED = TEASER.replace("<p>", '<p class="--blur">')
CRAFTED = [
    *(f'<div class="story">{TEASER}{box}</div>' for box in [
        *WALL_BOXES,
        '<div class="PAYWALL"><p>Caps.</p></div>', '<div id="x" class="sub tp-modal"></div>',
        '<div class="a"><div class="b"><ul><li><a href=" /Log in ">in</a></li></ul></div></div>',
        '<div><input type="PassWord"></div>', '<div><a href="https://members.example.org/">join</a></div>',
        '<div class="reg-wall">' + "long text. " * 80 + "</div><p>after</p>",
        '<div class="x"><script><a href="/login">in a script</a></script></div>',
        '<template class="paywall"><div class="paywall">hidden</div></template>',
        '<svg class="paywall"></svg><div class="premium-gate">x</div>',
        '<div class="logİn-box">folded İ</div>', '<div class="ſignage">long s</div>',
        '<div class="paywall"><div class="regwall">inner</div></div><!-- a comment -->',
    ]),
    f'<div class="story">{TEASER}{BLURRED}<div class="offer"><p>Free accounts.</p>'
    '<a href="https://member.example.jp/join">Create account</a></div></div>',
    f'<div class="story">{TEASER}<div class="offer"><a href="https://member.example.jp/join">Create account</a></div></div>',
    f'<div class="story">{BLURRED}<div class="BLUR"><p>x</p></div>{TEASER}<div class="offer"><a href="/join">Join</a></div>'
    "<p>Officials said the new timetable would be published in February, with tickets on sale a month later.</p></div>",
    f'<div class="story">{TEASER}<div class="promo"><a href="https://www.example.jp/subscribe/">Subscribe</a> '
    '<a href="/login">Log in</a></div><p>Officials said the new timetable would be published in February, with tickets.</p></div>',
    f'<div class="story">{TEASER}<p>Residents can <a href="https://city.example.jp/login">log in</a>.</p></div>',
    f'<div class="story">{TEASER}</div><div class="cta"><a href="https://id.example.jp/signin">Sign in</a> to keep reading</div>',
    f'<div class="story">{TEASER}</div><div class="blurred">{TEASER}</div><div class="c"><a href="/plans">Plans</a></div>',
    f'<div class="story">{BLURRED}</div><div class="c"><a href="/pricing">Pricing</a></div>',
    f'<div class="story">{TEASER}<div class="members-text"><p>{"More text. " * 10}</p></div></div>',
    f'<div class="story">{TEASER}<div class="members-text"> </div></div>',
    f'<div class="story">{TEASER}<div class="blurred offer"><p>Free accounts.</p><a href="/join">Join</a></div></div>',
    f'<div class="story">{TEASER}</div><div class="blurred c"><a href="/plans">Plans</a> for you</div>',
    f'<div class="story">{TEASER}<div class="w"><a href="/log\x0cin">a control character</a></div></div>',
    f'<div class="story\x0c">{BLURRED}<div class="x\x0c"><a href="/join">Join</a></div></div>',
]
LDS = [None, GATED, {"hasPart": {"isAccessibleForFree": "false", "cssSelector": "#gated, .story, div, .w p"}}]


def _agree(root, container, ld) -> bool | None:
    """body_truncated and wall_boxes, fast and reference, on one container: the same, or fail."""
    got = walls.body_truncated(root, container, ld)
    assert got is walls.body_truncated_reference(root, container, ld)
    if container is not None:
        assert walls.wall_boxes(container) == walls.wall_boxes_reference(container)
    return got


def _containers(sel, html, url, site):
    """The page class's body container, the page's own candidates, and None."""
    out = [None, sel.root]
    out += [n.root for n in sel.xpath('//body | //main | //article | //*[@itemprop="articleBody"]'
                                      ' | //*[contains(@class, "body") or contains(@class, "content") or contains(@class, "story")]')][:12]
    if site in SITE_PAGES:
        got = []
        orig = walls.body_truncated
        walls.body_truncated = lambda r, c, ld=None: got.append(c)
        try:
            choose_page(SITE_PAGES[site].PAGE_CLASSES, sel, url)(html, url).body_truncated()
        except Exception:  # noqa: BLE001 - a listing page has no body container
            pass
        finally:
            walls.body_truncated = orig
        out += [c for c in got if c is not None]
    return out


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fast_path_agrees_with_the_reference_on_every_fixture_page(path):
    meta = path.with_name(path.stem + ".meta.json")
    url = json.loads(meta.read_text())["url"] if meta.exists() else "https://example.test/"
    html = path.read_text(encoding="utf-8", errors="replace")
    sel = Selector(text=html)
    page_ld = ArticlePage(html, url).ld
    for container in _containers(sel, html, url, path.parent.parent.name):
        for ld in (page_ld, *LDS):
            _agree(sel.root, container, ld)
    for el in sel.root.iter():
        assert walls.wall_strength(el) == walls.wall_strength_reference(el)


@pytest.mark.parametrize("n", range(len(CRAFTED)))
def test_fast_path_agrees_with_the_reference_on_crafted_walls(n):
    sel = Selector(text=f"<html><body><main>{CRAFTED[n]}</main></body></html>")
    node = sel.css("div.story, div[class^=story]")
    for ld in LDS:
        for container in (node[0].root if node else None, sel.root):
            _agree(sel.root, container, ld)
    for el in sel.root.iter():
        assert walls.wall_strength(el) == walls.wall_strength_reference(el)


def test_the_comparison_sees_walls_found():
    """The pages above are compared where a wall *is* found, not only where both say nothing."""
    found = [_agree(Selector(text=f"<html><body><main>{b}</main></body></html>").root,
                    Selector(text=f"<html><body><main>{b}</main></body></html>").css("div.story")[0].root, None)
             for b in CRAFTED[:5]]
    assert found == [True] * 5
    sel = Selector(text=f"<html><body><main>{CRAFTED[0]}</main></body></html>")
    boxes = walls.wall_boxes(sel.css("div.story")[0].root)
    assert [(b.get("class"), s) for b, s in boxes] == [("gate-box", 2)]
    assert boxes == walls.wall_boxes_reference(sel.css("div.story")[0].root)
    ctrl = Selector(text=f"<html><body><main>{CRAFTED[-2]}</main></body></html>")  # the reference walk's fallback
    assert walls.wall_boxes(ctrl.css("div.story")[0].root)[0][1] == 2


def test_folding_covers_what_re_ignorecase_matches():
    """The word hints fold case as ``re.I`` does: every code point any ASCII letter matches."""
    letters = re.compile("[a-z]", re.I)
    for code in range(0x110000):
        ch = chr(code)
        if letters.fullmatch(ch):
            assert walls._fold(ch) in "abcdefghijklmnopqrstuvwxyz" and re.fullmatch(walls._fold(ch), ch, re.I), hex(code)


def test_word_hints_hold_for_every_wall_label_and_link():
    """Every label a wall regex finds holds a hint word, every log-in/join href a link word
    (generated from the regexes' own pieces, with case, whitespace and the folded letters)."""
    rng = random.Random(20)
    label_bits = ["pay", "reg", "login", "registration", "subscribe", "subscription", "hard", "signage", "signin",
                  "meter", "metered", "premium", "content", "article", "member", "members", "membership", "subscriber",
                  "subscribers", "piano", "tp", "wall", "gate", "box", "prompt", "required", "lock", "only", "offer",
                  "paywall", "template", "container", "modal", "blur", "blurred", "blurry", "x"]
    href_bits = ["/", "auth/", "account/", "accounts/", "user/", "users/", "member/", "log", "in", "sign", "up", "-",
                 "regist", "register", "registration", "subscribe", "subscription", "subscriptions", "membership", "join",
                 "create", "account", "plan", "plans", "pricing", "?", "#", ".", "https://", "//", "members.", "id.",
                 "login.", "auth.", "example.jp", " ", "\t"]

    def vary(text):
        text = "".join(c.upper() if rng.random() < 0.2 else c for c in text)
        return text.replace("i", "\u0130" if rng.random() < 0.5 else "\u0131") if rng.random() < 0.1 else (
            text.replace("s", "\u017f") if rng.random() < 0.1 else text)

    for _ in range(20000):
        label = vary(rng.choice(["", " ", "_", "-"]).join(rng.choice(label_bits) for _ in range(rng.randint(1, 4))))
        if walls._WALL_CLASS_RE.search(label):
            assert walls._words_in([label], walls.WALL_CLASS_WORDS), label
        if walls._BLUR_CLASS_RE.search(label):
            assert walls._words_in([label], walls.BLUR_CLASS_WORDS), label
        href = vary("".join(rng.choice(href_bits) for _ in range(rng.randint(1, 7))))
        if walls.link_kind(href):
            assert walls._hinted([href, "/x"], walls.LINK_WORDS, strip=True) == {href}, href


def test_hinted_cache_answers_like_a_fresh_read():
    """_hinted keeps each text's answer between pages: a text read again, alone or beside others,
    with other words or the other strip mode, gets the answer a fresh read gives."""
    cases = [(["a login-box", "plain", "x"], walls.WALL_CLASS_WORDS, False),
             (["plain", "paywall", "x"], walls.WALL_CLASS_WORDS, False),
             (["/si gn-in/x", "/about"], walls.LINK_WORDS, True),
             (["/si gn-in/x", "/about"], walls.LINK_WORDS, False),
             (["a login-box"], walls.BLUR_CLASS_WORDS, False)]
    for texts, words, strip in cases * 2:  # the second round is answered from the cache
        fresh = {t for t in set(texts) if walls._words_in([t], words, strip)}
        assert walls._hinted(texts, words, strip) == fresh
    assert walls._hinted(["/si gn-in/x"], walls.LINK_WORDS, True) == {"/si gn-in/x"}
    assert walls._hinted(["/si gn-in/x"], walls.LINK_WORDS, False) == set()
    walls._HINTS.clear()
    assert walls._hinted(["a login-box", "paywall"], walls.WALL_CLASS_WORDS) == {"a login-box", "paywall"}


def _truncated_page_only(root, container, ld):
    """body_truncated with the gated part looked for in the whole page only (as first written)."""
    rules = walls._FAST._replace(served=lambda el, ld_: walls.gated_part_served(el.getroottree().getroot(), ld_))
    return walls._truncated(rules, root, container, ld)


_GATED_LD = {"hasPart": {"isAccessibleForFree": False, "cssSelector": ".paywalled"}}
_LONG = "Long enough text for the gated part to count as served, well past forty chars."


@pytest.mark.parametrize("html", [
    f"<article><p>{_LONG}</p><div class='paywalled'>{_LONG}</div></article>",   # in the container, with text
    f"<article><p>{_LONG}</p><div class='paywalled'></div></article><div class='paywalled'>{_LONG}</div>",  # outside
    f"<article><p>{_LONG}</p></article>",                                        # missing
    f"<article><p>{_LONG}</p><div class='paywalled'>short</div></article>",      # too short
    "<article></article><div class='paywalled'></div>",
])
def test_gated_part_found_in_the_container_answers_like_the_whole_page(html):
    root = Selector(text=html).root
    container = root.find(".//article")
    assert walls.body_truncated(root, container, _GATED_LD) == _truncated_page_only(root, container, _GATED_LD)


def test_gated_part_container_first_on_every_fixture():
    import glob

    from crawler.extract.dom import first_body_or_article

    checked = 0
    for path in sorted(glob.glob(str(Path(__file__).resolve().parent.parent / "fixtures/*/*/*.html"))):
        sel = Selector(text=Path(path).read_text(encoding="utf-8", errors="replace"))
        container = first_body_or_article(sel)
        for ld in (_GATED_LD, {"hasPart": {"isAccessibleForFree": "False", "cssSelector": "div.article-body, p"}}):
            assert walls.body_truncated(sel.root, container, ld) == _truncated_page_only(sel.root, container, ld), path
            checked += container is not None
    assert checked > 10
