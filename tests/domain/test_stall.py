from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.goals import (
    Answer,
    GoalFacts,
    GoalStatus,
    Prompt,
    StallPolicy,
    StallReason,
    is_no_contact,
    new_episode,
    next_goal_checkin,
    next_look,
    progress_since,
    stall_reasons,
)

AMS = ZoneInfo("Europe/Amsterdam")
POLICY = StallPolicy()
NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def local(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=AMS)


def facts(*prompts, status=GoalStatus.ACTIVE, target=None, reached=False, progress=NOW - timedelta(days=1)):
    return GoalFacts(
        status=status,
        created_at=NOW - timedelta(days=100),
        target_date=target,
        prompts=tuple(prompts),
        last_progress_at=progress,
        reached=reached,
    )


def answered(sent_at, answer=Answer.PARTLY, after=timedelta(hours=1)):
    return Prompt(sent_at, sent_at + after, answer)


def reasons(goal, now=NOW):
    return stall_reasons(goal, POLICY, now=now, zone=AMS)


def test_the_defaults_are_documented_values():
    assert (POLICY.missed_in_a_row, POLICY.not_yet_in_a_row) == (2, 3)
    assert POLICY.answer_window == timedelta(hours=48)
    assert (POLICY.no_progress, POLICY.no_contact) == (timedelta(days=28), timedelta(days=7))


@pytest.mark.parametrize(
    "kwargs", [{"missed_in_a_row": 0}, {"not_yet_in_a_row": 0}, {"answer_window": timedelta(0)}]
)
def test_invalid_policy(kwargs):
    with pytest.raises(ValueError):
        StallPolicy(**kwargs)


def test_a_healthy_goal_does_not_stall():
    assert reasons(facts(answered(NOW - 2 * WEEK), answered(NOW - WEEK))) == ()


# --- (a) missed prompts ---


@pytest.mark.parametrize(
    ("age_of_last", "missed"),
    [
        (timedelta(hours=47), False),  # still inside its window: not missed yet
        (timedelta(hours=47, minutes=59), False),
        (timedelta(hours=48), True),  # exactly 48h without an answer counts (>=)
        (timedelta(hours=49), True),
    ],
)
def test_two_missed_prompts_at_the_48h_boundary(age_of_last, missed):
    goal = facts(answered(NOW - 3 * WEEK), Prompt(NOW - WEEK - age_of_last), Prompt(NOW - age_of_last))
    assert (StallReason.MISSED in reasons(goal)) is missed


@pytest.mark.parametrize(
    ("answer_after", "missed"),
    [(timedelta(hours=47), False), (timedelta(hours=48), True), (timedelta(hours=49), True)],
)
def test_a_late_answer_does_not_save_the_prompt(answer_after, missed):
    goal = facts(Prompt(NOW - 2 * WEEK), answered(NOW - WEEK, Answer.NOT_YET, after=answer_after))
    assert (StallReason.MISSED in reasons(goal)) is missed


def test_one_missed_prompt_is_not_enough():
    assert StallReason.MISSED not in reasons(facts(answered(NOW - 2 * WEEK), Prompt(NOW - WEEK)))
    assert StallReason.MISSED not in reasons(facts(Prompt(NOW - WEEK)))


def test_an_answer_in_between_breaks_the_row():
    goal = facts(Prompt(NOW - 3 * WEEK), answered(NOW - 2 * WEEK), Prompt(NOW - WEEK))
    assert StallReason.MISSED not in reasons(goal)


def test_a_fresh_open_prompt_neither_hides_nor_adds_a_miss():
    two_missed = (Prompt(NOW - 2 * WEEK), Prompt(NOW - WEEK))
    assert StallReason.MISSED in reasons(facts(*two_missed, Prompt(NOW - timedelta(hours=1))))
    one_missed = (answered(NOW - 2 * WEEK), Prompt(NOW - WEEK))
    assert StallReason.MISSED not in reasons(facts(*one_missed, Prompt(NOW - timedelta(hours=1))))


def test_a_fresh_prompt_answered_in_time_ends_the_row():
    goal = facts(Prompt(NOW - 2 * WEEK), Prompt(NOW - WEEK), answered(NOW - timedelta(hours=3)))
    assert StallReason.MISSED not in reasons(goal)


def test_missed_in_a_row_is_configurable():
    policy = StallPolicy(missed_in_a_row=3)
    goal = facts(answered(NOW - 3 * WEEK), Prompt(NOW - 2 * WEEK), Prompt(NOW - WEEK))
    assert StallReason.MISSED not in stall_reasons(goal, policy, now=NOW, zone=AMS)


# --- (b) 'nog niet' in a row ---


@pytest.mark.parametrize(
    ("answers", "stalled"),
    [
        ((Answer.NOT_YET,) * 2, False),
        ((Answer.NOT_YET,) * 3, True),
        ((Answer.DONE,) + (Answer.NOT_YET,) * 3, True),
        ((Answer.NOT_YET, Answer.NOT_YET, Answer.PARTLY, Answer.NOT_YET), False),
        ((Answer.NOT_YET, Answer.NOT_YET, Answer.CHANGE), False),  # any other answer breaks the row
        ((Answer.NOT_YET, Answer.CHANGE, Answer.NOT_YET, Answer.NOT_YET), False),
    ],
)
def test_not_yet_in_a_row(answers, stalled):
    prompts = [answered(NOW - (len(answers) - i) * WEEK, a) for i, a in enumerate(answers)]
    assert (StallReason.NOT_YET in reasons(facts(*prompts))) is stalled


def test_unanswered_prompts_between_not_yets_do_not_break_the_row():
    goal = facts(
        answered(NOW - 4 * WEEK, Answer.NOT_YET),
        answered(NOW - 3 * WEEK, Answer.NOT_YET),
        Prompt(NOW - 2 * WEEK),
        answered(NOW - WEEK, Answer.NOT_YET),
    )
    assert reasons(goal) == (StallReason.NOT_YET,)


# --- (c) no progress ---


@pytest.mark.parametrize(
    ("since", "stalled"),
    [
        (timedelta(days=27), False),
        (timedelta(days=27, hours=23, minutes=59), False),
        (timedelta(days=28), True),  # exactly 28 days counts
        (timedelta(days=29), True),
    ],
)
def test_no_progress_since_the_last_progress(since, stalled):
    assert (StallReason.NO_PROGRESS in reasons(facts(progress=NOW - since))) is stalled


@pytest.mark.parametrize(("age", "stalled"), [(timedelta(days=27), False), (timedelta(days=28), True)])
def test_no_progress_counts_from_creation_when_there_was_none(age, stalled):
    goal = GoalFacts(
        status=GoalStatus.ACTIVE,
        created_at=NOW - age,
        target_date=None,
        prompts=(),
        last_progress_at=None,
        reached=False,
    )
    assert (StallReason.NO_PROGRESS in reasons(goal)) is stalled


# --- (d) overdue ---


@pytest.mark.parametrize(
    ("now", "target", "overdue"),
    [
        (local(2026, 6, 10, 12), date(2026, 6, 10), False),  # on the day itself: not yet
        (local(2026, 6, 10, 23, 59), date(2026, 6, 10), False),
        (local(2026, 6, 11, 0, 0), date(2026, 6, 10), True),  # local midnight, though still the 10th in UTC
        (local(2026, 6, 11, 12), date(2026, 6, 10), True),
        (local(2026, 6, 11, 12), None, False),
    ],
)
def test_overdue_uses_the_local_date(now, target, overdue):
    goal = facts(target=target, progress=now.astimezone(UTC) - timedelta(days=1))
    assert (StallReason.OVERDUE in reasons(goal, now.astimezone(UTC))) is overdue


def test_a_reached_goal_is_not_overdue():
    assert reasons(facts(target=date(2026, 1, 1), reached=True)) == ()


# --- status ---


def everything_wrong(status):
    return facts(
        answered(NOW - 5 * WEEK, Answer.NOT_YET),
        answered(NOW - 4 * WEEK, Answer.NOT_YET),
        answered(NOW - 3 * WEEK, Answer.NOT_YET),
        Prompt(NOW - 2 * WEEK),
        Prompt(NOW - WEEK),
        status=status,
        target=date(2026, 1, 1),
        progress=None,
    )


def test_an_active_goal_can_have_all_reasons_in_a_fixed_order():
    assert reasons(everything_wrong(GoalStatus.ACTIVE)) == (
        StallReason.MISSED,
        StallReason.NOT_YET,
        StallReason.NO_PROGRESS,
        StallReason.OVERDUE,
    )


@pytest.mark.parametrize(
    "status", [GoalStatus.PROPOSED, GoalStatus.PAUSED, GoalStatus.REACHED, GoalStatus.STOPPED]
)
def test_only_active_goals_stall(status):
    assert reasons(everything_wrong(status)) == ()


# --- geen contact ---


@pytest.mark.parametrize(
    ("last_answer", "first_prompt", "no_contact"),
    [
        (None, None, False),  # never asked
        (NOW - timedelta(days=30), None, False),  # not asked since the last answer
        (NOW - timedelta(days=20), NOW - timedelta(days=6), False),
        (NOW - timedelta(days=20), NOW - timedelta(days=6, hours=23, minutes=59), False),
        (NOW - timedelta(days=20), NOW - timedelta(days=7), True),  # exactly 7 days counts
        (NOW - timedelta(days=20), NOW - timedelta(days=8), True),
        (None, NOW - timedelta(days=7), True),  # never answered at all
        (None, NOW - timedelta(days=3), False),
        (NOW - timedelta(days=2), NOW - timedelta(days=9), False),  # that prompt was answered later
    ],
)
def test_no_contact(last_answer, first_prompt, no_contact):
    assert is_no_contact(last_answer, first_prompt, POLICY, now=NOW) is no_contact


# --- episodes ---

STALLED = (StallReason.NO_PROGRESS,)


@pytest.mark.parametrize(
    ("open_episode", "reasons_now", "progress", "nudge"),
    [
        (False, (), False, False),  # nothing wrong
        (False, STALLED, False, True),  # a new episode: one nudge
        (True, STALLED, False, False),  # same episode: no second nudge
        (True, (StallReason.NO_PROGRESS, StallReason.MISSED), False, False),  # more reasons, same episode
        (True, STALLED, True, True),  # progress closed the old one; stalled again: a new episode
        (True, (), True, False),  # progress closed it and all is well
    ],
)
def test_one_nudge_per_episode(open_episode, reasons_now, progress, nudge):
    assert new_episode(open_episode, reasons_now, progress) is nudge


def test_progress_since_the_episode_began():
    began = NOW - WEEK
    assert not progress_since(began, None)
    assert not progress_since(began, began - timedelta(days=1))
    assert not progress_since(began, began)
    assert progress_since(began, began + timedelta(minutes=1))


def test_an_episode_over_weeks_of_silence_nudges_once():
    """Simulate daily evaluation: silence for weeks, then progress, then silence again."""
    created = NOW - timedelta(days=60)
    episode_start = None
    nudges = []
    for day in range(60):
        now = created + timedelta(days=day)
        progress_at = created + timedelta(days=40) if day >= 40 else None
        goal = GoalFacts(GoalStatus.ACTIVE, created, None, (), progress_at, False)
        found = stall_reasons(goal, POLICY, now=now, zone=AMS)
        progressed = episode_start is not None and progress_since(episode_start, progress_at)
        if new_episode(episode_start is not None, found, progressed):
            nudges.append(day)
            episode_start = now
        elif progressed:
            episode_start = None
    assert nudges == [28]  # the second stall would only start on day 68


# --- check-in rhythm ---


@pytest.mark.parametrize(
    ("now", "weekday", "expected"),
    [
        (local(2026, 6, 8, 12), 3, local(2026, 6, 10, 19)),  # Monday -> Wednesday
        (local(2026, 6, 10, 18, 59), 3, local(2026, 6, 10, 19)),  # the same day, before the time
        (local(2026, 6, 10, 19), 3, local(2026, 6, 17, 19)),  # exactly at the time: next week
        (local(2026, 6, 14, 20), 7, local(2026, 6, 21, 19)),  # Sunday after the time
        (local(2026, 3, 27, 12), 7, local(2026, 3, 29, 19)),  # the spring DST Sunday: still 19:00 local
        (local(2026, 3, 24, 12), 1, local(2026, 3, 30, 19)),  # over the spring change
        (local(2026, 10, 23, 12), 7, local(2026, 10, 25, 19)),  # the autumn DST Sunday
        (local(2026, 10, 20, 12), 1, local(2026, 10, 26, 19)),  # over the autumn change
    ],
)
def test_weekly_checkin_keeps_the_local_time(now, weekday, expected):
    due = next_goal_checkin(weekday, time(19), now=now.astimezone(UTC), zone=AMS)
    assert due == expected.astimezone(UTC)
    assert due.tzinfo == UTC


def test_the_utc_hour_moves_with_dst():
    before = next_goal_checkin(7, time(19), now=local(2026, 3, 16, 12).astimezone(UTC), zone=AMS)
    after = next_goal_checkin(7, time(19), now=local(2026, 3, 27, 12).astimezone(UTC), zone=AMS)
    assert (before.hour, after.hour) == (18, 17)  # 19:00 CET is 18:00 UTC, 19:00 CEST is 17:00 UTC
    autumn = next_goal_checkin(7, time(19), now=local(2026, 10, 23, 12).astimezone(UTC), zone=AMS)
    assert autumn.hour == 18


def test_a_morning_checkin_on_the_dst_sunday_itself():
    # 09:00 on 25 October exists once (the repeated hour is 02:00-03:00).
    due = next_goal_checkin(7, time(9), now=local(2026, 10, 25, 1).astimezone(UTC), zone=AMS)
    assert due == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)


ANCHOR = date(2026, 6, 1)  # a Monday; the rhythm runs in the weeks of 1 June, 15 June, 29 June, ...


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (local(2026, 6, 1, 8), local(2026, 6, 3, 19)),
        (local(2026, 6, 3, 19, 30), local(2026, 6, 17, 19)),  # just missed: two weeks on
        (local(2026, 6, 9, 12), local(2026, 6, 17, 19)),  # off week: skip to the on week
        (local(2026, 6, 17, 12), local(2026, 6, 17, 19)),
        (local(2026, 3, 20, 12), local(2026, 3, 25, 19)),  # weeks before the anchor keep the same parity
        (local(2026, 10, 22, 12), local(2026, 11, 4, 19)),  # off week after it, over the autumn change
    ],
)
def test_every_two_weeks_is_anchored(now, expected):
    due = next_goal_checkin(3, time(19), 2, now=now.astimezone(UTC), zone=AMS, anchor=ANCHOR)
    assert due == expected.astimezone(UTC)


def test_the_anchor_day_within_its_week_does_not_matter():
    now = local(2026, 6, 9, 12).astimezone(UTC)
    anchors = [ANCHOR + timedelta(days=i) for i in range(7)]
    dues = {next_goal_checkin(3, time(19), 2, now=now, zone=AMS, anchor=anchor) for anchor in anchors}
    assert len(dues) == 1


def test_every_two_weeks_without_anchor_is_stable():
    first = next_goal_checkin(5, time(10), 2, now=local(2026, 6, 1, 8).astimezone(UTC), zone=AMS)
    from_later = next_goal_checkin(5, time(10), 2, now=first - timedelta(days=3), zone=AMS)
    assert from_later == first
    assert next_goal_checkin(5, time(10), 2, now=first, zone=AMS) == first + timedelta(days=14)


@pytest.mark.parametrize(("weekday", "every"), [(0, 1), (8, 1), (3, 3), (3, 0)])
def test_invalid_rhythm(weekday, every):
    with pytest.raises(ValueError):
        next_goal_checkin(weekday, time(19), every, now=NOW, zone=AMS)


@given(
    now=st.datetimes(datetime(2025, 1, 1), datetime(2028, 12, 31), timezones=st.just(UTC)),
    weekday=st.integers(min_value=1, max_value=7),
    at=st.times(min_value=time(5), max_value=time(23, 59)),  # outside the DST-gap hour
    every=st.sampled_from([1, 2]),
)
def test_checkin_properties(now, weekday, at, every):
    due = next_goal_checkin(weekday, at, every, now=now, zone=AMS, anchor=ANCHOR)
    local_due = due.astimezone(AMS)
    assert now < due <= now + timedelta(weeks=every, hours=1)
    assert local_due.isoweekday() == weekday and local_due.time() == at
    following = next_goal_checkin(weekday, at, every, now=due, zone=AMS, anchor=ANCHOR).astimezone(AMS)
    assert (following.date() - local_due.date()).days == 7 * every


# ---- when the tick must look again (next_look) -----------------------------------------------------------------

MOMENT = st.integers(min_value=-60 * 24 * 60, max_value=0).map(lambda minutes: NOW + timedelta(minutes=minutes))


@st.composite
def goal_facts(draw):
    """Any history: prompts over the last two months, answered in time, late, or not at all."""
    sent = sorted(draw(st.lists(MOMENT, max_size=7)))
    prompts = []
    for at in sent:
        delay = draw(st.one_of(st.none(), st.integers(min_value=0, max_value=4 * 24 * 60)))
        answered_at = at + timedelta(minutes=delay) if delay is not None else None
        if answered_at is not None and answered_at > NOW:
            answered_at = None  # an answer from the future is not a fact yet
        answer = draw(st.sampled_from(list(Answer))) if answered_at else None
        prompts.append(Prompt(at, answered_at, answer))
    progress = [p.answered_at for p in prompts if p.answer in (Answer.DONE, Answer.PARTLY)]
    target = draw(st.one_of(st.none(), st.dates(min_value=date(2026, 5, 1), max_value=date(2026, 8, 1))))
    return GoalFacts(GoalStatus.ACTIVE, NOW - timedelta(days=draw(st.integers(0, 90))), target, tuple(prompts),
                     max(progress) if progress else None, False)


@given(goal_facts(), st.lists(st.integers(min_value=0, max_value=60 * 24 * 60), min_size=1, max_size=20))
def test_nothing_stalls_before_the_next_look(goal, offsets):
    look = next_look(goal, POLICY, now=NOW, zone=AMS)
    assert look is not None and look >= NOW
    if look == NOW:
        assert reasons(goal) != ()
        return
    assert reasons(goal) == ()
    for minutes in offsets:  # any moment before the look: still nothing (the tick may wait until then)
        moment = NOW + timedelta(minutes=minutes)
        if moment < look:
            assert reasons(goal, moment) == (), (moment, look)


def test_the_next_look_is_when_a_prompt_would_count_as_missed():
    goal = facts(Prompt(NOW - WEEK), Prompt(NOW - timedelta(hours=1)))  # one missed, one still open
    look = next_look(goal, POLICY, now=NOW, zone=AMS)
    assert look == NOW - timedelta(hours=1) + POLICY.answer_window
    assert reasons(goal, look - timedelta(seconds=1)) == () and reasons(goal, look) == (StallReason.MISSED,)


def test_the_next_look_is_28_days_after_progress_or_the_day_after_the_target():
    assert next_look(facts(), POLICY, now=NOW, zone=AMS) == NOW - timedelta(days=1) + POLICY.no_progress
    soon = facts(target=date(2026, 6, 12))
    assert next_look(soon, POLICY, now=NOW, zone=AMS) == local(2026, 6, 13, 0).astimezone(UTC)


def test_a_goal_that_stalls_now_is_looked_at_now_and_one_that_cannot_never():
    stalled = facts(*[answered(NOW - k * WEEK, Answer.NOT_YET) for k in (3, 2, 1)])
    assert next_look(stalled, POLICY, now=NOW, zone=AMS) == NOW
    assert next_look(facts(status=GoalStatus.PAUSED), POLICY, now=NOW, zone=AMS) is None
