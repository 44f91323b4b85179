"""Pure politeness rules (crawler/politeness/rules.py), tested directly."""
from __future__ import annotations

from crawler.politeness.rules import crawl_delay_floor, low_median, throttle_delay

KW = {"target_concurrency": 1.0, "min_delay": 0.0, "max_delay": 30.0, "start_delay": 0.5}


def test_crawl_delay_floor_takes_the_larger_and_caps():
    assert crawl_delay_floor(1.0, None, 30) == (1.0, False)
    assert crawl_delay_floor(1.0, 0, 30) == (1.0, False)
    assert crawl_delay_floor(1.0, 5, 30) == (5, False)
    assert crawl_delay_floor(8.0, 5, 30) == (8.0, False)
    assert crawl_delay_floor(1.0, 3600, 30) == (30, True)


def test_low_median_ignores_one_outlier():
    assert low_median([0.1, 10.0]) == 0.1
    assert low_median([0.1, 10.0, 0.2]) == 0.2
    assert low_median([10.0]) == 10.0


def test_one_slow_answer_among_fast_ones_moves_nothing():
    window = [0.05, 0.05, 0.05, 10.0]
    assert throttle_delay(0.05, window, status=200, **KW) == 0.05


def test_a_first_slow_answer_raises_the_delay_at_most_to_double_or_the_start_delay():
    assert throttle_delay(0.1, [10.0], status=200, **KW) == 0.5
    assert throttle_delay(2.0, [10.0], status=200, **KW) == 4.0


def test_the_delay_comes_back_down_with_the_next_fast_answers():
    delay, window = 0.1, []
    seen = []
    for latency in [10.0, 0.05, 0.05, 0.05, 0.05]:
        window = (window + [latency])[-5:]
        delay = throttle_delay(delay, window, status=200, **KW) or delay
        seen.append(delay)
    assert seen[0] == 0.5 and seen[1] == 0.05 and max(seen[1:]) == 0.05


def test_a_server_that_stays_slow_raises_the_delay_step_by_step():
    delay, window, seen = 0.1, [], []
    for _ in range(6):
        window = (window + [4.0])[-5:]
        delay = throttle_delay(delay, window, status=200, **KW) or delay
        seen.append(delay)
    assert seen == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_redirects_and_304_lower_the_delay_errors_do_not():
    window = [0.05, 0.05, 0.05]
    for status in (301, 302, 304):
        assert throttle_delay(4.0, window, status=status, **KW) == 0.05
    assert throttle_delay(4.0, window, status=500, **KW) is None
    assert throttle_delay(0.05, [5.0, 5.0, 5.0], status=503, **KW) == 0.5   # errors may raise it


def test_floor_and_ceiling_hold():
    assert throttle_delay(0.0, [0.01], status=200, **{**KW, "min_delay": 2.0}) == 2.0
    assert throttle_delay(30.0, [100.0, 100.0], status=200, **KW) == 30.0


# ---------------------------------------------------------------------------- validators

def test_wants_validators_only_for_the_spiders_own_non_article_pages():
    from crawler.politeness.rules import wants_validators
    feed, page = "https://a.example/rss", "https://a.example/news/1"
    assert wants_validators(feed, {"seed": True}, user_seeds=False, since=None)
    assert wants_validators(feed, {"listing_depth": 2}, user_seeds=False, since=None)
    assert not wants_validators(page, {"article": True}, user_seeds=False, since=None)
    assert not wants_validators(feed, {"seed": True}, user_seeds=True, since=None)
    assert not wants_validators(feed, {"seed": True}, user_seeds=False, since="2025-01-01")
    assert not wants_validators(feed, {"dont_conditional": True}, user_seeds=False, since=None)
    assert not wants_validators("https://a.example/robots.txt", {}, user_seeds=False, since=None)
    assert not wants_validators(feed, {"dont_obey_robotstxt": True}, user_seeds=False, since=None)


def test_validator_store_round_trip_age_and_forgetting(tmp_path):
    from crawler.politeness.validators import ValidatorStore
    path = tmp_path / "v" / "jiji.json"
    store = ValidatorStore(path, max_age_days=30)
    assert store.urls == {} and store.problem is None and store.headers("https://a/x") == {}
    store.merge({"https://a/feed": {"etag": '"e1"', "last_modified": "Mon, 06 Oct 2025 01:02:03 GMT"},
                 "https://a/list": {"etag": None, "last_modified": "Tue, 07 Oct 2025 01:02:03 GMT"},
                 "https://a/none": {"etag": None, "last_modified": None}}, "2026-01-01")
    store.save()
    again = ValidatorStore(path)
    assert again.headers("https://a/feed") == {"If-None-Match": '"e1"',
                                               "If-Modified-Since": "Mon, 06 Oct 2025 01:02:03 GMT"}
    assert again.headers("https://a/list") == {"If-Modified-Since": "Tue, 07 Oct 2025 01:02:03 GMT"}
    assert "https://a/none" not in again.urls
    again.merge({"https://a/list": None}, "2026-01-20")          # a page now without validators: forgotten
    assert set(again.urls) == {"https://a/feed"}
    again.merge({}, "2026-02-15")                                # not seen for 45 days: dropped
    assert again.urls == {}
    assert not list(path.parent.glob("*.tmp*"))


def test_validator_store_moves_an_unreadable_file_aside(tmp_path):
    from crawler.politeness.validators import ValidatorStore
    for n, text in enumerate(['{"format": 1, "urls": [', '{"format": 9, "urls": {}}', '[]']):
        path = tmp_path / str(n) / "jiji.json"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        store = ValidatorStore(path)
        assert store.urls == {} and "unreadable" in store.problem and "moved aside" in store.problem
        assert not path.exists() and len(list(path.parent.glob("jiji.json.corrupt-*"))) == 1
