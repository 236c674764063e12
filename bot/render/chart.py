"""Check-in colours of the last weeks as a small calendar: one square per day, grey without a check-in."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from babel.dates import format_date
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyBboxPatch

from bot.domain.plans import PHASE_COLOURS, PHASES, Phase
from bot.i18n import Translator
from bot.render.fonts import BOLD, REGULAR, drawable, ink
from bot.render.plan import PHASE_LABELS

NO_CHECKIN = "#d9d9d9"
TEXT = "#141414"
MUTED = "#6e6e6e"
MAX_DAYS = 366  # a year of rows still fits Telegram's photo limits


def font(size: float, bold: bool = False) -> FontProperties:
    return FontProperties(fname=str(BOLD if bold else REGULAR), size=size)


def _by_day(entries: list[tuple[datetime, Phase]], t: Translator) -> dict[date, Phase]:
    """The last check-in of each local day: the colour someone ended the day with."""
    days: dict[date, Phase] = {}
    for moment, phase in sorted(entries, key=lambda entry: entry[0]):
        days[moment.astimezone(t.zone).date()] = phase
    return days


def _calendar(ax: Axes, t: Translator, monday: date, first: date, today: date, weeks: int,
              colours: dict[date, Phase]) -> None:
    """The weekday names on top, then a row per week: each day its colour (grey without a check-in), today
    outlined, days outside the period left out."""

    def say(x: float, y: float, text: str, size: float, *, bold: bool = False, colour: str = TEXT,
            ha: str = "center") -> None:
        ax.text(x, y, drawable(text), fontproperties=font(size, bold), color=colour, ha=ha, va="center",
                parse_math=False)

    for column in range(7):
        say(column + 0.5, 0.25, format_date(monday + timedelta(days=column), "EEE", locale=t.locale), 9,
            colour=MUTED)
    for week in range(weeks):
        start = max(monday + timedelta(weeks=week), first)
        say(-0.1, -week - 0.5, format_date(start, "d MMM", locale=t.locale), 8, colour=MUTED, ha="right")
        for column in range(7):
            day = monday + timedelta(weeks=week, days=column)
            if not first <= day <= today:
                continue
            phase = colours.get(day)
            fill = PHASE_COLOURS[phase] if phase else NO_CHECKIN
            ax.add_patch(FancyBboxPatch((column + 0.08, -week - 0.92), 0.84, 0.84,
                                        boxstyle="round,pad=0,rounding_size=0.12", facecolor=fill,
                                        edgecolor=TEXT if day == today else "none", linewidth=2))
            say(column + 0.5, -week - 0.5, str(day.day), 10, bold=day == today,
                colour="#{:02x}{:02x}{:02x}".format(*ink(fill)))


def phase_history_png(entries: list[tuple[datetime, Phase]], t: Translator, *, days: int = 28,
                      now: datetime) -> bytes:
    days = min(max(days, 1), MAX_DAYS)
    today = now.astimezone(t.zone).date()
    first = today - timedelta(days=days - 1)
    monday = first - timedelta(days=first.weekday())
    weeks = (today - monday).days // 7 + 1
    colours = _by_day(entries, t)

    # Laid out in inches, so the header and legend keep their size however many weeks there are.
    unit, left, top, bottom = 0.8, 0.95, 1.0, 0.85
    width, grid = left + 7.1 * unit + 0.25, (weeks + 0.6) * unit
    height = top + grid + bottom
    # Figure without pyplot: nothing is kept in a global registry, so nothing needs closing.
    fig = Figure(figsize=(width, height), dpi=1080 / width)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((left / width, bottom / height, 7.1 * unit / width, grid / height))
    ax.set_xlim(-0.05, 7.05)
    ax.set_ylim(-weeks - 0.05, 0.55)
    ax.axis("off")

    _calendar(ax, t, monday, first, today, weeks, colours)

    def caption(x: float, y: float, text: str, size: float, *, bold: bool = False, colour: str = TEXT) -> None:
        """Text on the figure at a place in inches from its bottom left."""
        fig.text(x / width, y / height, drawable(text), fontproperties=font(size, bold), color=colour,
                 va="top", parse_math=False, linespacing=1.4)

    caption(0.3, height - 0.2, t.gettext("Your colours"), 15, bold=True)
    period = f"{t.day(first)} – {t.day(today)}"
    if not any(first <= day <= today for day in colours):
        period += "\n" + t.gettext("No check-ins yet.")
    caption(0.3, height - 0.55, period, 9.5, colour=MUTED)

    legend = [(PHASE_COLOURS[phase], t.gettext(PHASE_LABELS[phase][0])) for phase in PHASES]
    legend.append((NO_CHECKIN, t.gettext("No check-in")))
    for index, (colour, label) in enumerate(legend):
        x, y = 0.3 + (index % 3) * 2.4, 0.65 - (index // 3) * 0.3
        fig.patches.append(FancyBboxPatch((x / width, (y - 0.17) / height), 0.16 / width, 0.16 / height,
                                          boxstyle="square,pad=0", facecolor=colour, edgecolor="none",
                                          transform=fig.transFigure, figure=fig))
        caption(x + 0.25, y - 0.02, label, 9.5)

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()
