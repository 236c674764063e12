"""PDFs and images of the signaleringsplan, the crisiskaart and the check-in colours: they render whatever is in
them (nothing, very much, non-Latin letters, emoji) and stay within print and Telegram limits."""
from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from PIL import Image

from bot.domain.plans import PHASE_COLOURS, PHASES, Contact, CrisisCard, Phase, PhasePlan, SignalingPlan
from bot.i18n import Translator, translator
from bot.render import card as card_render
from bot.render.card import card_pdf, card_png
from bot.render.chart import _by_day, phase_history_png
from bot.render.fonts import ELLIPSIS, MAX_PHOTO_HEIGHT, Sheet, drawable, pil_font, wrap_px
from bot.render.plan import plan_pdf, plan_png
from bot.render.text import card_text
from tests.render.pdftext import page_texts, text_sizes

NOW = datetime(2025, 11, 23, 10, 0, tzinfo=UTC)
LONG = "Als het misgaat " + "word" * 1000  # 4,016 characters, most of it one unbreakable word
ACCENTS = "Zoë, café, naïef, façade 🟢 😀 👩‍👩‍👧 ✅"


@pytest.fixture(scope="module")
def t() -> Translator:
    return translator("nl")


def pages(pdf: bytes) -> int:
    assert pdf.startswith(b"%PDF")
    return len(re.findall(rb"/Type /Page\b", pdf))


def photo(png: bytes) -> tuple[int, int]:
    """The image's size, after checking it is a PNG that Telegram accepts as a photo."""
    image = Image.open(io.BytesIO(png))
    image.verify()
    width, height = image.size
    assert image.format == "PNG" and len(png) < 10_000_000
    assert width + height <= 10_000 and max(width, height) / min(width, height) <= 20
    return width, height


def colour_pixels(png: bytes, hex_colour: str, tolerance: int = 8) -> int:
    """How many pixels of the picture have this colour (within a small tolerance for anti-aliasing)."""
    target = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(count for count, pixel in image.getcolors(maxcolors=1 << 24)
               if all(abs(a - b) <= tolerance for a, b in zip(pixel, target)))


class PdfTexts:
    """Every text a PDF of ours draws (cell and multi_cell on bot.render.pdf.Pdf, not what it only measures),
    with its page: the PDF's own streams hold glyph ids, not letters."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from bot.render import pdf

        self.on_page: list[tuple[int, str]] = []
        for name in ("cell", "multi_cell"):
            original = getattr(pdf.Pdf, name)
            monkeypatch.setattr(pdf.Pdf, name, self._spy(original))

    def _spy(self, original: Any) -> Any:
        def spy(pdf: Any, *args: Any, **kwargs: Any) -> Any:
            if not kwargs.get("dry_run"):
                self.on_page.append((pdf.page, str(args[2] if len(args) > 2 else kwargs.get("text", ""))))
            return original(pdf, *args, **kwargs)
        return spy

    @property
    def text(self) -> str:
        return "\n".join(text for _, text in self.on_page)


def full_phase(n: int = 3, text: str = "Ik slaap slecht") -> PhasePlan:
    return PhasePlan(
        signs_self=tuple(f"{text} {i}" for i in range(n)),
        signs_others=("Ik ben stil",),
        what_i_do=("Wandelen",),
        what_others_do=("Bel mij op",),
        contacts=(Contact("Mam", "06 12345678", "moeder"), Contact("Huisarts", "020 1234567")),
    )


def make_plan(**phases: PhasePlan) -> SignalingPlan:
    return SignalingPlan("Zoë Çelik", {Phase(k): v for k, v in phases.items()}, version=2, saved_at=NOW)


FULL_PLAN = make_plan(groen=full_phase(), geel=full_phase(), oranje=full_phase(), rood=full_phase())
FULL_CARD = CrisisCard(
    name="Zoë Çelik", birth_date=date(1985, 3, 12), what_happens=("Ik raak in paniek",),
    what_helps=("Een rustige stem", "Korte zinnen"), what_does_not_help=("Veel mensen",),
    contacts=(Contact("Mam", "06 12345678", "moeder"),), care_providers=(Contact("Anna", "020 1234567", "FACT"),),
    medication=("Lithium, 400 mg",), allergies=("Penicilline",), treatment_preferences=("Thuis",),
    practical=("De kat eten geven",), made_on=date(2025, 2, 1), made_with="Anna",
)


# Fonts


def test_drawable_keeps_letters_and_drops_what_the_font_lacks() -> None:
    assert drawable("🟢 Groen") == "Groen"
    assert drawable("Zoë, café, naïef, façade") == "Zoë, café, naïef, façade"
    assert drawable("blij 👩‍👩‍👧 vandaag\nmorgen\took") == "blij vandaag\nmorgen ook"
    assert drawable("e\u0308") == "ë"  # composed, so the font draws one letter


def test_wrapping_splits_long_words_and_stops_at_the_limit() -> None:
    font = pil_font(32)
    lines = wrap_px("kort " + "x" * 500 + " einde", font, 400)
    assert lines[0] == "kort" and lines[-1].endswith("einde") and len(lines) > 3
    assert all(font.getlength(line) <= 400 for line in lines)
    assert len(wrap_px("x" * 4000, font, 400, limit=2)) == 3


def test_a_sheet_too_tall_for_telegram_is_cut_with_a_note() -> None:
    sheet = Sheet()
    for i in range(400):
        sheet.text(f"regel {i}", 32)
    assert sheet.height > MAX_PHOTO_HEIGHT
    assert photo(sheet.png("De rest staat in de PDF."))[1] == MAX_PHOTO_HEIGHT


# Signaleringsplan


@pytest.mark.parametrize("plan", [
    SignalingPlan("Jan"),
    FULL_PLAN,
    make_plan(groen=PhasePlan(signs_self=(LONG,))),
    make_plan(oranje=full_phase(50)),
    make_plan(rood=full_phase(text=ACCENTS)),
], ids=["empty", "full", "long-entry", "fifty-signs", "accents-emoji"])
def test_plan_renders(plan: SignalingPlan, t: Translator, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = PdfTexts(monkeypatch)
    assert pages(plan_pdf(plan, t)) >= 1
    assert f"Signaleringsplan van {drawable(plan.owner_name)}"[:40] in drawn.text  # the title, with the name
    for phase in PHASES:  # every entry is on paper, under its phase
        for entry in plan.phase(phase).signs_self:
            assert entry[:20] in drawn.text
    width, height = photo(plan_png(plan, t))
    assert width == 1080 and height >= 1080
    png = plan_png(plan, t)
    assert all(colour_pixels(png, PHASE_COLOURS[phase]) > 1000 for phase in PHASES)  # four coloured bands


def test_empty_plan_is_one_page(t: Translator, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = PdfTexts(monkeypatch)
    assert pages(plan_pdf(SignalingPlan("Jan"), t)) == 1
    assert t.gettext("This plan is still empty. You can fill it in with Houvast, step by step.") in drawn.text
    assert drawn.text.count(t.gettext("Not filled in yet.")) == 4


def test_long_plan_breaks_pages(t: Translator, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = PdfTexts(monkeypatch)
    assert pages(plan_pdf(make_plan(groen=full_phase(50), oranje=PhasePlan(signs_self=(LONG,))), t)) >= 3
    assert max(page for page, _ in drawn.on_page) >= 3
    assert "Ik slaap slecht 49" in drawn.text  # the last of fifty, on a later page
    assert min(page for page, text in drawn.on_page if "Ik slaap slecht 49" in text) > 1


def test_huge_plan_image_stays_within_telegram_limits(t: Translator) -> None:
    huge = PhasePlan(*([tuple(LONG for _ in range(60))] * 4), contacts=(Contact(LONG, "06 12345678"),) * 60)
    plan = SignalingPlan(LONG, {phase: huge for phase in PHASES})
    _width, height = photo(plan_png(plan, t))
    assert height <= MAX_PHOTO_HEIGHT


# Crisiskaart


class Drawn:
    """Every text that the card's PDF draws (not what it only measures)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.on_page: list[tuple[int, str]] = []
        for name in ("cell", "multi_cell"):
            original = getattr(card_render.CardPdf, name)
            monkeypatch.setattr(card_render.CardPdf, name, self._spy(original))

    def _spy(self, original: Any) -> Any:
        def spy(pdf: Any, *args: Any, **kwargs: Any) -> Any:
            if not kwargs.get("dry_run"):
                self.on_page.append((pdf.page, args[2] if len(args) > 2 else kwargs.get("text", "")))
            return original(pdf, *args, **kwargs)
        return spy

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self.on_page]


@pytest.mark.parametrize("card", [
    CrisisCard(name="Jan"),
    FULL_CARD,
    CrisisCard(name=ACCENTS, what_helps=(ACCENTS,), contacts=(Contact(ACCENTS, "06 12345678", ACCENTS),)),
], ids=["empty", "full", "accents-emoji"])
def test_card_renders(card: CrisisCard, t: Translator, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = Drawn(monkeypatch)
    pdf = card_pdf(card, t)
    assert pages(pdf) == 2  # the wallet card, and the full card
    assert t.gettext("Everything is on page 2.") not in drawn.texts  # it all fits on the wallet card
    wallet, full = page_texts(pdf)
    for text in (wallet, full):
        assert "Bij gevaar: bel 112" in text and "bel 113 of 0800-0113" in text
    assert min(size for size, _ in text_sizes(pdf, 0)) >= 8  # nothing on the wallet card under 8 pt
    width, height = photo(card_png(card, t))
    assert width == 1080 and height > 300


def test_the_card_picture_has_112_and_113(t: Translator) -> None:
    sheet = card_render._card_sheet(FULL_CARD, t, 6, 20)
    drawn = " ".join(text for _x, _y, text, _font, _fill in sheet._texts)
    assert "112" in drawn and "113 of 0800-0113" in drawn


@pytest.mark.parametrize(("made_with", "sentence"), [
    ("Met mijn begeleider", "Gemaakt op 1 februari 2025 met mijn begeleider."),  # the example, tapped in Dutch
    ("With a peer expert", "Gemaakt op 1 februari 2025 met een ervaringsdeskundige."),  # tapped when in English
    ("Alleen", "Zelf gemaakt op 1 februari 2025."),
    ("met Anna van het wijkteam", "Gemaakt op 1 februari 2025 met Anna van het wijkteam."),  # typed
    ("Anna (begeleider)", "Gemaakt op 1 februari 2025 met Anna (begeleider)."),  # filled in together
    (None, "Gemaakt op 1 februari 2025."),
])
def test_the_card_says_when_and_with_whom_it_was_made_in_one_sentence(
    made_with: str | None, sentence: str, t: Translator
) -> None:
    card = replace(FULL_CARD, made_with=made_with)
    assert card_text(t, card).endswith(sentence)
    wallet, full = page_texts(card_pdf(card, t))
    assert sentence in wallet.replace("\n", " ") and sentence in full.replace("\n", " ")
    assert sentence in " ".join(text for *_, text, _f, _c in card_render._card_sheet(card, t, 6, 20)._texts)


def test_a_card_with_much_text_gets_more_panels_not_smaller_letters(t: Translator) -> None:
    helps = tuple(f"Hulp {i}: een rustige stem en iemand die ik ken" for i in range(14))
    card = replace(FULL_CARD, what_helps=helps)
    pdf = card_pdf(card, t)
    wallet = page_texts(pdf)[0]
    assert "4/4" in wallet and "5/" not in wallet  # two rows of front and back
    assert "Wat mij helpt (vervolg)" in wallet  # a part that goes on in the next panel says so
    assert all(entry in wallet for entry in helps)  # all of it on the card itself
    assert min(size for size, _ in text_sizes(pdf, 0)) >= 8


def test_long_card_is_cut_on_the_wallet_card_and_whole_on_the_full_card(
    t: Translator, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = Drawn(monkeypatch)
    helps = tuple(f"Hulp {i}: " + "een lang verhaal " * 12 for i in range(12))
    card = CrisisCard(name=LONG, what_helps=helps, what_happens=(LONG,), medication=("Lithium",) * 40)
    pdf = card_pdf(card, t)
    assert pages(pdf) >= 3  # the full card runs over more than one page
    assert (1, t.gettext("Everything is on page 2.")) in drawn.on_page  # the wallet card stays on page 1
    assert "6/6" in page_texts(pdf)[0] and "7/" not in page_texts(pdf)[0]  # six panels at most
    assert any(text.endswith(ELLIPSIS) for text in drawn.texts)
    for entry in (*helps, LONG):
        assert entry in drawn.texts  # the name, and what happens
    assert min(size for size, _ in text_sizes(pdf, 0)) >= 8
    assert photo(card_png(card, t))[1] <= MAX_PHOTO_HEIGHT


# Check-in colours


@pytest.mark.parametrize("count", [0, 1, 60])
def test_phase_history_renders(count: int, t: Translator) -> None:
    entries = [(NOW - timedelta(hours=17 * i), PHASES[i % 4]) for i in range(count)]
    png = phase_history_png(entries, t, days=28, now=NOW)
    width, height = photo(png)
    assert width == 1080 and 500 < height < 1500
    grey = colour_pixels(png, "#d9d9d9")  # days without a check-in
    if count < 40:  # 17 hours apart: fewer than 40 check-ins leave days of the 28 without one
        assert grey > 0
    if count == 0:
        assert colour_pixels(png, PHASE_COLOURS[Phase.GREEN]) < grey  # only the legend is green


def test_phase_history_handles_short_and_long_periods(t: Translator) -> None:
    red = PHASE_COLOURS[Phase.RED]
    empty = colour_pixels(phase_history_png([], t, days=1, now=NOW), red)  # the legend's red only
    for days in (1, 5000):  # 5000 days are cut to a year of rows
        png = phase_history_png([(NOW, Phase.RED)], t, days=days, now=NOW)
        width, height = photo(png)
        assert width == 1080 and height <= MAX_PHOTO_HEIGHT
        assert colour_pixels(png, red) > empty + 500  # the red day is drawn


def test_the_last_check_in_of_a_local_day_counts(t: Translator) -> None:
    morning, evening = datetime(2025, 11, 23, 7, tzinfo=UTC), datetime(2025, 11, 23, 20, tzinfo=UTC)
    late = datetime(2025, 11, 23, 23, 30, tzinfo=UTC)  # already 24 November in Amsterdam
    days = _by_day([(evening, Phase.ORANGE), (morning, Phase.GREEN), (late, Phase.RED)], t)
    assert days == {date(2025, 11, 23): Phase.ORANGE, date(2025, 11, 24): Phase.RED}
