from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.ratelimit import TokenBucket

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_a_burst_passes_then_the_first_update_over_it_warns_and_later_ones_drop():
    bucket = TokenBucket(per_minute=60, burst=3)
    assert [bucket.check(1, NOW) for _ in range(3)] == ["ok"] * 3
    assert bucket.check(1, NOW) == "warn"
    assert bucket.check(1, NOW) == "drop"
    assert bucket.check(2, NOW) == "ok"  # someone else is not affected


def test_one_input_a_second_for_ten_minutes_always_passes():
    bucket = TokenBucket(per_minute=60, burst=30)
    verdicts = {bucket.check(1, NOW + timedelta(seconds=second)) for second in range(600)}
    assert verdicts == {"ok"}


def test_quick_tapping_in_bursts_passes():
    """Three taps within a second, then a pause to read the next question, for five minutes."""
    bucket = TokenBucket(per_minute=60, burst=30)
    verdicts = set()
    for round_ in range(100):
        start = NOW + timedelta(seconds=3 * round_)
        verdicts |= {bucket.check(1, start + timedelta(milliseconds=300 * tap)) for tap in range(3)}
    assert verdicts == {"ok"}


def test_a_real_flood_is_stopped_within_seconds():
    bucket = TokenBucket(per_minute=60, burst=30)
    verdicts = [bucket.check(1, NOW + timedelta(milliseconds=100 * n)) for n in range(60)]  # 10 a second
    assert verdicts.count("warn") == 1
    assert verdicts.index("warn") < 40
    assert verdicts[-1] == "drop"


def test_the_bucket_refills_and_a_later_flood_is_warned_again():
    bucket = TokenBucket(per_minute=60, burst=2)
    assert [bucket.check(1, NOW) for _ in range(4)] == ["ok", "ok", "warn", "drop"]
    assert bucket.check(1, NOW + timedelta(seconds=1)) == "ok"
    later = NOW + timedelta(minutes=2)
    assert [bucket.check(1, later) for _ in range(3)] == ["ok", "ok", "warn"]


def test_a_clock_that_steps_back_refills_nothing():
    bucket = TokenBucket(per_minute=60, burst=1)
    assert bucket.check(1, NOW) == "ok"
    assert bucket.check(1, NOW - timedelta(hours=1)) == "warn"


def test_idle_people_are_forgotten():
    bucket = TokenBucket(per_minute=60, burst=2)
    bucket.check(1, NOW)
    bucket.check(2, NOW + timedelta(minutes=2))
    bucket.forget_idle(NOW + timedelta(minutes=2))
    assert len(bucket) == 1  # the one who just sent something stays


def test_nonsense_limits_are_refused():
    with pytest.raises(ValueError):
        TokenBucket(per_minute=0, burst=5)
    with pytest.raises(ValueError):
        TokenBucket(per_minute=60, burst=0)
