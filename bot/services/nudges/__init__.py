"""The worker's side of stalled goals: the nudge climbs the ladder until someone on the care team responds.

`sweep_stalls` (services/goals.py) opens a stall episode with one `Nudge` and tells the client. The tick then
calls `notify_nudges`: per open nudge the rungs due now (coordinating at once, backup after 2 working days,
procesregisseur after 5; weekends and public holidays do not count) and who is on them (absent workers are
skipped, see `bot.domain.ladder.recipients`). Each new recipient gets a `NudgeDelivery` row; deliveries go
out only in working time, one worker's waiting deliveries together as one morning digest.

A nudge stops climbing once a worker acknowledges it ("I will get in touch" / "seen"), and when progress
closes the stall episode. "Later" snoozes it: the ladder counts again from the end of the snooze, and the
worker who snoozed gets it again then.

The tick looks only at nudges whose look is due (`next_climb_at`): when the next rung comes due, when a snooze
ends, at once after a change in the care team (an absence, a handover, a new member, a worker who left), and
once a day before working hours, which takes in absences that begin or end by the calendar. So the climb
costs what is due, not every open nudge every minute.

By topic: views.py (what the services hand back), core.py (texts and small helpers), ladder.py, reading.py
(the nudge and the digest a worker reads, sent in working time), acting.py (open, acknowledge, snooze),
absence.py (away, handover) and overzicht.py (/overzicht). Callers use the package: `nudges.overview(...)`.
"""

from __future__ import annotations

from bot.services.nudges.absence import clear_absence, handover, my_absences, set_absence
from bot.services.nudges.acting import acknowledge, nudge_message, snooze
from bot.services.nudges.core import (
    ACK_KINDS,
    DIGEST_MAX,
    LADDER_ROLES,
    LAST_CHECKINS,
    REASON_TEXTS,
    SNOOZE_DAYS,
    first_name,
    work_hours,
)
from bot.services.nudges.ladder import care_teams, climb_soon, daily_look
from bot.services.nudges.overzicht import PHASE_RANK, overview
from bot.services.nudges.reading import digest_to_send, notify_nudges, nudge_to_send
from bot.services.nudges.views import (
    AbsenceView,
    AckResult,
    BadDates,
    DigestLine,
    HandoverResult,
    NudgeFacts,
    OverviewPage,
    OverviewRow,
    SnoozeResult,
)

__all__ = [
    "ACK_KINDS",
    "DIGEST_MAX",
    "LADDER_ROLES",
    "LAST_CHECKINS",
    "PHASE_RANK",
    "REASON_TEXTS",
    "SNOOZE_DAYS",
    "AbsenceView",
    "AckResult",
    "BadDates",
    "DigestLine",
    "HandoverResult",
    "NudgeFacts",
    "OverviewPage",
    "OverviewRow",
    "SnoozeResult",
    "acknowledge",
    "care_teams",
    "clear_absence",
    "climb_soon",
    "daily_look",
    "digest_to_send",
    "first_name",
    "handover",
    "my_absences",
    "notify_nudges",
    "nudge_message",
    "nudge_to_send",
    "overview",
    "set_absence",
    "snooze",
    "work_hours",
]
