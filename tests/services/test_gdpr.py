"""AVG/GDPR: the export holds all of a client's data and nobody else's; deletion after 7 days leaves no trace
of the client in any table; a leaving worker hands over their households."""
import asyncio
import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select
from typer.testing import CliRunner

from bot import outbox
from bot.db.models import (
    AuditEntry,
    Base,
    CareTeamMember,
    Consent,
    CrisisSignal,
    Household,
    OutboxMessage,
    Person,
    PhaseCheckin,
    RedAlert,
    RedAlertDelivery,
    ToolVersion,
)
from bot.domain.consent import Scope
from bot.domain.crisis import CrisisKind
from bot.domain.forms import Tool
from bot.domain.plans import Phase
from bot.domain.roles import CareRole, Role
from bot.i18n import translator
from bot.persistence import SqlPersistence
from bot.render.export import export_pdf
from bot.services import checkins, consent, gdpr, invites, people, safety, staff, team, tools
from bot.services.base import NotAllowed, NotFound
from tests.render.pdftext import page_texts

CLIENT = 7340012345  # a Telegram id that cannot turn up by accident in timestamps or other ids
OTHER = 7340099887
WORKER = 900
NAME = "Marieke"
OTHER_NAME = "Bram"
PHONE = "06 87654321"
SECRETS = ("wandelen langs de Dommel", "Paroxetine 20 mg", "Tante Gerda", "naar buiten met de hond")
OTHER_SECRET = "fietsen rond Zwolle"


async def onboard_staff(svc, telegram_id, name, role=Role.WORKER):
    created = await invites.create_invite(svc, role=role)
    await invites.redeem_invite(svc, code=created.code, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)


async def invited_client(svc, telegram_id, name, worker=WORKER):
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=worker)).code
    result = await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)
    return result.person


async def seed(svc):
    """A worker with two clients. Marieke fills in everything there is; Bram has a card of his own."""
    await onboard_staff(svc, WORKER, "Anna")
    await invited_client(svc, CLIENT, NAME)
    await invited_client(svc, OTHER, OTHER_NAME)
    anna = (await consent.viewers(svc, CLIENT))[0]
    for scope in (Scope.CRISIS_CARD, Scope.ALERTS):
        await consent.set_consent(svc, client_telegram_id=CLIENT, viewer_id=anna.viewer_id, scope=scope, granted=True)
    card = {
        "name": f"{NAME} de Vries",
        "what_helps": [SECRETS[0]],
        "medication": [SECRETS[1]],
        "contacts": [{"name": SECRETS[2], "phone": PHONE, "relation": "tante"}],
    }
    await tools.update_draft(svc, CLIENT, Tool.CARD, card, 3)
    await tools.save_version(svc, CLIENT, Tool.CARD, finished=True)
    await tools.update_draft(svc, CLIENT, Tool.PLAN, {"groen": {"what_i_do": [SECRETS[3]]}}, 2)  # unfinished
    await tools.current(svc, WORKER, Tool.CARD, client_id=(await people.whoami(svc, CLIENT)).id)  # Anna looks
    await checkins.record_phase(svc, CLIENT, Phase.RED)  # a check-in, and an alert to Anna naming Marieke
    await safety.crisis_language(svc, CLIENT, CrisisKind.SUICIDE, full=True)  # a signal; joins the open alert
    await invites.redeem_invite(svc, code="WRONGCODE234", telegram_id=CLIENT, chat_id=CLIENT, locale="nl")
    persistence = SqlPersistence(svc.sessions)
    await persistence.update_conversation("forms", (CLIENT, CLIENT), 4)
    await persistence.update_user_data(CLIENT, {"form": {"tool": Tool.PLAN.value, "single": False}})  # ids only
    await persistence.update_conversation("forms", (OTHER, OTHER), 1)
    await tools.update_draft(svc, OTHER, Tool.CARD, {"what_helps": [OTHER_SECRET]}, 1)
    await tools.save_version(svc, OTHER, Tool.CARD, finished=True)


async def raw_dump(svc) -> dict[str, list[str]]:
    """Every value of every column of every table, as the database holds it (no decryption)."""
    dump: dict[str, list[str]] = {}
    async with svc.unit() as session:
        for table in Base.metadata.sorted_tables:
            rows = await session.execute(sa.text(f'SELECT * FROM "{table.name}"'))
            dump[table.name] = [str(value) for row in rows for value in row if value is not None]
    return dump


def hits(dump, needles):
    return {
        (table, needle)
        for table, values in dump.items()
        for value in values
        for needle in needles
        if needle.lower() in value.lower()
    }


# ---- export ------------------------------------------------------------------------------------------


async def test_the_export_holds_all_of_the_clients_data_and_nobody_elses(svc):
    await seed(svc)
    data = await gdpr.export_data(svc, CLIENT)
    text = json.dumps(data, ensure_ascii=False)  # JSON-able as it is
    assert data["person"]["name"] == NAME and data["person"]["telegram_id"] == CLIENT
    assert re.match(r"\d{4}-\d{2}-\d{2}T", data["person"]["created_at"])  # datetimes as ISO strings
    tables = data["tables"]
    [version] = tables["tool_versions"]
    assert version["content"]["what_helps"] == [SECRETS[0]]  # decoded from its JSON
    assert version["content"]["contacts"][0]["phone"] == PHONE
    assert [d["kind"] for d in tables["tool_drafts"]] == [Tool.PLAN]
    assert [c["phase"] for c in tables["phase_checkins"]] == [Phase.RED]
    assert {c["scope"] for c in tables["consents"]} == {Scope.CRISIS_CARD, Scope.ALERTS}
    assert {c["viewer_name"] for c in tables["consents"]} == {"Anna"}
    assert len(tables["invite_attempts"]) == 1 and len(tables["invites"]) == 1
    assert tables["user_data"][0]["data"] == {"form": {"tool": Tool.PLAN.value, "single": False}}
    assert [json.loads(row["key"]) for row in tables["conversation_states"]] == [[CLIENT, CLIENT]]
    assert "outbox" in tables and "care_team" in tables  # every table that points at people is walked
    [signal] = tables["crisis_signals"]
    assert signal["kind"] == CrisisKind.SUICIDE and set(signal) == {"id", "client_id", "kind", "at"}  # no words
    [alert] = tables["red_alerts"]
    assert alert["source"] == "red_checkin" and alert["taken_at"] is None
    assert [(d["worker_name"], d["role"]) for d in tables["red_alert_deliveries"]] == [("Anna", CareRole.COORDINATING)]
    assert data["care_team"] == [
        {"name": "Anna", "role": CareRole.COORDINATING, "since": data["care_team"][0]["since"]}
    ]
    assert data["household"]["id"] == data["person"]["household_id"]
    views = [row for row in data["audit"] if row["action"] == "view"]
    assert views and views[0]["actor_name"] == "Anna" and views[0]["about_you"]
    assert all(set(row) >= {"at", "action"} for row in data["audit"])
    for secret in (*SECRETS, PHONE):
        assert secret in text
    assert OTHER_NAME not in text and OTHER_SECRET not in text and str(OTHER) not in text
    async with svc.unit() as session:
        exported = (await session.execute(select(AuditEntry).where(AuditEntry.action == "data.exported"))).scalar_one()
        me = (await session.execute(select(Person).where(Person.telegram_id == CLIENT))).scalar_one()
    assert exported.actor == me.pseudonym


async def test_the_export_is_only_for_clients(svc):
    await onboard_staff(svc, WORKER, "Anna")
    with pytest.raises(NotAllowed):
        await gdpr.export_data(svc, WORKER)
    with pytest.raises(NotFound):
        await gdpr.export_data(svc, 12345)


async def test_the_export_pdf_is_readable_and_survives_odd_text(svc):
    await seed(svc)
    await tools.update_draft(svc, CLIENT, Tool.CARD, {"what_helps": ["🐶🌈 zon " + "x" * 900, "中文 ✅ \x00 ok"]}, 1)
    data = await gdpr.export_data(svc, CLIENT)
    for locale in ("nl", "en"):
        pdf = export_pdf(data, translator(locale))
        assert pdf.startswith(b"%PDF") and len(pdf) > 2000


async def test_the_export_pdf_shows_crisis_signals_and_alerts_in_plain_words(svc):
    await seed(svc)
    data = await gdpr.export_data(svc, CLIENT)
    text = " ".join(page_texts(export_pdf(data, translator("nl")))).replace("\n", " ")
    assert "Als het niet goed ging" in text
    assert "gedachten aan zelfmoord" in text and "je koos rood" in text and "Anna (begeleider)" in text
    assert "schreef woorden die kunnen wijzen op een" in text  # (a page may end before "crisis")


# ---- deletion ----------------------------------------------------------------------------------------


async def test_deletion_happens_after_seven_days_and_not_before(svc, clock):
    await seed(svc)
    due = await gdpr.request_deletion(svc, CLIENT)
    assert due == clock.now() + timedelta(days=7)
    assert await gdpr.request_deletion(svc, CLIENT) == due  # asking again does not move the date
    assert await gdpr.deletion_due(svc, CLIENT) == due
    clock.advance(days=6, hours=23)
    assert await gdpr.purge_due(svc) == 0
    assert await people.whoami(svc, CLIENT) is not None
    clock.advance(hours=1)
    forgotten = []
    assert await gdpr.purge_due(svc, forget=forgotten.append) == 1
    assert forgotten == [CLIENT]
    assert await people.whoami(svc, CLIENT) is None
    assert await people.whoami(svc, OTHER) is not None
    assert await gdpr.purge_due(svc) == 0


async def test_a_deletion_can_be_undone(svc, clock):
    await seed(svc)
    await gdpr.request_deletion(svc, CLIENT)
    clock.advance(days=3)
    assert await gdpr.cancel_deletion(svc, CLIENT) is True
    assert await gdpr.cancel_deletion(svc, CLIENT) is False
    assert await gdpr.deletion_due(svc, CLIENT) is None
    clock.advance(days=30)
    assert await gdpr.purge_due(svc) == 0
    assert (await people.whoami(svc, CLIENT)).name == NAME
    async with svc.unit() as session:
        actions = list((await session.execute(select(AuditEntry.action).order_by(AuditEntry.id))).scalars())
    assert "deletion.requested" in actions and "deletion.cancelled" in actions


async def test_only_a_client_asks_for_deletion(svc):
    await onboard_staff(svc, WORKER, "Anna")
    with pytest.raises(NotAllowed):
        await gdpr.request_deletion(svc, WORKER)


async def test_after_the_purge_no_table_holds_anything_of_the_client(svc, clock):
    await seed(svc)
    needles = (NAME, str(CLIENT), PHONE, PHONE.replace(" ", ""), "87654321", *SECRETS)
    before = await raw_dump(svc)
    found = {table for table, _ in hits(before, needles)}
    # The seed reaches every kind of place the client's data can be (so the scan below means something). The
    # outbox is not among them: messages about the client, the red alert included, refer and hold no words.
    assert {"people", "tool_versions", "tool_drafts", "user_data", "conversation_states",
            "invite_attempts"} <= found
    assert "outbox" not in found
    async with svc.unit() as session:
        me = (await session.execute(select(Person).where(Person.telegram_id == CLIENT))).scalar_one()
        household_id, pseudonym = me.household_id, me.pseudonym
        # The consent notice to Anna went out already; the alert about the red check-in is still waiting.
        await session.execute(
            sa.update(OutboxMessage).where(OutboxMessage.kind == "consent").values(sent_at=clock.now())
        )
        await session.commit()

    await gdpr.request_deletion(svc, CLIENT)
    clock.advance(days=7)
    assert await gdpr.purge_due(svc) == 1

    after = await raw_dump(svc)
    assert hits(after, needles) == set(), "the deleted client is still somewhere in the database"
    assert hits(after, (OTHER_NAME, OTHER_SECRET, str(OTHER))) == hits(before, (OTHER_NAME, OTHER_SECRET, str(OTHER)))
    async with svc.unit() as session:
        assert await session.get(Household, household_id) is None  # nobody left in it
        assert (await session.execute(select(func.count()).select_from(PhaseCheckin))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(Consent))).scalar_one() == 0
        for model in (CrisisSignal, RedAlert, RedAlertDelivery):
            assert (await session.execute(select(func.count()).select_from(model))).scalar_one() == 0
        # Bram's card and Anna stay.
        assert (await session.execute(select(func.count()).select_from(ToolVersion))).scalar_one() == 1
        anna = (await session.execute(select(Person).where(Person.telegram_id == WORKER))).scalar_one()
        notices = list(
            (await session.execute(select(OutboxMessage).where(OutboxMessage.person_id == anna.id))).scalars()
        )
        assert notices == []  # messages about her went with her account, sent or not
        trail = list((await session.execute(select(AuditEntry))).scalars())
    # The trail stays, naming pseudonyms only.
    assert any(e.subject == pseudonym and e.action == "deletion.done" and e.actor is None for e in trail)
    assert sum(e.subject == pseudonym or e.actor == pseudonym for e in trail) > 3
    assert all(value is None or re.fullmatch(r"[0-9a-f]{16}", value) for e in trail for value in (e.actor, e.subject))


async def test_a_self_managing_client_is_deleted_with_their_household(svc, clock):
    await people.start_as_client(svc, telegram_id=CLIENT, chat_id=CLIENT, locale="nl")
    await people.set_name(svc, CLIENT, NAME)
    await gdpr.request_deletion(svc, CLIENT)
    clock.advance(days=8)
    assert await gdpr.purge_due(svc) == 1
    async with svc.unit() as session:
        assert (await session.execute(select(func.count()).select_from(Household))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(Person))).scalar_one() == 0


# ---- a worker leaves ---------------------------------------------------------------------------------


async def _place(svc, telegram_id):
    async with svc.unit() as session:
        worker = (await session.execute(select(Person).where(Person.telegram_id == telegram_id))).scalar_one()
        return list(
            (await session.execute(select(CareTeamMember).where(CareTeamMember.worker_id == worker.id))).scalars()
        )


async def test_a_leaving_worker_hands_households_to_the_backup(svc, clock):
    await seed(svc)
    await onboard_staff(svc, 901, "Bob")
    [marieke_place] = [p for p in await _place(svc, WORKER) if p.household_id == (await _household(svc, CLIENT))]
    await team.add_to_team(svc, by_telegram_id=WORKER, household_id=marieke_place.household_id,
                           worker_telegram_id=901, role=CareRole.BACKUP)
    open_invite = await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=WORKER)
    versions_before = await _count(svc, ToolVersion)

    changed = await staff.deactivate_worker(svc, WORKER)

    assert marieke_place.household_id in changed and await _household(svc, OTHER) in changed
    assert await _place(svc, WORKER) == []
    [bob_place] = await _place(svc, 901)
    assert bob_place.role == CareRole.COORDINATING and bob_place.household_id == marieke_place.household_id
    async with svc.unit() as session:
        anna = (await session.execute(select(Person).where(Person.telegram_id == WORKER))).scalar_one()
        actions = set((await session.execute(select(AuditEntry.action))).scalars())
    assert not anna.active and anna.deactivated_at == clock.now()
    assert {"worker.deactivated", "care_team.handover", "care_team.vacant"} <= actions
    assert await _count(svc, ToolVersion) == versions_before  # history stays
    assert await people.whoami(svc, WORKER) is None  # the worker no longer gets in
    used = await invites.redeem_invite(svc, code=open_invite.code, telegram_id=42, chat_id=42, locale="nl")
    assert used.outcome == "expired"


async def test_without_a_backup_every_admin_is_asked_once(svc):
    await seed(svc)
    await onboard_staff(svc, 800, "Ada", Role.ADMIN)
    await onboard_staff(svc, 801, "Ed", Role.ADMIN)
    changed = await staff.deactivate_worker(svc, WORKER)
    assert len(changed) == 2
    assert await staff.deactivate_worker(svc, WORKER) == []  # again: nothing more to do, nothing sent twice
    async with svc.unit() as session:
        messages = list((await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "staff"))).scalars())
        coordinating = (await session.execute(
            select(func.count()).select_from(CareTeamMember).where(CareTeamMember.role == CareRole.COORDINATING)
        )).scalar_one()
        admins = {p.id for p in (await session.execute(select(Person).where(Person.role == Role.ADMIN))).scalars()}
    assert coordinating == 0
    assert len(messages) == 4 and {m.person_id for m in messages} == admins
    async with svc.unit() as session:
        texts = [(await outbox.render_row(svc, session, m))["text"] for m in messages]  # written when sent
    assert {str(h) for h in changed} == {re.search(r"\d+", text).group() for text in texts}


async def test_only_workers_are_deactivated(svc):
    await seed(svc)
    with pytest.raises(NotFound):
        await staff.deactivate_worker(svc, CLIENT)
    with pytest.raises(NotAllowed):
        await staff.deactivate_worker(svc, WORKER, by_telegram_id=CLIENT)


async def test_the_command_line_deactivates_a_worker(svc, settings, monkeypatch):
    from bot.cli import app

    await seed(svc)
    monkeypatch.setenv("HOUVAST_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HOUVAST_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    result = await asyncio.to_thread(runner.invoke, app, ["deactivate-worker", str(WORKER)])
    assert result.exit_code == 0, result.output
    assert "Households changed" in result.output
    result = await asyncio.to_thread(runner.invoke, app, ["deactivate-worker", "424242"])
    assert result.exit_code == 1 and "No worker" in result.output and "Traceback" not in result.output


async def _household(svc, telegram_id):
    async with svc.unit() as session:
        return (
            await session.execute(select(Person.household_id).where(Person.telegram_id == telegram_id))
        ).scalar_one()


async def _count(svc, model):
    async with svc.unit() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_rows_that_hang_below_the_clients_rows_are_exported_and_purged(svc, clock):
    """Goal check-ins point at a goal, not at the client: the walk follows CASCADE chains down."""
    goals = pytest.importorskip("bot.services.goals")
    from bot.domain.goals import Domain

    await seed(svc)
    note, title = "Ik heb de huisbaas gebeld", "Een eigen kamer vinden"
    goal = await goals.create_goal(svc, CLIENT, domain=Domain.WONEN, title=title, step="Bellen")
    checkin_id = await goals.open_checkin(svc, CLIENT, goal.id)
    await goals.add_note(svc, CLIENT, checkin_id, text=note)
    exported = await gdpr.export_data(svc, CLIENT)
    data = json.dumps(exported, ensure_ascii=False)
    assert title in data and note in data
    assert export_pdf(exported, translator("nl")).startswith(b"%PDF")
    other = await goals.create_goal(svc, OTHER, domain=Domain.WONEN, title=OTHER_SECRET)
    await goals.add_note(svc, OTHER, await goals.open_checkin(svc, OTHER, other.id), text="notitie van Bram")
    assert "notitie van Bram" not in json.dumps(await gdpr.export_data(svc, CLIENT), ensure_ascii=False)

    await gdpr.request_deletion(svc, CLIENT)
    clock.advance(days=7)
    assert await gdpr.purge_due(svc) == 1
    dump = await raw_dump(svc)
    assert hits(dump, (note, title, "Bellen")) == set()
    assert hits(dump, ("notitie van Bram",))  # Bram's goal stays
