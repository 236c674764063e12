"""Plans and cards as chat messages: short blocks, readable on a phone, split below Telegram's limit."""
from __future__ import annotations

import re
from datetime import date, datetime

from babel.dates import format_date
from telegram.constants import MessageLimit

from bot.domain.crisis import CrisisKind
from bot.domain.forms import CARD_PART_NAMES, PART_NAMES, PHASE_NAMES
from bot.domain.plans import PHASE_EMOJI, Contact, CrisisCard, Phase, SignalingPlan
from bot.i18n import LANGUAGES, N_, Translator, join_names, translator  # noqa: F401  (join_names: read here too)

# The essentials first: who to call and what helps, then the rest of the card.
CARD_VIEW_ORDER = (
    "contacts", "what_helps", "what_does_not_help", "what_happens", "care_providers",
    "medication", "allergies", "treatment_preferences", "practical",
)


def contact_line(contact: Contact) -> str:
    """'Mam (moeder): 06 12345678'."""
    line = contact.name + (f" ({contact.relation})" if contact.relation else "")
    return f"{line}: {contact.phone}" if contact.phone else line


def long_day(t: Translator, value: date | datetime) -> str:
    """'maandag 23 november 2025': a printed page is kept longer than a chat, so it needs the year."""
    local = value.astimezone(t.zone) if isinstance(value, datetime) and value.tzinfo else value
    return f"{t.day(local)} {local.year}"


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


# The numbers per kind of crisis (see bot.domain.crisis.CrisisKind), most urgent first. Spelled out once here.
CALL_113 = N_("Thinking about suicide? Call 113 or 0800-0113. That is free, day and night.")
CALL_112 = N_("In danger? Call 112.")
HELP_LINES = {
    None: (CALL_113, CALL_112),  # a red check-in, a self-scan 1: the general help
    CrisisKind.SUICIDE: (
        N_("📞 Call 113 Zelfmoordpreventie: 113 or 0800-0113. Free, day and night. You can also chat at 113.nl."),
        N_("🚨 In danger right now? Call 112."),
    ),
    CrisisKind.SELF_HARM: (
        N_("📞 Call 113: 113 or 0800-0113. Free, day and night. You can also chat at 113.nl."),
        N_("🚨 Badly hurt, or in danger right now? Call 112."),
    ),
    CrisisKind.ACUTE_DANGER: (
        N_("🚨 Call 112 now."),
        CALL_113,
    ),
    CrisisKind.DANGER_FROM_OTHERS: (
        N_("🚨 Is it happening now? Call 112."),
        N_("🏠 Not right now? Call Veilig Thuis: 0800-2000. Free, day and night."),
        N_("Tip: you can delete this chat afterwards."),
    ),
    CrisisKind.HARM_TO_OTHERS: (
        N_("🚨 Is it about to happen? Call 112."),
    ),
}
TALK_TO_WORKER = N_("💬 Talk about it with {name} as soon as you can.")
TALK_TO_GP = N_("💬 Talk about it with your GP (huisarts) as soon as you can.")
# Between two full messages: never nothing, and never the whole message again.
SHORT_LINE = N_("📞 113 or 0800-0113 · 🚨 In danger: 112")
SHORT_LINE_VEILIG_THUIS = N_("🚨 Happening now: 112 · 🏠 Veilig Thuis: 0800-2000 · 📞 113: 0800-0113")


def safety_text(
    t: Translator, contacts: tuple[Contact, ...] | list[Contact], kind: CrisisKind | None = None,
    worker: str | None = None,
) -> str:
    """First thing a client sees on red or crisis language: their own people, then the help for this kind."""
    lines = [t.gettext("I am glad you are telling me. You do not have to go through this alone.")]
    if contacts:
        lines += ["", t.gettext("Your own contacts:")] + [f"📞 {_contact(c)}" for c in contacts]
    lines += [""] + [t.gettext(line) for line in HELP_LINES.get(kind, HELP_LINES[None])]
    if kind == CrisisKind.HARM_TO_OTHERS:
        lines.append(t.gettext(TALK_TO_WORKER).format(name=worker) if worker else t.gettext(TALK_TO_GP))
    return "\n".join(lines)


def safety_line(t: Translator, kind: CrisisKind | None = None) -> str:
    """The short line with 113 and 112, for a client who keeps typing between two full messages."""
    return t.gettext(SHORT_LINE_VEILIG_THUIS if kind == CrisisKind.DANGER_FROM_OTHERS else SHORT_LINE)


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
