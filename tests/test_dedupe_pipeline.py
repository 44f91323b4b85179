"""The dedupe pipeline (Scrapy glue): story ids, modes, written marks only after the signal."""
from __future__ import annotations

import json

import pytest

import crawler.pipelines.dedupe as dedupe_pipeline_module
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from crawler import signals as our_signals
from crawler.items import Article, to_record
from crawler.pipelines.dedupe import DedupePipeline

from tests.test_dedupe import OTHER, STORY


def article(item_id, body=STORY, **kw):
    kw.setdefault("canonical_url", f"https://example.com/{item_id.replace(':', '/')}")
    return Article(item_id=item_id, body=body, headline="h", source=item_id.split(":")[0], **kw)


class Run:
    """One crawl's pipeline over a state folder; `write` plays the JSONL writer's signal."""

    def __init__(self, tmp_path, **settings):
        base = {"STATE_DIR": str(tmp_path / "state"), "OUTPUT_DIR": str(tmp_path / "out")}
        base.update(settings)
        self.crawler = get_crawler(settings_dict=base)
        self.crawler.stats.open_spider()
        self.pipe = DedupePipeline.from_crawler(self.crawler)
        self.pipe.open_spider()

    def process(self, item):
        return self.pipe.process_item(item)

    def write(self, item):
        self.crawler.signals.send_catch_log(our_signals.item_written, item=item, record=to_record(item), spider=None)

    def process_and_write(self, item):
        out = self.process(item)
        self.write(out)
        return out

    def stat(self, name):
        return self.crawler.stats.get_value(f"dedupe/{name}", 0)

    def close(self):
        self.pipe.close_spider()


def test_disabled_raises_not_configured(tmp_path):
    crawler = get_crawler(settings_dict={"DEDUPE_ENABLED": False, "STATE_DIR": str(tmp_path)})
    with pytest.raises(NotConfigured):
        DedupePipeline.from_crawler(crawler)


def test_state_dir_created_and_copies_share_story_id(tmp_path):
    run = Run(tmp_path)
    assert (tmp_path / "state" / "dedupe.sqlite").exists()
    orig = run.process_and_write(article("conversation:77", story_id="conversation:77"))
    repub = run.process_and_write(article("republisher:a", story_id="conversation:77", is_republication=True,
                                          original_publisher="The Conversation", original_url="https://theconversation.com/x-77"))
    aggregator = run.process_and_write(article("republisher:b", body="Hashtags\n" + STORY.replace("TOKYO - ", ""),
                                               is_republication=True, original_publisher="Kyodo News"))
    other = run.process_and_write(article("kyodo:9", body=OTHER, story_id="kyodo:9"))
    assert orig.story_id == repub.story_id == aggregator.story_id == "conversation:77"
    assert other.story_id == "kyodo:9"
    # attribution is never touched
    assert (repub.is_republication, repub.original_publisher) == (True, "The Conversation")
    assert (aggregator.is_republication, aggregator.original_publisher) == (True, "Kyodo News")
    assert (run.stat("new_story"), run.stat("linked_hard"), run.stat("linked_near")) == (2, 1, 1)
    run.close()


def test_same_item_twice_in_a_run_is_written_once(tmp_path):
    run = Run(tmp_path)
    run.process(article("kyodo:1", story_id="kyodo:1"))
    with pytest.raises(DropItem):
        run.process(article("kyodo:1", story_id="kyodo:1"))
    assert run.stat("duplicate_in_run") == 1
    run.close()


def test_unchanged_not_written_again_changed_written_with_same_ids(tmp_path):
    run = Run(tmp_path)
    first = run.process_and_write(article("republisher:z", is_republication=True))
    sid = first.story_id
    assert sid.startswith("story:")
    run.close()

    run = Run(tmp_path)
    with pytest.raises(DropItem):
        run.process(article("republisher:z", is_republication=True))
    assert run.stat("unchanged") == 1
    run.close()

    run = Run(tmp_path)
    changed = run.process(article("republisher:z", body=STORY + "\n\nA correction was added.", is_republication=True))
    assert (changed.item_id, changed.story_id) == ("republisher:z", sid)
    assert run.stat("changed") == 1
    run.close()


def test_no_mark_without_the_written_signal(tmp_path):
    run = Run(tmp_path)
    run.process(article("kyodo:5", story_id="kyodo:5"))        # the writer never confirmed the line
    run.close()
    run = Run(tmp_path)
    again = run.process(article("kyodo:5", story_id="kyodo:5"))
    assert again.story_id == "kyodo:5" and run.stat("unchanged") == 0
    run.close()


def test_marks_are_batched_but_committed_at_close(tmp_path):
    run = Run(tmp_path, DEDUPE_COMMIT_ITEMS=1000, DEDUPE_COMMIT_SECONDS=3600)
    run.process_and_write(article("kyodo:6", story_id="kyodo:6"))
    assert run.pipe.pending == 1                                # not committed yet
    run.close()
    run = Run(tmp_path)
    with pytest.raises(DropItem):
        run.process(article("kyodo:6", story_id="kyodo:6"))
    run.close()


def test_drop_mode_drops_copies_of_written_stories_keeps_originals(tmp_path):
    run = Run(tmp_path, DEDUPE_MODE="drop")
    # copy first: nothing written yet, so it is written
    copy1 = run.process_and_write(article("republisher:c1", story_id="conversation:8", is_republication=True))
    # the original always goes through
    orig = run.process_and_write(article("conversation:8", story_id="conversation:8"))
    assert copy1.story_id == orig.story_id == "conversation:8"
    with pytest.raises(DropItem):
        run.process(article("republisher:c2", body="Hashtags\n" + STORY, is_republication=True))
    assert run.stat("dropped") == 1
    run.close()


def test_link_mode_is_default_and_writes_every_copy(tmp_path):
    run = Run(tmp_path)
    run.process_and_write(article("conversation:8", story_id="conversation:8"))
    c = run.process_and_write(article("republisher:c2", body="Hashtags\n" + STORY, is_republication=True))
    assert c.story_id == "conversation:8" and run.stat("dropped") == 0
    run.close()


def test_bad_input_passes_through(tmp_path):
    run = Run(tmp_path)
    assert run.process({"not": "an article"}) == {"not": "an article"}
    item = run.process(Article(item_id="x:1", body=None, headline=None))
    assert item.story_id and item.story_id.startswith("story:")
    run.close()


def test_killed_run_lines_are_recovered_from_jsonl(tmp_path):
    """Lines flushed after the last commit of a killed run are marked at the next start."""
    run = Run(tmp_path, DEDUPE_COMMIT_ITEMS=1000, DEDUPE_COMMIT_SECONDS=3600)
    done = run.process_and_write(article("kyodo:7", story_id="kyodo:7"))
    out = tmp_path / "out" / "items"
    out.mkdir(parents=True)
    (out / "2026-01-01.jsonl").write_text(json.dumps(to_record(done)) + "\n" + '{"torn": ', encoding="utf-8")
    run.pipe.store.db.close()                                   # killed: the open transaction is lost
    dedupe_pipeline_module._SHARED.clear()                      # ... and so is the process's store registry
    run = Run(tmp_path)
    assert run.stat("recovered") == 1
    with pytest.raises(DropItem):
        run.process(article("kyodo:7", story_id="kyodo:7"))
    assert run.stat("unchanged") == 1
    run.close()
    run = Run(tmp_path)                                          # already read back: not counted again
    assert run.stat("recovered") == 0
    run.close()
