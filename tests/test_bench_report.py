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
