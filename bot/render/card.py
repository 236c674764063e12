"""The crisiskaart: a wallet card to cut out and fold (PDF page 1), the full card (page 2 on), and an image.

The wallet card has two credit-card panels side by side, front and back. Text shrinks to fit a panel down to a
size that is still readable; what does not fit then is cut with "…" and a note, and page 2 has everything.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fpdf.enums import MethodReturnValue

from bot.domain.forms import CARD_PART_NAMES
from bot.domain.plans import PHASE_COLOURS, CrisisCard, Phase
from bot.i18n import Translator
from bot.render.fonts import (
    BLACK,
    FAMILY,
    GREY,
    MAX_PHOTO_HEIGHT,
    RGB,
    WHITE,
    Pdf,
    Sheet,
    drawable,
    fit_ellipsis,
    rgb,
)
from bot.render.plan import PNG_LIMITS, contact_line

CARD_W, CARD_H = 85.6, 54.0  # ISO/IEC 7810 ID-1, a bank card, in mm
PAD = 2.5
STRIP = 6.0  # the red strip on top of each panel
SIZES = (8.0, 7.5, 7.0, 6.5, 6.0, 5.5)  # pt; 5.5 is the smallest we still call readable
RED = PHASE_COLOURS[Phase.RED]
FRONT = ("contacts", "what_helps")
BACK = ("what_happens", "what_does_not_help", "medication", "allergies", "care_providers",
        "treatment_preferences", "practical")


def _short_date(value: date) -> str:
    return f"{value:%d-%m-%Y}"


def _fields(card: CrisisCard, t: Translator, keys: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """(heading, entries) for the fields among `keys` that are filled in."""
    values = {
        "contacts": [contact_line(c) for c in card.contacts],
        "care_providers": [contact_line(c) for c in card.care_providers],
    }
    fields = [(t.gettext(CARD_PART_NAMES[key]), values.get(key) or list(getattr(card, key))) for key in keys]
    return [(heading, items) for heading, items in fields if items]


def _made(card: CrisisCard, t: Translator) -> str:
    parts = ([_short_date(card.made_on)] if card.made_on else []) + (
        [t.gettext("with {who}").format(who=card.made_with)] if card.made_with else [])
    return t.gettext("Made on {when}").format(when=" ".join(parts)) if parts else ""


def _birth(card: CrisisCard, t: Translator) -> str:
    if card.birth_date is None:
        return ""
    return f"{t.gettext(CARD_PART_NAMES['birth_date'])}: {_short_date(card.birth_date)}"


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool = False
    indent: float = 0.0
    colour: RGB = BLACK


class CardPdf(Pdf):
    def lines(self, fields: list[tuple[str, list[str]]], extra: list[str], width: float, size: float) -> list[Line]:
        """The panel's text broken into lines at `size`: bold headings, entries with a hanging indent."""
        out: list[Line] = []
        self.set_font(FAMILY, "", size)
        bullet = self.get_string_width("• ")
        for heading, items in fields:
            out += [Line(text, bold=True) for text in self._wrap(heading, width, size, bold=True)]
            for item in items:
                wrapped = self._wrap(item, width - bullet, size)
                out += [Line(("• " if i == 0 else "") + text, indent=0 if i == 0 else bullet)
                        for i, text in enumerate(wrapped)]
        for text in extra:
            out += [Line(line, colour=GREY) for line in self._wrap(text, width, size)]
        return out

    def _wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        self.set_font(FAMILY, "B" if bold else "", size)
        return [str(line) for line in self.multi_cell(width, 1, text, dry_run=True, output=MethodReturnValue.LINES)]

    def fit(self, fields: list[tuple[str, list[str]]], extra: list[str], height: float, note: str
            ) -> tuple[float, list[Line]]:
        """The largest size at which everything fits, else the smallest size with the rest cut off."""
        width = CARD_W - 2 * PAD
        for size in SIZES:
            lines = self.lines(fields, extra, width, size)
            if len(lines) * _leading(size) <= height:
                return size, lines
        size = SIZES[-1]
        room = int(height // _leading(size)) - 1  # one line for the note
        kept = lines[:room]
        while kept and kept[-1].bold:  # no heading without anything under it
            kept.pop()
        if kept:
            last = kept[-1]
            self.set_font(FAMILY, "", size)
            cut = fit_ellipsis(last.text, width - last.indent, self.get_string_width)
            kept[-1] = Line(cut, last.bold, last.indent, last.colour)
        return size, kept + [Line(note, bold=True, colour=rgb(RED))]

    def draw_lines(self, x: float, y: float, size: float, lines: list[Line]) -> None:
        for line in lines:
            self.set_font(FAMILY, "B" if line.bold else "", size)
            self.set_text_color(*line.colour)
            self.set_xy(x + line.indent, y)
            width = CARD_W - 2 * PAD - line.indent
            self.cell(width, _leading(size), self.fit_line(line.text, width))
            y += _leading(size)
        self.set_text_color(*BLACK)

    def strip(self, x: float, y: float, left: str, right: str) -> None:
        self.set_fill_color(*rgb(RED))
        self.rect(x, y, CARD_W, STRIP, style="F")
        self.set_text_color(*WHITE)
        self.set_font(FAMILY, "B", 8)
        self.set_xy(x + PAD, y)
        self.cell(CARD_W / 2, STRIP, left)
        self.set_font(FAMILY, "", 6.5)
        self.set_xy(x + CARD_W / 2, y)
        self.cell(CARD_W / 2 - PAD, STRIP, self.fit_line(right, CARD_W / 2 - PAD), align="R")
        self.set_text_color(*BLACK)

    def fit_line(self, text: str, width: float) -> str:
        """One line of the current font: as is, or cut with "…"."""
        text = drawable(text)
        return text if self.get_string_width(text) <= width else fit_ellipsis(text, width, self.get_string_width)


def _leading(size: float) -> float:
    return size * 0.3528 * 1.18  # pt to mm, with a little air between lines


def _wallet_page(pdf: CardPdf, card: CrisisCard, t: Translator) -> None:
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)  # one line, so even a very long name leaves room for the card
    pdf.paragraph(pdf.fit_line(t.gettext("Crisis card of {name}").format(name=card.name), pdf.epw - 2), size=16,
                  bold=True)
    pdf.paragraph(t.gettext("Cut out along the solid line, fold on the dashed line and keep the card in your wallet."),
                  size=10, colour=GREY)
    x0, y0 = (pdf.w - 2 * CARD_W) / 2, pdf.get_y() + 8
    note = t.gettext("The full card is in Houvast.")
    title = t.gettext("Crisis card").upper()

    # Front: who it is, whom to call, what helps.
    pdf.strip(x0, y0, title, "")
    y = y0 + STRIP + 1.5
    pdf.set_font(FAMILY, "B", 10)
    pdf.set_xy(x0 + PAD, y)
    pdf.cell(CARD_W - 2 * PAD, 4.5, pdf.fit_line(card.name, CARD_W - 2 * PAD))
    y += 4.5
    if birth := _birth(card, t):
        pdf.set_font(FAMILY, "", 7)
        pdf.set_xy(x0 + PAD, y)
        pdf.cell(CARD_W - 2 * PAD, 3.3, pdf.fit_line(birth, CARD_W - 2 * PAD))
        y += 3.3
    y += 1
    size, lines = pdf.fit(_fields(card, t, FRONT), [], y0 + CARD_H - PAD - y, note)
    pdf.draw_lines(x0 + PAD, y, size, lines)

    # Back: what happens and what not to do, medicine, care, practical things.
    xb = x0 + CARD_W
    pdf.strip(xb, y0, title, card.name)
    y = y0 + STRIP + 1.5
    made = _made(card, t)
    size, lines = pdf.fit(_fields(card, t, BACK), [made] if made else [], y0 + CARD_H - PAD - y, note)
    pdf.draw_lines(xb + PAD, y, size, lines)

    # Cut along the outline, fold in the middle so front and back end up back to back.
    pdf.set_draw_color(*BLACK)
    pdf.set_line_width(0.3)
    pdf.rect(x0, y0, 2 * CARD_W, CARD_H)
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=1.5, gap=1.2)
    pdf.line(xb, y0 - 4, xb, y0 + CARD_H + 4)
    pdf.set_dash_pattern()
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(*GREY)
    pdf.set_xy(x0 - 6, y0 - 5)
    pdf.cell(5, 5, "✂")
    pdf.set_xy(x0, y0 + CARD_H + 2)
    pdf.cell(CARD_W, 4, t.gettext("Front"), align="C")
    pdf.cell(CARD_W, 4, t.gettext("Back"), align="C")
    pdf.set_text_color(*BLACK)


def _full_page(pdf: CardPdf, card: CrisisCard, t: Translator) -> None:
    pdf.add_page()
    pdf.band(t.gettext("Crisis card"), RED, size=13, height=10)
    pdf.ln(3)
    pdf.paragraph(card.name, size=18, bold=True)
    if birth := _birth(card, t):
        pdf.paragraph(birth, size=11)
    pdf.ln(4)
    fields = _fields(card, t, FRONT + BACK)
    if not fields:
        pdf.paragraph(t.gettext("This crisis card is still empty. You can fill it in with Houvast, step by step."),
                      size=12)
    for heading, items in fields:
        pdf.heading(heading)
        pdf.bullets(items)
    if made := _made(card, t):
        pdf.ln(2)
        pdf.paragraph(made, size=10, colour=GREY)


def card_pdf(card: CrisisCard, t: Translator) -> bytes:
    title = t.gettext("Crisis card of {name}").format(name=card.name)
    pdf = CardPdf(title, title, t.locale)
    _wallet_page(pdf, card, t)
    _full_page(pdf, card, t)
    return pdf.bytes()


def _card_sheet(card: CrisisCard, t: Translator, lines: int, entries: int) -> Sheet:
    sheet = Sheet()
    sheet.band(t.gettext("Crisis card"), RED, 40)
    top = sheet.y
    sheet.left, sheet.right = sheet.margin + 36, sheet.width - sheet.margin - 24
    sheet.space(24)
    sheet.text(card.name, 50, bold=True, max_lines=3, after=0.15)
    if birth := _birth(card, t):
        sheet.text(birth, 32)
    sheet.space(12)
    fields = _fields(card, t, FRONT + BACK)
    if not fields:
        sheet.text(t.gettext("This crisis card is still empty. You can fill it in with Houvast, step by step."), 32)
    for heading, items in fields:
        sheet.text(heading, 32, bold=True, max_lines=3, after=0.15)
        for item in items[:entries]:
            sheet.text(item, 32, bullet=True, max_lines=lines, after=0.1)
        if len(items) > entries:
            sheet.text(t.gettext("and {n} more").format(n=len(items) - entries), 30, fill=GREY, after=0.1)
        sheet.space(16)
    if made := _made(card, t):
        sheet.text(made, 28, fill=GREY, max_lines=2)
    sheet.panel(top, RED)
    return sheet


def card_png(card: CrisisCard, t: Translator) -> bytes:
    for lines, entries in PNG_LIMITS:
        sheet = _card_sheet(card, t, lines, entries)
        if sheet.height <= MAX_PHOTO_HEIGHT:
            break
    return sheet.png(t.gettext("The full card is in the PDF."))
