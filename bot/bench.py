"""`houvast bench`: how the bot's costs grow, measured against baselines taken in the same run. A script more
than a module: its seeding and its run are long lists of steps, kept in the order they happen.

Four parts, each printed as a table and returned as `Row`s:

* **tick** – seed N goals (with clients, households and check-in history) with Core bulk inserts, then time
  `scheduler.due_work` (check-in prompts, goal prompts, stall sweep) on a frozen clock: a first tick (cold
  caches), five warm ticks a minute apart (the median reported, the slowest beside it), and one more under
  tracemalloc for the Python peak memory.
  Ratios are against the smallest size on the same database.
* **outbox** – queue messages and let `outbox.deliver_due` send them through the real `telegram.Bot` to the
  local Bot API with Telegram's flood limits switched on. Ratios are against the limit that applies.
* **updates** – updates per second of the full Houvast application (a client's phase check-in button)
  against a bare python-telegram-bot echo bot on the same local Bot API, in five rounds each (the median round
  reported, the slowest beside it). The ratio is full / bare.
* **crisis** – the crisis detector: seconds its loading adds to a fresh process, and milliseconds per
  message (typical, 4,000 characters, a phrase repeated), against a plain keyword test.

No absolute timings are asserted anywhere: the numbers are for reading side by side (docs/benchmark.md).
Every database is a scratch one: a SQLite file in a temporary folder, or a temporary database created on
the PostgreSQL server of a given URL and dropped afterwards; the configured database is never touched.
"""
from __future__ import annotations

import asyncio
import gc
import logging
import math
import os
import random
import secrets
import statistics
import tempfile
import time as wallclock
import tracemalloc
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.clock import FakeClock
from bot.config import Settings
from bot.db.models import Goal, GoalCheckin, Household, Nudge, OutboxMessage, Person, PhaseCheckin
from bot.domain.goals import Answer, Domain, GoalFacts, GoalStatus, Prompt, StallPolicy, next_look
from bot.domain.ladder import LadderPolicy, due_rungs, next_rung_at
from bot.domain.workhours import WorkHours
from bot.services.nudges import daily_look

log = logging.getLogger(__name__)

SQLITE = "sqlite"  # in `database_urls`: a fresh SQLite file in a temporary folder
QUICK_SIZES = [2_000, 10_000, 100_000]
FULL_SIZES = [10_000, 100_000, 1_000_000]
# A Wednesday evening: a normal minute, half a minute past the quarter hour.
BENCH_NOW = datetime(2026, 3, 25, 18, 0, 30, tzinfo=UTC)
CHUNK = 10_000  # rows per bulk insert
GOALS_PER_CLIENT = 3
CHECKINS_PER_GOAL = 3
WARM_TICKS = 5  # warm ticks timed per size: the median is the figure
UPDATE_ROUNDS = 5  # rounds of updates timed per application: the median round is the figure
TELEGRAM_ID_BASE = 2_000_000_000  # seeded clients' Telegram and chat ids start here
FLOOD_LIMIT = 30  # messages per second overall (telegram.constants.FloodLimit.MESSAGES_PER_SECOND)
PER_CHAT_LIMIT = 1  # messages per second to one chat


@dataclass
class Row:
    """One measurement. `value` is in `unit`; `ratio` is `value` against `baseline` (same run)."""

    section: str  # "tick", "outbox" or "updates"
    database: str  # "sqlite", "postgresql"
    case: str
    size: int  # goals (tick), messages (outbox), updates (updates)
    value: float | None
    unit: str
    baseline: str
    ratio: float | None
    details: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None


class SeedBudgetExceeded(Exception):
    """Seeding would take longer than the budget: the size is reported as skipped, never left to hang."""


# --------------------------------------------------------------------------------------------------
# Scratch databases
# --------------------------------------------------------------------------------------------------


def normalize_url(url: str) -> str:
    if url == SQLITE:
        return url
    return Settings(database_url=url).database_url  # the same driver rules as the bot (asyncpg, aiosqlite)


def database_label(url: str) -> str:
    return SQLITE if url == SQLITE or url.startswith("sqlite") else make_url(url).get_backend_name()


def bench_settings(database_url: str, workdir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url, "data_dir": workdir / "data", "demo_files_dir": workdir / "files",
        "telegram_token": "123:BENCH", "bot_username": "houvast_bot", "encryption_keys": None,
        # The updates part sends hundreds of updates on a frozen clock, where the flood bucket never refills.
        "rate_limit_per_minute": 1_000_000, "rate_limit_burst": 1_000_000,
        "log_level": "WARNING",
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def scratch_database(base: str, workdir: Path, label: str) -> AsyncIterator[str]:
    """A fresh, migrated database: a file under `workdir`, or a temporary database on a PostgreSQL server."""
    from bot.db.migrate import upgrade

    if base == SQLITE or base.startswith("sqlite"):
        path = workdir / f"{label}-{secrets.token_hex(3)}.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
        try:
            await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop: in a thread of its own
            yield url
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = f"houvast_bench_{label}_{secrets.token_hex(3)}".lower().replace("-", "_")
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base).set(database=name).render_as_string(hide_password=False)
        try:
            await asyncio.to_thread(upgrade, url)
            yield url
        finally:
            async with admin.connect() as connection:
                try:
                    await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                except DBAPIError:  # PostgreSQL before 13 has no FORCE
                    await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        await admin.dispose()


# --------------------------------------------------------------------------------------------------
# Seeding: Core bulk inserts in chunks, deterministic
# --------------------------------------------------------------------------------------------------


def _ago(seconds: float) -> datetime:
    return BENCH_NOW - timedelta(seconds=seconds)


DAY = 86_400.0
WEEK = 7 * DAY
DOMAINS = [d.value for d in Domain]
PROGRESS_ANSWERS = [Answer.DONE.value, Answer.PARTLY.value]
# (cumulative share, value): the mix of the seeded data.
STATUSES = ((0.80, GoalStatus.ACTIVE.value), (0.88, GoalStatus.PAUSED.value), (0.94, GoalStatus.REACHED.value),
            (0.98, GoalStatus.STOPPED.value), (1.0, GoalStatus.PROPOSED.value))
KINDS = ((0.948, "ok"), (0.998, "episode"), (1.0, "stalls"))  # on track, open stall episode, stalls now
ANSWERS = ((0.45, Answer.DONE.value), (0.80, Answer.PARTLY.value), (1.0, Answer.NOT_YET.value))
RHYTHMS = ((0.7, "daily"), (0.9, "weekdays"), (1.0, "off"))


def _pick(table: tuple[tuple[float, str], ...], r: float) -> str:
    for share, value in table:
        if r < share:
            return value
    return table[-1][1]


def _client_rows(first: int, last: int, rng: random.Random) -> tuple[list[dict], list[dict]]:
    households, people = [], []
    for pid in range(first, last + 1):
        created = _ago(rng.uniform(60 * DAY, 400 * DAY))
        households.append({"id": pid, "created_at": created, "closed_at": None})
        rhythm = _pick(RHYTHMS, rng.random())
        people.append({
            "id": pid, "telegram_id": TELEGRAM_ID_BASE + pid, "chat_id": TELEGRAM_ID_BASE + pid, "role": "client",
            "name": f"Cliënt {pid}", "locale": "nl" if rng.random() < 0.9 else "en", "pseudonym": f"b{pid:015x}",
            "household_id": pid, "checkin_time": time(rng.randrange(8, 22), rng.choice((0, 15, 30, 45))),
            "checkin_rhythm": rhythm,
            # Phase check-ins: spread over the next day, a minute's worth already due.
            "next_checkin_at": None if rhythm == "off" else _ago(59 - rng.uniform(0, DAY)),
            "reminders_paused": rng.random() < 0.03, "unreachable": rng.random() < 0.01, "active": True,
            "onboarded": True, "created_at": created, "last_seen_at": _ago(rng.uniform(0, 14 * DAY)),
            "deletion_due_at": None, "deactivated_at": None,
        })
    return households, people


WORK_HOURS = WorkHours()
LADDER_POLICY = LadderPolicy()
MISSED_NOW_AND_THEN = 0.08  # an on-track client leaves about one prompt in twelve unanswered (never two in a row)
STALL_POLICY = StallPolicy()
ZONE = ZoneInfo("Europe/Amsterdam")


def _goal_rows(first_client: int, last_client: int, n_goals: int,
               rng: random.Random) -> tuple[list[dict], list[dict], list[dict]]:
    """Goals and their check-in history, as the bot leaves them. An active goal is prompted weekly at its own
    slot: the next prompt lies in the coming week (a minute's worth due now), the three before it a week apart.
    About 95% of active goals are on track (answered within 10 minutes to 20 hours, so a prompt of the last
    hours may still be open; one in twelve left unanswered, never two in a row), 5% are in an open stall
    episode (three prompts missed) and 0.2% stall on this sweep (the last two missed). Each goal's next look
    is what `bot.domain.goals.next_look` says for those facts (none in an episode, none when not active). A goal
    in an episode has its nudge, not acknowledged, with its next climb as the ladder gives it."""
    goals: list[dict] = []
    checkins: list[dict] = []
    nudges: list[dict] = []
    for client in range(first_client, last_client + 1):
        for k in range(GOALS_PER_CLIENT):
            gid = (client - 1) * GOALS_PER_CLIENT + k + 1
            if gid > n_goals:
                break
            status = _pick(STATUSES, rng.random())
            active = status == GoalStatus.ACTIVE
            kind = _pick(KINDS, rng.random()) if active else "ok"
            # The next prompt: a stalling goal's last prompt is over 48 hours old, so its second miss counts now.
            ahead = rng.uniform(2 * DAY, 5 * DAY) if kind == "stalls" else rng.uniform(0, WEEK)
            next_prompt = _ago(59 - ahead)
            prompts: list[tuple[datetime, datetime | None, str | None]] = []
            for week in range(CHECKINS_PER_GOAL, 0, -1):  # weekly prompts, the oldest first
                prompted = next_prompt - timedelta(seconds=week * WEEK)
                missed_before = bool(prompts) and prompts[-1][1] is None
                if kind == "episode" or (kind == "stalls" and week <= 2):
                    missed = True
                else:
                    missed = not missed_before and rng.random() < MISSED_NOW_AND_THEN
                answered = None if missed else prompted + timedelta(seconds=rng.uniform(600, 20 * 3600))
                if answered is not None and answered > BENCH_NOW:
                    answered = None  # still open: the client answers later today
                prompts.append((prompted, answered, _pick(ANSWERS, rng.random()) if answered else None))
            if kind == "ok" and not any(answer in PROGRESS_ANSWERS for _, _, answer in prompts):
                for i in range(len(prompts) - 1, -1, -1):
                    if prompts[i][1] is not None:  # on track: some progress lately
                        prompts[i] = (prompts[i][0], prompts[i][1], Answer.PARTLY.value)
                        break
            progress = [answered for _, answered, answer in prompts if answer in PROGRESS_ANSWERS]
            last_progress = progress[-1] if progress else _ago(rng.uniform(29 * DAY, 60 * DAY))
            target = (BENCH_NOW + timedelta(days=rng.uniform(10, 200))).date() if rng.random() < 0.3 else None
            created = _ago(rng.uniform(30 * DAY, 365 * DAY))
            look = None
            if active and kind != "episode":
                facts = GoalFacts(GoalStatus.ACTIVE, created, target,
                                  tuple(Prompt(p, a, Answer(x) if x else None) for p, a, x in prompts), last_progress)
                look = next_look(facts, STALL_POLICY, now=BENCH_NOW, zone=ZONE)
            goals.append({
                "id": gid, "household_id": client, "client_id": None if k == 2 and rng.random() < 0.15 else client,
                "owner_id": client, "domain": rng.choice(DOMAINS), "title": f"Doel {gid}",
                "why": "Omdat ik dat wil" if rng.random() < 0.5 else None, "step": f"Kleine stap {gid}",
                "target_date": target,
                "status": status, "proposed_by_id": None, "created_at": created,
                "checkin_weekday": rng.randrange(1, 8), "checkin_time": time(rng.randrange(8, 22), rng.choice((0, 15, 30, 45))),
                "every_weeks": 1 if rng.random() < 0.9 else 2,
                "next_checkin_at": next_prompt if active else None,
                "last_progress_at": last_progress,
                "stall_since": _ago(rng.uniform(1 * DAY, 20 * DAY)) if kind == "episode" else None,
                "next_look_at": look,
                "recent_prompts": [[(gid - 1) * CHECKINS_PER_GOAL + i + 1, p.timestamp(), a.timestamp() if a else None, x]
                                   for i, (p, a, x) in enumerate(prompts)],
            })
            if kind == "episode":
                since = goals[-1]["stall_since"]
                rung = next_rung_at(since, hours=WORK_HOURS, policy=LADDER_POLICY, now=BENCH_NOW)
                daily = daily_look(gid, BENCH_NOW, WORK_HOURS)
                nudges.append({"id": gid, "goal_id": gid, "reasons": "missed", "created_at": since,
                               "rungs": ",".join(due_rungs(since, acknowledged=False, hours=WORK_HOURS,
                                                           policy=LADDER_POLICY, now=BENCH_NOW)),
                               "next_climb_at": min(rung, daily) if rung else daily})
            for i, (prompted, answered, answer) in enumerate(prompts):
                checkins.append({"id": (gid - 1) * CHECKINS_PER_GOAL + i + 1, "goal_id": gid, "prompted_at": prompted,
                                 "answered_at": answered, "answer": answer, "note": None, "voice_file_id": None})
    return goals, checkins, nudges


async def seed(engine: AsyncEngine, n_goals: int, *, budget: float, seed_value: int = 7,
               report: Any = None) -> dict[str, Any]:
    """N goals, one client (and household) per three goals, three check-ins per goal. Raises
    SeedBudgetExceeded as soon as the projected time passes `budget` seconds."""
    rng = random.Random(seed_value * 1_000_003 + n_goals)
    clients = math.ceil(n_goals / GOALS_PER_CLIENT)
    per_chunk = max(1, CHUNK // GOALS_PER_CLIENT)
    started = wallclock.perf_counter()
    done = 0
    counts = {"households": 0, "people": 0, "goals": 0, "goal_checkins": 0}
    for first in range(1, clients + 1, per_chunk):
        last = min(clients, first + per_chunk - 1)
        households, people = _client_rows(first, last, rng)
        goals, checkins, nudges = _goal_rows(first, last, n_goals, rng)
        async with engine.begin() as connection:
            await connection.execute(insert(Household.__table__), households)
            await connection.execute(insert(Person.__table__), people)
            await connection.execute(insert(Goal.__table__), goals)
            for i in range(0, len(checkins), CHUNK):
                await connection.execute(insert(GoalCheckin.__table__), checkins[i:i + CHUNK])
            if nudges:
                await connection.execute(insert(Nudge.__table__), nudges)
        counts["households"] += len(households)
        counts["people"] += len(people)
        counts["goals"] += len(goals)
        counts["goal_checkins"] += len(checkins)
        done = last
        elapsed = wallclock.perf_counter() - started
        projected = elapsed / done * clients
        if report is not None:
            report(done, clients, elapsed)
        if elapsed > budget or (done < clients and done >= 2 * per_chunk and projected > budget):
            raise SeedBudgetExceeded(f"seeding would take ~{projected:.0f}s, over the {budget:.0f}s budget")
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            for table in ("households", "people", "goals", "goal_checkins", "nudges"):  # ids were given: move them on
                await connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    if engine.dialect.name == "postgresql":
        # Autovacuum gets to a bulk-loaded table only after a while (and would then run beside the ticks timed
        # here); production tables are vacuumed and have statistics.
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE"))
    counts["seconds"] = wallclock.perf_counter() - started
    return counts


# --------------------------------------------------------------------------------------------------
# a. Tick cost against size
# --------------------------------------------------------------------------------------------------


async def _due_looks(engine: AsyncEngine, now: datetime) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(Goal).where(Goal.next_look_at <= now))).scalar_one()


async def _tick_counts(engine: AsyncEngine, now: datetime) -> dict[str, int]:
    async with engine.connect() as connection:
        by_kind = dict((await connection.execute(
            select(OutboxMessage.kind, func.count()).where(OutboxMessage.created_at == now).group_by(OutboxMessage.kind))).all())
        nudges = (await connection.execute(select(func.count()).select_from(Nudge).where(Nudge.created_at == now))).scalar_one()
    return {"goal_prompts": by_kind.get("goal_checkin", 0), "checkin_prompts": by_kind.get("checkin", 0), "stalls": nudges}


def _warm_catalogs() -> None:
    from bot.i18n import translation

    for locale in ("nl", "en"):
        translation(locale)  # a catalog compiled in memory once is not the tick's cost


async def _timed_tick(svc: Any, timeout: float, work: Any = None) -> float:
    from bot.scheduler import due_work

    gc.collect()
    started = wallclock.perf_counter()
    await asyncio.wait_for((work or due_work)(svc), timeout)
    return wallclock.perf_counter() - started


async def _sweep(svc: Any) -> None:
    from bot.services.goals import sweep_stalls

    await sweep_stalls(svc)


async def _count(engine: AsyncEngine, model: Any) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(model))).scalar_one()


async def bench_tick(base: str, n_goals: int, workdir: Path, *, seed_budget: float, tick_timeout: float,
                     console: Console) -> Row:
    from bot.db.session import configure_encryption, make_engine, make_sessionmaker
    from bot.services.base import Services

    label = database_label(base)
    row = Row("tick", label, f"{n_goals:,} goals", n_goals, None, "s", "", None)
    configure_encryption(None)
    _warm_catalogs()
    async with scratch_database(base, workdir, f"tick{n_goals}") as url:
        engine = make_engine(url)
        try:
            shown = [0]

            def progress(done: int, total: int, elapsed: float) -> None:
                if done * 10 // total > shown[0]:  # every tenth
                    shown[0] = done * 10 // total
                    console.log(f"  seeding {label} {n_goals:,} goals: {done * 100 // total}% ({elapsed:.0f}s)")

            try:
                counts = await seed(engine, n_goals, budget=seed_budget, report=progress)
            except SeedBudgetExceeded as exc:
                row.skipped = str(exc)
                return row
            clock = FakeClock(BENCH_NOW)
            svc = Services(make_sessionmaker(engine), clock, bench_settings(url, workdir))
            try:
                # Ticks a minute apart; each sweeps its own ~1/60 of the goals. The first also pays for the
                # engine's first connections and statement compilation (cached per engine, as in the bot); of
                # the WARM_TICKS after it the median is reported (one sample is at the mercy of a checkpoint or a
                # collection) and the slowest shown beside it; the last runs under tracemalloc, which slows
                # Python down.
                cold = await _timed_tick(svc, tick_timeout)
                clock.advance(minutes=1)
                looks = await _due_looks(engine, clock.now())
                warm = [await _timed_tick(svc, tick_timeout)]
                work = await _tick_counts(engine, clock.now())
                for _ in range(WARM_TICKS - 1):
                    clock.advance(minutes=1)
                    warm.append(await _timed_tick(svc, tick_timeout))
                clock.advance(minutes=1)
                tracemalloc.start()
                try:
                    traced = await _timed_tick(svc, tick_timeout)
                    _, peak = tracemalloc.get_traced_memory()
                finally:
                    tracemalloc.stop()
                # The bot was down for a day: the first stall sweep takes every look that came due meanwhile.
                clock.advance(days=1)
                day_looks = await _due_looks(engine, clock.now())
                nudges_before = await _count(engine, Nudge)
                day_sweep = await _timed_tick(svc, tick_timeout, _sweep)
                day_stalls = await _count(engine, Nudge) - nudges_before
            except TimeoutError:
                row.skipped = f"a tick took over {tick_timeout:.0f}s"
                return row
            row.value = statistics.median(warm)
            row.details = {
                "seed_s": counts["seconds"], "clients": counts["people"], "checkins": counts["goal_checkins"],
                "warm_ticks_s": warm, "slowest_tick_s": max(warm), "cold_tick_s": cold, "traced_tick_s": traced, "peak_mb": peak / 2**20, "looks": looks, **work,
                "day_sweep_s": day_sweep, "day_looks": day_looks, "day_stalls": day_stalls,
            }
            return row
        finally:
            await engine.dispose()


# --------------------------------------------------------------------------------------------------
# b. Outbox send rate under Telegram's limits
# --------------------------------------------------------------------------------------------------


async def _seed_recipients(svc: Any, chats: int) -> list[Any]:
    from bot.services.base import new_pseudonym

    now = svc.now()
    async with svc.unit() as session:
        people = [
            Person(telegram_id=TELEGRAM_ID_BASE + i, chat_id=TELEGRAM_ID_BASE + i, role="client", name=f"Cliënt {i}",
                   locale="nl", pseudonym=new_pseudonym(), created_at=now, onboarded=True, active=True,
                   reminders_paused=False, unreachable=False)
            for i in range(1, chats + 1)
        ]
        session.add_all(people)
        await session.commit()
    return people


async def bench_outbox_case(workdir: Path, case: str, *, chats: int, messages: int, batch: int | None,
                            interleave: bool = True, latency: float = 0.0) -> Row:
    """Queue `messages` for `chats` chats and deliver them with `deliver_due` (one call with room for all of them,
    or back-to-back calls with `batch`); rate and 429s as the local Bot API with flood limits saw them."""
    from telegram import Bot

    from bot import outbox
    from bot.db.session import configure_encryption, make_engine, make_sessionmaker
    from bot.local.botapi import LocalBotApi, LocalRequest
    from bot.services.base import Services

    configure_encryption(None)
    async with scratch_database(SQLITE, workdir, "outbox") as url:
        engine = make_engine(url)
        try:
            svc = Services(make_sessionmaker(engine), FakeClock(BENCH_NOW), bench_settings(url, workdir))
            people = await _seed_recipients(svc, chats)
            order = ([people[i % chats] for i in range(messages)] if interleave
                     else [people[i * chats // messages] for i in range(messages)])
            async with svc.unit() as session:
                for i, person in enumerate(order):
                    buttons = [[(label, f"chk:phase:{phase}")] for label, phase in
                               (("🟢 Goed", "groen"), ("🟡 Wat spanning", "geel"), ("🟠 Niet goed", "oranje"), ("🔴 Crisis", "rood"))]
                    await outbox.enqueue(session, dedup_key=f"bench:{i}", person=person, kind="checkin",
                                         text="Hoe gaat het vandaag?", buttons=buttons, now=svc.now())
                await session.commit()
            api = LocalBotApi(enforce_flood_limits=True)
            for person in people:
                api.add_user(person.chat_id, f"Cliënt {person.id}")
            sent_at: list[float] = []
            api.listeners.append(lambda event, _message: sent_at.append(api.now()) if event == "sent" else None)
            request = LocalRequest(api, latency=latency)
            bot = Bot("123:BENCH", request=request, get_updates_request=LocalRequest(api))
            await bot.initialize()
            calls = 0
            gc.collect()  # the cycles the seeding and the case before left are not this case's cost
            started = wallclock.monotonic()
            while True:
                report = await outbox.deliver_due(svc, bot, batch=batch or messages)
                calls += 1
                if report.sent == 0 or len(sent_at) >= messages or calls > messages:
                    break
            wall = wallclock.monotonic() - started
            await bot.shutdown()
            sent = len(sent_at)
            span = sent_at[-1] - sent_at[0] if sent > 1 else 0.0
            rate = (sent - 1) / span if span > 0 else float("nan")
            # The best rate Telegram's limits allow for this mix: 30 a second overall, one a second per chat.
            most = max(Counter(person.chat_id for person in order).values())
            shortest = max((messages - 1) / FLOOD_LIMIT, (most - 1) / PER_CHAT_LIMIT)
            limit = (messages - 1) / shortest if shortest > 0 else float(FLOOD_LIMIT)
            return Row(
                "outbox", SQLITE, case, messages, rate, "msg/s", f"limit {limit:g}/s", rate / limit,
                {"chats": chats, "sent": sent, "rate_limited": api.stats["rate_limited"], "calls": calls,
                 "wall_s": wall, "limit": limit, "latency_ms": latency * 1000},
            )
        finally:
            await engine.dispose()


async def bench_outbox(workdir: Path, *, chats: int, pair_messages: int, latency_messages: int,
                       latencies: tuple[float, ...] = (0.05, 0.15)) -> list[Row]:
    """The round trips of a real Bot API (50 and 150 ms a call) with several sends in flight."""
    pair = max(2, pair_messages)
    return [
        await bench_outbox_case(workdir, f"{chats} chats, 1 message each", chats=chats, messages=chats, batch=None),
        await bench_outbox_case(workdir, f"{chats} chats, calls of 200 back to back", chats=chats, messages=chats,
                                batch=200),
        await bench_outbox_case(workdir, f"2 chats, {pair // 2} messages each (queued per chat)", chats=2,
                                messages=pair, batch=None, interleave=False),
        *[await bench_outbox_case(workdir, f"{latency_messages} chats, {latency * 1000:.0f} ms per Bot API call",
                                  chats=latency_messages, messages=latency_messages, batch=None, latency=latency)
          for latency in latencies],
    ]


# --------------------------------------------------------------------------------------------------
# c. Updates per second: the full application against a bare echo bot
# --------------------------------------------------------------------------------------------------


async def _timed(feed: Any, updates: int, warmup: int) -> list[float]:
    """Seconds per round of `updates`, after `warmup` untimed ones. Rounds, not one long run, for the same reason
    as the tick's warm ticks: one sample is at the mercy of whatever else the machine does at that moment."""
    for i in range(warmup):
        await feed(i)
    rounds, fed = [], warmup
    for _ in range(UPDATE_ROUNDS):
        gc.collect()
        started = wallclock.perf_counter()
        for i in range(updates):
            await feed(fed + i)
        rounds.append(wallclock.perf_counter() - started)
        fed += updates
    return rounds


async def bench_bare(updates: int, warmup: int = 10) -> tuple[list[float], float]:
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    from bot.local.botapi import LocalBotApi, LocalRequest

    api = LocalBotApi()
    user = 4242
    api.add_user(user, "Echo")

    async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(update.message.text)

    app = Application.builder().token("123:BENCH").request(LocalRequest(api)).get_updates_request(LocalRequest(api)).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()
    await app.start()
    before = len(api.calls)
    try:
        rounds = await _timed(lambda i: api.process(app, api.send_text(user, f"hallo {i}")), updates, warmup)
    finally:
        await app.stop()
        await app.shutdown()
    return rounds, (len(api.calls) - before) / (UPDATE_ROUNDS * updates + warmup)


async def bench_full(workdir: Path, updates: int, warmup: int = 10) -> tuple[list[float], int, dict[str, float]]:
    """A seeded client (the demo's Sam) answers the phase check-in prompt the outbox delivered: each press of
    `chk:phase:groen` runs the guards, the conversations, the service (a PhaseCheckin row) and a reply."""
    from bot import outbox
    from bot.app import build_application, stop_application
    from bot.db.session import configure_encryption
    from bot.local.botapi import LocalBotApi, LocalRequest
    from bot.local.demo_seed import DEMO_PEOPLE, seed_demo
    from bot.scheduler import due_work

    configure_encryption(None)
    _warm_catalogs()
    async with scratch_database(SQLITE, workdir, "updates") as url:
        api = LocalBotApi(bot_username="houvast_bot")
        clock = FakeClock(BENCH_NOW)
        app = build_application(bench_settings(url, workdir), request=LocalRequest(api),
                                updates_request=LocalRequest(api), clock=clock, rate_limiter=False)
        await app.initialize()
        await app.start()
        try:
            svc = app.bot_data["services"]
            await seed_demo(svc)
            for person in DEMO_PEOPLE:
                api.add_user(person.telegram_id, person.name)
            sam = next(p for p in DEMO_PEOPLE if p.key == "sam").telegram_id
            async with svc.unit() as session:
                client = (await session.execute(select(Person).where(Person.telegram_id == sam))).scalar_one()
                client.next_checkin_at = clock.now() - timedelta(minutes=1)
                await session.commit()
            await due_work(svc)
            await outbox.deliver_due(svc, app.bot)
            prompt = api.last(sam)
            data = "chk:phase:groen"
            if data not in str(prompt.reply_markup):
                raise RuntimeError("the check-in prompt did not arrive; the updates benchmark cannot run")
            async def press(_i: int) -> None:
                await api.process(app, api.press(sam, prompt.message_id, data))

            rounds = await _timed(press, updates, warmup)
            async with svc.unit() as session:
                recorded = (await session.execute(select(func.count()).select_from(PhaseCheckin))).scalar_one()
            # What one update costs, counted outside the timed loop: SQL statements and Bot API calls.
            statements = [0]

            def count(*_args: Any) -> None:
                statements[0] += 1

            engine = svc.sessions.kw["bind"]
            event.listen(engine.sync_engine, "before_cursor_execute", count)
            calls_before, probes = len(api.calls), 10
            for i in range(probes):
                await press(i)
            event.remove(engine.sync_engine, "before_cursor_execute", count)
            costs = {"sql_per_update": statements[0] / probes, "api_calls_per_update": (len(api.calls) - calls_before) / probes}
            return rounds, recorded, costs
        finally:
            await stop_application(app)


async def bench_updates(workdir: Path, updates: int) -> list[Row]:
    before, bare_calls = await bench_bare(updates)
    full_rounds, recorded, costs = await bench_full(workdir, updates)
    after, _ = await bench_bare(updates)
    bare_rounds = before + after  # the bare bot before and after the full one: drift in the machine evens out
    bare_seconds, full_seconds = statistics.median(bare_rounds), statistics.median(full_rounds)
    bare_rate, full_rate = updates / bare_seconds, updates / full_seconds

    def per_update(rounds: list[float]) -> dict[str, Any]:
        return {"rounds_s": rounds, "ms_per_update": 1000 * statistics.median(rounds) / updates,
                "slowest_ms_per_update": 1000 * max(rounds) / updates}

    return [
        Row("updates", "-", "bare PTB echo bot", updates, bare_rate, "updates/s", "bare", 1.0,
            {**per_update(bare_rounds), "sql_per_update": 0.0, "api_calls_per_update": bare_calls}),
        Row("updates", SQLITE, "full Houvast (phase check-in)", updates, full_rate, "updates/s", "bare",
            full_rate / bare_rate, {**per_update(full_rounds), "phase_checkins": recorded, **costs}),
    ]


# --------------------------------------------------------------------------------------------------
# The run and its tables
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Crisis detector
# --------------------------------------------------------------------------------------------------

CRISIS_LOAD = "import bot.domain.crisis as c; c.warm_up()"
CRISIS_LOAD_BASELINE = "import bot.domain.crisis"  # the package without its lists, model and spaCy


def _load_seconds(code: str, runs: int = 3) -> float:
    """Fastest of a few fresh interpreters: what loading adds to a process start."""
    import subprocess
    import sys

    best = math.inf
    for _ in range(runs):
        started = wallclock.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, wallclock.perf_counter() - started)
    return best


def _per_message_ms(check: Any, messages: list[str], repeat: int) -> float:
    started = wallclock.perf_counter()
    for _ in range(repeat):
        for message in messages:
            check(message)
    return (wallclock.perf_counter() - started) * 1000 / (repeat * len(messages))


def bench_crisis() -> list[Row]:
    """Loading the detector (fresh processes) and checking messages: the labelled development part one by one
    (typical), 4,000 characters of it joined (long), and 4,096 characters of one phrase repeated (worst case).
    The baseline is a plain lower-case keyword test on the same messages."""
    from bot.crisis_eval import read
    from bot.domain.crisis import context, detect, warm_up

    warm_up()
    dev = Path(__file__).resolve().parent.parent / "tests" / "crisis" / "dev.tsv"
    typical = [e.text for e in read(dev)]
    rng = random.Random(3)
    long_ones = [" ".join(rng.sample(typical, 120))[:4000] for _ in range(10)]
    worst = [("ik wil dood " * 400)[:4096], ("ik wil niet dood. " * 300)[:4096]]

    def keyword(text: str) -> bool:
        return "dood" in text.lower()

    rows = []
    load = _load_seconds(CRISIS_LOAD)
    bare = _load_seconds(CRISIS_LOAD_BASELINE)
    rows.append(Row("crisis", SQLITE, "load (fresh process)", 1, load, "s", "import only", load / bare if bare else None,
                    {"baseline_value": bare, "added_s": load - bare}))
    for case, messages, repeat in (("typical message", typical, 1), ("4,000 characters", long_ones, 3),
                                   ("4,096 characters, one phrase repeated", worst, 3)):
        context()._qualify.cache_clear()
        value = _per_message_ms(detect, messages, repeat)
        base = _per_message_ms(keyword, messages, repeat)
        rows.append(Row("crisis", SQLITE, case, len(messages), value, "ms", "keyword test", value / base if base else None,
                        {"baseline_value": base}))
    return rows


# --------------------------------------------------------------------------------------------------
# e. Start-up: a fresh `houvast run` to its first getUpdates, against a bare bot's
# --------------------------------------------------------------------------------------------------

# A bare python-telegram-bot polling the same server: the baseline of a start.
BARE_START = """
import sys
from telegram.ext import Application, MessageHandler, filters
async def echo(update, context): await update.message.reply_text(update.message.text)
app = Application.builder().token("123:BENCH").base_url(sys.argv[1]).build()
app.add_handler(MessageHandler(filters.TEXT, echo))
app.run_polling()
"""


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _until_polling(command: list[str], env: dict[str, str], polled: asyncio.Event, timeout: float) -> float:
    """Seconds from starting `command` to the first getUpdates the server saw; the process is stopped then."""
    polled.clear()
    started = wallclock.perf_counter()
    process = await asyncio.create_subprocess_exec(*command, env=env, stdout=asyncio.subprocess.DEVNULL,
                                                   stderr=asyncio.subprocess.DEVNULL)
    try:
        await asyncio.wait_for(polled.wait(), timeout)
        return wallclock.perf_counter() - started
    finally:
        process.terminate()
        await process.wait()


async def bench_startup(workdir: Path, runs: int = 3, timeout: float = 60.0) -> list[Row]:
    """`houvast run` (migrated SQLite, no crisis warm-up wait) as an operator starts it, over HTTP to the local
    Bot API, from process start to its first getUpdates: the fastest and the slowest of `runs`, next to a bare
    PTB bot's start in the same minutes."""
    import sys

    from cryptography.fernet import Fernet

    from bot.local.botapi import LocalBotApi
    from bot.local.httpbotapi import HttpBotApi

    # A start that follows a stopped one may meet the stopped one's long poll still open on the server: that is
    # a 409 the new process retries, not worth a warning line in the tables.
    logging.getLogger("tornado.access").setLevel(logging.ERROR)
    api = LocalBotApi(bot_username="houvast_bot")
    polled = asyncio.Event()
    dispatch = api.dispatch

    async def watching(method: str, params: dict[str, Any]) -> Any:
        if method.lower() == "getupdates":
            polled.set()
        return await dispatch(method, params)

    api.dispatch = watching  # type: ignore[method-assign]
    server = HttpBotApi(api)
    port = server.start()
    base = f"http://127.0.0.1:{port}/bot"
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOUVAST_")}
    env.update({"HOUVAST_TELEGRAM_TOKEN": "123:BENCH", "HOUVAST_BOT_API_BASE_URL": base,
                "HOUVAST_BOT_API_BASE_FILE_URL": f"http://127.0.0.1:{port}/file/bot",
                "HOUVAST_DATABASE_URL": f"sqlite+aiosqlite:///{workdir}/startup.sqlite3",
                "HOUVAST_DATA_DIR": str(workdir / "startup-data"), "HOUVAST_HEALTH_PORT": str(_free_port()),
                "HOUVAST_ENCRYPTION_KEYS": Fernet.generate_key().decode()})  # as in production: at rest encrypted
    houvast = [sys.executable, "-m", "bot.cli", "run"]
    bare = [sys.executable, "-c", BARE_START, base]
    try:
        migrate = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot.cli", "migrate", env=env,
                                                       stdout=asyncio.subprocess.DEVNULL,
                                                       stderr=asyncio.subprocess.DEVNULL)
        await migrate.wait()
        times: dict[str, list[float]] = {"houvast": [], "bare": []}
        for _ in range(runs):  # in turns, so both see the same minutes of a shared machine
            times["bare"].append(await _until_polling(bare, env, polled, timeout))
            times["houvast"].append(await _until_polling(houvast, env, polled, timeout))
    finally:
        server.stop()
    fast, slow = min(times["houvast"]), max(times["houvast"])
    base_fast = min(times["bare"])
    return [Row("startup", SQLITE, "houvast run, start to first getUpdates", runs, fast, "s", "bare PTB bot",
                fast / base_fast, {"slowest_s": slow, "baseline_value": base_fast,
                                   "baseline_slowest_s": max(times["bare"])})]


def _fmt(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def tables(rows: list[Row]) -> list[Table]:
    out = []
    ticks = [r for r in rows if r.section == "tick"]
    if ticks:
        table = Table(title="a. Tick (due_work) against the number of goals", title_justify="left")
        for name in ("database", "goals", "clients", "seed s", "tick s", "slowest s", "× smallest", "1st tick s",
                     "looks",
                     "prompts goal/phase", "stalls", "day-after sweep s", "× smallest", "looks", "stalls", "peak MB",
                     "× smallest", "note"):
            table.add_column(name, justify="left" if name == "database" else "right")
        for r in ticks:
            d = r.details
            if r.skipped:
                table.add_row(r.database, f"{r.size:,}", *[""] * 15, f"skipped: {r.skipped}")
                continue
            table.add_row(r.database, f"{r.size:,}", f"{d['clients']:,}", _fmt(d["seed_s"], 1), _fmt(r.value),
                          _fmt(d["slowest_tick_s"]), _fmt(r.ratio, 2), _fmt(d["cold_tick_s"]), f"{d['looks']:,}",
                          f"{d['goal_prompts']}/{d['checkin_prompts']}", str(d["stalls"]), _fmt(d["day_sweep_s"]),
                          _fmt(d.get("day_ratio"), 2), f"{d['day_looks']:,}", f"{d['day_stalls']:,}",
                          _fmt(d["peak_mb"], 1), _fmt(d.get("peak_ratio"), 2), "")
        out.append(table)
    sends = [r for r in rows if r.section == "outbox"]
    if sends:
        table = Table(title="b. Outbox send rate (deliver_due, flood limits on)", title_justify="left")
        for name in ("case", "messages", "msg/s", "limit/s", "% of limit", "429s", "deliver_due calls", "wall s"):
            table.add_column(name, justify="left" if name == "case" else "right")
        for r in sends:
            d = r.details
            if r.skipped:
                table.add_row(r.case, "", "skipped", "", "", "", "", r.skipped)
                continue
            table.add_row(r.case, str(r.size), _fmt(r.value, 2), _fmt(d["limit"], 2),
                          _fmt(100 * r.ratio if r.ratio is not None else None, 1), str(d["rate_limited"]),
                          str(d["calls"]), _fmt(d["wall_s"], 1))
        out.append(table)
    updates = [r for r in rows if r.section == "updates"]
    if updates:
        table = Table(title="c. Updates per second, same run", title_justify="left")
        for name in ("application", "updates", "updates/s", "ms/update", "slowest ms", "× bare", "SQL/update",
                     "Bot API calls/update"):
            table.add_column(name, justify="left" if name == "application" else "right")
        for r in updates:
            d = r.details
            if r.skipped:
                table.add_row(r.case, str(r.size), "skipped", r.skipped, "", "", "", "")
                continue
            table.add_row(r.case, str(r.size), _fmt(r.value, 1), _fmt(d["ms_per_update"], 2),
                          _fmt(d["slowest_ms_per_update"], 2), _fmt(r.ratio, 3), _fmt(d["sql_per_update"], 1),
                          _fmt(d["api_calls_per_update"], 1))
        out.append(table)
    crisis = [r for r in rows if r.section == "crisis"]
    if crisis:
        table = Table(title="d. Crisis detector: loading and checking", title_justify="left")
        for name in ("case", "messages", "value", "unit", "baseline", "baseline value", "× baseline"):
            table.add_column(name, justify="left" if name in ("case", "unit", "baseline") else "right")
        for r in crisis:
            table.add_row(r.case, str(r.size), _fmt(r.value, 3), r.unit, r.baseline,
                          _fmt(r.details.get("baseline_value"), 4), _fmt(r.ratio, 1))
        out.append(table)
    starts = [r for r in rows if r.section == "startup"]
    if starts:
        table = Table(title="e. Start-up: process start to the first getUpdates", title_justify="left")
        for name in ("case", "runs", "fastest s", "slowest s", "bare PTB fastest s", "bare slowest s", "× bare"):
            table.add_column(name, justify="left" if name == "case" else "right")
        for r in starts:
            d = r.details
            if r.skipped:
                table.add_row(r.case, str(r.size), "skipped", r.skipped, "", "", "")
                continue
            table.add_row(r.case, str(r.size), _fmt(r.value, 2), _fmt(d["slowest_s"], 2), _fmt(d["baseline_value"], 2),
                          _fmt(d["baseline_slowest_s"], 2), _fmt(r.ratio, 2))
        out.append(table)
    return out


def _relate_ticks(rows: list[Row]) -> None:
    """Ratios against the smallest size measured on the same database in this run."""
    for database in {r.database for r in rows if r.section == "tick"}:
        measured = sorted((r for r in rows if r.section == "tick" and r.database == database and not r.skipped),
                          key=lambda r: r.size)
        if not measured:
            continue
        base = measured[0]
        for r in measured:
            r.baseline = f"{base.size:,} goals"
            r.ratio = r.value / base.value if base.value else None
            base_peak = base.details["peak_mb"]
            r.details["peak_ratio"] = r.details["peak_mb"] / base_peak if base_peak else None
            base_day = base.details["day_sweep_s"]
            r.details["day_ratio"] = r.details["day_sweep_s"] / base_day if base_day else None


async def run_bench(
    sizes: list[int],
    database_urls: list[str],
    *,
    updates: int = 300,
    outbox_chats: int = 600,
    pair_messages: int = 60,
    latency_messages: int = 300,
    seed_budget: float = 300.0,
    tick_timeout: float = 120.0,
    parts: tuple[str, ...] = ("tick", "outbox", "updates", "crisis", "startup"),
    startup_runs: int = 3,
    console: Console | None = None,
    workdir: Path | None = None,
) -> list[Row]:
    """Run the benchmark; print its tables with rich and return the rows.

    `database_urls`: `SQLITE` (a fresh file in a temporary folder) and/or PostgreSQL URLs (a temporary
    database is created on that server per size and dropped afterwards). The outbox and updates parts run
    on SQLite."""
    if console is None:
        console = Console()
        if not console.is_terminal:
            console = Console(width=160)  # piped or in CI: wide enough for the tables
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    rows: list[Row] = []

    def show(part: list[Row]) -> None:  # each table as soon as its part is done: a later failure loses nothing
        rows.extend(part)
        for table in tables(part):
            console.print(table)

    with tempfile.TemporaryDirectory(prefix="houvast-bench-", dir=workdir) as folder:
        work = Path(folder)
        os.chmod(work, 0o700)
        if "tick" in parts:
            ticks: list[Row] = []
            for url in database_urls:
                base = normalize_url(url)
                for size in sizes:
                    console.log(f"tick: {database_label(base)}, {size:,} goals")
                    try:
                        ticks.append(await bench_tick(base, size, work, seed_budget=seed_budget,
                                                      tick_timeout=tick_timeout, console=console))
                    except Exception as exc:  # a database that cannot be reached is a skipped row, not a crash
                        log.debug("tick bench failed", exc_info=True)
                        ticks.append(Row("tick", database_label(base), f"{size:,} goals", size, None, "s", "", None,
                                         skipped=_reason(exc)))
            _relate_ticks(ticks)
            show(ticks)
        async def crisis() -> list[Row]:
            return bench_crisis()

        # Each part: what it says it does, its rows, and the row that stands for it when it cannot run.
        for part, note, measure, failed in (
            ("outbox", f"{outbox_chats} chats, 2 chats × {pair_messages // 2}, {latency_messages} with latency",
             lambda: bench_outbox(work, chats=outbox_chats, pair_messages=pair_messages,
                                  latency_messages=latency_messages),
             Row("outbox", SQLITE, "deliver_due", 0, None, "msg/s", "", None)),
            ("updates", f"{updates} through a bare echo bot and through Houvast",
             lambda: bench_updates(work, updates),
             Row("updates", SQLITE, "bare and full", updates, None, "updates/s", "", None)),
            ("startup", f"houvast run and a bare bot, {startup_runs} starts each, in turns",
             lambda: bench_startup(work, startup_runs),
             Row("startup", SQLITE, "houvast run", 0, None, "s", "", None)),
            ("crisis", "loading the detector, then typical, long and repeated messages", crisis,
             Row("crisis", SQLITE, "detect", 0, None, "ms", "", None)),
        ):
            if part not in parts:
                continue
            console.log(f"{part}: {note}")
            try:
                show(await measure())
            except Exception as exc:  # a part that cannot run is a skipped row, not a crash
                log.debug("%s bench failed", part, exc_info=True)
                failed.skipped = _reason(exc)
                show([failed])
    return rows


def _reason(exc: BaseException) -> str:
    first = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first[:140]}"


def parse_sizes(raw: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "").strip()) for part in raw.split(",") if part.strip()]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise ValueError("sizes must be positive numbers, comma separated")
    return sizes


def iter_markdown(rows: list[Row]) -> Iterator[str]:
    """The tables as Markdown (for docs/benchmark.md)."""
    for table in tables(rows):
        yield f"**{table.title}**"
        yield ""
        headers = [str(c.header) for c in table.columns]
        yield "| " + " | ".join(headers) + " |"
        yield "|" + "|".join(" --- " if c.justify == "left" else " ---: " for c in table.columns) + "|"
        cells = [list(c.cells) for c in table.columns]
        for i in range(table.row_count):
            yield "| " + " | ".join(str(col[i]) for col in cells) + " |"
        yield ""


__all__ = ["FULL_SIZES", "QUICK_SIZES", "SQLITE", "Row", "iter_markdown", "parse_sizes", "run_bench"]
