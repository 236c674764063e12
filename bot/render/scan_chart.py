"""The self-scan over time as one picture: a row per leefdomein, the score 1-5 at each scan from the 0-meting on.

Each dot has the level's colour and face-free shape (filled circle: the client; open diamond: the worker), so
the picture reads without colour too. Works with no scan (a short note), one scan (dots only) and many scans
(lines). A domain skipped in one scan simply has no dot there; the line goes on to the next scan.
"""
from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bot.domain.selfscan import ALL_DOMAINS, COLOURS, DOMAIN_NAMES, LEEFDOMEINEN, ScanDomain
from bot.i18n import Translator
from bot.render.chart import font
from bot.render.fonts import drawable, plain
from bot.services.selfscan import ScanPoint

TEXT = "#141414"
MUTED = "#6e6e6e"
LINE = "#e6e6e6"
CLIENT_LINE = "#2b5d8a"
WORKER = "#555555"
MAX_POINTS = 60  # fifteen years of quarterly scans; older ones drop off the left


def _domains(points: Sequence[ScanPoint]) -> list[ScanDomain]:
    used = {domain for point in points for domain in point.scores}
    return [d for d in ALL_DOMAINS if d in used] or list(LEEFDOMEINEN)


def scan_chart_png(
    client: Sequence[ScanPoint], t: Translator, *, worker: Sequence[ScanPoint] = (), name: str | None = None
) -> bytes:
    client = sorted(client, key=lambda p: p.at)[-MAX_POINTS:]
    worker = sorted(worker, key=lambda p: p.at)[-MAX_POINTS:]
    everything = list(client) + list(worker)
    domains = _domains(everything)
    zone = t.zone

    width, left, right = 8.0, 2.5, 0.4
    header, row, axis, legend, bottom = 1.1, 0.72, 0.55, 0.55, 0.25
    height = header + row * len(domains) + axis + legend + bottom
    fig = Figure(figsize=(width, height), dpi=1080 / width)  # no pyplot: nothing stays open
    FigureCanvasAgg(fig)

    for y, text, size, bold, colour in _titles(t, client, name):
        fig.text(0.3 / width, 1 - y / height, drawable(text), fontproperties=font(size, bold), color=colour,
                 va="top", parse_math=False)

    times = sorted(p.at for p in everything)
    first, span, xlim = _time_range(times, zone)

    def x_of(at: datetime) -> float:
        assert first is not None
        return float((at.astimezone(zone).date() - first).days)

    axes_height = row * len(domains)
    ax_top = header
    for index, domain in enumerate(domains):
        top = ax_top + index * row
        ax = fig.add_axes((left / width, 1 - (top + row * 0.82) / height, (width - left - right) / width,
                           row * 0.72 / height))
        mine = [(x_of(p.at), p.scores[domain]) for p in client if domain in p.scores]
        theirs = [(x_of(p.at), p.scores[domain]) for p in worker if domain in p.scores]
        _domain_row(ax, plain(t.gettext(DOMAIN_NAMES[domain])), xlim, mine, theirs)

    # The time axis under the last row.
    axis_top = ax_top + axes_height
    tx = fig.add_axes((left / width, 1 - (axis_top + 0.05) / height, (width - left - right) / width, 0.01 / height))
    _time_axis(tx, t, xlim, first, span, single=len(times) == 1)
    if first is None:
        fig.text((left + (width - left - right) / 2) / width, 1 - (header + axes_height / 2) / height,
                 drawable(t.gettext("No self-scan yet.")), fontproperties=font(13, True), color=MUTED,
                 ha="center", va="center", parse_math=False)
    _legend(fig, t, client_only=name is None, worker=bool(worker),
            anchor=(0.3 / width, 1 - (axis_top + axis) / height))

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white")
    fig.clear()
    return buffer.getvalue()


def _time_range(times: Sequence[datetime], zone: ZoneInfo) -> tuple[date | None, int, tuple[float, float]]:
    """The first day, the days spanned (at least 1) and the x-axis limits with some room on both sides."""
    if not times:
        return None, 1, (0.0, 1.0)
    first = times[0].astimezone(zone).date()
    span = max((times[-1].astimezone(zone).date() - first).days, 1)
    pad = max(span * 0.06, 10)
    return first, span, (-pad, span + pad)


def _titles(t: Translator, client: Sequence[ScanPoint], name: str | None) -> list[tuple[float, str, float, bool, str]]:
    """(inches from the top, text, size, bold, colour) of the title and the line under it."""
    title = (
        t.gettext("How are things going for {name}?").format(name=name) if name else t.gettext("How are things going?")
    )
    if client:
        subtitle = t.gettext("Scores from 1 to 5, from the starting point (0-meting) on {day}").format(
            day=format_date(client[0].at.astimezone(t.zone).date(), "d MMM yyyy", locale=t.locale))
    else:
        subtitle = t.gettext("Scores from 1 to 5")
    return [(0.2, title, 15, True, TEXT), (0.65, subtitle, 9.5, False, MUTED)]


def _domain_row(ax: Axes, label: str, xlim: tuple[float, float], mine: list[tuple[float, int]],
                theirs: list[tuple[float, int]]) -> None:
    """One life area: its scores 1-5 over time, the client's as coloured dots on a line, the worker's as
    open diamonds on a dashed one."""
    ax.set_xlim(*xlim)
    ax.set_ylim(0.5, 5.5)
    ax.set_yticks([1, 3, 5])
    ax.set_yticklabels(["1", "3", "5"], fontproperties=font(7.5), color=MUTED)
    for level in (1, 2, 3, 4, 5):
        ax.axhline(level, color=LINE, linewidth=0.8, zorder=0)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="both", length=0)
    ax.set_xticks([])
    ax.text(-0.07, 0.5, label, transform=ax.transAxes, ha="right",
            va="center", fontproperties=font(9.5), color=TEXT, parse_math=False)
    if len(mine) > 1:
        ax.plot([x for x, _ in mine], [y for _, y in mine], color=CLIENT_LINE, linewidth=1.6, zorder=2)
    if len(theirs) > 1:
        ax.plot(
            [x for x, _ in theirs], [y for _, y in theirs], color=WORKER, linewidth=1.0, linestyle="--", zorder=2
        )
    for x, y in mine:
        ax.scatter([x], [y], s=80, c=COLOURS[y], marker="o", edgecolors="white", linewidths=1.0, zorder=3)
    for x, y in theirs:
        ax.scatter([x], [y], s=60, facecolors="none", edgecolors=WORKER, marker="D", linewidths=1.2, zorder=4)


def _time_axis(tx: Axes, t: Translator, xlim: tuple[float, float], first: date | None, span: int, *,
               single: bool) -> None:
    """The time axis under the last row: dates at the start, the end and three points between."""
    tx.set_xlim(*xlim)
    tx.set_yticks([])
    for side in ("top", "right", "left"):
        tx.spines[side].set_visible(False)
    tx.spines["bottom"].set_color(LINE)
    if first is None:
        tx.set_xticks([])
        return
    ticks = sorted({round(span * i / 4) for i in range(5)}) if span > 1 else [0]
    if single:
        ticks = [0]
    tx.set_xticks(ticks)
    tx.set_xticklabels([format_date(first + timedelta(days=d), "d MMM yy", locale=t.locale) for d in ticks],
                       fontproperties=font(8.5), color=MUTED)


def _legend(fig: Figure, t: Translator, *, client_only: bool, worker: bool, anchor: tuple[float, float]) -> None:
    handles = [Line2D([], [], linestyle="-", color=CLIENT_LINE, marker="o", markersize=8,
                      markerfacecolor=COLOURS[4], markeredgecolor="white")]
    labels = [t.gettext("Your own score") if client_only else t.gettext("Score of the client")]
    if worker:
        handles.append(Line2D([], [], linestyle="--", color=WORKER, marker="D", markersize=7,
                              markerfacecolor="none", markeredgecolor=WORKER))
        labels.append(t.gettext("Score of the worker"))
    fig.legend(handles, [drawable(label) for label in labels], loc="upper left", ncol=2, frameon=False,
               prop=font(9), bbox_to_anchor=anchor)
