"""The bench corpus from real page structure (benchmarks/realcorpus.py) and its fixture fallback."""
from __future__ import annotations

import json
import random
import re

import pytest

from benchmarks import realcorpus


def test_paragraph_words_replaced_and_nothing_else():
    page = ('<html><head><style>p { color: red }</style><script>var s = "<p>Keep these words</p>";</script></head>'
            '<body><h1>Headline stays here</h1><p class="lead">TOKYO - Seventeen people&nbsp;gathered '
            '<a href="/x">near harbour</a> on Monday.</p><div><p>Another paragraph, with U.S. words.</p></div></body></html>')
    out = realcorpus.replace_paragraph_words(page, random.Random(1), ["zzzz"])
    tags = re.compile(r"<[^>]*>")
    assert tags.findall(out) == tags.findall(page)                       # markup kept, tag for tag
    assert 'var s = "<p>Keep these words</p>"' in out and "p { color: red }" in out
    assert "<h1>Headline stays here</h1>" in out
    assert "TOKYO - Zzzz zzzz&nbsp;zzzz <a" in out                          # capitals and entities kept
    assert ">zzzz zzzz</a> on Zzzz.</p>" in out
    assert "<p>Zzzz zzzz, zzzz U.S. zzzz.</p>" in out


@pytest.mark.skipif(not realcorpus.available(), reason="../shared/realpages is absent (a fresh clone): "
                    "the bench uses the fixture corpus there")
def test_real_copies_keep_the_markup_and_get_their_own_ids(tmp_path):
    from scrapy.http import HtmlResponse, Request

    from crawler.items import to_record
    from crawler.spiders.conversation import ConversationSpider
    from crawler.spiders.kyodo import KyodoSpider

    spiders = {"conversation": ConversationSpider(), "kyodo": KyodoSpider()}
    listing = realcorpus.build(tmp_path, 6, seed=3, sites={"conversation", "kyodo"})
    assert {s for s, _ in listing} == {"conversation", "kyodo"} and len({u for _, u in listing}) == 6
    sitemap = (tmp_path / "sitemap-conversation.url").read_text().strip()
    metas = {json.loads(m.read_text())["url"]: m for m in tmp_path.rglob("*.meta.json")}
    sm = metas[sitemap]
    assert [u for s, u in listing if s == "conversation"] == re.findall(
        r"<loc>([^<]+)</loc>", (sm.parent / json.loads(sm.read_text())["body"]).read_text())

    def record(spider, url, body):
        r = HtmlResponse(url, body=body, headers={"Content-Type": "text/html; charset=utf-8"},
                         request=Request(url, meta={"fetched_at": "2026-01-01T00:00:00Z"}))
        return to_record(next(iter(spiders[spider].page_for(r).items())))

    originals = {s.url: (s, (realcorpus.realpages_dir() / s.file).read_text(encoding="utf-8")) for s in realcorpus.SOURCES}
    tags = re.compile(r"<[^>]*>")
    for spider, url in listing:
        meta = json.loads(metas[url].read_text())
        copy = (metas[url].parent / meta["body"]).read_text(encoding="utf-8")
        rec = record(spider, url, copy.encode())
        src, page = next((s, p) for s, p in originals.values() if s.spider == spider and
                         record(spider, s.url, p.encode())["headline"] == rec["headline"])
        new_id = re.search(r"\d+$", url).group(0)
        renamed = page.replace(src.article_id, new_id)
        if src.slug:
            renamed = renamed.replace(src.slug, url.rsplit("/", 1)[1][: -len(new_id) - 1])
        assert tags.findall(copy) == tags.findall(renamed)               # the markup, byte for byte
        orig = record(spider, src.url, page.encode())
        assert rec["canonical_url"] == url and rec["item_id"] != orig["item_id"]
        assert rec["body"] != orig["body"] and abs(len(rec["body"]) - len(orig["body"])) < 0.2 * len(orig["body"])
        for key in ("headline", "date_published", "section", "dateline", "body_truncated"):
            assert rec.get(key) == orig.get(key), key


def test_without_the_captures_the_bench_builds_the_fixture_corpus(tmp_path, monkeypatch):
    from benchmarks import run

    monkeypatch.setenv("BENCH_REALPAGES", str(tmp_path / "nothing-here"))
    monkeypatch.setattr(run, "CORPUS", tmp_path / "corpus")
    assert realcorpus.available() == []
    root = run.corpus("conversation6", 6, 11, {"conversation"})
    recipe = json.loads((root / "recipe.json").read_text())
    assert recipe["real"] == [] and recipe["source"].startswith("fixtures")
    assert not list(root.glob("sitemap-*.url"))                            # crawled from its URL file
    assert len((root / "urls-conversation.txt").read_text().split()) == 6


@pytest.mark.skipif(not (realcorpus.realpages_dir() / realcorpus.LISTINGS["japantimes"][0]).is_file(),
                    reason="../shared/realpages is absent (a fresh clone): no listing pages from the real homepage")
def test_listing_copies_of_the_homepage_lead_to_every_article_once(tmp_path):
    articles = [("japantimes", f"https://www.japantimes.co.jp/news/2024/01/{1 + i % 28:02d}/national/story-{i}-c{i}/")
                for i in range(100)]
    made = realcorpus.build_listings(tmp_path, articles + [("kyodo", "https://english.kyodonews.net/articles/-/1")])
    assert len(made) == 2 and all(s == "japantimes" for s, _ in made)      # 70 links a copy
    assert (tmp_path / "seeds-japantimes.txt").read_text().split() == [u for _, u in made]
    found = []
    for meta in sorted(tmp_path.rglob("l*.meta.json")):
        m = json.loads(meta.read_text())
        found.append(realcorpus._article_links("japantimes", m["url"], (meta.parent / m["body"]).read_text()))
    assert len(found[0]) == 70 and set(found[0]) | set(found[1]) == {u for _, u in articles}
    assert not set(found[0]) & set(found[1])
