"""The monthly report as an A4 PDF and as CSV, and a worker's caseload numbers as one message.

Pure. Only what the Report holds is shown: labels and already suppressed values, never a name or an id.
The CSV uses ";" and UTF-8 with a byte-order mark, so Dutch spreadsheet programs open it as columns.
"""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.i18n import N_, Translator
from bot.render.fonts import FAMILY, GREY, plain
from bot.render.text import long_day
from bot.services.caseload import CaseloadReport
from bot.services.report import Line, Report

if TYPE_CHECKING:
    from bot.render.pdf import Pdf

BAND = "#2b5d8a"
SHADE = (242, 245, 248)


def line_label(line: Line, t: Translator) -> str:
    subject = plain(t.gettext(line.subject)) if line.subject else ""
    return t.gettext(line.label).format(subject=subject)


# Why a cell is hidden, per kind of number; a hidden count shows "< 5", a hidden mean, median or share "not shown".
HIDDEN_WHY = {
    "count": N_("Numbers under 5 (also 0), shown as \"< 5\":"),
    "mean": N_("Means of fewer than 5 values, not shown:"),
    "median": N_("Medians of fewer than 5 values, not shown:"),
    "rate": N_("Shares where the part or the whole is under 5, not shown:"),
}
NOT_SHOWN = N_("not shown")


def cell_text(line: Line, t: Translator) -> str:
    """The value as the report shows it: "< 5" for a small count, "not shown" for a mean, median or share of
    too few values (never "< 5" for a mean: it is not a number under 5)."""
    if line.suppressed and line.kind != "count":
        return t.gettext(NOT_SHOWN)
    return line.value


def hidden_cells(report: Report, t: Translator) -> list[tuple[str, list[str]]]:
    """(why, ["section: measure; measure", ...]) for every kind of hidden cell there is, in the report's order:
    one entry per section, naming each hidden measure of it."""
    found: dict[str, dict[str, list[str]]] = {}
    for section in report.sections:
        for line in section.lines:
            if line.suppressed:
                found.setdefault(line.kind, {}).setdefault(plain(t.gettext(section.title)), []).append(
                    line_label(line, t).rstrip("."))
    return [(t.gettext(HIDDEN_WHY[kind]), [f"{title}: {'; '.join(labels)}" for title, labels in found[kind].items()])
            for kind in HIDDEN_WHY if kind in found]


def period_text(report: Report, t: Translator) -> str:
    last = report.end.astimezone(t.zone).date() - timedelta(days=1)
    return t.gettext("{start} to {end}").format(start=long_day(t, report.start.astimezone(t.zone).date()),
                                               end=long_day(t, last))


def report_pdf(report: Report, t: Translator, *, organisation: str = "Houvast") -> bytes:
    from fpdf.enums import XPos, YPos

    from bot.render.pdf import Pdf  # fpdf2 loads with the first PDF, not at start-up

    title = t.gettext("Houvast monthly report {month}").format(month=report.month)
    pdf = Pdf(title, f"{organisation} · {title}", t.locale)
    pdf.add_page()
    pdf.paragraph(title, size=18, bold=True)
    pdf.paragraph(period_text(report, t), colour=GREY)
    pdf.paragraph(t.gettext("Anonymous figures. A number under 5 is shown as \"< 5\". A mean, median or share "
                            "of fewer than 5 is not shown. The last part lists every hidden number, and why."),
                  colour=GREY, size=9)
    pdf.paragraph(t.gettext("Made on {day}.").format(day=long_day(t, report.made_at)), colour=GREY, size=9)
    pdf.ln(3)
    value_width = 30
    for section in report.sections:
        if pdf.will_page_break(9 + 3 * pdf.LINE):
            pdf.add_page()
        pdf.band(t.gettext(section.title), BAND, size=11.5, height=8)
        pdf.ln(1)
        label_width = pdf.epw - value_width
        for index, line in enumerate(section.lines):
            label = line_label(line, t)
            pdf.set_font(FAMILY, size=9.5)
            lines = pdf.multi_cell(label_width, pdf.LINE, label, dry_run=True, output="LINES")
            height = pdf.LINE * max(len(lines), 1)
            if pdf.will_page_break(height):
                pdf.add_page()
            fill = index % 2 == 0
            pdf.set_fill_color(*SHADE)
            y = pdf.get_y()
            pdf.multi_cell(label_width, pdf.LINE, label, fill=fill, new_x=XPos.RIGHT, new_y=YPos.TOP)
            pdf.set_xy(pdf.l_margin + label_width, y)
            pdf.set_font(FAMILY, "B", 9.5)
            pdf.cell(value_width, height, cell_text(line, t), fill=fill, align="R", new_x=XPos.LMARGIN,
                     new_y=YPos.NEXT)
        if section.note:
            pdf.ln(1)
            pdf.paragraph(t.gettext(section.note), colour=GREY, size=8.5)
        pdf.ln(4)
    _hidden_part(pdf, report, t)
    return pdf.bytes()


def _hidden_part(pdf: Pdf, report: Report, t: Translator) -> None:
    """Which cells are hidden and why, so nobody reads "< 5" as a number or looks for a mean that is not there."""
    if pdf.will_page_break(9 + 4 * pdf.LINE):
        pdf.add_page()
    pdf.band(t.gettext("Hidden numbers, and why"), BAND, size=11.5, height=8)
    pdf.ln(1)
    pdf.paragraph(t.gettext("The report is anonymous: a small number could point at a person. So a number under "
                            "5 is hidden, and so is a mean, median or share of fewer than 5 people or values."),
                  size=9.5)
    pdf.ln(1)
    groups = hidden_cells(report, t)
    if not groups:
        pdf.paragraph(t.gettext("No number is hidden in this report."), size=9.5)
    for why, labels in groups:
        pdf.paragraph(why, size=9.5, bold=True)
        pdf.set_font(FAMILY, size=9)
        pdf.bullets(labels)
    pdf.paragraph(t.gettext("A hidden number can sometimes be worked out from two other numbers (for example a "
                            "total minus its parts). Read this report as internal: do not publish it."),
                  colour=GREY, size=8.5)


def report_csv(report: Report, t: Translator) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            t.gettext("month"),
            t.gettext("key"),
            t.gettext("section"),
            t.gettext("measure"),
            t.gettext("value"),
            t.gettext("hidden because"),
        ]
    )
    for section in report.sections:
        for line in section.lines:
            why = t.gettext(HIDDEN_WHY[line.kind]).rstrip(":") if line.suppressed else ""
            writer.writerow([report.month, line.key, plain(t.gettext(section.title)), line_label(line, t),
                             cell_text(line, t), why])
    return buffer.getvalue().encode("utf-8-sig")


def caseload_text(report: CaseloadReport, t: Translator) -> str:
    lines = [
        t.gettext("📊 Your caseload"),
        "",
        t.gettext("Households: {n} (you coordinate {c})").format(n=report.households, c=report.coordinating),
        t.gettext("Clients: {n}").format(n=report.clients),
        t.gettext("Clients who share their goals with you: {n}").format(n=report.sharing_goals),
        "",
        t.gettext("Of those clients:"),
        t.gettext("• Active goals: {n}").format(n=report.active_goals),
        t.gettext("• Stalled goals: {n}").format(n=report.stalled_goals),
        t.gettext("• Goals reached in the last 30 days: {n}").format(n=report.reached_30_days),
        t.gettext("• With a 0-meting (self-scan): {n}").format(n=report.zero_metingen),
        t.gettext("• Self-scan due: {n}").format(n=report.scans_due),
        "",
        t.gettext("Open nudges to you: {n}").format(n=report.open_nudges),
        t.gettext("Trajects you closed: {n}").format(n=report.closed_trajects),
    ]
    return "\n".join(lines)
