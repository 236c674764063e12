"""The signaleringsplan as a printable A4 PDF and as one portrait image for the phone's gallery."""
from __future__ import annotations

from bot.domain.forms import PART_NAMES, PHASE_NAMES
from bot.domain.plans import PHASE_COLOURS, PHASES, Phase, SignalingPlan
from bot.i18n import N_, Translator
from bot.render.fonts import DASH, GREY, Sheet, fitted_png
from bot.render.pdf import Pdf
from bot.render.text import contact_line, long_day

PHASE_LABELS: dict[Phase, tuple[str, str]] = {
    Phase.GREEN: (N_("Green"), N_("Things are going well")),
    Phase.YELLOW: (N_("Yellow"), N_("Tension")),
    Phase.ORANGE: (N_("Orange"), N_("Things are not going well")),
    Phase.RED: (N_("Red"), N_("Crisis")),
}
PARTS = ("signs_self", "signs_others", "what_i_do", "what_others_do")
CALL_PHASES = (Phase.ORANGE, Phase.RED)  # only these list who to call


def _parts(plan: SignalingPlan, phase: Phase, t: Translator) -> list[tuple[str, list[str]]]:
    part = plan.phase(phase)
    parts = [(t.gettext(PART_NAMES[key]), list(getattr(part, key))) for key in PARTS]
    if phase in CALL_PHASES:
        title = PART_NAMES["contacts"]  # looked up outside gettext(), so extraction does not take the key
        parts.append((t.gettext(title), [contact_line(c) for c in part.contacts]))
    return parts


def _header(plan: SignalingPlan, t: Translator) -> tuple[str, str]:
    title = t.gettext("Signaling plan of {name}").format(name=plan.owner_name)
    if plan.saved_at is None:
        return title, ""
    day = long_day(t, plan.saved_at)
    if plan.version:
        return title, t.gettext("Version {n}, saved on {day}.").format(n=plan.version, day=day)
    return title, t.gettext("Saved on {day}.").format(day=day)


def _is_empty(plan: SignalingPlan) -> bool:
    return all(plan.phase(phase).is_empty for phase in PHASES)


def _label(phase: Phase, t: Translator) -> str:
    return t.gettext(PHASE_NAMES[phase])  # "Rood: crisis", as in the chat


class PlanPdf(Pdf):
    """Phase sections; a page break inside one repeats a slim band with the phase's name."""

    running: tuple[str, str] | None = None  # label and colour of the section in progress
    continued = "(continued)"

    def header(self) -> None:
        if self.running is not None:
            label, colour = self.running
            self.band(f"{label} {self.continued}", colour, size=9, height=6)
            self.ln(2)

    def phase_band(self, label: str, colour: str) -> None:
        self.running = None
        if self.will_page_break(11 + 2 * self.LINE + 8):  # never a band alone at the bottom of a page
            self.add_page()
        self.band(label, colour, size=13, height=11)
        self.ln(2)
        self.running = (label, colour)


def plan_pdf(plan: SignalingPlan, t: Translator) -> bytes:
    title, subtitle = _header(plan, t)
    pdf = PlanPdf(title, title, t.locale)
    pdf.continued = t.gettext("(continued)")
    pdf.add_page()
    pdf.paragraph(title, size=20, bold=True)
    if subtitle:
        pdf.paragraph(subtitle, size=10, colour=GREY)
    pdf.ln(4)
    if _is_empty(plan):
        pdf.paragraph(t.gettext("This plan is still empty. You can fill it in with Houvast, step by step."), size=12)
        pdf.ln(4)
    for phase in PHASES:
        pdf.phase_band(_label(phase, t), PHASE_COLOURS[phase])
        if plan.phase(phase).is_empty:
            pdf.paragraph(t.gettext("Not filled in yet."), colour=GREY)
        else:
            for heading, items in _parts(plan, phase, t):
                pdf.heading(heading)
                pdf.bullets(items)
        pdf.running = None
        pdf.ln(5)
    return pdf.bytes()


def _plan_sheet(plan: SignalingPlan, t: Translator, lines: int, entries: int) -> Sheet:
    sheet = Sheet()
    title, subtitle = _header(plan, t)
    sheet.text(title, 52, bold=True, max_lines=3, after=0.2)
    if subtitle:
        sheet.text(subtitle, 30, fill=GREY)
    sheet.space(16)
    if _is_empty(plan):
        sheet.text(t.gettext("This plan is still empty. You can fill it in with Houvast, step by step."), 34)
        sheet.space(16)
    for phase in PHASES:
        name, description = PHASE_LABELS[phase]
        colour = PHASE_COLOURS[phase]
        sheet.band(t.gettext(name), colour, 46, subtitle=t.gettext(description))
        top = sheet.y
        sheet.left, sheet.right = sheet.margin + 36, sheet.width - sheet.margin - 24
        sheet.space(20)
        if plan.phase(phase).is_empty:
            sheet.text(t.gettext("Not filled in yet."), 32, fill=GREY)
        else:
            for heading, items in _parts(plan, phase, t):
                sheet.text(heading, 32, bold=True, max_lines=2, after=0.15)
                for item in items[:entries] or [DASH]:
                    sheet.text(item, 32, bullet=bool(items), max_lines=lines, after=0.1)
                if len(items) > entries:
                    sheet.text(t.gettext("and {n} more").format(n=len(items) - entries), 30, fill=GREY, after=0.1)
                sheet.space(14)
        sheet.panel(top, colour)
        sheet.left, sheet.right = sheet.margin, sheet.width - sheet.margin
        sheet.space(32)
    return sheet


def plan_png(plan: SignalingPlan, t: Translator) -> bytes:
    note = t.gettext("The full plan is in the PDF.")
    return fitted_png(lambda lines, entries: _plan_sheet(plan, t, lines, entries), note)
