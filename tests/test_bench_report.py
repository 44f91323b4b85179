"""``make bench`` writes its table into the README between two markers, and nowhere else."""
from __future__ import annotations

from benchmarks.run import README, README_BEGIN, README_END, write_readme


def test_table_replaces_only_the_text_between_the_markers(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nbefore\n{README_BEGIN}\nold table\n{README_END}\nafter\n", encoding="utf-8")
    assert write_readme("| a | b |\n|---|---|\n| 1 | 2 |\n", readme)
    text = readme.read_text(encoding="utf-8")
    assert "old table" not in text
    assert text == f"# Title\n\nbefore\n{README_BEGIN}\n| a | b |\n|---|---|\n| 1 | 2 |\n{README_END}\nafter\n"
    # a second run replaces its own table instead of adding another
    assert write_readme("new", readme)
    assert readme.read_text(encoding="utf-8").count(README_BEGIN) == 1
    assert f"{README_BEGIN}\nnew\n{README_END}" in readme.read_text(encoding="utf-8")


def test_missing_markers_leave_the_readme_alone(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# no markers here\n", encoding="utf-8")
    assert not write_readme("table", readme)
    assert readme.read_text(encoding="utf-8") == "# no markers here\n"
    assert "markers" in capsys.readouterr().err
    assert not write_readme("table", tmp_path / "absent.md")


def test_project_readme_has_the_markers_once():
    text = README.read_text(encoding="utf-8")
    assert text.count(README_BEGIN) == 1 and text.count(README_END) == 1
    assert text.index(README_BEGIN) < text.index(README_END)


def test_table_survives_a_net_figure_of_zero():
    # a quick run's bare crawl can cost no more than its empty crawl: no division by zero
    from benchmarks.run import table

    side = {"cpu_ms_per_page": 0.0, "pages_per_s": 120.0, "maxrss_mb": 100.0}
    tp = {"corpus": {"pages": 120, "median_kb": 190, "min_kb": 189, "max_kb": 196}, "full": dict(side, cpu_ms_per_page=7.5),
          "bare": side, "lxml_parse_ms": 0.8, "trafilatura_ms": 12.0, "ours_extract_ms": 3.0, "ours_above_engine_ms": 7.5}
    text = table({"machine": {}, "quick": True, "throughput": {"conversation": tp}, "targets": []})
    assert "| (a) bare Scrapy spider, same engine + replay | 0.00 | n/a |" in text
    assert "| full crawl, every pipeline | 7.50 | 133 |" in text
