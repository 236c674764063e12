"""A form's step: what it asks, what kind of answer it takes, its examples. Shared by the signaleringsplan and
crisiskaart (bot/domain/forms.py) and the safety plans (bot/domain/safetyplans.py), so neither imports the other
for it."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.dates import Direction
from bot.domain.plans import Phase


class Kind(StrEnum):
    LIST = "list"  # several short answers, examples as buttons
    TEXT = "text"  # one answer
    DATE = "date"  # a day, like 12-03-1985
    CONTACTS = "contacts"  # name, relation or organisation, phone


@dataclass(frozen=True)
class Step:
    path: tuple[str, ...]
    question: str  # msgid
    kind: Kind
    examples: tuple[str, ...] = ()  # msgids
    phase: Phase | None = None
    when: Direction = "any"  # for a DATE: which way an open date like "14 juli" is read
    label: str | None = None  # msgid: the part's name in lists ("Change one part"), when not phase + part
    offer: str | None = None  # more examples from the client's own plans (bot/services/safetyplans.offers)
