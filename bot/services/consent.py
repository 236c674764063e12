"""Consent per client, viewer and scope, and the one access check every read of a client's data goes through."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEntry, CareTeamMember, Consent, PeerContact, Person, ToolVersion
from bot.domain.consent import CARE_ROLE_NAMES as CARE_ROLE_NAMES  # re-exported: the tests read it here
from bot.domain.consent import SCOPES, Relation, Scope, is_viewer_for, may_view, scopes_for
from bot.domain.roles import CareRole, Role
from bot.outbox import store as outbox
from bot.services.base import NotAllowed, NotFound, Services, audit, granted_scopes, person_by_telegram

# Parts with versions: a look says which one.
TOOL_SCOPES = (Scope.SIGNALING_PLAN, Scope.CRISIS_CARD, Scope.SAFETY_PLAN, Scope.HOME_PLAN)


@dataclass(frozen=True)
class ViewerShare:
    viewer_id: int
    name: str
    relation: str  # a key of CARE_ROLE_NAMES: a care role, "peer" or "household"
    scopes: frozenset[Scope]
    shareable: tuple[Scope, ...] = SCOPES  # what can be shared with them at all (bot/domain/consent.scopes_for)


@dataclass(frozen=True)
class ViewRecord:
    viewer_name: str | None
    relation: str | None
    scope: str
    at: datetime
    version: int | None = None  # a plan or card: the version there was at that moment (0: none saved yet)


async def relation_of(session: AsyncSession, viewer: Person, client: Person) -> Relation:
    care_role = None
    if client.household_id is not None:
        care_role = (
            await session.execute(
                select(CareTeamMember.role).where(
                    CareTeamMember.household_id == client.household_id, CareTeamMember.worker_id == viewer.id
                )
            )
        ).scalar_one_or_none()
    # A peer expert is close to a client only while their peer contact is active (not proposed, not ended).
    peer_contact = False
    if viewer.role == Role.PEER:
        peer_contact = (
            await session.execute(
                select(PeerContact.id).where(
                    PeerContact.peer_id == viewer.id, PeerContact.client_id == client.id, PeerContact.status == "active"
                ).limit(1)
            )
        ).first() is not None
    # A fellow household member: another person, both active clients of the same household.
    household_member = (
        viewer.id != client.id and viewer.role == Role.CLIENT and client.role == Role.CLIENT
        and viewer.active and client.active
        and client.household_id is not None and viewer.household_id == client.household_id
    )
    return Relation(
        Role(viewer.role), CareRole(care_role) if care_role else None, peer_contact, viewer.active, household_member
    )


def relation_key(relation: Relation) -> str | None:
    """How a viewer is named to the client (a key of CARE_ROLE_NAMES), or None for someone not close to them."""
    if relation.care_role is not None:
        return relation.care_role
    if relation.peer_contact:
        return "peer"
    if relation.household_member:
        return "household"
    return None


async def authorize_view(session: AsyncSession, *, viewer: Person, client: Person, scope: Scope, now: datetime) -> bool:
    """THE consent check. Every read of a client's data by someone else calls this; each call is audited."""
    if viewer.id == client.id:
        return True
    relation = await relation_of(session, viewer, client)
    allowed = may_view(
        is_self=False, relation=relation, granted=await granted_scopes(session, client.id, viewer.id), scope=scope
    )
    audit(
        session, at=now, action="view", actor=viewer, subject=client, scope=scope, outcome="ok" if allowed else "denied"
    )
    return allowed


async def _viewers(session: AsyncSession, client: Person) -> list[tuple[Person, str]]:
    """Everyone the client can give consent to: the care team, the peer expert, then the other household members."""
    viewers: list[tuple[Person, str]] = []
    if client.household_id is not None:
        rows = await session.execute(
            select(Person, CareTeamMember.role)
            .join(CareTeamMember, CareTeamMember.worker_id == Person.id)
            .where(CareTeamMember.household_id == client.household_id, Person.active)
            .order_by(CareTeamMember.id)
        )
        viewers = [(person, role) for person, role in rows.all()]
    # The client's peer expert, while their contact is active.
    peers = await session.execute(
        select(Person)
        .join(PeerContact, PeerContact.peer_id == Person.id)
        .where(PeerContact.client_id == client.id, PeerContact.status == "active", Person.active)
        .order_by(PeerContact.id)
    )
    viewers += [(person, "peer") for person in peers.scalars()]
    # The other active clients of the household: they see only what the client shares with them.
    if client.household_id is not None and client.active:
        members = await session.execute(
            select(Person).where(
                Person.household_id == client.household_id, Person.role == Role.CLIENT, Person.active,
                Person.id != client.id,
            ).order_by(Person.id)
        )
        viewers += [(person, "household") for person in members.scalars()]
    return viewers


async def viewers(svc: Services, client_telegram_id: int) -> list[ViewerShare]:
    """Who could see something of this client, and what each one sees now."""
    async with svc.unit() as session:
        client = await person_by_telegram(session, client_telegram_id)
        if client is None or client.role != Role.CLIENT:
            return []
        return [
            ViewerShare(person.id, person.name or "?", relation, await granted_scopes(session, client.id, person.id),
                        scopes_for(await relation_of(session, person, client)))
            for person, relation in await _viewers(session, client)
        ]


async def set_consent(
    svc: Services, *, client_telegram_id: int, viewer_id: int, scope: Scope, granted: bool
) -> ViewerShare:
    """Grant or revoke one scope for one viewer; works at once. The viewer is told what changed, not why."""
    now = svc.now()
    async with svc.unit() as session:
        client = await person_by_telegram(session, client_telegram_id)
        viewer = await session.get(Person, viewer_id)
        if client is None or client.role != Role.CLIENT:
            raise NotAllowed("only a client gives consent")
        if viewer is None:
            raise NotFound("viewer")
        relation = await relation_of(session, viewer, client)
        if not is_viewer_for(relation) or (granted and scope not in scopes_for(relation)):
            # The viewer's own trail never names the thuisplan (they may be the person the client fears).
            audit(session, at=now, action="consent.forged", actor=client, subject=viewer,
                  scope=None if scope == Scope.HOME_PLAN else scope, outcome="denied")
            await session.commit()
            raise NotAllowed("not someone close to this client")
        row = (
            await session.execute(
                select(Consent).where(
                    Consent.client_id == client.id, Consent.viewer_id == viewer.id, Consent.scope == scope
                )
            )
        ).scalar_one_or_none()
        changed = (row.granted if row else False) != granted
        if row is None:
            session.add(Consent(client_id=client.id, viewer_id=viewer.id, scope=scope, granted=granted, changed_at=now))
        else:
            row.granted, row.changed_at = granted, now
        if changed:
            audit(session, at=now, action="consent.granted" if granted else "consent.revoked", actor=client,
                  subject=viewer, scope=scope)
            if not granted:  # what is still queued for this viewer under this scope is withdrawn at once
                await outbox.withdraw(session, about=client, person=viewer, scope=scope)
            await outbox.refer(
                session, dedup_key=f"consent:{client.id}:{viewer.id}:{scope}:{secrets.token_hex(8)}", person=viewer,
                kind="consent", about=client, ref={"scope": str(scope), "granted": granted}, now=now,
            )
        await session.flush()
        share = ViewerShare(viewer.id, viewer.name or "?", relation_key(relation) or "peer",
                            await granted_scopes(session, client.id, viewer.id), scopes_for(relation))
        await session.commit()
        return share


async def views_of_my_data(svc: Services, client_telegram_id: int, limit: int = 300) -> list[ViewRecord]:
    """For /wiezietwat: each time someone else looked at the client's data, newest first. A look at the
    signaleringsplan or crisis card says which version there was then, so an empty card shows as empty."""
    async with svc.unit() as session:
        client = await person_by_telegram(session, client_telegram_id)
        if client is None:
            return []
        saved = await session.execute(
            select(ToolVersion.kind, ToolVersion.version, ToolVersion.saved_at)
            .where(ToolVersion.client_id == client.id).order_by(ToolVersion.saved_at, ToolVersion.id)
        )
        versions: dict[str, list[tuple[datetime, int]]] = {}
        for kind, version, saved_at in saved.all():
            versions.setdefault(kind, []).append((saved_at, version))

        def version_at(scope: str, at: datetime) -> int | None:
            if scope not in TOOL_SCOPES:
                return None
            return max((version for saved_at, version in versions.get(scope, []) if saved_at <= at), default=0)

        rows = await session.execute(
            select(AuditEntry, Person)
            .outerjoin(Person, Person.pseudonym == AuditEntry.actor)
            .where(AuditEntry.subject == client.pseudonym, AuditEntry.action == "view", AuditEntry.outcome == "ok")
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
        )
        records = []
        for entry, person in rows.all():
            relation = None
            if person is not None:
                relation = relation_key(await relation_of(session, person, client)) or (
                    "peer" if person.role == Role.PEER else None
                )
            scope = entry.scope or ""
            records.append(ViewRecord(person.name if person else None, relation, scope, entry.at,
                                      version_at(scope, entry.at)))
        return records


