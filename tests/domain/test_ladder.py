from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.ladder import LadderPolicy, Rung, Team, due_rungs, next_rung_at, recipients
from bot.domain.workhours import WorkHours

AMS = ZoneInfo("Europe/Amsterdam")
HOURS = WorkHours()
POLICY = LadderPolicy()
C, B, P = Rung.COORDINATING, Rung.BACKUP, Rung.PROCESREGISSEUR
FULL = Team(coordinating=1, backup=2, procesregisseur=3)
MINUTE = timedelta(minutes=1)


def utc(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=AMS).astimezone(UTC)


def test_the_defaults():
    assert (POLICY.backup_after_working_days, POLICY.procesregisseur_after_working_days) == (2, 5)


@pytest.mark.parametrize("kwargs", [{"backup_after_working_days": -1}, {"backup_after_working_days": 6}])
def test_invalid_policy(kwargs):
    with pytest.raises(ValueError):
        LadderPolicy(**kwargs)


# --- recipients ---


@pytest.mark.parametrize(
    ("team", "rungs", "expected"),
    [
        (FULL, {C}, [1]),
        (FULL, {C, B}, [1, 2]),
        (FULL, {C, B, P}, [1, 2, 3]),
        (FULL, {B}, [2]),  # only the newly reached rung
        (FULL, {P}, [3]),
        (FULL, set(), []),
        # absence: an absent coordinating worker's nudges go to the backup
        (Team(1, 2, 3, absent=frozenset({1})), {C}, [2]),
        (Team(1, 2, 3, absent=frozenset({1})), {C, B}, [2]),  # the backup only once
        (Team(1, 2, 3, absent=frozenset({1})), {C, B, P}, [2, 3]),
        (Team(1, 2, 3, absent=frozenset({1, 2})), {C}, [3]),  # both absent: up to the procesregisseur
        (Team(1, 2, 3, absent=frozenset({2})), {C, B}, [1, 3]),  # absent backup: their rung goes up
        (Team(1, 2, 3, absent=frozenset({3})), {C, B, P}, [1, 2]),  # nobody above the procesregisseur
        (Team(1, 2, 3, absent=frozenset({1, 2, 3})), {C, B, P}, []),
        (Team(1, 2, 3, absent=frozenset({9})), {C}, [1]),  # someone else's absence does not matter
        # missing rungs are skipped
        (Team(1, None, 3), {C, B}, [1, 3]),
        (Team(1, None, None), {C, B, P}, [1]),
        (Team(1, 2, None), {C, B, P}, [1, 2]),
        (Team(None, 2, 3), {C}, [2]),  # no coordinating worker: the backup
        (Team(1, None, 3, absent=frozenset({1})), {C}, [3]),  # absent and no backup: the procesregisseur
        (Team(1, None, None, absent=frozenset({1})), {C}, []),
        (Team(), {C, B, P}, []),
        # never the same person twice
        (Team(1, 1, 3), {C, B}, [1]),
        (Team(1, 2, 1), {C, B, P}, [1, 2]),
        (Team(5, 5, 5), {C, B, P}, [5]),
    ],
)
def test_recipients(team, rungs, expected):
    assert recipients(team, rungs_reached=frozenset(rungs)) == expected


@given(
    coordinating=st.none() | st.integers(1, 4),
    backup=st.none() | st.integers(1, 4),
    procesregisseur=st.none() | st.integers(1, 4),
    absent=st.frozensets(st.integers(1, 4)),
    rungs=st.frozensets(st.sampled_from([C, B, P])),
)
def test_recipients_are_unique_present_team_members(coordinating, backup, procesregisseur, absent, rungs):
    team = Team(coordinating, backup, procesregisseur, absent)
    chosen = recipients(team, rungs_reached=rungs)
    assert len(chosen) == len(set(chosen))
    assert set(chosen) <= {coordinating, backup, procesregisseur} - absent - {None}
    present = [w for w in (coordinating, backup, procesregisseur) if w is not None and w not in absent]
    if C in rungs:  # a nudge for the coordinating worker is never lost while anyone on the ladder is present
        assert bool(chosen) == bool(present)
    if not rungs:
        assert chosen == []


# --- due rungs ---

TUESDAY = utc(2026, 6, 2, 10)  # an ordinary week: Thursday 10:00 is 2 working days on, next Tuesday 5


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (TUESDAY, {C}),  # at once
        (utc(2026, 6, 4, 9, 59), {C}),
        (utc(2026, 6, 4, 10), {C, B}),  # exactly 2 working days: the backup
        (utc(2026, 6, 8, 12), {C, B}),
        (utc(2026, 6, 9, 9, 59), {C, B}),
        (utc(2026, 6, 9, 10), {C, B, P}),  # exactly 5 working days: the procesregisseur
        (utc(2026, 7, 1, 10), {C, B, P}),
    ],
)
def test_the_ladder_climbs_in_working_days(now, expected):
    assert due_rungs(TUESDAY, acknowledged=False, hours=HOURS, policy=POLICY, now=now) == frozenset(expected)


@pytest.mark.parametrize("now", [TUESDAY, utc(2026, 6, 4, 10), utc(2026, 6, 30, 10)])
def test_acknowledged_climbs_no_further(now):
    assert due_rungs(TUESDAY, acknowledged=True, hours=HOURS, policy=POLICY, now=now) == frozenset({C})


@pytest.mark.parametrize(
    ("sent_at", "backup_at", "procesregisseur_at"),
    [
        # Thursday before Koningsdag: Friday, (weekend, Koningsdag), Tuesday, Wednesday, Thursday, Friday
        (utc(2026, 4, 23, 15), utc(2026, 4, 28, 15), utc(2026, 5, 1, 15)),
        # Friday evening: the clock starts on Monday 09:00
        (utc(2026, 6, 5, 20), utc(2026, 6, 10, 9), utc(2026, 6, 15, 9)),
        # Wednesday before Hemelvaart
        (utc(2026, 5, 13, 11), utc(2026, 5, 18, 11), utc(2026, 5, 21, 11)),
        # Friday before Pinksteren
        (utc(2026, 5, 22, 11), utc(2026, 5, 27, 11), utc(2026, 6, 1, 11)),
        # Christmas week
        (utc(2026, 12, 24, 11), utc(2026, 12, 29, 11), utc(2027, 1, 4, 11)),
    ],
)
def test_the_ladder_skips_weekends_and_holidays(sent_at, backup_at, procesregisseur_at):
    def due(now):
        return due_rungs(sent_at, acknowledged=False, hours=HOURS, policy=POLICY, now=now)

    assert due(backup_at - MINUTE) == {C}
    assert due(backup_at) == {C, B}
    assert due(procesregisseur_at - MINUTE) == {C, B}
    assert due(procesregisseur_at) == {C, B, P}


def test_custom_policy():
    fast = LadderPolicy(backup_after_working_days=1, procesregisseur_after_working_days=2)

    def due(now):
        return due_rungs(TUESDAY, acknowledged=False, hours=HOURS, policy=fast, now=now)

    assert due(utc(2026, 6, 3, 10)) == {C, B}
    assert due(utc(2026, 6, 4, 10)) == {C, B, P}


def test_due_rungs_feed_recipients():
    team = Team(1, 2, 3, absent=frozenset({1}))
    reached = due_rungs(TUESDAY, acknowledged=False, hours=HOURS, policy=POLICY, now=utc(2026, 6, 4, 10))
    assert recipients(team, rungs_reached=reached) == [2]


# --- when the ladder needs a look again ---


@given(st.integers(min_value=0, max_value=60 * 24 * 30), st.integers(min_value=0, max_value=60 * 24 * 14))
def test_no_rung_comes_due_before_the_next_rung_moment(sent_minutes, later_minutes):
    sent = utc(2026, 4, 1, 0) + timedelta(minutes=sent_minutes)  # across Easter, Koningsdag and weekends
    now = sent + timedelta(minutes=later_minutes)
    reached = due_rungs(sent, acknowledged=False, hours=HOURS, policy=POLICY, now=now)
    upcoming = next_rung_at(sent, hours=HOURS, policy=POLICY, now=now)
    if upcoming is None:
        assert reached == {C, B, P}
        return
    assert upcoming > now
    assert due_rungs(sent, acknowledged=False, hours=HOURS, policy=POLICY, now=upcoming - MINUTE) == reached
    assert due_rungs(sent, acknowledged=False, hours=HOURS, policy=POLICY, now=upcoming) > reached


def test_the_next_rung_moment_skips_the_weekend():
    friday = utc(2026, 4, 10, 15)
    assert next_rung_at(friday, hours=HOURS, policy=POLICY, now=friday) == utc(2026, 4, 14, 15)  # Tuesday
