from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.schedule import next_checkin

AMS = ZoneInfo("Europe/Amsterdam")


def local(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2026, 3, 27, 9), local(2026, 3, 27, 10)),  # later today
        (local(2026, 3, 27, 10), local(2026, 3, 28, 10)),  # exactly now: tomorrow
        (local(2026, 3, 28, 11), local(2026, 3, 29, 10)),  # over the spring DST change: still 10:00 local
        (local(2026, 10, 24, 11), local(2026, 10, 25, 10)),  # over the autumn change
    ],
)
def test_daily_keeps_the_local_time(now, expected):
    due = next_checkin(time(10), "daily", now=now.astimezone(UTC), zone=AMS)
    assert due == expected.astimezone(UTC)
    assert due.astimezone(AMS).hour == 10


def test_the_utc_hour_moves_with_dst():
    before = next_checkin(time(10), "daily", now=local(2026, 3, 28, 11).astimezone(UTC), zone=AMS)
    after = next_checkin(time(10), "daily", now=local(2026, 3, 27, 11).astimezone(UTC), zone=AMS)
    assert (before.hour, after.hour) == (8, 9)  # 10:00 CEST is 08:00 UTC, 10:00 CET is 09:00 UTC


def test_weekdays_skip_the_weekend():
    friday_evening = local(2026, 11, 27, 20).astimezone(UTC)
    assert next_checkin(time(9), "weekdays", now=friday_evening, zone=AMS) == local(2026, 11, 30, 9).astimezone(UTC)


def test_off_means_no_prompt():
    assert next_checkin(time(9), "off", now=datetime(2026, 1, 1, tzinfo=UTC), zone=AMS) is None
