"""Golden tests: every fixture case crawled through the real engine, compared field by field."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from crawler.golden import cases, crawl_case
from crawler.items import RECORD_KEYS
from crawler.schema import errors as schema_errors

CASES = cases()


@pytest.fixture(scope="session")
def crawled(tmp_path_factory):
    """Crawl every case once (two at a time); {case id: (records, process)}."""
    def run(case):
        return case.id, crawl_case(case, workdir=tmp_path_factory.mktemp(case.name))

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, CASES))


def test_there_are_cases_for_every_spider():
    sites = {c.site for c in CASES}
    assert "conversation" in sites, "fixtures/conversation has no case"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_matches_expected(case, crawled):
    records, proc = crawled[case.id]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert case.expected_path.exists(), f"{case.expected_path} missing: run `make regen-expected CASES={case.id}` and review it"
    expected = json.loads(case.expected_path.read_text(encoding="utf-8"))
    assert expected, f"{case.id}: expected.json is empty"
    got = {r["item_id"]: r for r in records}
    want = {r["item_id"]: r for r in expected}
    assert sorted(got) == sorted(want), "item ids differ"
    diffs = []
    for item_id, exp in want.items():
        for key in exp:
            if got[item_id].get(key) != exp[key]:
                diffs.append(f"{item_id} {key}: got {got[item_id].get(key)!r:.200} want {exp[key]!r:.200}")
    assert not diffs, "\n".join(diffs)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_line_has_every_key_and_validates(case, crawled):
    records, _ = crawled[case.id]
    for r in records:
        assert set(RECORD_KEYS) <= set(r), f"missing keys {set(RECORD_KEYS) - set(r)}"
        assert schema_errors(r) == [], r["url"]
