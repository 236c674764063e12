from datetime import UTC, datetime, timedelta

from bot.domain.ratelimit import SlidingWindow

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_the_first_update_over_the_limit_warns_and_later_ones_drop():
    window = SlidingWindow(limit=3)
    assert [window.check(1, NOW) for _ in range(3)] == ["ok"] * 3
    assert window.check(1, NOW) == "warn"
    assert window.check(1, NOW + timedelta(seconds=10)) == "drop"
    assert window.check(2, NOW) == "ok"  # someone else is not affected


def test_the_window_slides():
    window = SlidingWindow(limit=2)
    window.check(1, NOW)
    window.check(1, NOW + timedelta(seconds=30))
    assert window.check(1, NOW + timedelta(seconds=59)) == "warn"
    assert window.check(1, NOW + timedelta(seconds=60)) == "ok"


def test_idle_people_are_forgotten():
    window = SlidingWindow(limit=2)
    window.check(1, NOW)
    window.forget_idle(NOW + timedelta(minutes=2))
    assert window._seen == {}


def test_memory_is_pruned_by_the_window_itself_as_people_come_and_go():
    window = SlidingWindow(limit=1)
    for person in range(1000):
        window.check(person, NOW)
        window.check(person, NOW)  # over the limit: warned too
    assert len(window._seen) == 1000 and len(window._warned) == 1000
    assert window.check(5000, NOW + timedelta(minutes=2)) == "ok"  # nobody called forget_idle
    assert set(window._seen) == {5000} and window._warned == {}
