"""Closing a traject: the outcome measures a-g of the framework, and the client's view of the support.

Pure: keys, plain labels, and validation. The worker scores each outcome 1-5, or "n.v.t." (not relevant,
stored as None: e.g. g when there are no children). The client answers three statements about the working
relationship and one question about their own goals, each 1-5.
"""
from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import N_

OUTCOME_KEYS = ("a", "b", "c", "d", "e", "f", "g")
OUTCOMES = {
    "a": N_("a. Physical and mental health"),
    "b": N_("b. Stable and safe housing"),
    "c": N_("c. Enough income"),
    "d": N_("d. Meaningful daily activities and day structure"),
    "e": N_("e. Meaningful contacts"),
    "f": N_("f. Safety of the client and those close"),
    "g": N_("g. Wellbeing of the children in the household"),
}
NOT_RELEVANT = N_("n.a.")  # shown on the button and in the summary; stored as None

RELATION_KEYS = ("listened", "own_goals", "recommend", "goals_reached")
RELATION_QUESTIONS = {
    "listened": N_("My worker listened to me."),
    "own_goals": N_("We worked on my own goals."),
    "recommend": N_("I would recommend this support to others."),
    "goals_reached": N_("How far did you reach your own goals?"),
}
# Statements get agree/disagree; the last question gets "not at all" .. "completely".
AGREE_SCALE = {
    1: N_("Not at all true"),
    2: N_("Not really"),
    3: N_("Partly"),
    4: N_("Mostly true"),
    5: N_("Completely true"),
}
REACHED_SCALE = {1: N_("Not at all"), 2: N_("A little"), 3: N_("Partly"), 4: N_("Mostly"), 5: N_("Completely")}


def scale_for(key: str) -> dict[int, str]:
    return REACHED_SCALE if key == "goals_reached" else AGREE_SCALE


def valid_outcomes(outcomes: Mapping[str, object]) -> dict[str, int | None]:
    """Exactly the keys a-g, each 1-5 or None. Raises ValueError otherwise."""
    if set(outcomes) != set(OUTCOME_KEYS):
        raise ValueError("outcomes need exactly a-g")
    out: dict[str, int | None] = {}
    for key in OUTCOME_KEYS:
        value = outcomes[key]
        if value is not None and not (isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5):
            raise ValueError(f"outcome {key} must be 1-5 or None")
        out[key] = value  # type: ignore[assignment]
    return out


def encode_outcomes(values: list[int | None]) -> str:
    """For a button: '45n3' (n is n.v.t.)."""
    return "".join("n" if value is None else str(value) for value in values)


def decode_outcomes(text: str) -> list[int | None]:
    if len(text) > len(OUTCOME_KEYS) or any(ch not in "12345n" for ch in text):
        raise ValueError("bad outcome string")
    return [None if ch == "n" else int(ch) for ch in text]


def valid_answer(key: str, value: object) -> bool:
    return key in RELATION_KEYS and isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5
