"""The safety plans as chat messages, as an A4 PDF and as one picture for the phone; and the short texts a
client in crisis reads ("Wat kan ik nu doen?", "Wie kan ik bellen?").

Pure: takes the plans of bot/domain/safetyplans.py and a translator. Every view of a plan ends with the public
numbers: 113 and 112 for the plan bij zelfmoordgedachten, Veilig Thuis and 112 for the thuisplan. An empty part
says so, so a view also shows what is still missing.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.domain.plans import Contact
from bot.domain.safetyplans import (
    CONTACT_PARTS,
    HELP_LINES,
    HOME_HELP_LINES,
    HOME_PART_NAMES,
    HOME_PARTS,
    SAFETY_PART_NAMES,
    SAFETY_PARTS,
    HomePlan,
    SafetyPlan,
)
from bot.i18n import N_, Translator
from bot.render.fonts import FAMILY, GREY, MAX_PHOTO_HEIGHT, PNG_LIMITS, Sheet
from bot.render.text import contact_line, long_day, split

if TYPE_CHECKING:
    from bot.render.pdf import Pdf

SAFETY_COLOUR = "#2b5d8a"  # a calm blue: this plan is for a dark moment, not an alarm
HOME_COLOUR = "#5b4a8a"
CHECKBOX = "☐"
NOT_YET = N_("Not filled in yet.")


def _titles(plan: SafetyPlan | HomePlan, t: Translator) -> tuple[str, str]:
    """The plan's name as Dutch care knows it ("Veiligheidsplan van Sam"), what it is for, and its version."""
    if isinstance(plan, SafetyPlan):
        title = t.gettext("Safety plan of {name}").format(name=plan.owner_name)
        lines = [t.gettext("For when I think about suicide.")]
    else:
        title = t.gettext("Home plan of {name}").format(name=plan.owner_name)
        lines = []
    if plan.saved_at is not None:
        day = long_day(t, plan.saved_at)
        lines.append(t.gettext("Version {n}, saved on {day}.").format(n=plan.version, day=day) if plan.version
                     else t.gettext("Saved on {day}.").format(day=day))
    return title, " ".join(lines)


def _sections(plan: SafetyPlan | HomePlan, t: Translator) -> list[tuple[str, list[str], bool]]:
    """(heading, entries, checklist) per part, in the order of the steps."""
    names, keys = (SAFETY_PART_NAMES, SAFETY_PARTS) if isinstance(plan, SafetyPlan) else (HOME_PART_NAMES, HOME_PARTS)
    sections = []
    for number, key in enumerate(keys, start=1):
        value = getattr(plan, key)
        if key in CONTACT_PARTS:
            items = [contact_line(c) for c in value]
        elif isinstance(value, str):
            items = [value]
        else:
            items = list(value or ())
        sections.append((f"{number}. {t.gettext(names[key])}", items, key == "take_along"))
    return sections


def help_contacts(plan: SafetyPlan | HomePlan, t: Translator) -> list[str]:
    lines = HELP_LINES if isinstance(plan, SafetyPlan) else HOME_HELP_LINES
    return [f"{t.gettext(c.name)}: {c.phone}" for c in lines]


def missing_names(plan: SafetyPlan | HomePlan, t: Translator) -> list[str]:
    names = SAFETY_PART_NAMES if isinstance(plan, SafetyPlan) else HOME_PART_NAMES
    return [t.gettext(names[key]) for key in plan.missing]


# --- chat messages ---------------------------------------------------------------------------------------------


def plan_texts(plan: SafetyPlan | HomePlan, t: Translator) -> list[str]:
    """The plan as phone-sized messages: every part (an empty one says so), then the numbers to call."""
    title, subtitle = _titles(plan, t)
    icon = "🧭" if isinstance(plan, SafetyPlan) else "🏡"  # as on its button (🏠 is the menu)
    blocks = [f"{icon} {title}" + (f"\n{subtitle}" if subtitle else "")]
    for heading, items, checklist in _sections(plan, t):
        mark = f"{CHECKBOX} " if checklist else "• "
        body = "\n".join(mark + item for item in items) if items else t.gettext(NOT_YET)
        blocks.append(f"{heading}\n{body}")
    blocks.append(t.gettext("📞 Help, day and night:") + "\n" + "\n".join(help_contacts(plan, t)))
    return split("\n\n".join(blocks))


def _block(title: str, items: Sequence[str]) -> str:
    return title + "\n" + "\n".join(f"• {item}" for item in items)


def what_now_text(t: Translator, plan: SafetyPlan | None, red_steps: Sequence[str], card_helps: Sequence[str]) -> str:
    """'Wat kan ik nu doen?': the client's own steps, most concrete first. Without any, say so and what helps
    many people, and point to 113."""
    blocks: list[str] = []
    if plan is not None:
        for key in ("coping", "distraction", "safe_surroundings", "reasons"):
            items = getattr(plan, key)
            if items:
                blocks.append(_block(t.gettext(SAFETY_PART_NAMES[key]), items))
    if red_steps:
        blocks.append(_block(t.gettext("From your signaleringsplan, on red:"), red_steps))
    if card_helps:
        blocks.append(_block(t.gettext("From your crisis card, what helps you:"), card_helps))
    if not blocks:
        return "\n".join([
            t.gettext("You have not written down your own steps yet. Things that help many people right now:"),
            "• " + t.gettext("Do not stay alone: call or visit someone."),
            "• " + t.gettext("Go to a safe place, away from what could hurt you."),
            "• " + t.gettext("Breathe in slowly, and out even more slowly."),
            "",
            t.gettext("Talk to 113: call 0800-0113 (free, day and night) or chat at 113.nl."),
        ])
    return t.gettext("🧭 Your own steps. Start with the first one:") + "\n\n" + "\n\n".join(blocks)


def who_to_call_text(t: Translator, people: Sequence[Contact], professionals: Sequence[Contact]) -> str:
    """'Wie kan ik bellen?': the client's people, their professionals, then 113 and 112."""
    lines = [t.gettext("📞 Who you can call now:")]
    if people:
        lines += ["", t.gettext("Your people:")] + [f"• {contact_line(c)}" for c in people]
    if professionals:
        lines += ["", t.gettext("Your care providers:")] + [f"• {contact_line(c)}" for c in professionals]
    if not people and not professionals:
        lines += ["", t.gettext("You have not written down anyone yet. You can do that in your safety plan.")]
    lines += ["", t.gettext("Always there:")] + [f"• {t.gettext(c.name)}: {c.phone}" for c in HELP_LINES]
    return "\n".join(lines)


def home_now_text(t: Translator, plan: HomePlan | None) -> str:
    """After words about danger at home: the client's own thuisplan steps, then Veilig Thuis and 112. No plan:
    only the numbers, and that a plan can be made (quietly: it is called the home plan)."""
    lines: list[str] = []
    if plan is not None:
        if plan.safe_places:
            lines += [t.gettext("Where you can go:")] + [f"• {place}" for place in plan.safe_places] + [""]
        if plan.safe_people:
            lines += [t.gettext("Your safe people:")] + [f"• {contact_line(c)}" for c in plan.safe_people] + [""]
        if plan.code_word:
            lines += [t.gettext("Your code word: {word}").format(word=plan.code_word), ""]
        if plan.take_along:
            lines += [t.gettext("What you take:")] + [f"{CHECKBOX} {item}" for item in plan.take_along] + [""]
        if plan.children:
            lines += [t.gettext("The children:")] + [f"• {item}" for item in plan.children] + [""]
    if lines:
        lines.insert(0, t.gettext("🏡 From your home plan:"))
    else:
        lines = [t.gettext("You can make a home plan: where you go, who you call and what you take."), ""]
    lines += [f"{t.gettext(c.name)}: {c.phone}" for c in HOME_HELP_LINES]
    return "\n".join(lines).strip()


# --- the PDF -----------------------------------------------------------------------------------------------------


def _intro(plan: SafetyPlan | HomePlan, t: Translator) -> str:
    if isinstance(plan, SafetyPlan):
        return t.gettext("Use this plan when things get very hard. Go through the steps from the top. "
                         "Does a step not help? Go on to the next one.")
    return t.gettext("Keep this plan where only you can find it. Is it happening now? Call 112.")


def _checklist(pdf: Pdf, items: Sequence[str]) -> None:
    """A box to tick per entry, in the place of the bullet: a list to take along."""
    from fpdf.enums import XPos, YPos

    left = pdf.l_margin
    pdf.set_font(FAMILY, size=pdf.BODY + 1)
    for item in items:
        if pdf.will_page_break(pdf.LINE + 1):
            pdf.add_page()
        pdf.set_x(left + 2)
        pdf.cell(7, pdf.LINE + 1, CHECKBOX)
        pdf.set_left_margin(left + 9)
        pdf.set_x(left + 9)
        pdf.multi_cell(0, pdf.LINE + 1, item, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_left_margin(left)
        pdf.set_x(left)
    pdf.ln(2)


def plan_pdf(plan: SafetyPlan | HomePlan, t: Translator) -> bytes:
    title, subtitle = _titles(plan, t)
    from bot.render.pdf import Pdf  # fpdf2 loads with the first PDF, not at start-up

    colour = SAFETY_COLOUR if isinstance(plan, SafetyPlan) else HOME_COLOUR
    pdf = Pdf(title, title, t.locale)
    pdf.add_page()
    pdf.paragraph(title, size=20, bold=True)
    if subtitle:
        pdf.paragraph(subtitle, size=10, colour=GREY)
    pdf.ln(2)
    pdf.paragraph(_intro(plan, t), size=11)
    pdf.ln(4)
    for heading, items, checklist in _sections(plan, t):
        if pdf.will_page_break(9 + 2 * pdf.LINE + 4):  # never a band alone at the bottom of a page
            pdf.add_page()
        pdf.band(heading, colour, size=12, height=9)
        pdf.ln(2)
        if not items:
            pdf.paragraph(t.gettext(NOT_YET), colour=GREY)
        elif checklist:
            _checklist(pdf, items)
        else:
            pdf.bullets(items)
        pdf.ln(3)
    if pdf.will_page_break(9 + 3 * pdf.LINE):
        pdf.add_page()
    pdf.band(t.gettext("Help, day and night"), "#d62828", size=12, height=9)
    pdf.ln(2)
    pdf.bullets(help_contacts(plan, t))
    return pdf.bytes()


# --- the picture ---------------------------------------------------------------------------------------------


def _sheet(plan: SafetyPlan | HomePlan, t: Translator, lines: int, entries: int) -> Sheet:
    title, subtitle = _titles(plan, t)
    colour = SAFETY_COLOUR if isinstance(plan, SafetyPlan) else HOME_COLOUR
    sheet = Sheet()
    sheet.text(title, 52, bold=True, max_lines=3, after=0.2)
    if subtitle:
        sheet.text(subtitle, 30, fill=GREY)
    sheet.space(16)
    for heading, items, checklist in _sections(plan, t):
        sheet.band(heading, colour, 40)
        top = sheet.y
        sheet.left, sheet.right = sheet.margin + 36, sheet.width - sheet.margin - 24
        sheet.space(16)
        if not items:
            sheet.text(t.gettext(NOT_YET), 32, fill=GREY)
        for item in items[:entries]:
            sheet.text(f"{CHECKBOX} {item}" if checklist else item, 32, bullet=not checklist, max_lines=lines,
                       after=0.1)
        if len(items) > entries:
            sheet.text(t.gettext("and {n} more").format(n=len(items) - entries), 30, fill=GREY, after=0.1)
        sheet.panel(top, colour)
        sheet.left, sheet.right = sheet.margin, sheet.width - sheet.margin
        sheet.space(24)
    sheet.band(t.gettext("Help, day and night"), "#d62828", 40)
    top = sheet.y
    sheet.left, sheet.right = sheet.margin + 36, sheet.width - sheet.margin - 24
    sheet.space(16)
    for line in help_contacts(plan, t):
        sheet.text(line, 32, bold=True, max_lines=3, after=0.2)
    sheet.panel(top, "#d62828")
    sheet.left, sheet.right = sheet.margin, sheet.width - sheet.margin
    return sheet


def plan_png(plan: SafetyPlan | HomePlan, t: Translator) -> bytes:
    for lines, entries in PNG_LIMITS:
        sheet = _sheet(plan, t, lines, entries)
        if sheet.height <= MAX_PHOTO_HEIGHT:
            break
    return sheet.png(t.gettext("The full plan is in the PDF."))

