"""What the running process knows about itself, and how it is told: the status line, /healthz, /metrics.

Plain counters and pure functions over them (time comes in as `now`), so every rule here is tested without
a bot, a database or a clock. Nothing here holds a person's name, id or words: counts and durations only.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.ops.figures import Figures

TICK_STALE = timedelta(minutes=2)  # /healthz fails when the last good tick is older than this
LOG_EVERY = timedelta(minutes=1)  # a repeating background error is logged at most this often
# A process that meets another poller within this long of starting is the newcomer (the other one answers
# Telegram's 409 by polling again within seconds); one that has been polling longer was there first.
NEWCOMER = timedelta(seconds=15)
CONFLICT_PATIENCE = timedelta(minutes=2)  # an older process gives way when the conflict goes on this long


@dataclass
class Counts:
    """What a status line and /metrics count: updates, errors, ticks and the outbox's sends."""

    updates: int = 0
    errors: int = 0
    ticks: int = 0
    tick_failures: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    rate_limited: int = 0  # 429s from Telegram (each paused every send)


@dataclass
class Window(Counts):
    """Counts since the last status line."""

    tick_seconds: float = 0.0


@dataclass(kw_only=True)
class Monitor(Counts):
    """Totals since start (Counts), for /metrics (Prometheus computes rates from them), and the state the health
    check reports."""

    started_at: datetime
    tick_seconds_sum: float = 0.0
    last_tick_seconds: float = 0.0
    last_tick_ok_at: datetime | None = None
    # Since when the tick fails (None: the last tick went well), and why: the exception's type and code
    # location, never its message; database_down when the failure was the database not answering.
    failing_since: datetime | None = None
    last_failure: str | None = None
    database_down: bool = False
    conflict_since: datetime | None = None
    conflict_last: datetime | None = None
    window: Window = field(default_factory=Window)
    _logged: dict[str, datetime] = field(default_factory=dict)
    _apologised: OrderedDict[int, None] = field(default_factory=OrderedDict)

    # ---- counting --------------------------------------------------------------------------------------

    def count_update(self) -> None:
        self.updates += 1
        self.window.updates += 1

    def count_error(self) -> None:
        self.errors += 1
        self.window.errors += 1

    def tick_done(self, now: datetime, seconds: float, sent: int, retried: int, failed: int, *,
                  rate_limited: int = 0) -> None:
        self.ticks += 1
        self.tick_seconds_sum += seconds
        self.last_tick_seconds = seconds
        self.last_tick_ok_at = now
        self.failing_since, self.database_down = None, False
        self.sent += sent
        self.retried += retried
        self.failed += failed
        self.rate_limited += rate_limited
        w = self.window
        w.ticks += 1
        w.tick_seconds += seconds
        w.sent += sent
        w.retried += retried
        w.failed += failed
        w.rate_limited += rate_limited

    def tick_failed(self, now: datetime, where: str, *, database_down: bool) -> None:
        self.tick_failures += 1
        self.window.tick_failures += 1
        self.last_failure, self.database_down = where, database_down
        if self.failing_since is None:
            self.failing_since = now

    def conflict_stops_us(self, now: datetime) -> bool:
        """Telegram answered getUpdates with 409 Conflict: another process polls with this token, and each
        poll ends the other's. The newcomer (started within NEWCOMER) stops; an older process carries on, so
        the one that was serving keeps serving, unless the conflict lasts CONFLICT_PATIENCE (the other side
        does not give way, e.g. a different program on the same token)."""
        if now - self.started_at <= NEWCOMER:
            return True
        if self.conflict_last is None or now - self.conflict_last > LOG_EVERY:
            self.conflict_since = now
        self.conflict_last = now
        assert self.conflict_since is not None
        return now - self.conflict_since >= CONFLICT_PATIENCE

    # ---- once-only rules -------------------------------------------------------------------------------

    def should_log(self, key: str, now: datetime) -> bool:
        """True the first time `key` comes up and then at most once per LOG_EVERY: a database outage
        gives one line a minute, not one per tick or per persistence flush."""
        last = self._logged.get(key)
        if last is not None and now - last < LOG_EVERY:
            return False
        self._logged[key] = now
        return True

    def first_apology(self, update_id: int) -> bool:
        """True once per update: when several handler groups fail on the same update (the database is
        down), the person gets one apology, not one per group."""
        if update_id in self._apologised:
            return False
        self._apologised[update_id] = None
        while len(self._apologised) > 1000:
            self._apologised.popitem(last=False)
        return True

    # ---- telling ---------------------------------------------------------------------------------------

    def take_window(self) -> Window:
        window, self.window = self.window, Window()
        return window

    def health(self, now: datetime, *, database_ok: bool, backlog: int | None, max_backlog: int,
               running: bool = True) -> dict[str, bool]:
        """/healthz: each check by name; healthy when all are true. `running`: the bot has started (polling or
        listening for the webhook) and is not stopping."""
        reference = self.last_tick_ok_at or self.started_at  # a fresh process gets two minutes for its first tick
        return {
            "running": running,
            "database": database_ok,
            "tick": now - reference <= TICK_STALE,
            "backlog": backlog is not None and backlog < max_backlog,
        }


def status_line(window: Window, figures: Figures | None, monitor: Monitor, now: datetime) -> str:
    """The one line a minute. Numbers are for the last minute, except due and backlog (now)."""
    average = window.tick_seconds / window.ticks if window.ticks else 0.0
    counts = (
        f"sent={window.sent} retried={window.retried} failed={window.failed} rate_limited={window.rate_limited} "
        f"updates={window.updates} errors={window.errors} ticks={window.ticks} tick={average:.2f}s"
    )
    if monitor.failing_since is not None or figures is None:
        minutes = int((now - (monitor.failing_since or now)).total_seconds() // 60)
        what = "DATABASE UNREACHABLE" if monitor.database_down or figures is None else "TICK FAILING"
        return (
            f"status: {what} for {minutes} min ({monitor.last_failure or 'no answer'}); "
            f"ticks failed={window.tick_failures} {counts}"
        )
    return f"status: due={figures.due_total} backlog={figures.backlog} claimed={figures.claimed} {counts}"


def prometheus(monitor: Monitor, figures: Figures | None, now: datetime, *, database_ok: bool) -> str:
    """/metrics in the Prometheus text format (version 0.0.4)."""
    lines: list[str] = []

    def metric(name: str, kind: str, help_text: str, samples: list[tuple[str, float]]) -> None:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        for suffix, value in samples:
            lines.append(f"{name}{suffix} {_number(value)}")

    metric("houvast_up", "gauge", "1 while the process answers.", [("", 1)])
    metric("houvast_start_time_seconds", "gauge", "When this process started (Unix time).",
           [("", monitor.started_at.timestamp())])
    metric("houvast_database_up", "gauge", "1 when the database answered this scrape.", [("", int(database_ok))])
    metric("houvast_updates_total", "counter", "Telegram updates handled.", [("", monitor.updates)])
    metric("houvast_update_errors_total", "counter", "Errors while handling updates or in the background.",
           [("", monitor.errors)])
    metric("houvast_ticks_total", "counter", "Scheduler ticks that finished.", [("", monitor.ticks)])
    metric("houvast_tick_failures_total", "counter", "Scheduler ticks that failed.", [("", monitor.tick_failures)])
    metric("houvast_tick_duration_seconds", "summary", "How long the scheduler ticks took.",
           [("_sum", monitor.tick_seconds_sum), ("_count", monitor.ticks)])
    metric("houvast_last_tick_duration_seconds", "gauge", "How long the last good tick took.",
           [("", monitor.last_tick_seconds)])
    metric("houvast_last_tick_timestamp_seconds", "gauge", "When the last good tick finished (Unix time; 0: none yet).",
           [("", monitor.last_tick_ok_at.timestamp() if monitor.last_tick_ok_at else 0)])
    metric("houvast_outbox_sent_total", "counter", "Messages Telegram accepted.", [("", monitor.sent)])
    metric("houvast_outbox_retried_total", "counter", "Sends that will be tried again.", [("", monitor.retried)])
    metric("houvast_outbox_failed_total", "counter", "Messages given up on.", [("", monitor.failed)])
    metric("houvast_outbox_rate_limited_total", "counter", "429s from Telegram (each pauses every send).",
           [("", monitor.rate_limited)])
    if figures is not None:
        metric("houvast_due_work", "gauge", "Work the tick will pick up now, per kind.",
               [(f'{{kind="{kind}"}}', value) for kind, value in sorted(figures.due.items())])
        metric("houvast_outbox_backlog", "gauge", "Messages due now and not yet sent.", [("", figures.backlog)])
        metric("houvast_outbox_oldest_due_seconds", "gauge", "How long the oldest due message has waited.",
               [("", figures.oldest_due_seconds)])
        metric("houvast_outbox_waiting", "gauge", "Messages queued for later (retries, working hours).",
               [("", figures.waiting)])
        metric("houvast_outbox_claimed", "gauge", "Messages a delivery run has claimed and not yet sent.",
               [("", figures.claimed)])
        metric("houvast_nudges_unacknowledged", "gauge", "Stall nudges no worker has acknowledged yet.",
               [("", figures.nudges_unacknowledged)])
        metric("houvast_alerts_unacknowledged", "gauge", "Rood alerts nobody has picked up yet (\"Ik pak het op\").",
               [("", figures.alerts_unacknowledged)])
    return "\n".join(lines) + "\n"


def _number(value: float) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")
