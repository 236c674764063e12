"""The words of the step-by-step forms that other flows show too: why an answer was not taken, and a step's name;
and the daily check-in's question, which the chat and the tick's prompt (conversations/notices) both ask."""
from __future__ import annotations

from babel.numbers import format_decimal

from bot.domain import forms
from bot.domain.forms import Tool
from bot.domain.plans import Phase
from bot.i18n import N_, Translator

REFUSALS = {
    "empty": N_("I got an empty answer. Please type some words."),
    "too_many": N_("This part is full. Remove something first with 🗑 Clear, or go on."),
    "date": N_("I do not understand that date. Type it like 12-03-1985, or like 12 March 1985."),
    "date_future": N_("That day has not come yet. Type your date of birth, like 12-03-1985."),
    "duplicate": N_("That is already in the list."),
    "too_long": N_("That answer is too long. One answer can have at most {max} characters. "
                   "Please make it shorter, or send it in parts."),
}
PHASE_QUESTION = N_("How are you doing today?")
PHASE_BUTTONS = {
    Phase.GREEN: N_("🟢 Good"),
    Phase.YELLOW: N_("🟡 Some tension"),
    Phase.ORANGE: N_("🟠 Not good"),
    Phase.RED: N_("🔴 Crisis"),
}


def refusal_text(t: Translator, reason: str) -> str:
    """Why an answer was not taken, in words (with the limit where there is one)."""
    return t.gettext(REFUSALS[reason]).format(max=format_decimal(forms.MAX_TEXT, locale=t.locale))


def step_label(t: Translator, tool: Tool, index: int) -> str:
    step = forms.STEPS[tool][index]
    if step.label:
        return t.gettext(step.label)
    if tool == Tool.PLAN:
        return f"{t.gettext(forms.PHASE_NAMES[step.phase]).split(':')[0]}: {t.gettext(forms.PART_NAMES[step.path[-1]])}"
    return t.gettext(forms.CARD_PART_NAMES[step.path[-1]])
