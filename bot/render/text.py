"""Plans and cards as chat messages: short blocks, readable on a phone, split below Telegram's limit."""
from __future__ import annotations

from telegram.constants import MessageLimit

from bot.domain.forms import CARD_PART_NAMES, PART_NAMES, PHASE_NAMES
from bot.domain.plans import PHASE_EMOJI, Contact, CrisisCard, Phase, SignalingPlan
from bot.i18n import Translator

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
