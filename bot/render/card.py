"""The crisiskaart: a wallet card to cut out and fold (PDF page 1), the full card (page 2 on), and an image.

The wallet card is made of credit-card panels, two side by side (front and back), and as many rows as the text
needs, up to three: every text on it is 8 pt or larger, so more text means more panels to fold, never smaller
letters. What does not fit in six panels ends with a note; page 2 has everything. The card and the picture
carry 112 and 113 for whoever holds them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import count, takewhile

from fpdf.enums import MethodReturnValue

from bot.domain.forms import CARD_PART_NAMES
from bot.domain.plans import PHASE_COLOURS, CrisisCard, Phase
from bot.i18n import N_, Translator
from bot.render.fonts import (
    BLACK,
    FAMILY,
    GREY,
    RGB,
    WHITE,
    Sheet,
    drawable,
    fit_ellipsis,
    fitted_png,
    rgb,
)
from bot.render.pdf import Pdf
from bot.render.text import card_day, contact_line, made_line

CARD_W, CARD_H = 85.6, 54.0  # ISO/IEC 7810 ID-1, a bank card, in mm
PAD = 2.5
STRIP = 6.0  # the red strip on top of each panel
SIZE = 8.0  # pt: every text on the wallet card, the smallest that stays readable; more text means more panels
NAME_SIZE = 10.0
MAX_PANELS = 6  # two wide, up to three high: still fits on A4, folds to one card
RED = PHASE_COLOURS[Phase.RED]
FRONT = ("contacts", "what_helps")
BACK = ("what_happens", "what_does_not_help", "medication", "allergies", "care_providers",
        "treatment_preferences", "practical")
# On the card and the picture: the public numbers, for whoever holds the card.
EMERGENCY = (N_("In danger: call 112"), N_("Thoughts of suicide: call 113 or 0800-0113 (free, day and night)"))


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
    return made_line(t, card, card_day(t, card.made_on) if card.made_on else None)


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
    heading: str | None = None  # the field this line belongs to, so a field that goes on can say so
    entry: int = 0  # lines of one entry share a number: an entry is not split over two panels if it fits in one


class CardPdf(Pdf):
    def lines(self, fields: list[tuple[str, list[str]]], width: float) -> list[Line]:
        """The text broken into lines at SIZE: bold headings, entries with a hanging indent."""
        out: list[Line] = []
        self.set_font(FAMILY, "", SIZE)
        bullet = self.get_string_width("• ")
        for heading, items in fields:
            out += [Line(text, bold=True, heading=heading) for text in self._wrap(heading, width, bold=True)]
            for item in items:
                wrapped = self._wrap(item, width - bullet)
                entry = next(_ENTRIES)
                out += [Line(("• " if i == 0 else "") + text, indent=0 if i == 0 else bullet, heading=heading,
                             entry=entry) for i, text in enumerate(wrapped)]
        return out

    def wrap_plain(self, text: str, width: float, *, bold: bool = False, colour: RGB = BLACK) -> list[Line]:
        entry = next(_ENTRIES)
        return [Line(line, bold=bold, colour=colour, entry=entry) for line in self._wrap(text, width, bold=bold)]

    def _wrap(self, text: str, width: float, bold: bool = False) -> list[str]:
        self.set_font(FAMILY, "B" if bold else "", SIZE)
        return [str(line) for line in self.multi_cell(width, 1, text, dry_run=True, output=MethodReturnValue.LINES)]

    def draw_lines(self, x: float, y: float, lines: list[Line]) -> None:
        for line in lines:
            self.set_font(FAMILY, "B" if line.bold else "", SIZE)
            self.set_text_color(*line.colour)
            self.set_xy(x + line.indent, y)
            width = CARD_W - 2 * PAD - line.indent
            self.cell(width, LEADING, self.fit_line(line.text, width))
            y += LEADING
        self.set_text_color(*BLACK)

    def strip(self, x: float, y: float, left: str, right: str) -> None:
        self.set_fill_color(*rgb(RED))
        self.rect(x, y, CARD_W, STRIP, style="F")
        self.set_text_color(*WHITE)
        self.set_font(FAMILY, "B", SIZE)
        self.set_xy(x + PAD, y)
        self.cell(CARD_W / 2, STRIP, left)
        self.set_font(FAMILY, "", SIZE)
        self.set_xy(x + CARD_W / 2, y)
        self.cell(CARD_W / 2 - PAD, STRIP, self.fit_line(right, CARD_W / 2 - PAD), align="R")
        self.set_text_color(*BLACK)

    def numbered(self, name: str, number: int, count: int) -> str:
        """'Zoë Çelik · 2/4' for a panel's strip: a long name is cut, the number never."""
        self.set_font(FAMILY, "", SIZE)
        tail = f" · {number}/{count}"
        return self.fit_line(name, CARD_W / 2 - PAD - self.get_string_width(tail)) + tail

    def fit_line(self, text: str, width: float) -> str:
        """One line of the current font: as is, or cut with "…"."""
        text = drawable(text)
        return text if self.get_string_width(text) <= width else fit_ellipsis(text, width, self.get_string_width)


_ENTRIES = count(1)  # numbers for entries (see Line.entry)
LEADING = SIZE * 0.3528 * 1.18  # pt to mm, with a little air between lines
ROOM = CARD_H - STRIP - 1.5 - PAD  # mm of text under the strip of a panel


def _panels(first: list[Line], lines: list[Line], continued: str, note: Line, first_room: float
            ) -> list[list[Line]]:
    """Lines poured into panels: the first panel has less room (name and birth date above it); a heading is
    never the last line of a panel; a field that goes on in the next panel repeats its heading with
    "(vervolg)". After MAX_PANELS, the rest is left off with `note` (page 2 has everything)."""
    capacities = [int(first_room // LEADING)] + [int(ROOM // LEADING)] * (MAX_PANELS - 1)
    panels: list[list[Line]] = [list(first)]
    queue = list(lines)
    while queue:
        panel, room = panels[-1], capacities[len(panels) - 1]
        line = queue[0]
        next_is_body = len(queue) > 1 and not queue[1].bold
        # An entry starts here only if all its lines fit (unless it is longer than a whole panel).
        entry = line.entry
        size = len(list(takewhile(lambda other, entry=entry: entry and other.entry == entry, queue))) or 1
        whole = size <= int(ROOM // LEADING)
        starts = not panel or panel[-1].entry != line.entry or not line.entry
        fits = len(panel) + (size if starts and whole and line.entry else 1) <= room
        if fits and not (line.bold and len(panel) == room - 1 and next_is_body):
            panel.append(queue.pop(0))
            continue
        if len(panels) == MAX_PANELS:
            while panel and len(panel) > room - 1:
                panel.pop()
            while panel and panel[-1].bold:  # no heading without anything under it
                panel.pop()
            panel.append(note)
            break
        panels.append([])
        if not line.bold and line.heading:  # the field goes on here: say which one
            panels[-1].append(Line(f"{line.heading} {continued}", bold=True, heading=line.heading))
    if len(panels) % 2:
        panels.append([])  # front and back: the card folds in two
    return panels


def _wallet_page(pdf: CardPdf, card: CrisisCard, t: Translator) -> None:
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)  # one line, so even a very long name leaves room for the card
    pdf.paragraph(pdf.fit_line(t.gettext("Crisis card of {name}").format(name=card.name), pdf.epw - 2), size=16,
                  bold=True)
    width = CARD_W - 2 * PAD
    emergency = [line for text in EMERGENCY for line in pdf.wrap_plain(t.gettext(text), width, bold=True,
                                                                       colour=rgb(RED))]
    body = pdf.lines(_fields(card, t, FRONT + BACK), width)
    if made := _made(card, t):
        body += pdf.wrap_plain(made, width, colour=GREY)
    note = Line(t.gettext("Everything is on page 2."), bold=True, colour=rgb(RED))
    top = 1.5 + 4.5 + (3.4 if card.birth_date else 0) + 0.8  # name and birth date on the first panel
    panels = _panels(emergency, body, t.gettext("(continued)"), note, ROOM - top)
    rows = len(panels) // 2
    pdf.paragraph(t.ngettext(
        "Cut out along the solid line, fold on the dashed line and keep the card in your wallet.",
        "Cut out along the solid line, fold on the dashed lines and keep the card in your wallet.", rows,
    ), size=10, colour=GREY)
    x0, y0 = (pdf.w - 2 * CARD_W) / 2, pdf.get_y() + 8
    title = t.gettext("Crisis card").upper()
    for index, lines in enumerate(panels):
        x, y = x0 + (index % 2) * CARD_W, y0 + (index // 2) * CARD_H
        pdf.strip(x, y, title, "" if index == 0 else pdf.numbered(card.name, index + 1, len(panels)))
        y += STRIP + 1.5
        if index == 0:
            pdf.set_font(FAMILY, "B", NAME_SIZE)
            pdf.set_xy(x + PAD, y)
            pdf.cell(width, 4.5, pdf.fit_line(card.name, width))
            y += 4.5
            if birth := _birth(card, t):
                pdf.set_font(FAMILY, "", SIZE)
                pdf.set_xy(x + PAD, y)
                pdf.cell(width, 3.4, pdf.fit_line(birth, width))
                y += 3.4
            y += 0.8
        pdf.draw_lines(x + PAD, y, lines)

    # Cut along the outline; fold in the middle (front and back end up back to back), then between the rows.
    height = rows * CARD_H
    pdf.set_draw_color(*BLACK)
    pdf.set_line_width(0.3)
    pdf.rect(x0, y0, 2 * CARD_W, height)
    pdf.set_draw_color(*GREY)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=1.5, gap=1.2)
    pdf.line(x0 + CARD_W, y0 - 4, x0 + CARD_W, y0 + height + 4)
    for row in range(1, rows):
        pdf.line(x0 - 4, y0 + row * CARD_H, x0 + 2 * CARD_W + 4, y0 + row * CARD_H)
    pdf.set_dash_pattern()
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(*GREY)
    pdf.set_xy(x0 - 6, y0 - 5)
    pdf.cell(5, 5, "✂")
    pdf.set_xy(x0, y0 + height + 2)
    pdf.cell(CARD_W, 4, t.gettext("Front"), align="C")
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
    pdf.ln(4)
    for text in EMERGENCY:
        pdf.paragraph(t.gettext(text), size=11, bold=True, colour=rgb(RED))


def card_pdf(card: CrisisCard, t: Translator) -> bytes:
    title = t.gettext("Crisis card of {name}").format(name=card.name)
    pdf = CardPdf(title, title, t.locale)
    _wallet_page(pdf, card, t)
    _full_page(pdf, card, t)
    return pdf.bytes()


def _card_sheet(card: CrisisCard, t: Translator, lines: int, entries: int) -> Sheet:
    sheet = Sheet()
    sheet.band(t.gettext("Crisis card"), RED, 40, subtitle=" · ".join(t.gettext(text) for text in EMERGENCY))
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
    note = t.gettext("The full card is in the PDF.")
    return fitted_png(lambda lines, entries: _card_sheet(card, t, lines, entries), note)
