from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.alerts import (
    OPEN_FOR,
    Route,
    escalate_at,
    escalation_target,
    is_open,
    may_allow_once,
    route,
    unread_until,
)
from bot.domain.ladder import Team
from bot.domain.workhours import WorkHours

ANNA, BRAM, PIA = 1, 2, 3  # coordinating, backup, procesregisseur
TEAM = Team(coordinating=ANNA, backup=BRAM, procesregisseur=PIA)
HOURS = WorkHours()
MONDAY_10 = datetime(2026, 4, 13, 8, 0, tzinfo=UTC)


def away(*workers: int) -> Team:
    return Team(coordinating=ANNA, backup=BRAM, procesregisseur=PIA, absent=frozenset(workers))


@pytest.mark.parametrize(
    ("team", "allowed", "expected"),
    [
        (TEAM, {ANNA, BRAM}, Route((ANNA, BRAM))),  # both at once, coordinating first
        (TEAM, {ANNA}, Route((ANNA,))),  # only who has consent
        (away(ANNA), {ANNA, BRAM}, Route((BRAM,), away=(ANNA,))),  # the absent one is skipped
        (away(ANNA), {ANNA}, Route((), away=(ANNA,), ask_about=BRAM)),  # nobody may be told: ask about Bram
        (TEAM, set(), Route((), ask_about=ANNA)),  # after a handover: ask about the coordinating worker
        (away(ANNA, BRAM), {ANNA, BRAM}, Route((), away=(ANNA, BRAM))),  # nobody there to ask about
        (Team(), set(), Route(())),  # no worker at all
        (Team(coordinating=ANNA, backup=ANNA), {ANNA}, Route((ANNA,))),  # each once
        (TEAM, {PIA}, Route((), ask_about=ANNA)),  # the procesregisseur is never told at once
    ],
)
def test_who_gets_a_rood_alert_at_once(team, allowed, expected):
    assert route(team, frozenset(allowed)) == expected


def test_a_yes_this_once_goes_to_the_present_front_line_worker():
    assert may_allow_once(TEAM) == ANNA
    assert may_allow_once(away(ANNA)) == BRAM
    assert may_allow_once(away(ANNA, BRAM)) is None


def test_the_procesregisseur_hears_of_an_alert_nobody_picked_up_when_present():
    assert escalation_target(TEAM, frozenset({ANNA})) == PIA
    assert escalation_target(away(PIA), frozenset({ANNA})) is None
    assert escalation_target(TEAM, frozenset({PIA})) is None  # told already
    assert escalation_target(Team(coordinating=ANNA), frozenset()) is None


def test_an_alert_escalates_after_thirty_minutes_of_working_time():
    assert escalate_at(HOURS, MONDAY_10) == MONDAY_10 + timedelta(minutes=30)
    saturday = datetime(2026, 4, 11, 12, 0, tzinfo=UTC)
    assert escalate_at(HOURS, saturday) == datetime(2026, 4, 13, 7, 30, tzinfo=UTC)  # Monday 09:30


def test_outside_working_hours_the_client_hears_from_when_someone_reads_it():
    assert unread_until(HOURS, MONDAY_10) is None
    evening = datetime(2026, 4, 13, 19, 0, tzinfo=UTC)  # Monday 21:00
    assert unread_until(HOURS, evening) == datetime(2026, 4, 14, 7, 0, tzinfo=UTC)  # Tuesday 09:00


def test_an_alert_stays_open_until_picked_up_or_old():
    assert is_open(MONDAY_10, taken=False, now=MONDAY_10 + OPEN_FOR - timedelta(seconds=1))
    assert not is_open(MONDAY_10, taken=False, now=MONDAY_10 + OPEN_FOR)
    assert not is_open(MONDAY_10, taken=True, now=MONDAY_10)
