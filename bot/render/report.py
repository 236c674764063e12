"""The monthly report as an A4 PDF and as CSV, and a worker's caseload numbers as one message.

Pure. Only what the Report holds is shown: labels and already suppressed values, never a name or an id.
The CSV uses ";" and UTF-8 with a byte-order mark, so Dutch spreadsheet programs open it as columns.
"""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from fpdf.enums import XPos, YPos

from bot.i18n import Translator
from bot.render.fonts import FAMILY, GREY, Pdf, drawable
from bot.render.plan import long_day
from bot.services.report import CaseloadReport, Line, Report

BAND = "#2b5d8a"
SHADE = (242, 245, 248)


def _plain(label: str) -> str:
    words = label.split()
    while words and not any(ch.isalnum() for ch in words[0]):
        words.pop(0)
    return drawable(" ".join(words))


def line_label(line: Line, t: Translator) -> str:
    subject = _plain(t.gettext(line.subject)) if line.subject else ""
    return t.gettext(line.label).format(subject=subject)


def period_text(report: Report, t: Translator) -> str:
    last = report.end.astimezone(t.zone).date() - timedelta(days=1)
    return t.gettext("{start} to {end}").format(start=long_day(t, report.start.astimezone(t.zone).date()),
                                               end=long_day(t, last))


def report_pdf(report: Report, t: Translator, *, organisation: str = "Houvast") -> bytes:
    title = t.gettext("Houvast monthly report {month}").format(month=report.month)
    pdf = Pdf(title, f"{organisation} · {title}", t.locale)
    pdf.add_page()
    pdf.paragraph(title, size=18, bold=True)
    pdf.paragraph(period_text(report, t), colour=GREY)
    pdf.paragraph(t.gettext("Anonymous figures. Numbers smaller than 5 are shown as \"< 5\"; "
                            "a mean of fewer than 5 values is not shown."), colour=GREY, size=9)
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
            pdf.cell(value_width, height, line.value, fill=fill, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if section.note:
            pdf.ln(1)
            pdf.paragraph(t.gettext(section.note), colour=GREY, size=8.5)
        pdf.ln(4)
    return pdf.bytes()


def report_csv(report: Report, t: Translator) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([t.gettext("month"), t.gettext("key"), t.gettext("section"), t.gettext("measure"), t.gettext("value")])
    for section in report.sections:
        for line in section.lines:
            writer.writerow([report.month, line.key, _plain(t.gettext(section.title)), line_label(line, t), line.value])
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
