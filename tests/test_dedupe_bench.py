"""The dedupe benchmark still runs and measures what it claims (tiny sizes; no timing asserted)."""
from benchmarks.bench_dedupe import Corpus, run


def test_bench_runs_small_and_reports_every_size(tmp_path):
    res = run(sizes=(300, 600), measure_items=50, workdir=str(tmp_path), log=lambda *_: None)
    assert set(res["sizes"]) == {"300", "600"}
    for size, m in res["sizes"].items():
        assert m["stories"] >= int(size)                     # the index really holds that many stories
        assert 100 < m["bytes_per_story"] < 2000
        assert 0 < m["p50_ms"] <= m["p99_ms"] and m["cpu_p50_ms"] > 0 and m["rss_mb"] > 0
        linked, copies = map(int, m["copies_linked"].split("/"))
        assert copies == 10 and linked == copies             # edited copies are found at every size
    assert "p50_ratio_largest_vs_smallest" in res


def test_corpus_is_deterministic_and_realistic_length():
    a, b = Corpus(seed=3), Corpus(seed=3)
    texts = [a.story() for _ in range(5)]
    assert texts == [b.story() for _ in range(5)]
    assert all(250 <= len(t.split()) <= 720 and t.startswith("TOKYO - ") for t in texts)
