"""What the goal flows share: their states, limits and the words for a problem with a typed answer."""
from __future__ import annotations

from enum import StrEnum

from babel.numbers import format_decimal

from bot.domain.forms import first_part
from bot.domain.goals import GoalStatus
from bot.i18n import N_, Translator

MAX_TEXT = 500  # title, why, step


MAX_NOTE = 1000


CLOSED = (GoalStatus.REACHED, GoalStatus.STOPPED)


class Step(StrEnum):
    DOMAIN = "goals.domain"
    TITLE = "goals.title"
    WHY = "goals.why"
    STEP = "goals.step"
    DATE = "goals.date"
    DAY = "goals.day"
    TIME = "goals.time"
    EVERY = "goals.every"
    WHO = "goals.who"
    NOTE = "goals.note"  # after an answer to a check-in: an optional note, typed or spoken
    NEW_STEP = "goals.new_step"  # a next, changed or smaller step


NOTE_QUESTION = N_("Want to add a short note? Type it, or send a voice message.")


EMPTY = N_("I got an empty answer. Please type some words.")


TOO_LONG = N_("That is too long for me. Please use at most {max} characters.")


TOO_LONG_KEPT = N_(
    "Your answer has {n} characters. An answer can have at most {max}. "
    "I saved the first part, up to: \"…{end}\". You can change it with Back."
)


TOO_LONG_SAVED = N_(
    "Your answer has {n} characters. An answer can have at most {max}. I saved the first part, up to: \"…{end}\"."
)


CLOSED_TEXT = N_("This goal is closed. It stays in your history.")


def clean_text(raw: str | None, limit: int) -> tuple[str | None, str | None]:
    """(text, None) or (None, the reason to ask again)."""
    value = " ".join((raw or "").split())
    if not value:
        return None, EMPTY
    if len(value) > limit:
        return None, TOO_LONG
    return value, None


def problem_text(t: Translator, reason: str, limit: int) -> str:
    return t.gettext(reason).format(max=limit)


def kept_part(t: Translator, raw: str, limit: int, *, back: bool = True) -> tuple[str, str]:
    """A too-long answer: its first part, and the words that say so (the limit, and where it was cut)."""
    kept = first_part(" ".join(raw.split()), limit)
    return kept, t.gettext(TOO_LONG_KEPT if back else TOO_LONG_SAVED).format(
        n=format_decimal(len(" ".join(raw.split())), locale=t.locale), max=format_decimal(limit, locale=t.locale),
        end=kept[-40:].lstrip())


def read_answer(t: Translator, raw: str, limit: int, *, back: bool = True) -> tuple[str | None, str | None, str | None]:
    """A typed answer as (value, cut, problem): a too-long one keeps its first part and `cut` says so; an empty
    one has no value and `problem` is the line to ask again with."""
    value, problem = clean_text(raw, limit)
    if problem == TOO_LONG:
        value, cut = kept_part(t, raw, limit, back=back)
        return value, cut, None
    if problem:
        return None, None, problem_text(t, problem, limit)
    return value, None, None


def checkin_question(t: Translator, step: str) -> str:
    """A goal's check-in question: the tick's prompt (conversations/notices/prompts.py) and the chat's ask it."""
    return t.gettext("How did it go with your step \"{step}\"?").format(step=step)
