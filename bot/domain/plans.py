"""Value types of the self-management tools: the signaleringsplan (four phases) and the crisiskaart.

Plain frozen dataclasses: services build them from the database, renderers and flows only read them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Phase(StrEnum):
    GREEN = "groen"  # het gaat goed
    YELLOW = "geel"  # spanning
    ORANGE = "oranje"  # het gaat niet goed
    RED = "rood"  # crisis


PHASES = (Phase.GREEN, Phase.YELLOW, Phase.ORANGE, Phase.RED)
PHASE_COLOURS = {Phase.GREEN: "#2e9e44", Phase.YELLOW: "#f2c200", Phase.ORANGE: "#f07f09", Phase.RED: "#d62828"}
PHASE_EMOJI = {Phase.GREEN: "🟢", Phase.YELLOW: "🟡", Phase.ORANGE: "🟠", Phase.RED: "🔴"}


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str | None = None
    relation: str | None = None  # or, for a care provider, the organisation


@dataclass(frozen=True)
class PhasePlan:
    signs_self: tuple[str, ...] = ()
    signs_others: tuple[str, ...] = ()
    what_i_do: tuple[str, ...] = ()
    what_others_do: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()  # who to call: oranje and rood only

    @property
    def is_empty(self) -> bool:
        return not (self.signs_self or self.signs_others or self.what_i_do or self.what_others_do or self.contacts)


@dataclass(frozen=True)
class SignalingPlan:
    owner_name: str
    phases: dict[Phase, PhasePlan] = field(default_factory=dict)
    version: int = 0
    saved_at: datetime | None = None

    def phase(self, phase: Phase) -> PhasePlan:
        return self.phases.get(phase, PhasePlan())


@dataclass(frozen=True)
class CrisisCard:
    name: str
    birth_date: date | None = None
    what_happens: tuple[str, ...] = ()  # what happens to me in a crisis, how others recognise it
    what_helps: tuple[str, ...] = ()
    what_does_not_help: tuple[str, ...] = ()  # and what I do not want
    contacts: tuple[Contact, ...] = ()  # name, relation, phone
    care_providers: tuple[Contact, ...] = ()  # name, organisation (in relation), phone
    medication: tuple[str, ...] = ()  # "name, dose"
    allergies: tuple[str, ...] = ()
    treatment_preferences: tuple[str, ...] = ()  # treatment and place, and where not
    practical: tuple[str, ...] = ()  # children, pets, house, work, bills
    made_on: date | None = None
    made_with: str | None = None
