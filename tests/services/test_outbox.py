"""The outbox: de-duplication, marked sent only when Telegram accepted, retries with back-off and RetryAfter,
a blocked client marked unreachable with their worker told once, a restart in the middle, Telegram's limits."""
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import func, select
from telegram import Bot

from bot import outbox
from bot.db.models import Consent, OutboxMessage, Person
from bot.domain.roles import Role
from bot.local.botapi import LocalBotApi, LocalRequest
from bot.services import invites, people


async def make_bot(api: LocalBotApi) -> Bot:
    api.add_user(501, "Sam")
    api.add_user(900, "Anna")
    bot = Bot("123:TEST", request=LocalRequest(api), get_updates_request=LocalRequest(api))
    await bot.initialize()
    return bot


async def client_of_anna(svc):
    code = (await invites.create_invite(svc, role=Role.WORKER)).code
    await invites.redeem_invite(svc, code=code, telegram_id=900, chat_id=900, locale="nl")
    await people.set_name(svc, 900, "Anna")
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=900)).code
    await invites.redeem_invite(svc, code=code, telegram_id=501, chat_id=501, locale="nl")
    await people.set_name(svc, 501, "Sam")


async def queue(svc, key, telegram_id=501, text="Hoe gaat het vandaag?"):
    async with svc.unit() as session:
        person = (await session.execute(select(Person).where(Person.telegram_id == telegram_id))).scalar_one()
        added = await outbox.enqueue(session, dedup_key=key, person=person, kind="test", text=text,
                                     buttons=[[("Goed", "chk:phase:groen")]], now=svc.now())
        await session.commit()
        return added


async def rows(svc):
    async with svc.unit() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def test_a_key_is_queued_once_and_sent_once(svc, api):
    await client_of_anna(svc)
    assert await queue(svc, "k1") and not await queue(svc, "k1")
    bot = await make_bot(api)
    report = await outbox.deliver_due(svc, bot)
    again = await outbox.deliver_due(svc, bot)  # a tick run twice
    assert (report.sent, again.sent) == (1, 0)
    [message] = api.messages(501)
    assert message.text == "Hoe gaat het vandaag?" and api.buttons(message) == ["Goed"]
    assert (await rows(svc))[0].sent_at is not None


async def test_retry_after_and_network_errors_are_retried_with_back_off(svc, api, clock):
    await client_of_anna(svc)
    await queue(svc, "k1")
    bot = await make_bot(api)
    api.fail_next("sendMessage", retry_after=7)
    report = await outbox.deliver_due(svc, bot)
    assert report.retried == 1 and api.messages(501) == []
    [row] = await rows(svc)
    assert row.sent_at is None and row.next_attempt_at == clock.now() + timedelta(seconds=7)
    clock.advance(seconds=7)
    api.fail_next("sendMessage", network_error=True)
    assert (await outbox.deliver_due(svc, bot)).retried == 1
    [row] = await rows(svc)
    assert row.next_attempt_at == clock.now() + outbox.backoff(2)  # 60 s after the second failure
    clock.advance(minutes=1)
    assert (await outbox.deliver_due(svc, bot)).sent == 1
    assert len(api.messages(501)) == 1


async def test_a_blocked_client_is_marked_unreachable_and_the_worker_told_once(svc, api):
    await client_of_anna(svc)
    bot = await make_bot(api)
    api.block(501)
    await queue(svc, "k1")
    await queue(svc, "k2")
    report = await outbox.deliver_due(svc, bot)
    assert report.failed == 2 and len(report.unreachable) == 1
    await outbox.deliver_due(svc, bot)  # the notice to the worker
    notices = [m.text for m in api.messages(900) if "een tijd niet gereageerd" in m.text]
    # Only what a worker may hear without consent: Sam has not responded; not that Sam blocked the bot.
    assert notices == ["Sam heeft een tijd niet gereageerd. Neem op een andere manier contact op."]
    async with svc.unit() as session:
        sam = (await session.execute(select(Person).where(Person.telegram_id == 501))).scalar_one()
        unsent = (
            await session.execute(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
            )
        ).scalar_one()
    assert sam.unreachable and unsent == 0  # not retried forever
    await people.whoami(svc, 501)  # Sam unblocked the bot and wrote again: reachable again
    async with svc.unit() as session:
        sam = (await session.execute(select(Person).where(Person.telegram_id == 501))).scalar_one()
    assert not sam.unreachable


async def test_a_restart_in_the_middle_of_sending_loses_nothing(svc, api, clock):
    await client_of_anna(svc)
    for i in range(3):
        await queue(svc, f"k{i}")
    claimed = await outbox.claim(svc, 10)  # a process claims the rows ... and dies before sending
    assert len(claimed.items) == 3
    bot = await make_bot(api)
    assert (await outbox.deliver_due(svc, bot)).sent == 0  # another process leaves claimed rows alone
    clock.advance(outbox.LEASE)
    assert (await outbox.deliver_due(svc, bot)).sent == 3  # after the lease they go out, once each
    assert len(api.messages(501)) == 3


async def test_sending_stays_within_telegrams_limits(svc, clock):
    import time

    api = LocalBotApi(enforce_flood_limits=True, clock=time.monotonic)
    await client_of_anna(svc)
    for i in range(3):
        await queue(svc, f"same-chat-{i}")  # three to one chat: one a second
    bot = await make_bot(api)
    report = await outbox.deliver_due(svc, bot)
    assert report.sent == 3 and api.stats["rate_limited"] == 0
    assert all(r.sent_at is not None and r.payload is None for r in await rows(svc))  # sent: no copy kept


def test_one_busy_chat_does_not_hold_up_the_others():
    claimed = [(1, 10, "a"), (2, 10, "b"), (3, 10, "c"), (4, 20, "d"), (5, 30, "e")]
    assert [m for m, _, _ in outbox.round_robin(claimed)] == [1, 4, 5, 2, 3]


async def test_a_sent_or_failed_message_keeps_no_text(svc, api):
    await client_of_anna(svc)
    bot = await make_bot(api)
    await queue(svc, "sent", text="Iets persoonlijks")
    await outbox.deliver_due(svc, bot)
    api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    await queue(svc, "failed", text="Nog iets persoonlijks")
    await outbox.deliver_due(svc, bot)
    sent, failed = await rows(svc)
    assert sent.sent_at is not None and failed.failed_at is not None
    assert (sent.payload, sent.ref, failed.payload, failed.ref) == (None, None, None, None)
    assert api.messages(501)[0].text == "Iets persoonlijks"


async def _sam_and_anna(svc):
    async with svc.unit() as session:
        sam = (await session.execute(select(Person).where(Person.telegram_id == 501))).scalar_one()
        anna = (await session.execute(select(Person).where(Person.telegram_id == 900))).scalar_one()
    return sam, anna


async def test_a_reference_is_rendered_when_sent_and_withdrawn_when_the_client_is_gone(svc, api):
    await client_of_anna(svc)
    bot = await make_bot(api)
    sam, anna = await _sam_and_anna(svc)
    async with svc.unit() as session:
        await outbox.refer(session, dedup_key="u1", person=anna, kind="unreachable", ref={}, about=sam, now=svc.now())
        await session.commit()
    [row] = await rows(svc)
    assert (row.payload, row.ref, row.about_id) == (None, {}, sam.id)  # ids only: no text stored
    await people.set_name(svc, 501, "Samira")  # the text is made when it goes out, from what is true then
    assert (await outbox.deliver_due(svc, bot)).sent == 1
    assert api.messages(900)[-1].text.startswith("Samira heeft een tijd niet gereageerd")
    async with svc.unit() as session:
        await outbox.refer(session, dedup_key="u2", person=anna, kind="unreachable", ref={}, about=sam, now=svc.now())
        await session.commit()
    async with svc.unit() as session:  # the row outlives its client where foreign keys are not enforced
        await session.execute(sa.text("PRAGMA foreign_keys=OFF") if session.bind.dialect.name == "sqlite"
                              else sa.text("SET session_replication_role = replica"))
        await session.execute(sa.delete(Person.__table__).where(Person.__table__.c.id == sam.id))
        await session.commit()
    before = len(api.messages(900))
    report = await outbox.deliver_due(svc, bot)
    assert (report.sent, report.withdrawn) == (0, 1) and len(api.messages(900)) == before
    assert [r.dedup_key for r in await rows(svc)] == ["u1"]  # withdrawn: deleted, nothing left behind


async def test_a_message_under_a_consent_scope_is_withdrawn_on_revoke_and_checked_before_sending(svc, api):
    from bot.domain.consent import Scope
    from bot.services import consent

    await client_of_anna(svc)
    bot = await make_bot(api)
    sam, anna = await _sam_and_anna(svc)
    await consent.set_consent(svc, client_telegram_id=501, viewer_id=anna.id, scope=Scope.ALERTS, granted=True)
    await outbox.deliver_due(svc, bot)  # the consent notice
    async with svc.unit() as session:
        for key in ("scoped-1", "scoped-2"):
            await outbox.enqueue(session, dedup_key=key, person=anna, kind="alert", text="ALARMTEKST", about=sam,
                                 scope=Scope.ALERTS, now=svc.now())
        await session.commit()
    await consent.set_consent(svc, client_telegram_id=501, viewer_id=anna.id, scope=Scope.ALERTS, granted=False)
    assert {r.kind for r in await rows(svc) if r.sent_at is None} == {"consent"}  # both withdrawn
    await outbox.deliver_due(svc, bot)
    assert not any("ALARMTEKST" in (m.text or "") for m in api.messages(900))
    # Granted, queued, then the consent row itself changed behind the service's back: checked again when sent.
    await consent.set_consent(svc, client_telegram_id=501, viewer_id=anna.id, scope=Scope.ALERTS, granted=True)
    async with svc.unit() as session:
        await outbox.enqueue(session, dedup_key="scoped-3", person=anna, kind="alert", text="ALARMTEKST",
                             about=sam, scope=Scope.ALERTS, now=svc.now())
        await session.execute(sa.update(Consent).values(granted=False))
        await session.commit()
    report = await outbox.deliver_due(svc, bot)
    assert report.withdrawn == 1 and not any("ALARMTEKST" in (m.text or "") for m in api.messages(900))
