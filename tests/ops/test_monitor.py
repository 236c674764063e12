"""The pure rules behind the status line, /healthz, /metrics and the second poller: time comes in as `now`."""
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.ops.figures import Figures
from bot.ops.monitor import Monitor, prometheus, status_line

START = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)


def figures(backlog: int = 0, **due: int) -> Figures:
    return Figures(due={"checkin_prompts": 0, "goal_prompts": 0, **due}, backlog=backlog, oldest_due_seconds=0.0,
                   waiting=0, claimed=0, retrying=0, sent_last_hour=0, failed_last_hour=0, nudges_unacknowledged=2)


def test_a_repeating_error_is_logged_once_a_minute():
    monitor = Monitor(started_at=START)
    seen = [monitor.should_log("OperationalError at x", START + timedelta(seconds=s)) for s in range(0, 180, 5)]
    assert seen.count(True) == 3  # at 0, 60 and 120 seconds
    assert monitor.should_log("another error", START)


def test_each_update_gets_one_apology():
    monitor = Monitor(started_at=START)
    assert monitor.first_apology(7) and not monitor.first_apology(7) and monitor.first_apology(8)


@pytest.mark.parametrize(("last_tick", "database", "backlog", "healthy"), [
    (timedelta(seconds=-30), True, 3, True),
    (timedelta(minutes=-3), True, 3, False),  # the tick is stuck
    (timedelta(seconds=-30), False, None, False),  # the database does not answer
    (timedelta(seconds=-30), True, 500, False),  # the outbox does not drain
])
def test_health_needs_a_database_a_recent_tick_and_a_short_backlog(last_tick, database, backlog, healthy):
    monitor = Monitor(started_at=START - timedelta(hours=1))
    monitor.tick_done(START + last_tick, 0.1, 0, 0, 0)
    checks = monitor.health(START, database_ok=database, backlog=backlog, max_backlog=500)
    assert all(checks.values()) is healthy


def test_a_fresh_process_gets_two_minutes_for_its_first_tick():
    monitor = Monitor(started_at=START)
    assert monitor.health(START + timedelta(seconds=90), database_ok=True, backlog=0, max_backlog=5)["tick"]
    assert not monitor.health(START + timedelta(minutes=3), database_ok=True, backlog=0, max_backlog=5)["tick"]


def test_the_newcomer_gives_way_to_the_poller_that_was_there_first():
    newcomer = Monitor(started_at=START)
    assert newcomer.conflict_stops_us(START + timedelta(seconds=2))
    first = Monitor(started_at=START - timedelta(hours=5))
    assert not first.conflict_stops_us(START)
    assert not first.conflict_stops_us(START + timedelta(seconds=30))
    assert not first.conflict_stops_us(START + timedelta(minutes=10))  # a new conflict, long after: patience again
    # ... unless the other side never gives way
    assert [first.conflict_stops_us(START + timedelta(minutes=10, seconds=s)) for s in (30, 60, 90, 121)] == [
        False, False, False, True]


def test_the_status_line_counts_the_last_minute_and_says_when_the_database_is_away():
    monitor = Monitor(started_at=START)
    monitor.count_update()
    monitor.tick_done(START, 0.5, sent=4, retried=1, failed=0)
    line = status_line(monitor.take_window(), figures(backlog=3, checkin_prompts=2), monitor, START)
    assert line == ("status: due=2 backlog=3 claimed=0 sent=4 retried=1 failed=0 rate_limited=0 updates=1 errors=0 "
                    "ticks=1 tick=0.50s")
    assert "sent=0" in status_line(monitor.take_window(), figures(), monitor, START)  # a new minute

    monitor.tick_failed(START, "OperationalError at session.py:1 connect", database_down=True)
    monitor.tick_failed(START + timedelta(minutes=2), "OperationalError at session.py:1 connect", database_down=True)
    line = status_line(monitor.take_window(), None, monitor, START + timedelta(minutes=2))
    assert line.startswith("status: DATABASE UNREACHABLE for 2 min (OperationalError at session.py:1 connect)")
    assert "ticks failed=2" in line


def test_metrics_are_prometheus_text_with_counts_only():
    monitor = Monitor(started_at=START)
    monitor.count_update()
    monitor.tick_done(START, 0.25, sent=2, retried=0, failed=1)
    text = prometheus(monitor, figures(backlog=3, goal_prompts=1), START, database_ok=True)
    sample = re.compile(r'^[a-z_]+(\{[a-z_]+="[a-z_]+"\})? -?[0-9.e+]+$')
    for line in text.splitlines():
        assert line.startswith("# HELP ") or line.startswith("# TYPE ") or sample.match(line), line
    values = dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))
    assert values["houvast_updates_total"] == "1"
    assert values["houvast_outbox_sent_total"] == "2" and values["houvast_outbox_failed_total"] == "1"
    assert values["houvast_outbox_backlog"] == "3"
    assert values['houvast_due_work{kind="goal_prompts"}'] == "1"
    assert values["houvast_tick_duration_seconds_sum"] == "0.25"
    assert values["houvast_nudges_unacknowledged"] == "2"
    without_db = prometheus(monitor, None, START, database_ok=False)
    assert "houvast_database_up 0" in without_db and "houvast_outbox_backlog" not in without_db
