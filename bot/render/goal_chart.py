"""Goals as one picture: the check-ins of each goal over time (one row per goal, a marker per answer, grey
when unanswered), and below it a small bar chart of the goals reached per leefdomein."""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from babel.dates import format_date
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bot.domain.goals import ANSWER_LABELS, DOMAIN_LABELS, Answer, Domain, GoalStatus
from bot.i18n import Translator
from bot.render.chart import font
from bot.render.fonts import drawable, plain
from bot.services.goals import GoalView

# The leefdomeinen as people see them (buttons and pictures). To move next to `Domain` when convenient.

# Colour and shape per answer: the shape alone tells them apart too (colour blindness, grey print).
ANSWER_STYLE = {
    Answer.DONE: ("#1b7f3b", "o"),
    Answer.PARTLY: ("#8bbf3f", "s"),
    Answer.NOT_YET: ("#e8a317", "v"),
    Answer.CHANGE: ("#3f6fd8", "D"),
}
UNANSWERED = "#bdbdbd"
TEXT = "#141414"
MUTED = "#6e6e6e"
LINE = "#e6e6e6"
BAR = "#1b7f3b"
MAX_ROWS = 25  # more goals than this do not fit a phone screen; the newest open ones come first
MAX_LABEL = 32
ORDER = {GoalStatus.ACTIVE: 0, GoalStatus.PAUSED: 1, GoalStatus.REACHED: 2, GoalStatus.STOPPED: 3}


def _short(text: str) -> str:
    text = " ".join(drawable(text).split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _rows(goals: Sequence[GoalView], histories: dict[int, list[tuple[datetime, Answer | None]]]) -> list[GoalView]:
    """Goals worth a row: not a mere proposal, and a stopped goal only if it ever had a check-in."""
    shown = [
        g for g in goals
        if g.status != GoalStatus.PROPOSED and (g.status != GoalStatus.STOPPED or histories.get(g.id))
    ]
    shown.sort(key=lambda g: (ORDER.get(g.status, 9), -g.id))
    return shown[:MAX_ROWS]


def goals_png(goals: list[GoalView], histories: dict[int, list[tuple[datetime, Answer | None]]],
              t: Translator) -> bytes:
    rows = _rows(goals, histories)
    reached = {domain: 0 for domain in Domain}
    for goal in goals:
        if goal.status == GoalStatus.REACHED:
            reached[goal.domain] += 1
    days = sorted(
        moment.astimezone(t.zone).date() for goal in rows for moment, _answer in histories.get(goal.id, [])
    )

    # Laid out in inches, so texts keep their size however many goals there are.
    width, left, right = 8.0, 2.9, 0.35
    header, timeline, axis, legend = 1.0, max(len(rows), 1) * 0.5 + 0.2, 0.5, 0.8
    bars_title, bars, bottom = 0.7, len(Domain) * 0.36, 0.35
    height = header + timeline + axis + legend + bars_title + bars + bottom
    # Figure without pyplot (Agg canvas): nothing is kept in a global registry, so nothing stays open.
    fig = Figure(figsize=(width, height), dpi=1080 / width)
    FigureCanvasAgg(fig)

    def caption(x: float, y: float, text: str, size: float, *, bold: bool = False, colour: str = TEXT) -> None:
        """Text on the figure at a place in inches from its top left."""
        fig.text(x / width, 1 - y / height, drawable(text), fontproperties=font(size, bold), color=colour,
                 va="top", parse_math=False)

    caption(0.3, 0.2, t.gettext("Your goals"), 15, bold=True)
    caption(0.3, 0.62, t.gettext("Check-ins per goal"), 10, colour=MUTED)

    # Timeline: one row per goal, x in days since the first check-in shown.
    top = header
    ax = fig.add_axes((left / width, 1 - (top + timeline) / height, (width - left - right) / width, timeline / height))
    _timeline(ax, t, rows, histories, days)

    # Legend under the timeline.
    legend_top = top + timeline + axis
    handles, labels = _legend_entries(t)
    fig.legend(handles, labels, loc="upper left", ncol=3, frameon=False, prop=font(8.5),
               bbox_to_anchor=(0.3 / width, 1 - legend_top / height), handletextpad=0.3, columnspacing=1.2)

    # Goals reached per leefdomein.
    bars_top = legend_top + legend
    caption(0.3, bars_top + 0.15, t.gettext("Goals reached per life area"), 11, bold=True)
    bx = fig.add_axes((left / width, bottom / height, (width - left - right - 0.4) / width, bars / height))
    _reached_bars(bx, t, reached)

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white")
    fig.clear()
    return buffer.getvalue()


def _timeline(ax: Axes, t: Translator, rows: list[GoalView],
              histories: dict[int, list[tuple[datetime, Answer | None]]], days: list[date]) -> None:
    """One row per goal, x in days since the first check-in shown; each check-in a mark in its answer's style."""
    ax.set_ylim(len(rows) - 0.5 if rows else 0.5, -0.6)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(LINE)
    ax.tick_params(axis="y", length=0)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([_short(goal.title) for goal in rows], fontproperties=font(9.5))
    first = days[0] if days else None
    if first is None:
        ax.set_xlim(0, 1)
        ax.set_xticks([])
        empty = t.gettext("No check-ins yet.") if rows else t.gettext("No goals yet.")
        ax.text(0.5, (len(rows) - 1) / 2 if rows else 0, drawable(empty), fontproperties=font(11), color=MUTED,
                ha="center", va="center", parse_math=False)
    else:
        span = max((days[-1] - first).days, 6)
        ax.set_xlim(-1, span + 1.6)
        for index, goal in enumerate(rows):
            ax.axhline(index, color=LINE, linewidth=1.2, zorder=1)
            for moment, answer in histories.get(goal.id, []):
                x = (moment.astimezone(t.zone).date() - first).days + moment.astimezone(t.zone).hour / 24
                colour, marker = ANSWER_STYLE.get(answer, (UNANSWERED, "o")) if answer else (UNANSWERED, "o")
                ax.scatter([x], [index], s=110, c=colour, marker=marker, zorder=3,
                           edgecolors="white" if answer else UNANSWERED, linewidths=1.0)
        ticks = sorted({round(span * i / 4) for i in range(5)})
        ax.set_xticks(ticks)
        ax.set_xticklabels([format_date(first + timedelta(days=d), "d MMM", locale=t.locale) for d in ticks],
                           fontproperties=font(8.5), color=MUTED)
    for label in ax.get_yticklabels():
        label.set_color(TEXT)


def _legend_entries(t: Translator) -> tuple[list[Line2D], list[str]]:
    """The marks and names of the four answers and of "no answer", for the legend under the timeline."""
    handles = [
        Line2D([], [], linestyle="none", marker=marker, markersize=9, markerfacecolor=colour, markeredgecolor="white")
        for colour, marker in ANSWER_STYLE.values()
    ] + [Line2D([], [], linestyle="none", marker="o", markersize=9, markerfacecolor=UNANSWERED,
                markeredgecolor=UNANSWERED)]
    labels = [plain(t.gettext(ANSWER_LABELS[answer])) for answer in ANSWER_STYLE] + [plain(t.gettext("No answer"))]
    return handles, labels


def _reached_bars(bx: Axes, t: Translator, reached: dict[Domain, int]) -> None:
    """Goals reached per leefdomein, one bar each, the number at its end."""
    domains = list(Domain)
    counts = [reached[d] for d in domains]
    bx.barh(range(len(domains)), counts, color=BAR, height=0.6)
    bx.set_ylim(len(domains) - 0.5, -0.5)
    bx.set_xlim(0, max(max(counts), 1) * 1.15)
    bx.set_yticks(range(len(domains)))
    bx.set_yticklabels([plain(t.gettext(DOMAIN_LABELS[d])) for d in domains], fontproperties=font(9.5))
    bx.set_xticks([])
    bx.tick_params(axis="y", length=0)
    for side in ("top", "right", "bottom", "left"):
        bx.spines[side].set_visible(False)
    for index, count in enumerate(counts):
        bx.text(count + max(max(counts), 1) * 0.02, index, str(count), fontproperties=font(9.5, bold=count > 0),
                color=TEXT if count else MUTED, va="center")
