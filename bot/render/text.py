"""Plans and cards as chat messages: short blocks, readable on a phone, split below Telegram's limit."""
from __future__ import annotations

import re
from datetime import date

from babel.dates import format_date
from telegram.constants import MessageLimit

from bot.domain.forms import CARD_PART_NAMES, PART_NAMES, PHASE_NAMES
from bot.domain.plans import PHASE_EMOJI, Contact, CrisisCard, Phase, SignalingPlan
from bot.i18n import LANGUAGES, N_, Translator, translator

# The essentials first: who to call and what helps, then the rest of the card.
CARD_VIEW_ORDER = (
    "contacts", "what_helps", "what_does_not_help", "what_happens", "care_providers",
    "medication", "allergies", "treatment_preferences", "practical",
)


def _contact(c: Contact) -> str:
    parts = [c.name] + ([c.relation] if c.relation else []) + ([c.phone] if c.phone else [])
    return ", ".join(parts)


def _block(title: str, items: tuple[str, ...] | list[str]) -> str:
    return title + "\n" + ("\n".join(f"• {item}" for item in items) if items else "–")


def phase_text(t: Translator, plan: SignalingPlan, phase: Phase) -> str:
    part = plan.phase(phase)
    blocks = [f"{PHASE_EMOJI[phase]} {t.gettext(PHASE_NAMES[phase])}"]
    for key in ("signs_self", "signs_others", "what_i_do", "what_others_do"):
        blocks.append(_block(t.gettext(PART_NAMES[key]), getattr(part, key)))
    if phase in (Phase.ORANGE, Phase.RED):
        title = PART_NAMES["contacts"]  # looked up outside gettext(), so extraction does not take the key
        blocks.append(_block(t.gettext(title), [_contact(c) for c in part.contacts]))
    return "\n\n".join(blocks)


def card_text(t: Translator, card: CrisisCard) -> str:
    lines = [t.gettext("🆘 Crisis card of {name}").format(name=card.name)]
    if card.birth_date:
        lines[0] += " (" + card.birth_date.strftime("%d-%m-%Y") + ")"
    blocks = ["\n".join(lines)]
    for key in CARD_VIEW_ORDER:
        value = getattr(card, key)
        items = [_contact(c) for c in value] if key in ("contacts", "care_providers") else list(value)
        if items:
            blocks.append(_block(t.gettext(CARD_PART_NAMES[key]), items))
    if made := made_line(t, card, card_day(t, card.made_on) if card.made_on else None):
        blocks.append(made)
    return "\n\n".join(blocks)


# The answers the card's last question offers (bot/domain/forms.py), and how a sentence says them.
MADE_ALONE = N_("On my own")
MADE_WITH = {N_("With my worker"): N_("my worker"), N_("With a peer expert"): N_("a peer expert")}
_WITH = re.compile(r"^(samen\s+met|together\s+with|met|with)\s+", re.IGNORECASE)


def made_line(t: Translator, card: CrisisCard, day: str | None) -> str:
    """'Gemaakt op 6 december 2026 met mijn begeleider.' The answer to "with whom" was stored as typed or as
    the example tapped (in the language of that moment), so it is read back into one sentence, never
    "met Met mijn begeleider"."""
    alone, who = made_with_words(t, card.made_with)
    if alone:
        return t.gettext("Made on {day}, by me.").format(day=day) if day else t.gettext("Made by me.")
    if who:
        return (t.gettext("Made on {day} with {who}.").format(day=day, who=who) if day
                else t.gettext("Made with {who}.").format(who=who))
    return t.gettext("Made on {day}.").format(day=day) if day else ""


def made_with_words(t: Translator, made_with: str | None) -> tuple[bool, str]:
    """(made alone, with whom in words): the example tapped, in either language, becomes "mijn begeleider";
    a typed "Met Anna" becomes "Anna"."""
    who = (made_with or "").strip()
    said = who.casefold()
    if any(said == translator(language).gettext(MADE_ALONE).casefold() for language in LANGUAGES):
        return True, ""
    example = next((phrase for answer, phrase in MADE_WITH.items()
                    if any(said == translator(language).gettext(answer).casefold() for language in LANGUAGES)), None)
    return False, t.gettext(example) if example is not None else _WITH.sub("", who)


def card_day(t: Translator, day: date) -> str:
    """'6 december 2026': on a card that is kept for years, a day has its year."""
    return format_date(day, "d MMMM y", locale=t.locale)


def split(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut a long text into messages at line ends where possible, never above Telegram's limit."""
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n ")
    chunks.append(text)
    return [chunk for chunk in chunks if chunk]


def safety_text(t: Translator, contacts: tuple[Contact, ...] | list[Contact]) -> str:
    """First thing a client sees on red or crisis language: their own people, then 113 and 112."""
    lines = [t.gettext("I am glad you are telling me. You do not have to go through this alone.")]
    if contacts:
        lines += ["", t.gettext("Your own contacts:")] + [f"📞 {_contact(c)}" for c in contacts]
    lines += [
        "",
        t.gettext("Thinking about suicide? Call 113 or 0800-0113. That is free, day and night."),
        t.gettext("In danger? Call 112."),
    ]
    return "\n".join(lines)


def card_essentials(t: Translator, card: CrisisCard) -> str | None:
    """On rood, right after the safety message: what helps and what does not, from the client's own card."""
    blocks = []
    for key in ("what_helps", "what_does_not_help"):
        items = getattr(card, key)
        if items:
            blocks.append(_block(t.gettext(CARD_PART_NAMES[key]), list(items)))
    if not blocks:
        return None
    return t.gettext("🆘 From your crisis card:") + "\n\n" + "\n\n".join(blocks)
