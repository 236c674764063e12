"""The steps of this package's one conversation where the client types or sends something."""
from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    HOPE_ADD = "safetyplan.hope_add"  # photos, texts, voice messages and links for the hoopbox
    SOS_TEXT = "safetyplan.sos_text"  # the noodbericht's own words
    SOS_PERSON = "safetyplan.sos_person"  # a trusted person: a name and a number, or a shared contact
