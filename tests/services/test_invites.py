from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.db.models import AuditEntry, CareTeamMember, Invite, Person
from bot.domain.roles import CareRole, Role
from bot.services import invites, people
from bot.services.base import NotAllowed


async def onboard_worker(svc, telegram_id=900, name="Anna"):
    created = await invites.create_invite(svc, role=Role.WORKER)
    result = await invites.redeem_invite(
        svc, code=created.code, telegram_id=telegram_id, chat_id=telegram_id, locale="nl"
    )
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)
    return result.person


async def test_an_invite_is_stored_only_as_a_hash(svc):
    created = await invites.create_invite(svc, role=Role.WORKER)
    assert created.link == f"https://t.me/houvast_bot?start={created.code}"
    async with svc.unit() as session:
        stored = (await session.execute(select(Invite))).scalar_one()
    assert created.code not in stored.token_hash
    assert stored.expires_at == svc.now() + timedelta(days=14)


async def test_an_invite_works_once(svc):
    created = await invites.create_invite(svc, role=Role.PEER)
    first = await invites.redeem_invite(svc, code=created.code, telegram_id=1, chat_id=1, locale="nl")
    second = await invites.redeem_invite(svc, code=created.code, telegram_id=2, chat_id=2, locale="nl")
    assert first.outcome == "ok" and first.person.role == Role.PEER
    assert second.outcome == "used"


async def test_an_invite_expires(svc, clock):
    created = await invites.create_invite(svc, role=Role.WORKER)
    clock.advance(days=14)
    result = await invites.redeem_invite(svc, code=created.code, telegram_id=1, chat_id=1, locale="nl")
    assert result.outcome == "expired"


async def test_guessing_codes_is_stopped_and_audited(svc, clock):
    created = await invites.create_invite(svc, role=Role.WORKER)
    for _ in range(5):
        assert (
            await invites.redeem_invite(svc, code="WRONGWRONGWR", telegram_id=7, chat_id=7, locale="nl")
        ).outcome == "unknown"
    # Even the right code is refused while guessing is going on.
    assert (
        await invites.redeem_invite(svc, code=created.code, telegram_id=7, chat_id=7, locale="nl")
    ).outcome == "guessing"
    clock.advance(hours=1)
    assert (await invites.redeem_invite(svc, code=created.code, telegram_id=7, chat_id=7, locale="nl")).outcome == "ok"
    async with svc.unit() as session:
        actions = [a.action for a in (await session.execute(select(AuditEntry))).scalars()]
    assert actions.count("invite.rejected") == 5 and "invite.guessing" in actions


async def test_a_worker_invites_a_client_into_a_new_household(svc):
    worker = await onboard_worker(svc)
    created = await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=worker.telegram_id)
    result = await invites.redeem_invite(svc, code=created.code, telegram_id=5, chat_id=5, locale="nl")
    assert result.outcome == "ok" and result.person.has_worker and result.worker_name == "Anna"
    async with svc.unit() as session:
        client = (await session.execute(select(Person).where(Person.telegram_id == 5))).scalar_one()
        team = (await session.execute(select(CareTeamMember))).scalar_one()
    assert team.household_id == client.household_id and team.role == CareRole.COORDINATING


async def test_a_member_joins_the_chosen_household(svc):
    worker = await onboard_worker(svc)
    first = await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=worker.telegram_id)
    await invites.redeem_invite(svc, code=first.code, telegram_id=5, chat_id=5, locale="nl")
    await people.set_name(svc, 5, "Sam")
    [household] = await people.coordinated_households(svc, worker.telegram_id)
    second = await invites.create_invite(
        svc, role=Role.CLIENT, by_telegram_id=worker.telegram_id, household_id=household.household_id
    )
    await invites.redeem_invite(svc, code=second.code, telegram_id=6, chat_id=6, locale="nl")
    await people.set_name(svc, 6, "Kim")
    [household] = await people.coordinated_households(svc, worker.telegram_id)
    assert household.member_names == ("Sam", "Kim")


async def test_a_worker_cannot_invite_into_someone_elses_household(svc):
    anna = await onboard_worker(svc, 900, "Anna")
    bert = await onboard_worker(svc, 901, "Bert")
    created = await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=anna.telegram_id)
    await invites.redeem_invite(svc, code=created.code, telegram_id=5, chat_id=5, locale="nl")
    [household] = await people.coordinated_households(svc, anna.telegram_id)
    with pytest.raises(NotAllowed):
        await invites.create_invite(
            svc, role=Role.CLIENT, by_telegram_id=bert.telegram_id, household_id=household.household_id
        )


async def test_clients_and_peers_cannot_invite(svc):
    peer = await invites.redeem_invite(
        svc, code=(await invites.create_invite(svc, role=Role.PEER)).code, telegram_id=3, chat_id=3, locale="nl"
    )
    with pytest.raises(NotAllowed):
        await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=peer.person.telegram_id)
    with pytest.raises(NotAllowed):
        await invites.create_invite(svc, role=Role.WORKER, by_telegram_id=peer.person.telegram_id)


async def test_a_client_on_their_own_links_a_worker_later(svc):
    worker = await onboard_worker(svc)
    client = await people.start_as_client(svc, telegram_id=5, chat_id=5, locale="nl")
    await people.finish_onboarding(svc, 5)
    assert not client.has_worker
    created = await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=worker.telegram_id)
    result = await invites.redeem_invite(svc, code=created.code, telegram_id=5, chat_id=5, locale="nl")
    assert result.outcome == "linked" and result.person.has_worker
    again = await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=worker.telegram_id)
    assert (
        await invites.redeem_invite(svc, code=again.code, telegram_id=5, chat_id=5, locale="nl")
    ).outcome == "already_linked"


async def test_a_staff_code_does_not_change_a_clients_role(svc):
    await people.start_as_client(svc, telegram_id=5, chat_id=5, locale="nl")
    created = await invites.create_invite(svc, role=Role.ADMIN)
    result = await invites.redeem_invite(svc, code=created.code, telegram_id=5, chat_id=5, locale="nl")
    assert result.outcome == "wrong_role" and result.person.role == Role.CLIENT
