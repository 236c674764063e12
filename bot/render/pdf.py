"""The A4 PDF every document of ours starts from (fpdf2): imported only by the renderers that make a PDF, so
fpdf2 loads when the first PDF is made, not when the bot starts."""
from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.render.fonts import BLACK, BOLD, DASH, FAMILY, GREY, REGULAR, RGB, drawable, ink, rgb


class Pdf(FPDF):
    """A4 with DejaVu, a footer with page numbers, and every text passed through `drawable`."""

    BODY = 10.5  # pt
    LINE = 5.0  # mm

    def __init__(self, title: str, footer: str, locale: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FAMILY, "", str(REGULAR))
        self.add_font(FAMILY, "B", str(BOLD))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)
        self.set_title(drawable(title))
        self.set_creator("Houvast")
        self.set_lang(locale)
        self.footer_text = drawable(footer)

    def normalize_text(self, text: str) -> str:
        # The one place fpdf2 sees every string (cell, multi_cell, widths): no user emoji can reach the font.
        return super().normalize_text(drawable(text))

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.footer_text}   {self.page_no()}/{{nb}}", align="C")

    def bytes(self) -> bytes:
        return bytes(self.output())

    # Building blocks for flowing pages. Widths of 0 run to the right margin; pages break by themselves.

    def band(self, label: str, colour: str, *, size: float, height: float) -> None:
        self.set_font(FAMILY, "B", size)
        self.set_fill_color(*rgb(colour))
        self.set_text_color(*ink(colour))
        margin, self.c_margin = self.c_margin, 3
        self.cell(0, height, label, fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.c_margin = margin
        self.set_text_color(*BLACK)

    def heading(self, text: str) -> None:
        if self.will_page_break(7 + self.LINE):  # keep a heading with its first line
            self.add_page()
        self.set_font(FAMILY, "B", 11)
        self.multi_cell(0, 6, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, *, size: float = BODY, colour: RGB = BLACK, bold: bool = False) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.48, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*BLACK)

    def bullets(self, items: Sequence[str]) -> None:
        """One bullet per entry, or a dash when there are none."""
        self.set_font(FAMILY, size=self.BODY)
        left = self.l_margin
        for item in items or [DASH]:
            if self.will_page_break(self.LINE):
                self.add_page()
            self.set_x(left + 2)
            if items:
                self.cell(5, self.LINE, "•")
            # A hanging indent that survives page breaks inside one long entry.
            self.set_left_margin(left + 7)
            self.set_x(left + 7)
            self.multi_cell(0, self.LINE, item, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_left_margin(left)
            self.set_x(left)
        self.ln(2)
