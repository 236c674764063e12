"""Goals on the leefdomeinen, their check-in rhythm and when a goal counts as stalled.

Pure rules: the services gather the facts (`GoalFacts`) from the database and pass `now` (aware, UTC)
and the zone. A stalled goal starts a stall *episode*; one episode gives one nudge to the care team,
and only progress ends it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.domain.dates import parse_day
from bot.domain.people import parse_clock_time
from bot.i18n import N_

# The four answers to a goal check-in, each as (member, stored value, button key, label) in one table, from
# which the enum, the button keys and the labels (msgids) are made. CHANGE: the client wants to change the
# goal; an answer, but no progress.
_ANSWERS = (
    ("DONE", "gelukt", "done", N_("✅ It worked")),
    ("PARTLY", "een_beetje", "partly", N_("🙂 A little")),
    ("NOT_YET", "nog_niet", "notyet", N_("⏳ Not yet")),
    ("CHANGE", "veranderen", "change", N_("✏️ I want to change something")),
)
Answer = StrEnum("Answer", [(member, value) for member, value, _key, _label in _ANSWERS], module=__name__)
ANSWER_LABELS = {Answer(value): label for _member, value, _key, label in _ANSWERS}
ANSWER_KEYS = {Answer(value): key for _member, value, key, _label in _ANSWERS}
PROGRESS = frozenset({Answer.DONE, Answer.PARTLY})
STALL_CHOICES = {
    "smaller": N_("🪜 Make the step smaller"),
    "pause": N_("⏸ Pause this goal"),
    "worker": N_("📞 Ask my worker to get in touch"),
}


def answer_key(answer: Answer) -> str:
    return ANSWER_KEYS[answer]


def answer_from_key(key: str) -> Answer:
    for answer, value in ANSWER_KEYS.items():
        if value == key:
            return answer
    raise ValueError(key)


# What a goal is about: the six leefdomeinen of the framework and "anders", each as (member, key, label) in
# one table, from which the enum and the labels are made. The labels are msgids for buttons and charts,
# translated where they are shown; the self-scan uses the same six (bot/domain/selfscan.py).
_DOMAINS = (
    ("WONEN", "wonen", N_("🏠 Housing")),
    ("FINANCIEN", "financien", N_("💶 Money")),
    ("DAGACTIVITEITEN", "dagactiviteiten", N_("🌱 Daily activities")),
    ("GEZONDHEID", "gezondheid", N_("❤️ Health")),
    ("SOCIAAL", "sociale_relaties", N_("👥 Social relations")),
    ("VEILIGHEID", "veiligheid_recht", N_("⚖️ Safety and justice")),
    ("ANDERS", "anders", N_("✨ Something else")),
)
Domain = StrEnum("Domain", [(member, key) for member, key, _label in _DOMAINS], module=__name__)
DOMAIN_LABELS = {Domain(key): label for _member, key, label in _DOMAINS}
EVERY_LABELS = {1: N_("Every week"), 2: N_("Every two weeks")}
WHO_LABELS = {"me": N_("🙋 Just for me"), "all": N_("👪 For the whole household")}


class DateProblem(StrEnum):
    UNKNOWN = "unknown"
    PAST = "past"


def read_target_date(raw: str, *, today: date) -> date | DateProblem:
    """A goal's target date as the client typed it, read looking ahead ("maandag" is the coming one). A day
    before today is refused: a goal is for later (today itself is fine)."""
    day = parse_day(raw, today=today, direction="future")
    if day is None:
        return DateProblem.UNKNOWN
    return DateProblem.PAST if day < today else day


def read_answer_button(key: str, arg: str) -> str | int:
    """The answer a new goal's button carries for question `key` (domain, day, time, every, who), checked:
    ValueError for a value no button of ours has."""
    if key == "domain":
        return Domain(arg).value
    if key == "day" and arg.isdigit() and 1 <= int(arg) <= 7:
        return int(arg)
    if key == "time" and len(arg) == 4 and (at := parse_clock_time(f"{arg[:2]}:{arg[2:]}")) is not None:
        return at.strftime("%H%M")
    if key == "every" and arg in ("1", "2"):
        return int(arg)
    if key == "who" and arg in WHO_LABELS:
        return arg
    raise ValueError(f"not an answer to {key}")


class GoalStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    PAUSED = "paused"
    REACHED = "reached"
    STOPPED = "stopped"


@dataclass(frozen=True)
class StallPolicy:
    """Per organisation. Defaults:
    - missed_in_a_row=2: two scheduled prompts in a row without an answer within `answer_window`;
    - answer_window=48h: how long a prompt may stay open before it counts as missed;
    - not_yet_in_a_row=3: three 'nog niet' answers in a row;
    - no_progress=28 days: no 'gelukt' or 'een beetje' for four weeks;
    - no_contact=7 days: the client answered no prompt for a week ('geen contact').
    All boundaries are inclusive (>=): at exactly 48h or exactly 28 days the rule applies.
    """

    missed_in_a_row: int = 2
    answer_window: timedelta = timedelta(hours=48)
    not_yet_in_a_row: int = 3
    no_progress: timedelta = timedelta(days=28)
    no_contact: timedelta = timedelta(days=7)

    def __post_init__(self) -> None:
        if self.missed_in_a_row < 1 or self.not_yet_in_a_row < 1:
            raise ValueError("counts must be at least 1")
        if min(self.answer_window, self.no_progress, self.no_contact) <= timedelta(0):
            raise ValueError("durations must be positive")


@dataclass(frozen=True)
class Prompt:
    sent_at: datetime
    answered_at: datetime | None = None
    answer: Answer | None = None


@dataclass(frozen=True)
class GoalFacts:
    status: GoalStatus
    created_at: datetime
    target_date: date | None = None
    prompts: tuple[Prompt, ...] = ()  # oldest first
    last_progress_at: datetime | None = None  # the last DONE or PARTLY answer
    reached: bool = False


class StallReason(StrEnum):
    MISSED = "missed"
    NOT_YET = "not_yet"
    NO_PROGRESS = "no_progress"
    OVERDUE = "overdue"


def _answered_in_time(prompt: Prompt, window: timedelta) -> bool:
    return prompt.answered_at is not None and prompt.answered_at - prompt.sent_at < window


def _missed_in_a_row(prompts: tuple[Prompt, ...], policy: StallPolicy, now: datetime) -> bool:
    # A prompt still inside its window is undecided: skip it rather than count it either way, so a fresh
    # prompt neither hides two missed ones before it nor counts as missed itself. The window is
    # [sent, sent + 48h): at exactly 48h without an answer the prompt is missed (>=), and so is an
    # answer that comes that late.
    window = policy.answer_window
    decided = [p for p in prompts if _answered_in_time(p, window) or now - p.sent_at >= window]
    last = decided[-policy.missed_in_a_row :]
    return len(last) == policy.missed_in_a_row and not any(_answered_in_time(p, window) for p in last)


def _not_yet_in_a_row(prompts: tuple[Prompt, ...], policy: StallPolicy) -> bool:
    answers = [p.answer for p in prompts if p.answer is not None]
    last = answers[-policy.not_yet_in_a_row :]
    return len(last) == policy.not_yet_in_a_row and all(a == Answer.NOT_YET for a in last)


def stall_reasons(
    facts: GoalFacts, policy: StallPolicy, *, now: datetime, zone: ZoneInfo
) -> tuple[StallReason, ...]:
    """Why an active goal is stalled (empty: it is not), in a fixed order.
    Proposed, paused, reached and stopped goals never stall."""
    if facts.status != GoalStatus.ACTIVE:
        return ()
    reasons: list[StallReason] = []
    if _missed_in_a_row(facts.prompts, policy, now):
        reasons.append(StallReason.MISSED)
    if _not_yet_in_a_row(facts.prompts, policy):
        reasons.append(StallReason.NOT_YET)
    since = facts.last_progress_at or facts.created_at  # a new goal gets the full period before it stalls
    if now - since >= policy.no_progress:
        reasons.append(StallReason.NO_PROGRESS)
    # The target date is a local calendar date: it has passed once the client's own day is after it.
    today = now.astimezone(zone).date()
    if facts.target_date is not None and not facts.reached and facts.target_date < today:
        reasons.append(StallReason.OVERDUE)
    return tuple(reasons)


def next_look(facts: GoalFacts, policy: StallPolicy, *, now: datetime, zone: ZoneInfo) -> datetime | None:
    """When `stall_reasons` must be asked again if nothing new happens to the goal (no prompt, no answer, no
    change): `now` when it stalls now; otherwise the first moment its answer could change by time alone: a
    prompt's answer window closing, `no_progress` after the last progress (or the start), the first moment
    after the target date. None for a goal that is not active: it cannot stall until it is active again.

    Between `now` and that moment the reasons stay what they are now (empty), whatever `now` is in between:
    the tick need not look at the goal before then (tests/domain/test_stall.py checks this for any facts)."""
    if facts.status != GoalStatus.ACTIVE:
        return None
    if stall_reasons(facts, policy, now=now, zone=zone):
        return now
    window = policy.answer_window
    # An unanswered prompt is undecided until its window closes; an answered one is decided already.
    moments = [p.sent_at + window for p in facts.prompts if p.answered_at is None and p.sent_at + window > now]
    moments.append((facts.last_progress_at or facts.created_at) + policy.no_progress)
    if facts.target_date is not None and not facts.reached:
        moments.append(datetime.combine(facts.target_date + timedelta(days=1), time(0), zone).astimezone(UTC))
    return min(moments)


def is_no_contact(
    last_answer_at: datetime | None, first_prompt_at: datetime | None, policy: StallPolicy, *, now: datetime
) -> bool:
    """'Geen contact': the client left prompts unanswered for `no_contact` (default 7 days, inclusive).

    `first_prompt_at` is the first prompt sent after `last_answer_at` (or the first prompt ever, if the
    client never answered); None when no prompt went out since. Silence only counts while we asked: the
    period runs from that first unanswered prompt, so a client whose prompts were off is not flagged the
    moment they resume.
    """
    if first_prompt_at is None:
        return False
    if last_answer_at is not None and first_prompt_at <= last_answer_at:
        return False  # that prompt was answered after all: no unanswered prompt since the last answer
    return now - first_prompt_at >= policy.no_contact


def progress_since(episode_started_at: datetime, last_progress_at: datetime | None) -> bool:
    """Progress (a DONE or PARTLY answer) after an episode began: that closes the episode."""
    return last_progress_at is not None and last_progress_at > episode_started_at


def new_episode(open_episode: bool, reasons: tuple[StallReason, ...], progress_since_episode: bool) -> bool:
    """True when a new stall episode begins now, which is exactly when one nudge is due.

    One episode gives one nudge, however long it lasts or how many reasons pile up; a new one can start only
    once progress closed the previous one (the caller closes an open episode when `progress_since_episode`).
    """
    if not reasons:
        return False
    return not open_episode or progress_since_episode


# Fixed Monday that anchors every-two-weeks rhythms without an anchor of their own, so the parity of a week
# never depends on when we happen to compute it.
_EPOCH_MONDAY = date(2024, 1, 1)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def next_goal_checkin(
    weekday: int, at: time, every_weeks: int = 1, *, now: datetime, zone: ZoneInfo, anchor: date | None = None
) -> datetime:
    """The first moment after `now` on ISO `weekday` (1 = maandag .. 7 = zondag) at local time `at`, in UTC.

    Weekly by default; with `every_weeks=2` only in weeks an even number of weeks from `anchor`'s week
    (e.g. the goal's start date), so the rhythm stays the same whenever it is recomputed. Combining date and
    wall-clock time per day keeps 19:00 at 19:00 across daylight-saving changes.
    """
    if not 1 <= weekday <= 7:
        raise ValueError("weekday must be an ISO weekday 1-7")
    if every_weeks not in (1, 2):
        raise ValueError("every_weeks must be 1 or 2")
    anchor_monday = _monday(anchor or _EPOCH_MONDAY)
    day = now.astimezone(zone).date()
    for _ in range(7 * every_weeks + 1):
        candidate = datetime.combine(day, at, zone).astimezone(UTC)
        in_rhythm = ((_monday(day) - anchor_monday).days // 7) % every_weeks == 0
        # Compare in UTC: comparing two datetimes with the same tzinfo ignores the fold in the autumn.
        if day.isoweekday() == weekday and in_rhythm and candidate > now:
            return candidate
        day += timedelta(days=1)
    raise AssertionError("unreachable: every_weeks weeks always hold the weekday")
