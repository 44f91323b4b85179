"""`scrapy check`: every spider's article callback has contracts, run offline on the replayed
fixtures (crawler/commands/check.py), and they catch a page that lost its headline markup."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import make_dataclass
from pathlib import Path

import pytest
from scrapy.contracts import ContractsManager
from scrapy.exceptions import ContractFail
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

from crawler.contracts import FieldsContract, empty_fields
from crawler.golden import ROOT
from crawler.items import Article

SPIDERS = ("conversation", "japantimes", "jiji", "kyodo", "republisher")


def check(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`scrapy check ARGS` from the project root, OUTPUT_DIR and STATE_DIR under TMP_PATH."""
    return subprocess.run([sys.executable, "-m", "scrapy", "check", *args,
                           "-s", f"OUTPUT_DIR={tmp_path / 'out'}", "-s", f"STATE_DIR={tmp_path / 'state'}"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def contracts_of(spider: str) -> str:
    """The docstring of SPIDER's article callback (its contracts)."""
    return SpiderLoader.from_settings(get_project_settings()).load(spider).parse_article.__doc__ or ""


def contract_url(spider: str) -> str:
    (url,) = re.findall(r"@url\s+(\S+)", contracts_of(spider))
    return url


def test_every_spider_has_article_contracts():
    listed = subprocess.run([sys.executable, "-m", "scrapy", "check", "--list"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert re.findall(r"^(\w+)\n  \* parse_article$", listed.stdout, re.M) == list(SPIDERS), listed.stdout
    for spider in SPIDERS:
        doc = contracts_of(spider)
        assert "@returns items 1 1" in doc and re.search(r"@fields .*\bheadline\b.*\bbody\b", doc), spider


def test_check_passes_offline_on_the_fixtures_and_writes_nothing(tmp_path):
    proc = check(tmp_path)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert re.search(r"Ran 1[0-9] contracts", proc.stderr) and proc.stderr.rstrip().endswith("OK"), proc.stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "state").exists(), "scrapy check wrote state or reports"


def test_check_without_pages_to_replay_says_so_in_one_line(tmp_path):
    proc = check(tmp_path, "-s", f"REPLAY_DIR={tmp_path / 'none'}")
    # a REPLAY_DIR that is not a folder is a configuration error (crawler/config.py): exit 78
    assert proc.returncode == 78, proc.stderr[-2000:]
    assert proc.stderr.count("\n") == 1 and f"REPLAY_DIR={tmp_path / 'none'}" in proc.stderr
    assert "existing folder" in proc.stderr


def without_headline(html: str) -> str:
    """The page after a redesign that dropped every headline the spiders read: <h1>, <title>,
    og/twitter titles and JSON-LD headlines."""
    for pattern in (r"<h1[^>]*>.*?</h1>", r"<title>.*?</title>", r"<meta[^>]+(og:title|twitter:title)[^>]*>",
                    r'"(headline|name)"\s*:\s*"(?:[^"\\]|\\.)*"\s*,?'):
        html = re.sub(pattern, "", html, flags=re.S | re.I)
    return html


@pytest.mark.parametrize("spider", SPIDERS)
def test_check_fails_on_a_fixture_without_headline_markup(tmp_path, spider):
    """The contract page copied with its headline markup removed: `scrapy check` exits 1 and says
    which page lost which field."""
    url = contract_url(spider)
    meta_path = next(p for p in (ROOT / "fixtures").glob("*/*/*.meta.json")
                     if json.loads(p.read_text()).get("url") == url)
    src = Path(meta_path).parent
    replay = tmp_path / "replay" / src.name
    shutil.copytree(src, replay)
    meta = json.loads((replay / meta_path.name).read_text())
    page = replay / meta["body"]
    page.write_text(without_headline(page.read_text(encoding="utf-8")), encoding="utf-8")
    proc = check(tmp_path, spider, "-s", f"REPLAY_DIR={tmp_path / 'replay'}")
    assert proc.returncode == 1, proc.stderr[-4000:]
    assert f"{url}: no value for headline" in proc.stderr, proc.stderr[-4000:]
    assert "FAILED (failures=1)" in proc.stderr


def test_check_live_fetches_the_sites(live, tmp_path):
    """`scrapy check --live` asks the sites (here the local HTTPS harness): it passes on the pages
    as served, and a site whose markup lost its classes and structured data fails."""
    settings = [arg for k, v in live.settings().items() for arg in ("-s", f"{k}={v}")]
    ok = check(tmp_path, "--live", "conversation", *settings)
    assert ok.returncode == 0, ok.stderr[-4000:]
    assert live.count(contract_url("conversation")) == 1
    live.strip_markup("theconversation.com")
    drifted = check(tmp_path, "--live", "conversation", *settings)
    assert drifted.returncode == 1, drifted.stderr[-4000:]
    # which fields go depends on what the generic layer still recovers (trafilatura finds the
    # authors of a stripped page; its images and DOI are gone): the check names them
    m = re.search(re.escape(contract_url("conversation")) + r": no value for ([a-z_, ]+)", drifted.stderr)
    assert m, drifted.stderr[-4000:]
    assert {"images", "doi"} <= {f.strip() for f in m.group(1).split(",")}, m.group(0)


def test_fields_contract_wants_values_not_keys():
    class Spider:
        name = "s"

        def parse_article(self, response):
            pass

    contract = FieldsContract(Spider().parse_article, "headline", "body")
    full = Article(url="https://x.example/a", headline="H", body="B")
    contract.post_process([full])
    with pytest.raises(ContractFail, match=r"https://x.example/a: no value for body"):
        contract.post_process([full, Article(url="https://x.example/a", headline="H", body="")])
    with pytest.raises(ContractFail, match="no item returned"):
        contract.post_process([])
    assert empty_fields(Article(tags=[], headline="H"), ["tags", "headline", "no_such_field"]) == ["tags", "no_such_field"]
    Plain = make_dataclass("Plain", [("headline", str)])
    assert empty_fields({"headline": "H"}, ["headline"]) == [] and empty_fields(Plain(None), ["headline"]) == ["headline"]
    assert ContractsManager([FieldsContract]).contracts["fields"] is FieldsContract
