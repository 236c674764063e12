"""The herstelplan as one A4 PDF (its chat texts are in bot/render/herstelplan.py): a module of its own, so
fpdf2 loads when the first plan is printed, not when the bot starts."""
from __future__ import annotations

from collections.abc import Sequence

from fpdf.enums import XPos, YPos

from bot.domain.plans import PHASE_COLOURS
from bot.i18n import Translator
from bot.render.fonts import BLACK, FAMILY, GREY, plain, rgb
from bot.render.herstelplan import (
    GOAL_DOMAINS,
    NOT_SHARED,
    PART_TITLES,
    PDF_BLUE,
    by_domain,
    goal_lines,
    phase_line,
    plan_title,
    scan_lines,
    support_lines,
)
from bot.render.pdf import Pdf
from bot.render.text import contact_line, long_day
from bot.services.herstelplan import GoalLine, MemberPlan, Part, PlanView


class PlanPdf(Pdf):
    def section(self, text: str) -> None:
        if self.will_page_break(30):
            self.add_page()
        self.ln(2)
        self.band(plain(text), PDF_BLUE, size=12, height=9)
        self.ln(2)

    def part(self, text: str) -> None:
        """The heading of one part of the plan: bigger than a leefdomein under it, in the plan's blue."""
        if self.will_page_break(8 + 2 * self.LINE):
            self.add_page()
        self.ln(1)
        self.set_font(FAMILY, "B", 12.5)
        self.set_text_color(*rgb(PDF_BLUE))
        self.multi_cell(0, 7, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*BLACK)

    def muted(self, text: str) -> None:
        self.paragraph(text, colour=GREY)
        self.ln(1)


def _pdf_goals(pdf: PlanPdf, goals: Sequence[GoalLine], t: Translator) -> None:
    if not goals:
        pdf.muted(t.gettext("No goals yet."))
        return
    for domain, items in by_domain(goals).items():
        pdf.paragraph(plain(t.gettext(GOAL_DOMAINS[domain])), bold=True)
        pdf.bullets(["\n".join(goal_lines(goal, t)) for goal in items])


def _pdf_member(pdf: PlanPdf, member: MemberPlan, t: Translator, view: PlanView) -> None:
    for part in PARTS_IN_PDF:
        title = plain(t.gettext(PART_TITLES[part]))
        if part not in view.asked:
            continue
        pdf.part(title)
        if part not in member.shown:
            pdf.muted(t.gettext(NOT_SHARED).format(name=member.name))
        elif part == Part.GOALS:
            _pdf_goals(pdf, member.goals, t)
        elif part == Part.PHASE:
            colour = PHASE_COLOURS[member.phase.phase] if member.phase else None
            if colour:
                pdf.band(plain(phase_line(member, t)), colour, size=10, height=7)
                pdf.ln(2)
            else:
                pdf.muted(phase_line(member, t))
        elif part == Part.SCAN:
            lines = scan_lines(member, t)
            pdf.paragraph(lines[0])
            pdf.bullets([plain(line) for line in lines[1:]] if member.scan else [])
        elif part == Part.CONTACTS:
            pdf.bullets([contact_line(c) for c in member.contacts])
        elif member.supporters:
            pdf.bullets([line.removeprefix("• ") for line in support_lines(member, t)])
        else:
            pdf.muted(support_lines(member, t)[0])


PARTS_IN_PDF = (Part.GOALS, Part.SCAN, Part.PHASE, Part.CONTACTS, Part.SUPPORT)


def plan_pdf(view: PlanView, t: Translator) -> bytes:
    """One A4 document: the subject's plan, then the household's shared goals and the other members."""
    title = plain(plan_title(view, t)) if view.viewer_is_client else plain(
        t.gettext("📘 Herstelplan of {name}").format(name=view.subject.name))
    made = long_day(t, view.made_at) if view.made_at else ""
    pdf = PlanPdf(title, t.gettext("Herstelplan of {name}, {day}").format(name=view.subject.name, day=made), t.locale)
    pdf.add_page()
    pdf.paragraph(t.gettext("Herstelplan of {name}").format(name=view.subject.name), size=18, bold=True)
    pdf.muted(t.gettext("Made on {day}. This plan belongs to {name}: {name} decides who sees it.").format(
        day=made, name=view.subject.name))
    if view.closed_at is not None:
        pdf.muted(t.gettext("The traject with the worker ended on {day}.").format(day=long_day(t, view.closed_at)))
    _pdf_member(pdf, view.subject, t, view)
    if view.household_goals or view.household_goals_hidden or view.others:
        pdf.section(t.gettext("👪 Goals of the whole household"))
        _pdf_goals(pdf, view.household_goals, t)
        if view.household_goals_hidden:
            pdf.muted(t.ngettext(
                "{n} shared goal is not shared with you.", "{n} shared goals are not shared with you.",
                view.household_goals_hidden).format(n=view.household_goals_hidden))
        for member in view.others:
            pdf.section(member.name)
            _pdf_member(pdf, member, t, view)
    pdf.ln(4)
    pdf.muted(
        t.gettext("In danger, call 112. Thinking about suicide? Call 113 or 0800-0113. That is free, day and night.")
    )
    return pdf.bytes()
