"""The Redis-loss journal (crawler/distributed/journal.py): the file, and the component on a real
redis-server. The end-to-end behaviour (three workers, Redis killed, nothing fetched twice) is
tested in tests/test_live_distributed.py and tests/test_distributed.py."""
from __future__ import annotations

import json
import logging
import stat

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.distributed.journal import (
    FLAG, LossJournal, encode_response, journal_path, read_journal, write_journal,
)
from tests.test_distributed import _redis_server_cls

PAGE = "<html><head><title>A story</title></head><body><p>Words of a story.</p></body></html>".encode()


def _entry(url: str = "https://news.example/a/1", body: bytes = PAGE) -> dict:
    return encode_response(url, 200, [(b"Content-Type", b"text/html; charset=utf-8"), (b"Set-Cookie", b"a=1"),
                                      (b"Set-Cookie", b"b=2")], body, "2026-12-07T10:00:00Z")


# ---------------------------------------------------------------------------- the file

def test_a_password_in_a_page_url_is_masked_in_the_journal(tmp_path, redis_client):
    url, _ = redis_client
    journal, spider = _journal(tmp_path, url)
    req = _request("r1", "https://reader:hunter22@news.example/a/1")
    journal.process_response(req, _response(req))
    journal.redis_lost([])
    journal.close(spider, "redis_unavailable")
    text = journal_path(tmp_path, "republisher").read_text()
    assert "hunter22" not in text and "news.example/a/1" in text


def test_journal_file_round_trip_is_atomic_and_private(tmp_path):
    path = journal_path(tmp_path, "republisher")
    doc = {"spider": "republisher", "done": ["r1"], "replay": {"r2": _entry()}}
    write_journal(path, doc)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["republisher.journal.json"]   # no temporary left
    assert read_journal(path) == (doc, None)
    assert read_journal(tmp_path / "none.json") == (None, None)


@pytest.mark.parametrize("raw", [b'{"done": ["r1"], "replay": {"r2": {"url": "u", "bo', b"\x00\x01 not json",
                                 b'{"done": "r1"}', json.dumps({"replay": {"r": {"body": "%%%"}}}).encode()])
def test_a_corrupt_journal_is_moved_aside_not_lost(tmp_path, raw):
    path = journal_path(tmp_path, "jiji")
    path.parent.mkdir(parents=True)
    path.write_bytes(raw)
    doc, aside = read_journal(path)
    assert doc is None and aside and ".corrupt-" in aside
    assert not path.exists()
    moved = [p for p in path.parent.iterdir() if ".corrupt-" in p.name]
    assert len(moved) == 1 and moved[0].read_bytes() == raw


# ---------------------------------------------------------------------------- the component

@pytest.fixture
def redis_client():
    import redis
    server = _redis_server_cls()().start()
    yield server.url, redis.Redis.from_url(server.url)
    server.cleanup()


def _journal(tmp_path, url: str) -> tuple[LossJournal, Spider]:
    crawler = get_crawler(Spider, {"REDIS_URL": url, "STATE_DIR": str(tmp_path), "DISTRIBUTED_WORKER_ID": "w1"})
    spider = Spider(name="republisher")
    return LossJournal.from_crawler(crawler), spider


def _request(rid: str, url: str) -> Request:
    return Request(url, meta={"_dist_id": rid})


def _response(request: Request, body: bytes = PAGE) -> HtmlResponse:
    return HtmlResponse(request.url, body=body, request=request,
                        headers={"Content-Type": "text/html; charset=utf-8", "Link": ["<a>; rel=x", "<b>; rel=y"],
                                 "Set-Cookie": ["session=s3cret-token"]})


def test_a_loss_keeps_unfinished_pages_and_the_restart_answers_them_without_fetching(tmp_path, redis_client):
    url, client = redis_client
    key = "republisher:inflight:w1"
    client.hset(key, mapping={"done1": b"d1", "mid1": b"m1", "mid2": b"m2", "waiting": b"w"})
    journal, spider = _journal(tmp_path, url)
    reqs = {rid: _request(rid, f"https://news.example/a/{rid}") for rid in ("done1", "done2", "mid1", "mid2")}
    for rid in ("done1", "done2", "mid1", "mid2"):                       # fetched in this run
        journal.process_response(reqs[rid], _response(reqs[rid], PAGE + rid.encode()))
    journal.forget("done2")                                              # finished, its id sent to Redis
    journal.redis_lost(["done1"])                                        # finished, id not sent yet
    journal.forget("mid1")                                               # finishes after the loss: items dropped
    with pytest.raises(IgnoreRequest):                                   # taken, not started: not fetched now
        journal.process_request(_request("waiting", "https://news.example/a/w"))
    assert journal.crawler.stats.get_value("distributed/not_started") == 1
    assert journal.process_request(Request("https://news.example/robots.txt")) is None
    journal.close(spider, "redis_unavailable")
    doc, _ = read_journal(journal_path(tmp_path, "republisher"))
    assert doc["done"] == ["done1"] and sorted(doc["replay"]) == ["mid1", "mid2"]
    assert "s3cret-token" not in journal_path(tmp_path, "republisher").read_text()   # no session on disk
    assert journal.crawler.stats.get_value("distributed/journal/kept") == 2

    # another worker took mid2 over meanwhile (its reclaim): only mid1 is answered from the journal
    client.hdel(key, "mid2")
    again, spider = _journal(tmp_path, url)
    rows = again.resume(spider, client, key)
    assert rows == {"mid1": b"m1"} and again.resumed == {"mid1"}
    assert sorted(k.decode() for k in client.hkeys(key)) == ["mid1", "waiting"]   # done1 cleared
    stats = again.crawler.stats
    assert stats.get_value("distributed/journal/done") == 1 and stats.get_value("distributed/journal/taken_over") == 1
    answer = again.process_request(reqs["mid1"])
    assert answer is not None and FLAG in answer.flags and answer.body == PAGE + b"mid1"
    assert answer.status == 200 and answer.headers.getlist("Link") == [b"<a>; rel=x", b"<b>; rel=y"]
    assert answer.url == reqs["mid1"].url and not answer.headers.getlist("Set-Cookie")
    assert answer.headers.get("X-Replay-Fetched-At")                     # relative dates: the first fetch's time
    assert again.process_request(_request("other", "https://news.example/a/o")) is None   # fetched as usual
    assert again.process_response(reqs["mid1"], answer) is answer
    again.forget("mid1")
    again.close(spider, "finished")
    assert not journal_path(tmp_path, "republisher").exists()             # nothing left to keep
    assert stats.get_value("distributed/journal/replayed") == 1


def test_a_corrupt_journal_is_one_warning_and_its_pages_are_fetched_again(tmp_path, redis_client, caplog):
    url, client = redis_client
    key = "republisher:inflight:w1"
    client.hset(key, "mid1", b"m1")
    path = journal_path(tmp_path, "republisher")
    path.parent.mkdir(parents=True)
    path.write_text('{"done": [], "replay": {"mid1": ', encoding="utf-8")          # torn
    journal, spider = _journal(tmp_path, url)
    with caplog.at_level(logging.WARNING, logger="crawler.distributed"):
        assert journal.resume(spider, client, key) == {}
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "could not be read; moved to" in warnings[0].getMessage()
    assert journal.crawler.stats.get_value("distributed/journal/corrupt") == 1
    assert client.hget(key, "mid1") == b"m1"          # still in flight: the restart queues it again


def test_without_redis_url_there_is_no_journal(tmp_path, monkeypatch):
    from scrapy.exceptions import NotConfigured
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(NotConfigured):
        LossJournal.from_crawler(get_crawler(Spider, {"STATE_DIR": str(tmp_path)}))


def test_responses_that_never_reach_the_callbacks_are_let_go(tmp_path, monkeypatch):
    """A redirect or a page a middleware drops is never 'done': its response is let go once
    KEEP_MAX newer ones came, but never one whose callbacks are still running."""
    class Coordinator:
        pending = {"busy": 1}
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    journal, _ = _journal(tmp_path, "redis://127.0.0.1:1/0")
    journal.crawler._distributed_coordinator = Coordinator()
    assert journal.keep_max == 64
    for rid in ["busy"] + [f"r{i}" for i in range(100)]:
        req = _request(rid, f"https://news.example/a/{rid}")
        journal.process_response(req, _response(req))
    assert len(journal.kept) == 64 and "busy" in journal.kept and "r99" in journal.kept and "r0" not in journal.kept
