"""Reports: the admin's anonymous monthly figures (network level) and a worker's own caseload numbers.

**Monthly report** (`monthly_report`): anonymous aggregates, never a name, a pseudonym or an id. Every count
smaller than 5 shows as "< 5" and no mean or median of fewer than 5 values is shown (bot/domain/smallcells.py).
The month runs from the 1st 00:00 to the next 1st 00:00 in the configured zone (Europe/Amsterdam).

Definitions (also printed in the report where they are not obvious):
- households: with at least one client, also those in self-management without a worker; "total" were open at
  some time in the month (created before its end, not closed before its start); "new" were created in it;
  "closed" had their traject closed in it. Clients alike.
- goals per leefdomein: goals the client accepted (not a mere proposal or a declined one) that existed in the
  month and were not reached or stopped before it; "reached": a goal marked reached in the month.
- stall episodes: one nudge per episode, counted in the month it started. Time until acknowledged: from the
  nudge to the first worker's "I'll get in touch"/"seen", for the month's nudges, median in hours.
  Escalations: nudge deliveries on the backup or procesregisseur rung made in the month.
- check-in response: goal check-ins prompted in the month and answered at all (a check-in the client starts
  from the menu counts as asked and answered); phase prompts (outbox "checkin" messages) of the month answered
  by a colour within 24 hours.
- self-scan change: per client, the latest complete own scan before the month's end minus the first one
  (the 0-meting), per leefdomein; the mean over the clients with at least two scans of that domain.
- outcomes a-g: TrajectClosing rows of the month ("n.v.t." left out); working relationship: the client answers
  of the month (RelationScore).
- network: the current state of the team (there is no history of it), for households whose traject was open at
  the end of the month. "Without a coordinating worker for more than 7 days": a household that had a team
  (care-team rows or a recorded vacancy) with no coordinating worker, since the vacancy (or since the household
  was made) more than 7 days before the month's end. "No contact for more than 14 days": an active client last
  seen more than 14 days before the month's end. There is no organisation field: instead of organisations per
  household the report counts the workers involved per household.

**Caseload report** (`caseload_report`, in services/caseload.py): the worker's own households and clients,
with goal and scan figures only of clients who share their goals with the worker (each look audited). These are
not suppressed: they are the worker's own clients, counted only from what each one shares.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    AuditEntry,
    CareTeamMember,
    Goal,
    GoalCheckin,
    GoalEvent,
    Household,
    Nudge,
    NudgeDelivery,
    OutboxMessage,
    Person,
    PhaseCheckin,
    RelationScore,
    SelfScan,
    TrajectClosing,
)
from bot.domain import selfscan as scan_rules
from bot.domain.goals import Domain, GoalStatus
from bot.domain.outcomes import OUTCOME_KEYS, OUTCOMES, RELATION_KEYS, RELATION_QUESTIONS
from bot.domain.roles import CareRole, Role
from bot.domain.selfscan import DOMAIN_NAMES, GOAL_DOMAIN_NAMES
from bot.domain.smallcells import SUPPRESSED, count_cell, mean_cell, median_cell, rate_cell
from bot.i18n import N_
from bot.services.base import NotAllowed, Services, acting_admin, audit
from bot.services.caseload import CaseloadClient as CaseloadClient  # the worker's own figures, read as
from bot.services.caseload import CaseloadReport as CaseloadReport  # report.caseload_report by the flow
from bot.services.caseload import caseload_report as caseload_report

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
VACANCY_DAYS = 7
SILENCE_DAYS = 14
PHASE_ANSWER_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Line:
    key: str  # stable, for the CSV and tests: "households.total", "goals.domain.wonen"
    label: str  # msgid; may hold {subject}
    value: str  # after small-cell suppression: "12", "< 5", "3.4", "+0.6", "80%"
    subject: str | None = None  # msgid put into {subject} (a leefdomein, an outcome)
    kind: str = "count"  # count, mean, median or rate: what a suppressed value hides, and why

    @property
    def suppressed(self) -> bool:
        return self.value == SUPPRESSED


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # msgid
    lines: tuple[Line, ...]
    note: str | None = None  # msgid


@dataclass(frozen=True)
class Report:
    month: str
    start: datetime
    end: datetime
    made_at: datetime
    sections: tuple[Section, ...]

    def value(self, key: str) -> str:
        for section in self.sections:
            for line in section.lines:
                if line.key == key:
                    return line.value
        raise KeyError(key)

    def lines(self) -> list[Line]:
        return [line for section in self.sections for line in section.lines]


def month_bounds(month: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """'2026-11' -> (1 Nov 00:00, 1 Dec 00:00) local, as aware UTC. ValueError for anything else."""
    match = MONTH.match(month or "")
    if match is None:
        raise ValueError("use a month like 2026-11")
    year, number = int(match.group(1)), int(match.group(2))
    first = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return (datetime.combine(first, datetime.min.time(), zone).astimezone(UTC),
            datetime.combine(following, datetime.min.time(), zone).astimezone(UTC))


def previous_month(now: datetime, zone: ZoneInfo) -> str:
    local = now.astimezone(zone).date().replace(day=1) - timedelta(days=1)
    return f"{local.year:04d}-{local.month:02d}"


def _in(at: datetime | None, start: datetime, end: datetime) -> bool:
    return at is not None and start <= at < end


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


# --- the monthly report ------------------------------------------------------------------------------


async def monthly_report(svc: Services, month: str, *, by_telegram_id: int | None = None) -> Report:
    """The admin's monthly figures. by_telegram_id None: the operator's command line; else an active admin."""
    start, end = month_bounds(month, svc.settings.zone)
    now = svc.now()
    async with svc.unit() as session:
        actor, allowed = await acting_admin(session, by_telegram_id)
        if not allowed:
            audit(session, at=now, action="report.monthly", actor=actor, outcome="denied")
            await session.commit()
            raise NotAllowed("only an admin")
        month_households, people = await _people(session, start, end)
        sections = (
            people,
            await _goals(session, start, end),
            await _stalls(session, start, end),
            await _response(session, start, end),
            await _scans(session, start, end),
            await _outcomes(session, start, end),
            await _network(session, end, month_households),
        )
        audit(session, at=now, action="report.monthly", actor=actor, scope=month)
        await session.commit()
    return Report(month, start, end, now, sections)


@dataclass(frozen=True)
class _Households:
    """The month's households: all made before its end, their clients, and those open at some time in it."""

    all: dict[int, Household]
    clients: dict[int, list[Person]]
    open_in_month: set[int]


async def _people(session: AsyncSession, start: datetime, end: datetime) -> tuple[_Households, Section]:
    """Households and clients."""
    households = {
        h.id: h for h in (await session.execute(select(Household).where(Household.created_at < end))).scalars()
    }
    clients = [p for p in (await session.execute(
        select(Person).where(Person.role == Role.CLIENT, Person.created_at < end))).scalars()]
    by_household: dict[int, list[Person]] = defaultdict(list)
    for client in clients:
        if client.household_id in households:
            by_household[client.household_id].append(client)
    open_in_month = {hid for hid, h in households.items() if hid in by_household
                     and (h.closed_at is None or h.closed_at >= start)}
    new = {hid for hid in open_in_month if _in(households[hid].created_at, start, end)}
    closed = {hid for hid in by_household if _in(households[hid].closed_at, start, end)}
    month_clients = [c for hid in open_in_month for c in by_household[hid]]
    people = Section(
        "people",
        N_("Households and clients"),
        (
            Line(
                "households.total",
                N_("Households, open at some time in this month"),
                count_cell(len(open_in_month)),
            ),
            Line("households.new", N_("New households"), count_cell(len(new))),
            Line("households.closed", N_("Households whose traject closed"), count_cell(len(closed))),
            Line("clients.total", N_("Clients"), count_cell(len(month_clients))),
            Line(
                "clients.new",
                N_("New clients"),
                count_cell(sum(1 for c in month_clients if _in(c.created_at, start, end))),
            ),
            Line(
                "clients.closed",
                N_("Clients whose traject closed"),
                count_cell(sum(len(by_household[h]) for h in closed)),
            ),
        ),
    )
    return _Households(households, by_household, open_in_month), people


async def _goals(session: AsyncSession, start: datetime, end: datetime) -> Section:
    """Goals per life area: those open in the month, and those reached in it."""
    goals = list((await session.execute(select(Goal).where(Goal.created_at < end))).scalars())
    events: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    if goals:
        for goal_id, at, kind in (await session.execute(
            select(GoalEvent.goal_id, GoalEvent.at, GoalEvent.kind)
            .where(GoalEvent.kind.in_(("declined", "reached", "stopped")), GoalEvent.at < end)
        )).all():
            events[goal_id].append((at, kind))
    per_domain: Counter[Domain] = Counter()
    reached: Counter[Domain] = Counter()
    for goal in goals:
        kinds = events.get(goal.id, [])
        if goal.status == GoalStatus.PROPOSED or any(kind == "declined" for _, kind in kinds):
            continue
        if any(kind in ("reached", "stopped") and at < start for at, kind in kinds):
            continue
        per_domain[Domain(goal.domain)] += 1
        if any(kind == "reached" and at >= start for at, kind in kinds):
            reached[Domain(goal.domain)] += 1
    goal_lines = [Line("goals.total", N_("Goals"), count_cell(sum(per_domain.values()))),
                  Line("goals.reached", N_("Goals reached in this month"), count_cell(sum(reached.values())))]
    for domain in Domain:
        goal_lines.append(
            Line(
                f"goals.domain.{domain.value}",
                N_("Goals: {subject}"),
                count_cell(per_domain[domain]),
                GOAL_DOMAIN_NAMES[domain],
            )
        )
        goal_lines.append(
            Line(
                f"goals.reached.{domain.value}",
                N_("Reached: {subject}"),
                count_cell(reached[domain]),
                GOAL_DOMAIN_NAMES[domain],
            )
        )
    goal_section = Section("goals", N_("Goals per life area"), tuple(goal_lines))
    return goal_section


async def _stalls(session: AsyncSession, start: datetime, end: datetime) -> Section:
    """Stalls, nudges, escalations."""
    nudges = list(
        (await session.execute(select(Nudge).where(Nudge.created_at >= start, Nudge.created_at < end))).scalars()
    )
    waits = [_hours(n.acknowledged_at - n.created_at) for n in nudges if n.acknowledged_at is not None]
    deliveries = list((await session.execute(
        select(NudgeDelivery.nudge_id, NudgeDelivery.rung).where(
            NudgeDelivery.created_at >= start, NudgeDelivery.created_at < end,
            NudgeDelivery.rung.in_(("backup", "procesregisseur")))
    )).all())
    stall_section = Section(
        "stalls",
        N_("Stalled goals and escalation"),
        (
            Line("stalls.episodes", N_("Stall episodes that started"), count_cell(len(nudges))),
            Line("stalls.acknowledged", N_("Of these, acknowledged by a worker"), count_cell(len(waits))),
            Line(
                "stalls.median_hours",
                N_("Median hours until a worker acknowledged"),
                median_cell(waits),
                kind="median",
            ),
            Line(
                "stalls.escalated",
                N_("Nudges that went up the ladder"),
                count_cell(len({n for n, _ in deliveries})),
            ),
            Line(
                "stalls.to_backup",
                N_("Escalations to the backup worker"),
                count_cell(sum(1 for _, r in deliveries if r == "backup")),
            ),
            Line(
                "stalls.to_procesregisseur",
                N_("Escalations to the procesregisseur"),
                count_cell(sum(1 for _, r in deliveries if r == "procesregisseur")),
            ),
        ),
    )
    return stall_section


async def _response(session: AsyncSession, start: datetime, end: datetime) -> Section:
    """Check-in response."""
    asked, answered = (await session.execute(
        select(func.count(), func.count(GoalCheckin.answered_at)).where(
            GoalCheckin.prompted_at >= start, GoalCheckin.prompted_at < end)
    )).one()
    prompts = list((await session.execute(
        select(OutboxMessage.person_id, OutboxMessage.created_at).where(
            OutboxMessage.kind == "checkin", OutboxMessage.created_at >= start, OutboxMessage.created_at < end)
    )).all())
    colours: dict[int, list[datetime]] = defaultdict(list)
    for client_id, at in (await session.execute(
        select(PhaseCheckin.client_id, PhaseCheckin.at).where(
            PhaseCheckin.at >= start, PhaseCheckin.at < end + PHASE_ANSWER_WINDOW)
    )).all():
        colours[client_id].append(at)
    phase_answered = sum(
        1 for person_id, at in prompts
        if any(at <= c < at + PHASE_ANSWER_WINDOW for c in colours.get(person_id or -1, ()))
    )
    response = Section(
        "response",
        N_("Check-in response"),
        (
            Line("checkins.goal_asked", N_("Goal check-ins asked"), count_cell(asked)),
            Line("checkins.goal_answered", N_("Goal check-ins answered"), count_cell(answered)),
            Line(
                "checkins.goal_rate", N_("Goal check-ins answered (share)"), rate_cell(answered, asked), kind="rate"
            ),
            Line("checkins.phase_asked", N_("Daily colour questions asked"), count_cell(len(prompts))),
            Line(
                "checkins.phase_answered",
                N_("Daily colour questions answered within 24 hours"),
                count_cell(phase_answered),
            ),
            Line(
                "checkins.phase_rate",
                N_("Daily colour questions answered (share)"),
                rate_cell(phase_answered, len(prompts)),
                kind="rate",
            ),
        ),
        N_("A goal check-in the client starts from the menu counts as asked and answered."),
    )
    return response


async def _scans(session: AsyncSession, start: datetime, end: datetime) -> Section:
    """Self-scan change from the 0-meting."""
    scans: dict[int, list[tuple[datetime, dict]]] = defaultdict(list)
    for client_id, at, scores in (await session.execute(
        select(SelfScan.client_id, SelfScan.at, SelfScan.scores).where(
            SelfScan.by_role == "client", SelfScan.complete.is_(True), SelfScan.at < end)
    )).all():
        scans[client_id].append((at, scores or {}))
    changes = scan_rules.mean_change(scan_rules.change_per_domain(points) for points in scans.values())
    scan_lines = [
        Line("scan.zero", N_("Clients with a 0-meting"), count_cell(len(scans))),
        Line("scan.in_month", N_("Clients who did a self-scan in this month"),
             count_cell(sum(1 for points in scans.values() if any(_in(at, start, end) for at, _ in points)))),
    ]
    for domain in scan_rules.ALL_DOMAINS:
        values = changes.get(domain, [])
        scan_lines.append(Line(f"scan.change.{domain.value}", N_("Change since the 0-meting: {subject}"),
                               mean_cell(values, signed=True), DOMAIN_NAMES[domain], kind="mean"))
        scan_lines.append(Line(f"scan.change_n.{domain.value}", N_("Clients measured twice or more: {subject}"),
                               count_cell(len(values)), DOMAIN_NAMES[domain]))
    scan_section = Section("scan", N_("Self-scan: change per life area (mean, scale 1-5)"), tuple(scan_lines))
    return scan_section


async def _outcomes(session: AsyncSession, start: datetime, end: datetime) -> Section:
    """Outcomes at closing and working relationship."""
    closings = list((await session.execute(select(TrajectClosing.outcomes).where(
        TrajectClosing.at >= start, TrajectClosing.at < end))).scalars())
    outcome_lines = [Line("closing.count", N_("Trajects closed with outcomes"), count_cell(len(closings)))]
    for key in OUTCOME_KEYS:
        values = [v for outcomes in closings if isinstance(v := (outcomes or {}).get(key), int)]
        outcome_lines.append(
            Line(f"closing.{key}", N_("Outcome {subject}"), mean_cell(values), OUTCOMES[key], kind="mean")
        )
    relations = list((await session.execute(select(RelationScore.answers).where(
        RelationScore.at >= start, RelationScore.at < end))).scalars())
    outcome_lines.append(
        Line("relation.count", N_("Clients who answered about the support"), count_cell(len(relations)))
    )
    for key in RELATION_KEYS:
        values = [v for answers in relations if isinstance(v := (answers or {}).get(key), int)]
        outcome_lines.append(Line(f"relation.{key}", N_("Mean answer: {subject}"), mean_cell(values),
                                  RELATION_QUESTIONS[key], kind="mean"))
    outcome_section = Section("outcomes", N_("Outcomes at closing and working relationship (mean, scale 1-5)"),
                              tuple(outcome_lines))
    return outcome_section


async def _network(session: AsyncSession, end: datetime, month: _Households) -> Section:
    """Network level: team figures at the time of the report, contact and reachability at the month's end."""
    households, by_household, open_in_month = month.all, month.clients, month.open_in_month
    open_at_end = {
        hid for hid in open_in_month if households[hid].closed_at is None or households[hid].closed_at >= end
    }
    without, self_managed, workers_per = await _team_counts(session, open_at_end, households, end)
    reference = end - timedelta(days=SILENCE_DAYS)
    end_clients = [c for hid in open_at_end for c in by_household[hid] if c.active]
    silent = sum(1 for c in end_clients if (c.last_seen_at or c.created_at) < reference)
    blocked = sum(1 for c in end_clients if c.unreachable)
    buckets = Counter(min(n, 4) for n in workers_per)
    network = Section(
        "network",
        N_("Network"),
        (
            Line(
                "network.no_coordinator",
                N_("Households without a coordinating worker for more than 7 days"),
                count_cell(without),
            ),
            Line(
                "network.self_management", N_("Households in self-management (no worker)"), count_cell(self_managed)
            ),
            Line("network.no_contact", N_("Clients without contact for more than 14 days"), count_cell(silent)),
            Line("network.blocked", N_("Clients who cannot be reached through Telegram"), count_cell(blocked)),
            Line(
                "network.workers_mean",
                N_("Workers involved per household (mean)"),
                mean_cell(workers_per),
                kind="mean",
            ),
            Line("network.workers_1", N_("Households with 1 worker involved"), count_cell(buckets[1])),
            Line("network.workers_2", N_("Households with 2 workers involved"), count_cell(buckets[2])),
            Line("network.workers_3", N_("Households with 3 workers involved"), count_cell(buckets[3])),
            Line("network.workers_4", N_("Households with 4 or more workers involved"), count_cell(buckets[4])),
        ),
        N_(
            "Houvast has no organisation field: instead of organisations per household, this counts the workers "
            "involved per household. Team figures show the situation at the time of this report."
        ),
    )
    return network


async def _team_counts(
    session: AsyncSession, open_at_end: set[int], households: dict[int, Household], end: datetime
) -> tuple[int, int, list[int]]:
    """Of the households open at the month's end: how many have had no coordinating worker for more than
    VACANCY_DAYS, how many manage themselves (no worker, never a vacancy), and the workers of each other one."""
    team_rows = list((await session.execute(
        select(CareTeamMember.household_id, CareTeamMember.role, CareTeamMember.since)
        .join(Person, Person.id == CareTeamMember.worker_id).where(Person.active)
    )).all())
    team: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    for hid, role, since in team_rows:
        team[hid].append((role, since))
    vacancies: dict[int, datetime] = {}
    for scope, at in (await session.execute(
        select(AuditEntry.scope, AuditEntry.at).where(AuditEntry.action == "care_team.vacant")
    )).all():
        if scope and scope.startswith("household:") and scope[10:].isdigit():
            hid = int(scope[10:])
            vacancies[hid] = max(at, vacancies.get(hid, at))
    without = 0
    self_managed = 0
    workers_per: list[int] = []
    for hid in open_at_end:
        roles = [role for role, _ in team.get(hid, [])]
        if not roles and hid not in vacancies:
            self_managed += 1
            continue
        workers_per.append(len(roles))
        if CareRole.COORDINATING not in roles:
            since = vacancies.get(hid) or households[hid].created_at
            if since <= end - timedelta(days=VACANCY_DAYS):
                without += 1
    return without, self_managed, workers_per
