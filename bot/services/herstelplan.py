"""Mijn herstelplan: the whole plan of a client in one view, as the viewer may see it.

Per client: the goals per leefdomein (current step, last check-in), the latest colour, the latest self-scan,
the crisis card's contacts, and who supports them. The client sees everything of their own. Anyone else sees
each part only through the consent check, one call per part (each audited):

    goals       -> Scope.GOALS
    self-scan   -> Scope.GOALS   (no scope of its own: it is about the same leefdomeinen as the goals)
    last colour -> Scope.ALERTS  (the colour is what alerts on orange and red are made of)
    contacts    -> Scope.CRISIS_CARD
    safety plan -> Scope.SAFETY_PLAN
    thuisplan   -> Scope.HOME_PLAN  (only for the client and their workers: for anyone else not even looked up)

Who supports the client (coordinating and backup worker) is the care team itself, shown to everyone allowed to
open the plan; an active peer-support contact is shown to the client only.

A household: the shared goals (Goal.client_id IS NULL) and each member's own part, each member seeing only what
the others share with them. A fellow household member is a consent viewer like a worker (services/consent:
`relation_of` marks them `household_member`, /privacy lists them, `set_consent` grants them a scope), so every
look, theirs too, goes through the one audited check, `authorize_view`. Shared household goals are seen by every
member; by a worker when the goal's owner (who answers its check-ins) shares goals with them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    CareTeamMember,
    Goal,
    GoalCheckin,
    Household,
    PeerContact,
    Person,
    PhaseCheckin,
    SelfScan,
    ToolVersion,
)
from bot.domain import forms
from bot.domain import safetyplans as safety_rules
from bot.domain import selfscan as scan_rules
from bot.domain.consent import Scope, is_viewer_for
from bot.domain.goals import Answer, Domain, GoalStatus
from bot.domain.plans import Contact, Phase
from bot.domain.roles import CareRole, Role
from bot.domain.safetyplans import HomePlan, SafetyPlan
from bot.domain.selfscan import ScanDomain
from bot.services.base import NotAllowed, Services, audit, viewer_and_subject
from bot.services.consent import authorize_view, relation_of


class Part(StrEnum):
    GOALS = "goals"
    PHASE = "phase"
    SCAN = "scan"
    CONTACTS = "contacts"
    SUPPORT = "support"
    SAFETY = "safety"  # the veiligheidsplan bij zelfmoordgedachten
    HOME = "home"  # the thuisplan: only ever looked up for the client and their workers


PARTS = (Part.GOALS, Part.PHASE, Part.SCAN, Part.CONTACTS, Part.SUPPORT, Part.SAFETY, Part.HOME)
PART_SCOPES = {
    Part.GOALS: Scope.GOALS,
    Part.SCAN: Scope.GOALS,
    Part.PHASE: Scope.ALERTS,
    Part.CONTACTS: Scope.CRISIS_CARD,
    Part.SAFETY: Scope.SAFETY_PLAN,
    Part.HOME: Scope.HOME_PLAN,
}
SHOWN_STATUSES = (GoalStatus.ACTIVE, GoalStatus.PAUSED, GoalStatus.REACHED)  # reached: successes stay visible


@dataclass(frozen=True)
class GoalLine:
    id: int
    domain: Domain
    title: str
    step: str | None
    status: GoalStatus
    target_date: date | None
    household: bool
    last_checkin_at: datetime | None
    last_answer: Answer | None
    why: str | None = None  # why it matters to the client, in their words


@dataclass(frozen=True)
class PhaseLine:
    phase: Phase
    at: datetime


@dataclass(frozen=True)
class ScanLine:
    at: datetime
    scores: dict[ScanDomain, int]
    zero_at: datetime  # the 0-meting


@dataclass(frozen=True)
class Supporter:
    relation: str  # coordinating, backup or peer (keys of consent.CARE_ROLE_NAMES)
    name: str


@dataclass(frozen=True)
class MemberPlan:
    client_id: int
    name: str
    is_viewer: bool
    shown: frozenset[Part]  # the parts this viewer may see (and asked for)
    goals: tuple[GoalLine, ...] = ()
    phase: PhaseLine | None = None
    scan: ScanLine | None = None
    contacts: tuple[Contact, ...] = ()
    supporters: tuple[Supporter, ...] = ()
    safety: SafetyPlan | None = None
    home: HomePlan | None = None


@dataclass(frozen=True)
class PlanView:
    viewer_is_client: bool  # the viewer is the subject (members[0]) themselves
    members: tuple[MemberPlan, ...]  # the subject first, then the other household members
    household_goals: tuple[GoalLine, ...] = ()
    household_goals_hidden: int = 0  # shared goals the viewer may not see
    made_at: datetime | None = None
    closed_at: datetime | None = None
    asked: frozenset[Part] = field(default_factory=lambda: frozenset(PARTS))

    @property
    def subject(self) -> MemberPlan:
        return self.members[0]

    @property
    def others(self) -> tuple[MemberPlan, ...]:
        return self.members[1:]


# --- access ------------------------------------------------------------------------------------------


async def _may_open(session: AsyncSession, viewer: Person, client: Person) -> bool:
    """Who may open someone's plan at all (and then see only what is shared, through `authorize_view`): the
    client, or someone the client could give consent to (care team, peer expert in contact, fellow household
    member)."""
    if viewer.id == client.id:
        return True
    return is_viewer_for(await relation_of(session, viewer, client))


# --- gathering ---------------------------------------------------------------------------------------


async def _goal_lines(session: AsyncSession, goals: list[Goal]) -> list[GoalLine]:
    last: dict[int, tuple[datetime, str | None]] = {}
    if goals:
        rows = await session.execute(
            select(GoalCheckin.goal_id, GoalCheckin.answered_at, GoalCheckin.answer)
            .where(GoalCheckin.goal_id.in_([g.id for g in goals]), GoalCheckin.answered_at.is_not(None))
            .order_by(GoalCheckin.answered_at, GoalCheckin.id)
        )
        for goal_id, at, answer in rows.all():
            last[goal_id] = (at, answer)
    lines = []
    for goal in goals:
        at, answer = last.get(goal.id, (None, None))
        lines.append(GoalLine(
            goal.id, Domain(goal.domain), goal.title, goal.step, GoalStatus(goal.status), goal.target_date,
            goal.client_id is None, at, Answer(answer) if answer else None, goal.why,
        ))
    order = list(Domain)  # the framework's order of the leefdomeinen, "anders" last
    return sorted(lines, key=lambda line: (order.index(line.domain), line.id))


async def _own_goals(session: AsyncSession, client: Person) -> list[GoalLine]:
    rows = await session.execute(
        select(Goal).where(Goal.client_id == client.id, Goal.status.in_(SHOWN_STATUSES)).order_by(Goal.domain, Goal.id)
    )
    return await _goal_lines(session, list(rows.scalars()))


async def _phase(session: AsyncSession, client: Person) -> PhaseLine | None:
    row = (await session.execute(
        select(PhaseCheckin.phase, PhaseCheckin.at).where(PhaseCheckin.client_id == client.id)
        .order_by(PhaseCheckin.at.desc(), PhaseCheckin.id.desc()).limit(1)
    )).first()
    return PhaseLine(Phase(row[0]), row[1]) if row else None


async def _scan(session: AsyncSession, client: Person) -> ScanLine | None:
    rows = list((await session.execute(
        select(SelfScan.at, SelfScan.scores).where(
            SelfScan.client_id == client.id, SelfScan.by_role == "client", SelfScan.complete.is_(True)
        ).order_by(SelfScan.at, SelfScan.id)
    )).all())
    if not rows:
        return None
    return ScanLine(rows[-1][0], scan_rules.clean(rows[-1][1] or {}), rows[0][0])


async def _contacts(session: AsyncSession, client: Person) -> tuple[Contact, ...]:
    """The contacts of the crisis card (its newest version)."""
    row = (await session.execute(
        select(ToolVersion.content).where(ToolVersion.client_id == client.id, ToolVersion.kind == forms.Tool.CARD)
        .order_by(ToolVersion.version.desc()).limit(1)
    )).scalar_one_or_none()
    return forms.to_card(json.loads(row), client.name or "").contacts if row else ()


async def _safety_plan(session: AsyncSession, client: Person, tool: forms.Tool) -> SafetyPlan | HomePlan | None:
    row = (await session.execute(
        select(ToolVersion).where(ToolVersion.client_id == client.id, ToolVersion.kind == tool)
        .order_by(ToolVersion.version.desc()).limit(1)
    )).scalar_one_or_none()
    if row is None:
        return None
    make = safety_rules.to_safety_plan if tool == forms.Tool.SAFETY else safety_rules.to_home_plan
    return make(json.loads(row.content), client.name or "", row.version, row.saved_at)


async def _supporters(session: AsyncSession, client: Person, *, with_peer: bool) -> tuple[Supporter, ...]:
    people: list[Supporter] = []
    if client.household_id is not None:
        rows = await session.execute(
            select(Person.name, CareTeamMember.role).join(CareTeamMember, CareTeamMember.worker_id == Person.id)
            .where(CareTeamMember.household_id == client.household_id, Person.active,
                   CareTeamMember.role.in_((CareRole.COORDINATING, CareRole.BACKUP)))
            .order_by(CareTeamMember.role.desc(), CareTeamMember.id)  # coordinating before backup
        )
        people += [Supporter(role, name or "?") for name, role in rows.all()]
    if with_peer:
        rows = await session.execute(
            select(Person.name).join(PeerContact, PeerContact.peer_id == Person.id)
            .where(PeerContact.client_id == client.id, PeerContact.status == "active", Person.active)
            .order_by(PeerContact.id)
        )
        people += [Supporter("peer", name or "?") for name in rows.scalars()]
    return tuple(people)


async def _member(
    session: AsyncSession, viewer: Person, client: Person, parts: frozenset[Part], now: datetime
) -> MemberPlan:
    shown: set[Part] = set()
    checked: dict[Scope, bool] = {}

    async def allowed(part: Part) -> bool:
        if part not in parts:
            return False
        if part == Part.SUPPORT:
            return True
        if part == Part.HOME and viewer.id != client.id and viewer.role != Role.WORKER:
            return False  # a household member or peer expert: not even asked, so their trail never names it
        scope = PART_SCOPES[part]
        if scope not in checked:  # goals and self-scan share one scope: one look, one audit row
            checked[scope] = await authorize_view(session, viewer=viewer, client=client, scope=scope, now=now)
        return checked[scope]

    goals: tuple[GoalLine, ...] = ()
    phase = scan = None
    contacts: tuple[Contact, ...] = ()
    supporters: tuple[Supporter, ...] = ()
    if await allowed(Part.GOALS):
        shown.add(Part.GOALS)
        goals = tuple(await _own_goals(session, client))
    if await allowed(Part.SCAN):
        shown.add(Part.SCAN)
        scan = await _scan(session, client)
    if await allowed(Part.PHASE):
        shown.add(Part.PHASE)
        phase = await _phase(session, client)
    if await allowed(Part.CONTACTS):
        shown.add(Part.CONTACTS)
        contacts = await _contacts(session, client)
    if await allowed(Part.SUPPORT):
        shown.add(Part.SUPPORT)
        supporters = await _supporters(session, client, with_peer=viewer.id == client.id)
    safety: SafetyPlan | None = None
    home: HomePlan | None = None
    if await allowed(Part.SAFETY):
        shown.add(Part.SAFETY)
        found = await _safety_plan(session, client, forms.Tool.SAFETY)
        safety = found if isinstance(found, SafetyPlan) else None
    if await allowed(Part.HOME):
        shown.add(Part.HOME)
        found = await _safety_plan(session, client, forms.Tool.HOME)
        home = found if isinstance(found, HomePlan) else None
    return MemberPlan(client.id, client.name or "?", viewer.id == client.id, frozenset(shown), goals, phase, scan,
                      contacts, supporters, safety, home)


async def _household_goals(
    session: AsyncSession, viewer: Person, household_id: int, now: datetime
) -> tuple[list[GoalLine], int]:
    goals = list((await session.execute(
        select(Goal).where(Goal.household_id == household_id, Goal.client_id.is_(None), Goal.status.in_(SHOWN_STATUSES))
        .order_by(Goal.domain, Goal.id)
    )).scalars())
    member = viewer.role == Role.CLIENT and viewer.household_id == household_id
    verdict: dict[int, bool] = {}
    visible: list[Goal] = []
    for goal in goals:
        if not member and goal.owner_id not in verdict:
            owner = await session.get(Person, goal.owner_id)
            verdict[goal.owner_id] = owner is not None and await authorize_view(
                session, viewer=viewer, client=owner, scope=Scope.GOALS, now=now)
        if member or verdict[goal.owner_id]:
            visible.append(goal)
    return await _goal_lines(session, visible), len(goals) - len(visible)


async def herstelplan(
    svc: Services, viewer_tg: int, client_id: int | None = None, *, household: bool = True,
    parts: frozenset[Part] | None = None,
) -> PlanView:
    """The plan of `client_id` (default: the viewer, a client) as this viewer may see it. With `household`, the
    household's shared goals and the other members come along. Someone who may not open it at all (a forged
    id) gets NotAllowed, audited."""
    now = svc.now()
    parts = frozenset(parts or PARTS)
    async with svc.unit() as session:
        viewer, client = await viewer_and_subject(session, viewer_tg, client_id)
        if (
            client is None
            or client.role != Role.CLIENT
            or not client.active
            or not await _may_open(session, viewer, client)
        ):
            audit(session, at=now, action="plan.forged", actor=viewer, subject=client, outcome="denied")
            await session.commit()
            raise NotAllowed("not this viewer's client")
        members = [await _member(session, viewer, client, parts, now)]
        shared: list[GoalLine] = []
        hidden = 0
        closed_at = None
        if client.household_id is not None:
            closed_at = (await session.get(Household, client.household_id)).closed_at
            if household:
                others = list((await session.execute(
                    select(Person).where(Person.household_id == client.household_id, Person.role == Role.CLIENT,
                                         Person.active, Person.id != client.id).order_by(Person.id)
                )).scalars())
                for other in others:
                    if await _may_open(session, viewer, other):
                        members.append(await _member(session, viewer, other, parts, now))
                if Part.GOALS in parts:
                    shared, hidden = await _household_goals(session, viewer, client.household_id, now)
        view = PlanView(viewer.id == client.id, tuple(members), tuple(shared), hidden, now, closed_at, parts)
        await session.commit()  # the audit rows of every look
        return view
