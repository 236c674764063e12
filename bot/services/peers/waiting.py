"""The waiting list, reminders for quiet contacts, and how long relayed messages are kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from bot.db.models import (
    PeerContact,
    PeerProfile,
    PeerWait,
    Person,
    RelayMessage,
)
from bot.domain import peers as rules
from bot.domain.peers import first_name
from bot.domain.roles import Role
from bot.services.base import Services, audit
from bot.services.peers import core
from bot.services.peers.views import WaitRow

# ---- the waiting list --------------------------------------------------------------------------------


async def waiting_list(svc: Services, admin_telegram_id: int) -> list[WaitRow]:
    """The first name and the theme of each client waiting, nothing more; each look audited."""
    async with svc.unit() as session:
        admin = await core._person(session, admin_telegram_id, Role.ADMIN)
        rows = (await session.execute(
            select(PeerWait, Person)
            .join(Person, Person.id == PeerWait.client_id)
            .where(PeerWait.resolved_at.is_(None), Person.active)
            .order_by(PeerWait.created_at, PeerWait.id)
        )).all()
        for _, client in rows:
            audit(session, at=svc.now(), action="peer.waiting_seen", actor=admin, subject=client)
        await session.commit()
        return [WaitRow(w.id, first_name(p.name), w.theme, w.created_at) for w, p in rows]


async def offer_waiting(svc: Services) -> int:
    """Tick: a client on the waiting list gets a proposal as soon as a fitting peer expert is free."""
    now = svc.now()
    offered = 0
    async with svc.unit() as session:
        waits = (
            await session.execute(
                select(PeerWait, Person)
                .join(Person, Person.id == PeerWait.client_id)
                .where(PeerWait.resolved_at.is_(None))
                .order_by(PeerWait.created_at, PeerWait.id)
                .limit(200)
            )
        ).all()
        for wait, client in waits:
            if not client.active or client.deletion_due_at is not None:
                continue
            if await core._latest_of_client(session, client) is not None:
                wait.resolved_at = now
                continue
            found = rules.match(await core._candidates(session), wait.theme, now, zone=svc.settings.zone)
            if not found:
                continue
            proposal = await core._propose(session, svc, client, found[0].peer_id, wait.theme, client)
            wait.resolved_at = now
            await core._say(session, svc, client, f"peer-proposal:{proposal.contact_id}", "free",
                            contact=proposal.contact_id)
            offered += 1
        await session.commit()
    return offered


# ---- reminders and retention (tick) ------------------------------------------------------------------


async def remind_quiet_contacts(svc: Services) -> int:
    """Tick: "You have not spoken to Sam for 10 days", to the peer expert; once a day at most (and only on
    day 10, 17, 24, ... of the silence)."""
    now = svc.now()
    zone = svc.settings.zone
    today = rules.local_day(now, zone)
    queued = 0
    async with svc.unit() as session:
        # Only contacts quiet for 9 days or more (one day of slack for the local date) are looked at.
        quiet_since = now - timedelta(days=rules.QUIET_DAYS - 1)
        last_seen = func.coalesce(PeerContact.last_message_at, PeerContact.started_at, PeerContact.created_at)
        rows = (
            (
                await session.execute(
                    select(PeerContact)
                    .where(PeerContact.status == core.ACTIVE, last_seen <= quiet_since)
                    .order_by(PeerContact.id)
                )
            )
            .scalars()
            .all()
        )
        for row in rows:
            last = row.last_message_at or row.started_at or row.created_at
            if not rules.reminder_due(last, now, zone):
                continue
            client, peer = await core._sides(session, row)
            if not peer.active or peer.unreachable or not client.active or client.deletion_due_at is not None:
                continue
            profile_row = await session.get(PeerProfile, peer.id)
            if profile_row is not None and (
                profile_row.suspended or rules.is_paused(profile_row.paused_until, today)
            ):
                continue
            key = f"peer-quiet:{row.id}:{today.isoformat()}"
            if await core._refer(session, svc, peer, key, "peer_quiet", client, row,
                                 days=rules.quiet_days(last, now, zone)):
                queued += 1
        await session.commit()
    return queued


async def purge_relay(svc: Services, retention_days: int = 30) -> int:
    """Tick: relayed messages are kept only for the retention period. Returns how many were deleted."""
    cutoff = svc.now() - timedelta(days=retention_days)
    async with svc.unit() as session:
        result = await session.execute(delete(RelayMessage).where(RelayMessage.at < cutoff))
        await session.commit()
        return result.rowcount or 0
