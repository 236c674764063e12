from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.workhours import (
    WorkHours,
    add_working_days,
    add_working_time,
    is_working_day,
    is_working_time,
    morning_digest_time,
    next_working_moment,
)

AMS = ZoneInfo("Europe/Amsterdam")
HOURS = WorkHours()


def local(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


def utc(y, m, d, hh, mm=0):
    return local(y, m, d, hh, mm).astimezone(UTC)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 4, 24), True),  # Friday
        (date(2026, 4, 25), False),  # Saturday
        (date(2026, 4, 26), False),  # Sunday
        (date(2026, 4, 27), False),  # Koningsdag (Monday)
        (date(2026, 4, 28), True),
        (date(2026, 4, 6), False),  # Tweede Paasdag
        (date(2026, 5, 14), False),  # Hemelvaartsdag
        (date(2026, 5, 15), True),  # the Friday after is a normal day
        (date(2026, 5, 25), False),  # Tweede Pinksterdag
        (date(2026, 5, 26), True),
        (date(2026, 12, 24), True),
        (date(2026, 12, 25), False),  # Eerste Kerstdag (Friday)
        (date(2026, 12, 28), True),
        (date(2027, 1, 1), False),  # Nieuwjaarsdag
        (date(2026, 5, 5), True),  # Bevrijdingsdag is a day off only in lustrum years
        (date(2025, 5, 5), False),
    ],
)
def test_working_days(day, working):
    assert is_working_day(HOURS, day) is working


@pytest.mark.parametrize(
    ("moment", "working"),
    [
        (local(2026, 4, 28, 8, 59), False),
        (local(2026, 4, 28, 9, 0), True),  # start inclusive
        (local(2026, 4, 28, 16, 59), True),
        (local(2026, 4, 28, 17, 0), False),  # end exclusive
        (local(2026, 4, 27, 11), False),  # Koningsdag
        (local(2026, 12, 25, 11), False),  # Kerst
        (local(2026, 12, 26, 11), False),  # Tweede Kerstdag, on a Saturday anyway
        (local(2026, 5, 14, 11), False),  # Hemelvaart
        (local(2026, 5, 25, 11), False),  # Pinksteren
    ],
)
def test_working_time(moment, working):
    assert is_working_time(HOURS, moment.astimezone(UTC)) is working


def test_working_time_is_local_across_dst():
    # 09:00 local is 08:00 UTC in CET and 07:00 UTC in CEST.
    assert is_working_time(HOURS, datetime(2026, 3, 27, 8, 0, tzinfo=UTC))
    assert not is_working_time(HOURS, datetime(2026, 3, 27, 7, 59, tzinfo=UTC))
    assert is_working_time(HOURS, datetime(2026, 3, 30, 7, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 4, 28, 11, 30), local(2026, 4, 28, 11, 30)),  # inside: itself
        (local(2026, 4, 28, 7), local(2026, 4, 28, 9)),  # early: today's start
        (local(2026, 4, 28, 17), local(2026, 4, 29, 9)),  # at the end: tomorrow
        (local(2026, 4, 24, 18), local(2026, 4, 28, 9)),  # Friday evening, over the weekend and Koningsdag
        (local(2026, 5, 13, 20), local(2026, 5, 15, 9)),  # over Hemelvaart
        (local(2026, 5, 22, 20), local(2026, 5, 26, 9)),  # over Pinksteren
        (local(2026, 12, 24, 17, 30), local(2026, 12, 28, 9)),  # over Kerst and the weekend
        (local(2026, 3, 27, 18), local(2026, 3, 30, 9)),  # over the spring DST weekend
        (local(2026, 10, 23, 18), local(2026, 10, 26, 9)),  # over the autumn DST weekend
    ],
)
def test_next_working_moment(moment, expected):
    result = next_working_moment(HOURS, moment.astimezone(UTC))
    assert result == expected.astimezone(UTC)
    assert result.tzinfo == UTC


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (local(2026, 4, 28, 9), local(2026, 4, 28, 9)),  # exactly at the start: now
        (local(2026, 4, 28, 6), local(2026, 4, 28, 9)),
        (local(2026, 4, 28, 9, 1), local(2026, 4, 29, 9)),  # started already: the next morning
        (local(2026, 4, 28, 14), local(2026, 4, 29, 9)),
        (local(2026, 4, 24, 14), local(2026, 4, 28, 9)),  # skips the weekend and Koningsdag
        (local(2026, 12, 24, 14), local(2026, 12, 28, 9)),  # skips Kerst
    ],
)
def test_morning_digest_time(moment, expected):
    assert morning_digest_time(HOURS, moment.astimezone(UTC)) == expected.astimezone(UTC)


@pytest.mark.parametrize(
    ("moment", "days", "expected"),
    [
        (local(2026, 4, 21, 10), 2, local(2026, 4, 23, 10)),  # Tuesday -> Thursday
        (local(2026, 4, 23, 15), 2, local(2026, 4, 28, 15)),  # Thursday -> Tuesday: weekend and Koningsdag
        (local(2026, 4, 24, 20), 2, local(2026, 4, 30, 9)),  # Friday evening counts from Tuesday 09:00
        (local(2026, 4, 25, 10), 0, local(2026, 4, 28, 9)),  # zero days: the next working moment
        (local(2026, 5, 13, 10), 1, local(2026, 5, 15, 10)),  # over Hemelvaart
        (local(2026, 5, 22, 10), 1, local(2026, 5, 26, 10)),  # over Pinksteren
        (local(2026, 12, 23, 16), 2, local(2026, 12, 28, 16)),  # over Kerst
        (local(2026, 12, 23, 10), 6, local(2027, 1, 4, 10)),  # over Kerst and Nieuwjaar
        (local(2026, 3, 26, 10), 2, local(2026, 3, 30, 10)),  # over spring DST: the local time stays
        (local(2026, 10, 22, 10), 2, local(2026, 10, 26, 10)),  # over autumn DST
    ],
)
def test_add_working_days(moment, days, expected):
    result = add_working_days(HOURS, moment.astimezone(UTC), days)
    assert result == expected.astimezone(UTC)
    assert result.tzinfo == UTC


def test_add_working_days_rejects_negative():
    with pytest.raises(ValueError):
        add_working_days(HOURS, utc(2026, 4, 21, 10), -1)


def test_custom_hours_and_no_holidays():
    hours = WorkHours(start=time(8, 30), end=time(12), days=frozenset({1, 2, 3, 4}), country_holidays="")
    assert is_working_time(hours, utc(2026, 4, 27, 8, 30))  # Koningsdag, but no holiday calendar
    assert not is_working_time(hours, utc(2026, 4, 30, 12))
    assert next_working_moment(hours, utc(2026, 4, 30, 12)) == utc(2026, 5, 4, 8, 30)  # Friday is off


@pytest.mark.parametrize(
    "kwargs", [{"start": time(17), "end": time(9)}, {"days": frozenset()}, {"days": frozenset({0, 1})}]
)
def test_invalid_hours(kwargs):
    with pytest.raises(ValueError):
        WorkHours(**kwargs)


moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)


@given(moments)
def test_next_working_moment_is_working_time_and_not_earlier(moment):
    result = next_working_moment(HOURS, moment)
    assert result >= moment
    assert is_working_time(HOURS, result)
    # Nothing in between was working time: the first start of a day after `moment` is not before it.
    assert result == moment or result == morning_digest_time(HOURS, moment)


@given(moments)
def test_morning_digest_is_a_day_start_with_none_skipped(moment):
    result = morning_digest_time(HOURS, moment)
    assert result >= moment
    local_result = result.astimezone(AMS)
    assert local_result.time() == time(9) and is_working_day(HOURS, local_result.date())
    day = moment.astimezone(AMS).date()
    while day < local_result.date():
        start = datetime.combine(day, time(9), AMS)
        assert not (is_working_day(HOURS, day) and start >= moment)
        day += timedelta(days=1)


@given(moments, st.integers(min_value=0, max_value=10))
def test_add_working_days_counts_exactly_the_working_days(moment, days):
    result = add_working_days(HOURS, moment, days)
    assert is_working_time(HOURS, result)
    assert result >= next_working_moment(HOURS, moment)
    start_day = next_working_moment(HOURS, moment).astimezone(AMS).date()
    end_day = result.astimezone(AMS).date()
    between = [start_day + timedelta(days=i) for i in range(1, (end_day - start_day).days + 1)]
    assert sum(is_working_day(HOURS, d) for d in between) == days


# --- add_working_time: the 30 minutes before a red alert goes to the procesregisseur ---------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2026-04-13 10:00", "2026-04-13 10:30"),  # Monday morning: half an hour later
        ("2026-04-13 16:50", "2026-04-14 09:20"),  # ten minutes today, twenty tomorrow
        ("2026-04-13 16:30", "2026-04-13 17:00"),  # exactly to the end of the day
        ("2026-04-13 20:00", "2026-04-14 09:30"),  # evening: counts from the next morning
        ("2026-04-10 23:00", "2026-04-13 09:30"),  # Friday night: Monday
        ("2026-04-25 12:00", "2026-04-28 09:30"),  # Saturday; Monday 27 April is Koningsdag
        ("2026-03-27 16:45", "2026-03-30 09:15"),  # over the weekend the clocks go forward
    ],
)
def test_working_time_runs_only_in_working_hours(start, expected):
    at = lambda text: datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=AMS)
    assert add_working_time(HOURS, at(start), timedelta(minutes=30)) == at(expected).astimezone(UTC)


def test_working_time_cannot_go_back():
    with pytest.raises(ValueError):
        add_working_time(HOURS, datetime(2026, 4, 13, 8, tzinfo=UTC), timedelta(minutes=-1))
