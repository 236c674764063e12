"""Rood alerts: the present coordinating and backup worker with consent at once; "Ik pak het op" (first wins);
the procesregisseur after 30 minutes of working time, with only the fact that a client needs someone; the
client told exactly who knows. Crisis language keeps a signal (kind and time, never the words)."""
import asyncio
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.db.models import AuditEntry, CrisisSignal, OutboxMessage, Person, RedAlert, RedAlertDelivery
from bot.domain.alerts import Source
from bot.domain.consent import Scope
from bot.domain.crisis import CrisisKind
from bot.domain.plans import Phase
from bot.domain.roles import CareRole, Role
from bot.outbox import notices
from bot.services import alerts, checkins, consent, invites, nudges, people, safety, team
from bot.services.base import NotAllowed, NotFound

ANNA, BRAM, CARLA, DIRK = 900, 901, 903, 904  # coordinating, backup, procesregisseur, a worker outside the team
SAM = 501
MONDAY_10 = datetime(2026, 4, 13, 8, 0, tzinfo=UTC)  # Monday 13 April 2026, 10:00 in Amsterdam
WORDS = "ik wil dood, niemand mag het weten"


async def worker(svc, telegram_id, name):
    code = (await invites.create_invite(svc, role=Role.WORKER)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="en")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)


async def person_id(svc, telegram_id):
    async with svc.unit() as session:
        return (await session.execute(select(Person.id).where(Person.telegram_id == telegram_id))).scalar_one()


async def share_alerts(svc, *viewers, granted=True):
    for viewer in viewers:
        await consent.set_consent(svc, client_telegram_id=SAM, viewer_id=await person_id(svc, viewer),
                                  scope=Scope.ALERTS, granted=granted)


async def messages(svc, telegram_id, kind=None):
    """What each queued message to this person says: its text, or for a reference the text it would get if it
    were sent now (bot/services/notices.py), exactly as the outbox renders it."""
    async with svc.unit() as session:
        query = (select(OutboxMessage).join(Person, Person.id == OutboxMessage.person_id)
                 .where(Person.telegram_id == telegram_id).order_by(OutboxMessage.id))
        if kind:
            query = query.where(OutboxMessage.kind.in_([kind, f"{kind}_escalated"] if kind == "alert" else [kind]))
        out = []
        for row in (await session.execute(query)).scalars():
            if row.payload is not None:
                out.append(json.loads(row.payload))
                continue
            recipient = await session.get(Person, row.person_id)
            about = await session.get(Person, row.about_id) if row.about_id else None
            rendered = await notices.render(svc, session, row.kind, recipient, about, row.ref or {})
            if rendered is not None:
                out.append({"text": rendered.text, "buttons": [[list(b) for b in r] for r in rendered.buttons]})
        return out


async def count(svc, model):
    async with svc.unit() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


@pytest.fixture
async def world(svc, clock):
    """Anna coordinates Sam's household, Bram is the backup, Carla the procesregisseur; Dirk works elsewhere."""
    clock.current = MONDAY_10
    for telegram_id, name in ((ANNA, "Anna de Vries"), (BRAM, "Bram"), (CARLA, "Carla"), (DIRK, "Dirk")):
        await worker(svc, telegram_id, name)
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=ANNA)).code
    await invites.redeem_invite(svc, code=code, telegram_id=SAM, chat_id=SAM, locale="nl")
    await people.set_name(svc, SAM, "Sam Jansen")
    await people.finish_onboarding(svc, SAM)
    household = await team.household_of(svc, SAM)
    for telegram_id, role in ((BRAM, CareRole.BACKUP), (CARLA, CareRole.PROCESREGISSEUR)):
        await team.add_to_team(svc, by_telegram_id=ANNA, household_id=household, worker_telegram_id=telegram_id,
                               role=role)
    async with svc.unit() as session:
        await session.execute(OutboxMessage.__table__.delete())
        await session.commit()
    return svc


async def test_a_red_check_in_goes_at_once_to_both_workers_with_consent_without_the_clients_words(world):
    svc = world
    await share_alerts(svc, ANNA, BRAM)
    result = await checkins.record_phase(svc, SAM, Phase.RED)
    assert result.notice.told == ("Anna", "Bram") and result.notice.unread_until is None  # working time
    [to_anna] = await messages(svc, ANNA, "alert")
    [to_bram] = await messages(svc, BRAM, "alert")
    assert "Sam Jansen chose red today" in to_anna["text"] and "Also told: Bram." in to_anna["text"]
    assert "Also told: Anna." in to_bram["text"]
    assert to_anna["buttons"][0][0][0] == "🙋 I will pick it up"
    assert await messages(svc, CARLA) == [] and await messages(svc, DIRK) == []
    async with svc.unit() as session:
        alert = (await session.execute(select(RedAlert))).scalar_one()
        assert alert.source == Source.CHECKIN and alert.escalate_at == MONDAY_10 + timedelta(minutes=30)
        roles = sorted((await session.execute(select(RedAlertDelivery.role))).scalars())
    assert roles == [CareRole.BACKUP, CareRole.COORDINATING]


async def test_the_alert_refers_so_a_revoke_before_sending_withdraws_it(world):
    svc = world
    await share_alerts(svc, ANNA, BRAM)
    await checkins.record_phase(svc, SAM, Phase.RED)
    async with svc.unit() as session:
        queued = list((await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "alert"))).scalars())
    assert len(queued) == 2 and all(row.payload is None and row.about_id is not None for row in queued)
    await share_alerts(svc, ANNA, granted=False)
    assert await messages(svc, ANNA, "alert") == []  # withdrawn at once
    assert len(await messages(svc, BRAM, "alert")) == 1  # Bram still has consent


async def test_an_absent_coordinating_worker_is_skipped_and_the_backup_is_told(world, clock):
    svc = world
    await share_alerts(svc, ANNA, BRAM)
    await nudges.set_absence(svc, ANNA, date(2026, 4, 13), date(2026, 4, 17))
    result = await checkins.record_phase(svc, SAM, Phase.RED)
    assert (result.notice.told, result.notice.away) == (("Bram",), ("Anna",))
    assert await messages(svc, ANNA, "alert") == []
    [to_bram] = await messages(svc, BRAM, "alert")
    assert "Also told" not in to_bram["text"]


async def test_without_consent_nobody_is_told_and_the_client_can_allow_it_this_once(world):
    svc = world
    result = await checkins.record_phase(svc, SAM, Phase.RED)
    assert result.notice.told == () and result.notice.ask_name == "Anna"
    assert await count(svc, RedAlert) == 0 and await messages(svc, ANNA) == []
    notice = await alerts.allow_once(svc, SAM)
    assert notice.told == ("Anna",)
    [to_anna] = await messages(svc, ANNA, "alert")
    assert "Sam Jansen wants you to know that things are not going well right now" in to_anna["text"]
    assert await messages(svc, BRAM) == []  # "ja" lets the one named worker know, not the whole team
    async with svc.unit() as session:
        actions = set((await session.execute(select(AuditEntry.action))).scalars())
    assert {"alert.nobody", "alert.one_time", "alert.sent"} <= actions


async def test_after_a_handover_the_new_worker_has_no_consent_so_the_client_is_asked(world):
    svc = world
    await share_alerts(svc, ANNA)
    await nudges.handover(svc, household_id=await team.household_of(svc, SAM), to_worker_telegram_id=DIRK,
                          by_telegram_id=None)
    result = await checkins.record_phase(svc, SAM, Phase.RED)
    assert result.notice.told == () and result.notice.ask_name == "Dirk"
    assert await messages(svc, ANNA, "alert") == [] and await messages(svc, DIRK, "alert") == []


async def test_a_second_signal_joins_the_open_alert_and_tells_each_source_once(world):
    svc = world
    await share_alerts(svc, ANNA)
    await checkins.record_phase(svc, SAM, Phase.RED)
    await checkins.record_phase(svc, SAM, Phase.RED)  # the same source again: no second message
    notice = await alerts.raise_for(svc, SAM, Source.CRISIS)  # another source: one more line, the same alert
    assert notice.told == ("Anna",)
    texts = [m["text"] for m in await messages(svc, ANNA, "alert")]
    assert len(texts) == 2 and "may mean a crisis" in texts[1]
    assert await count(svc, RedAlert) == 1


async def test_an_alert_nobody_picked_up_shows_in_the_operators_figures_until_it_is_taken(world):
    from bot.ops import figures

    svc = world
    await share_alerts(svc, ANNA, BRAM)
    assert (await figures.read(svc.sessions, svc.now())).alerts_unacknowledged == 0
    await checkins.record_phase(svc, SAM, Phase.RED)
    assert (await figures.read(svc.sessions, svc.now())).alerts_unacknowledged == 1  # /metrics, houvast status
    async with svc.unit() as session:
        alert_id = (await session.execute(select(RedAlert.id))).scalar_one()
    await alerts.take(svc, ANNA, alert_id)
    assert (await figures.read(svc.sessions, svc.now())).alerts_unacknowledged == 0


async def test_the_first_to_pick_it_up_has_it_and_the_others_and_the_client_hear_who(world):
    svc = world
    await share_alerts(svc, ANNA, BRAM)
    await checkins.record_phase(svc, SAM, Phase.RED)
    async with svc.unit() as session:
        alert_id = (await session.execute(select(RedAlert.id))).scalar_one()
    first, second = await asyncio.gather(alerts.take(svc, BRAM, alert_id), alerts.take(svc, ANNA, alert_id))
    assert sorted([first.outcome, second.outcome]) == ["already", "ok"]
    winner = "Bram" if first.outcome == "ok" else "Anna"
    loser = ANNA if winner == "Bram" else BRAM
    assert {first.by_name, second.by_name} == {winner}
    [told] = await messages(svc, loser, "alert_taken")
    assert f"{winner} picked up the alert about Sam Jansen" in told["text"]
    [client] = await messages(svc, SAM, "alert_taken")
    assert client["text"] == f"{winner} heeft je bericht gezien en neemt contact met je op."
    again = await alerts.take(svc, ANNA if winner == "Anna" else BRAM, alert_id)
    assert again.outcome == "already" and again.by_me


async def test_only_a_worker_who_was_told_may_pick_it_up(world):
    svc = world
    await share_alerts(svc, ANNA)
    await checkins.record_phase(svc, SAM, Phase.RED)
    async with svc.unit() as session:
        alert_id = (await session.execute(select(RedAlert.id))).scalar_one()
    for telegram_id in (DIRK, BRAM, CARLA):  # outside the team; on it, but not told
        with pytest.raises(NotAllowed):
            await alerts.take(svc, telegram_id, alert_id)
    with pytest.raises(NotAllowed):
        await alerts.take(svc, SAM, alert_id)
    with pytest.raises(NotFound):
        await alerts.take(svc, ANNA, alert_id + 1)
    async with svc.unit() as session:
        assert (await session.get(RedAlert, alert_id)).taken_at is None
        forged = (await session.execute(select(func.count()).select_from(AuditEntry)
                                        .where(AuditEntry.action == "alert.forged"))).scalar_one()
    assert forged == 3


async def test_nobody_picked_it_up_in_30_minutes_so_the_procesregisseur_hears_only_that_someone_is_needed(world, clock):
    svc = world
    await share_alerts(svc, ANNA, BRAM)
    help_ = await safety.crisis_language(svc, SAM, CrisisKind.SUICIDE, full=True)
    assert help_.notice.told == ("Anna", "Bram")
    clock.advance(minutes=29)
    assert await alerts.escalate_due(svc) == 0
    clock.advance(minutes=1)
    assert await alerts.escalate_due(svc) == 1
    assert await alerts.escalate_due(svc) == 0  # once
    [to_carla] = await messages(svc, CARLA, "alert")
    text = to_carla["text"]
    assert text.startswith("🔴 Sam needs someone now.") and "to Anna and Bram on Monday 13 April at 10:00" in text
    for content in ("crisis", "red", "suicide", "dood", "scan", "Jansen"):
        assert content not in text.lower()
    async with svc.unit() as session:
        alert_id = (await session.execute(select(RedAlert.id))).scalar_one()
    result = await alerts.take(svc, CARLA, alert_id)  # the procesregisseur may pick it up as well
    assert result.outcome == "ok"
    assert len(await messages(svc, ANNA, "alert_taken")) == 1


async def test_a_picked_up_alert_does_not_escalate_and_an_absent_procesregisseur_gets_nothing(world, clock):
    svc = world
    await share_alerts(svc, ANNA)
    await checkins.record_phase(svc, SAM, Phase.RED)
    async with svc.unit() as session:
        alert_id = (await session.execute(select(RedAlert.id))).scalar_one()
    await alerts.take(svc, ANNA, alert_id)
    clock.advance(hours=2)
    assert await alerts.escalate_due(svc) == 0
    await nudges.set_absence(svc, CARLA, date(2026, 4, 13), date(2026, 4, 13))
    await checkins.record_phase(svc, SAM, Phase.RED)  # a new alert: the old one is picked up
    clock.advance(hours=1)
    assert await alerts.escalate_due(svc) == 0
    assert await messages(svc, CARLA) == []
    async with svc.unit() as session:
        assert (await session.execute(select(func.count()).select_from(RedAlert)
                                      .where(RedAlert.escalated_at.is_not(None)))).scalar_one() == 1


async def test_at_night_the_workers_are_told_at_once_and_the_client_hears_nobody_reads_it_before_morning(world, clock):
    svc = world
    await share_alerts(svc, ANNA)
    clock.current = datetime(2026, 4, 17, 21, 0, tzinfo=UTC)  # Friday 23:00
    result = await checkins.record_phase(svc, SAM, Phase.RED)
    assert result.notice.told == ("Anna",)
    assert result.notice.unread_until == datetime(2026, 4, 20, 7, 0, tzinfo=UTC)  # Monday 09:00
    assert len(await messages(svc, ANNA, "alert")) == 1  # red does not wait
    clock.current = datetime(2026, 4, 20, 7, 29, tzinfo=UTC)
    assert await alerts.escalate_due(svc) == 0
    clock.current = datetime(2026, 4, 20, 7, 30, tzinfo=UTC)  # Monday 09:30: 30 working minutes
    assert await alerts.escalate_due(svc) == 1


async def test_crisis_language_keeps_the_kind_and_the_time_never_the_words(world, clock):
    svc = world
    await share_alerts(svc, ANNA)
    help_ = await safety.crisis_language(svc, SAM, CrisisKind.SELF_HARM, full=True)
    assert help_.worker_name == "Anna" and help_.notice.told == ("Anna",)
    short = await safety.crisis_language(svc, SAM, CrisisKind.SELF_HARM, full=False)
    assert short.notice is None
    async with svc.unit() as session:
        [signal] = (await session.execute(select(CrisisSignal))).scalars()
    assert (signal.kind, signal.at) == (CrisisKind.SELF_HARM, MONDAY_10)
    [to_anna] = await messages(svc, ANNA, "alert")
    assert "Sam Jansen wrote something that may mean a crisis" in to_anna["text"]
    assert "self" not in to_anna["text"].lower() and "harm" not in to_anna["text"].lower()


async def test_only_a_clients_own_words_count(world):
    svc = world
    assert await safety.crisis_language(svc, ANNA, CrisisKind.SUICIDE, full=True) is None
    stranger = await safety.crisis_language(svc, 77, CrisisKind.SUICIDE, full=True)  # no account yet
    assert stranger.contacts == () and stranger.notice is None  # the general help; nothing kept
    assert await count(svc, CrisisSignal) == 0 and await count(svc, RedAlert) == 0


async def test_a_self_scan_one_raises_an_alert_without_the_domain(world):
    svc = world
    await share_alerts(svc, ANNA)
    help_ = await safety.acute_scan(svc, SAM)
    assert help_.notice.told == ("Anna",)
    [to_anna] = await messages(svc, ANNA, "alert")
    assert "acute problem" in to_anna["text"] and "Housing" not in to_anna["text"]
