"""The monthly report's sections, one function each (people, goals, stalls, response, scans, outcomes,
network, team counts): anonymous aggregates, every small cell suppressed (bot/domain/smallcells.py)."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

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
from bot.domain.smallcells import count_cell, mean_cell, median_cell, rate_cell
from bot.i18n import N_
from bot.services.report.model import PHASE_ANSWER_WINDOW, SILENCE_DAYS, VACANCY_DAYS, Line, Section, hours, within


@dataclass(frozen=True)
class Households:
    """The month's households: all made before its end, their clients, and those open at some time in it."""

    all: dict[int, Household]
    clients: dict[int, list[Person]]
    open_in_month: set[int]


async def people(session: AsyncSession, start: datetime, end: datetime) -> tuple[Households, Section]:
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
    new = {hid for hid in open_in_month if within(households[hid].created_at, start, end)}
    closed = {hid for hid in by_household if within(households[hid].closed_at, start, end)}
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
                count_cell(sum(1 for c in month_clients if within(c.created_at, start, end))),
            ),
            Line(
                "clients.closed",
                N_("Clients whose traject closed"),
                count_cell(sum(len(by_household[h]) for h in closed)),
            ),
        ),
    )
    return Households(households, by_household, open_in_month), people


async def goals(session: AsyncSession, start: datetime, end: datetime) -> Section:
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


async def stalls(session: AsyncSession, start: datetime, end: datetime) -> Section:
    """Stalls, nudges, escalations."""
    nudges = list(
        (await session.execute(select(Nudge).where(Nudge.created_at >= start, Nudge.created_at < end))).scalars()
    )
    waits = [hours(n.acknowledged_at - n.created_at) for n in nudges if n.acknowledged_at is not None]
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


async def response(session: AsyncSession, start: datetime, end: datetime) -> Section:
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


async def scans(session: AsyncSession, start: datetime, end: datetime) -> Section:
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
             count_cell(sum(1 for points in scans.values() if any(within(at, start, end) for at, _ in points)))),
    ]
    for domain in scan_rules.ALL_DOMAINS:
        values = changes.get(domain, [])
        scan_lines.append(Line(f"scan.change.{domain.value}", N_("Change since the 0-meting: {subject}"),
                               mean_cell(values, signed=True), DOMAIN_NAMES[domain], kind="mean"))
        scan_lines.append(Line(f"scan.change_n.{domain.value}", N_("Clients measured twice or more: {subject}"),
                               count_cell(len(values)), DOMAIN_NAMES[domain]))
    scan_section = Section("scan", N_("Self-scan: change per life area (mean, scale 1-5)"), tuple(scan_lines))
    return scan_section


async def outcomes(session: AsyncSession, start: datetime, end: datetime) -> Section:
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


async def network(session: AsyncSession, end: datetime, month: Households) -> Section:
    """Network level: team figures at the time of the report, contact and reachability at the month's end."""
    households, by_household, open_in_month = month.all, month.clients, month.open_in_month
    open_at_end = {
        hid for hid in open_in_month if households[hid].closed_at is None or households[hid].closed_at >= end
    }
    without, self_managed, workers_per = await team_counts(session, open_at_end, households, end)
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


async def team_counts(
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
