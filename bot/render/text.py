"""Plans and cards as chat messages: short blocks, readable on a phone, split below Telegram's limit."""
from __future__ import annotations

from telegram.constants import MessageLimit

from bot.domain.forms import CARD_PART_NAMES, PART_NAMES, PHASE_NAMES
from bot.domain.plans import PHASE_EMOJI, Contact, CrisisCard, Phase, SignalingPlan
from bot.i18n import Translator

SAFETY_NUMBERS = ("112", "113", "0800-0113")


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
        blocks.append(_block(t.gettext(PART_NAMES["contacts"]), [_contact(c) for c in part.contacts]))
    return "\n\n".join(blocks)


def card_text(t: Translator, card: CrisisCard) -> str:
    lines = [t.gettext("🆘 Crisis card of {name}").format(name=card.name)]
    if card.birth_date:
        lines[0] += f" ({card.birth_date:%d-%m-%Y})"
    fields = [
        ("contacts", [_contact(c) for c in card.contacts]),
        ("what_helps", card.what_helps),
        ("what_does_not_help", card.what_does_not_help),
        ("what_happens", card.what_happens),
        ("care_providers", [_contact(c) for c in card.care_providers]),
        ("medication", card.medication),
        ("allergies", card.allergies),
        ("treatment_preferences", card.treatment_preferences),
        ("practical", card.practical),
    ]
    blocks = ["\n".join(lines)] + [_block(t.gettext(CARD_PART_NAMES[key]), list(items)) for key, items in fields if items]
    made = []
    if card.made_on:
        made.append(t.day(card.made_on))
    if card.made_with:
        made.append(t.gettext("with {who}").format(who=card.made_with))
    if made:
        blocks.append(t.gettext("Made on {when}").format(when=" ".join(made)))
    return "\n\n".join(blocks)


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
