"""The peer expert's profile: story, availability, themes, how many peers at most, a pause."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    PeerContact,
    Person,
)
from bot.domain import peers as rules
from bot.domain.roles import Role
from bot.services.base import Services, audit
from bot.services.peers import core
from bot.services.peers.views import Profile

# ---- the peer expert's profile -----------------------------------------------------------------------


async def profile(svc: Services, peer_telegram_id: int) -> Profile:
    async with svc.unit() as session:
        peer = await core._person(session, peer_telegram_id, Role.PEER)
        row = await core._profile_row(session, peer)
        result = core._profile(peer, row, await core._active_count(session, peer.id))
        await session.commit()
        return result


async def _edit_profile(svc: Services, peer_telegram_id: int, **values: object) -> Profile:
    async with svc.unit() as session:
        peer = await core._person(session, peer_telegram_id, Role.PEER)
        row = await core._profile_row(session, peer)
        for key, value in values.items():
            setattr(row, key, value)
        result = core._profile(peer, row, await core._active_count(session, peer.id))
        await session.commit()
        return result


async def set_story(svc: Services, peer_telegram_id: int, text: str) -> Profile | None:
    """None when empty or too long: the flow asks again."""
    story = rules.clean_text(text, rules.MAX_STORY)
    return None if story is None else await _edit_profile(svc, peer_telegram_id, story=story)


async def set_availability(svc: Services, peer_telegram_id: int, text: str) -> Profile | None:
    value = rules.clean_text(text, rules.MAX_AVAILABILITY)
    return None if value is None else await _edit_profile(svc, peer_telegram_id, availability=value)


async def set_themes(svc: Services, peer_telegram_id: int, themes: set[str] | frozenset[str]) -> Profile:
    return await _edit_profile(svc, peer_telegram_id, themes=rules.join_themes(themes))


async def toggle_theme(svc: Services, peer_telegram_id: int, theme: str) -> Profile:
    if theme not in {t.value for t in rules.THEMES}:
        raise ValueError(theme)
    current = (await profile(svc, peer_telegram_id)).themes
    return await set_themes(svc, peer_telegram_id, current ^ {theme})


async def set_max_peers(svc: Services, peer_telegram_id: int, max_peers: int) -> Profile:
    if not 1 <= max_peers <= rules.MAX_PEERS_LIMIT:
        raise ValueError(max_peers)
    return await _edit_profile(svc, peer_telegram_id, max_peers=max_peers)


async def pause(svc: Services, peer_telegram_id: int, until: date) -> int:
    """No new peers until `until` (the first day back). Each active peer is told when they will be back.
    Returns how many were told."""
    today = core._today(svc)
    if not today < until <= today + timedelta(days=366):
        raise ValueError("until")
    async with svc.unit() as session:
        peer = await core._person(session, peer_telegram_id, Role.PEER)
        row = await core._profile_row(session, peer)
        row.paused_until = until
        told = 0
        for contact in await _contacts_of_peer(session, peer):
            client = await session.get(Person, contact.client_id)
            if client is None or not client.active:
                continue
            await core._say(session, svc, client, f"peer-away:{contact.id}:{until.isoformat()}", "away",
                            contact=contact.id, until=until.isoformat())
            told += 1
        audit(session, at=svc.now(), action="peer.paused", actor=peer)
        await session.commit()
        return told


async def come_back(svc: Services, peer_telegram_id: int) -> int:
    async with svc.unit() as session:
        peer = await core._person(session, peer_telegram_id, Role.PEER)
        row = await core._profile_row(session, peer)
        was_paused = row.paused_until is not None
        row.paused_until = None
        told = 0
        if was_paused:
            for contact in await _contacts_of_peer(session, peer):
                client = await session.get(Person, contact.client_id)
                if client is None or not client.active:
                    continue
                await core._say(session, svc, client, core._unique(f"peer-back:{contact.id}"), "back",
                                contact=contact.id)
                told += 1
        await session.commit()
        return told


async def _contacts_of_peer(session: AsyncSession, peer: Person) -> list[PeerContact]:
    rows = await session.execute(
        select(PeerContact)
        .where(PeerContact.peer_id == peer.id, PeerContact.status == core.ACTIVE)
        .order_by(PeerContact.id)
    )
    return list(rows.scalars())
