"""What a worker learns about a client *without* the client's consent: decided once, here.

The client decides who sees what (bot/domain/consent.py). One thing reaches the care team without consent,
because the framework asks for it ("when a goal stalls, the worker should know"): a worker on the escalation
ladder (coordinating, backup, procesregisseur) may learn exactly one of two sentences about a client:

- "{name} has not responded for a while" (QUIET), or
- "a goal of {name} is stuck, ask how things are going" (STUCK).

Nothing more: no goal, step, answer, reason, count or number of days. Those need "goals and check-ins"
consent (Scope.GOALS), and every look at them goes through the audited consent check. The coordinating worker
hears it first; the backup and the procesregisseur only when the nudge climbs to them (no response in time,
or the coordinating worker is away), and /overzicht shows them the signal only for such a client. An
involved worker (debt help, housing) learns nothing without consent. The client is told exactly this in onboarding, in
/privacy and in the README; docs/decisions.md says why.
"""
from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from bot.domain.goals import StallReason
from bot.domain.roles import CareRole

# The audit scope of a look at the signal (the client sees it in /wiezietwat like any other look).
STATUS_SCOPE = "status"
# The care roles on the escalation ladder: only they get the signal without consent.
SIGNAL_ROLES = frozenset({CareRole.COORDINATING, CareRole.BACKUP, CareRole.PROCESREGISSEUR})


class Signal(StrEnum):
    QUIET = "quiet"  # has not responded for a while
    STUCK = "stuck"  # a goal is stuck


def gets_signal(care_role: str | None) -> bool:
    """Only the ladder's workers hear the signal without consent; anyone else hears nothing."""
    return care_role in SIGNAL_ROLES


def stall_signal(reasons: Iterable[StallReason | str]) -> Signal:
    """A stall only of unanswered prompts says "has not responded"; any other reason says "stuck"."""
    found = {StallReason(reason) for reason in reasons}
    return Signal.QUIET if found and found <= {StallReason.MISSED} else Signal.STUCK


def no_contact_for(days_since_contact: int | None, no_contact_days: int) -> bool:
    """'Geen contact': at least `no_contact_days` whole days since the client last answered or was seen."""
    return days_since_contact is not None and days_since_contact >= no_contact_days


def overview_signal(*, stuck: bool, days_since_contact: int | None, no_contact_days: int) -> Signal | None:
    """One signal at most for a row of /overzicht without consent: stuck first, then quiet, else none."""
    if stuck:
        return Signal.STUCK
    if days_since_contact is None or no_contact_for(days_since_contact, no_contact_days):
        return Signal.QUIET
    return None
