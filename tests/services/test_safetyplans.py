"""The safety plans' services: answers offered from the client's own plans, the hoopbox within its limits and
behind consent, the noodbericht (who gets it from Houvast, never while someone in the household has a thuisplan,
at most once a minute, checked again when it goes), all of it in the client's data and gone with the account."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot import outbox
from bot.db.models import AuditEntry, EmergencySend, HopeItem, OutboxMessage, TrustedPerson
from bot.domain.consent import Scope
from bot.domain.forms import Tool
from bot.domain.roles import Role
from bot.domain.safetyplans import MAX_HOPE_ITEMS, HopeKind, HopeRefusal, Route
from bot.services import consent, gdpr, invites, people, safetyplans, team, tools
from bot.services.base import NotAllowed, NotFound

ANNA, SAM, MO, KIM = 900, 501, 502, 601


async def joined(svc, telegram_id, name, role, *, by=None, household_id=None):
    created = await invites.create_invite(svc, role=role, by_telegram_id=by, household_id=household_id)
    await invites.redeem_invite(svc, code=created.code, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)
    return (await people.whoami(svc, telegram_id)).id


@pytest.fixture
async def home(svc):
    """Anna (worker) with Sam and Mo in one household; Kim on her own."""
    ids = {"anna": await joined(svc, ANNA, "Anna", Role.WORKER)}
    ids["sam"] = await joined(svc, SAM, "Sam de Vries", Role.CLIENT, by=ANNA)
    ids["mo"] = await joined(svc, MO, "Mo", Role.CLIENT, by=ANNA, household_id=await team.household_of(svc, SAM))
    await people.start_as_client(svc, telegram_id=KIM, chat_id=KIM, locale="nl")
    ids["kim"] = (await people.whoami(svc, KIM)).id
    return ids


async def saved(svc, telegram_id, tool, doc):
    await tools.update_draft(svc, telegram_id, tool, doc, 0)
    await tools.save_version(svc, telegram_id, tool, finished=True)


async def test_answers_are_offered_from_the_clients_own_plans(svc, home):
    await saved(svc, SAM, Tool.PLAN, {"oranje": {"signs_self": ["Ik open mijn post niet"], "what_i_do": ["Bellen"]},
                                      "rood": {"signs_others": ["Ik lig in bed"],
                                               "contacts": [{"name": "Mam", "phone": "06 12345678"}]}})
    await saved(svc, SAM, Tool.CARD, {"what_helps": ["Een rustige stem"],
                                      "contacts": [{"name": "Mam", "phone": "06 12345678", "relation": None},
                                                   {"name": "Kees", "phone": None, "relation": "buurman"}],
                                      "care_providers": [{"name": "Dr. Jansen", "phone": "020 1234567",
                                                          "relation": "huisarts"}]})
    signs = await safetyplans.offers(svc, SAM, "plan_signs")
    assert [o.value for o in signs] == ["Ik open mijn post niet", "Ik lig in bed"]
    coping = await safetyplans.offers(svc, SAM, "own_coping")
    assert [o.value for o in coping] == ["Bellen", "Een rustige stem"]
    people_ = await safetyplans.offers(svc, SAM, "card_contacts")
    assert [o.label for o in people_] == ["Mam, 06 12345678", "Kees, buurman"]  # Mam once, from both plans
    assert people_[0].value == {"name": "Mam", "phone": "06 12345678", "relation": None}
    care = [o.label for o in await safetyplans.offers(svc, SAM, "care")]
    assert care[:2] == ["Anna, mijn begeleider", "Dr. Jansen, huisarts, 020 1234567"]
    assert any("113" in label and "0800-0113" in label for label in care) and any("112" in label for label in care)
    assert await safetyplans.offers(svc, KIM, "plan_signs") == ()  # nothing filled in: nothing offered
    with pytest.raises(NotAllowed):
        await safetyplans.offers(svc, ANNA, "plan_signs")


async def test_the_hoopbox_keeps_what_fits_and_refuses_the_rest_with_a_reason(svc, home):
    added = await safetyplans.add_hope(svc, SAM, HopeKind.PHOTO, text="Strand", file_id="F1", file_unique_id="U1",
                                       size=300_000)
    assert added.refusal is None and added.count == 1
    again = await safetyplans.add_hope(svc, SAM, HopeKind.PHOTO, file_id="F1b", file_unique_id="U1", size=300_000)
    assert again.refusal == HopeRefusal.DUPLICATE  # the same photo twice is one item
    big = await safetyplans.add_hope(svc, SAM, HopeKind.VOICE, file_id="V", file_unique_id="UV", size=25_000_000)
    assert big.refusal == HopeRefusal.TOO_BIG
    assert (await safetyplans.add_hope(svc, SAM, HopeKind.TEXT, text="   ")).refusal == HopeRefusal.EMPTY
    for i in range(MAX_HOPE_ITEMS - 1):
        await safetyplans.add_hope(svc, SAM, HopeKind.TEXT, text=f"tekst {i}")
    full = await safetyplans.add_hope(svc, SAM, HopeKind.LINK, text="https://x.nl")
    assert full.refusal == HopeRefusal.FULL and full.count == MAX_HOPE_ITEMS
    box = await safetyplans.hope_box(svc, SAM)
    assert len(box.items) == MAX_HOPE_ITEMS and box.items[0].kind == HopeKind.PHOTO
    async with svc.unit() as session:  # encrypted like other free content: the column type does it
        row = (await session.execute(select(HopeItem).limit(1))).scalar_one()
        assert row.text == "Strand"
    assert await safetyplans.remove_hope(svc, SAM, box.items[0].id) == MAX_HOPE_ITEMS - 1
    with pytest.raises(NotFound):
        await safetyplans.remove_hope(svc, SAM, box.items[0].id)  # a double tap
    with pytest.raises(NotAllowed):
        await safetyplans.remove_hope(svc, MO, box.items[1].id)  # someone else's


async def test_nobody_sees_the_hoopbox_unless_the_client_shares_it(svc, home):
    await safetyplans.add_hope(svc, SAM, HopeKind.TEXT, text="Mijn dochter lacht")
    with pytest.raises(NotAllowed):
        await safetyplans.hope_box(svc, ANNA, home["sam"])
    await consent.set_consent(svc, client_telegram_id=SAM, viewer_id=home["anna"], scope=Scope.HOPE_BOX, granted=True)
    assert [i.text for i in (await safetyplans.hope_box(svc, ANNA, home["sam"])).items] == ["Mijn dochter lacht"]
    with pytest.raises(NotAllowed):  # a household member cannot even be given it
        await consent.set_consent(svc, client_telegram_id=SAM, viewer_id=home["mo"], scope=Scope.HOPE_BOX,
                                  granted=True)
    async with svc.unit() as session:
        looks = (await session.execute(select(AuditEntry.outcome).where(
            AuditEntry.action == "view", AuditEntry.scope == "hoopbox"))).scalars().all()
    assert looks == ["denied", "ok"]


async def test_a_household_member_in_houvast_gets_the_noodbericht_from_the_bot_when_the_client_agreed(svc, home):
    await safetyplans.set_sos_text(svc, SAM, "Bel me alsjeblieft")
    await safetyplans.add_trusted_member(svc, SAM, home["mo"], consent=True)
    await safetyplans.add_trusted(svc, SAM, name="Fatima", phone="06 11112222")
    status = await safetyplans.send_sos(svc, SAM)
    assert [(line.name, line.route, line.state) for line in status.lines] == [
        ("Mo", Route.HOUVAST, "waiting"), ("Fatima", Route.SHARE, "share")]
    assert status.text == "Bel me alsjeblieft" and not status.too_soon
    async with svc.unit() as session:
        row = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "sos"))).scalar_one()
        assert row.payload is None and row.ref == {"send": status.send_id}  # a reference, not the words
        rendered = await outbox.render_row(svc, session, row)
    assert "Sam" in rendered["text"] and "Bel me alsjeblieft" in rendered["text"] and "112" in rendered["text"]
    async with svc.unit() as session:
        actions = (await session.execute(select(AuditEntry.action).where(AuditEntry.action.like("sos.%")))).scalars()
        assert set(actions) == {"sos.consent", "sos.trusted_added", "sos.sent"}


async def test_a_second_press_within_a_minute_sends_nothing_and_shows_the_first(svc, clock, home):
    await safetyplans.add_trusted_member(svc, SAM, home["mo"], consent=True)
    first = await safetyplans.send_sos(svc, SAM)
    clock.advance(seconds=40)
    second = await safetyplans.send_sos(svc, SAM)
    assert second.too_soon and second.send_id == first.send_id and second.next_at == first.at + timedelta(minutes=1)
    async with svc.unit() as session:
        assert (await session.execute(select(func.count()).select_from(EmergencySend))).scalar_one() == 1
        assert (await session.execute(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "sos"))).scalar_one() == 1
    clock.advance(seconds=20)
    assert not (await safetyplans.send_sos(svc, SAM)).too_soon


async def test_never_from_the_bot_while_someone_in_the_household_has_a_thuisplan(svc, home):
    await safetyplans.add_trusted_member(svc, SAM, home["mo"], consent=True)
    await tools.update_draft(svc, MO, Tool.HOME, {"signs": ["Geschreeuw"]}, 0)  # only started: it counts
    status = await safetyplans.send_sos(svc, SAM)
    # Sam reads only that it did not arrive, as when Mo blocked Houvast: never that Mo has a thuisplan.
    assert [(line.route, line.state) for line in status.lines] == [(Route.HOUVAST, "failed")]
    async with svc.unit() as session:
        assert (await session.execute(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "sos"))).scalar_one() == 0


async def test_with_a_thuisplan_of_their_own_the_client_sends_it_themselves(svc, clock, home):
    await safetyplans.add_trusted_member(svc, SAM, home["mo"], consent=True)
    await saved(svc, SAM, Tool.HOME, {"code_word": "paraplu"})
    status = await safetyplans.send_sos(svc, SAM)
    assert [(line.route, line.state) for line in status.lines] == [(Route.SHARE, "share")]


async def test_a_thuisplan_made_after_the_press_withdraws_what_still_waits(svc, clock, home):
    await safetyplans.add_trusted_member(svc, SAM, home["mo"], consent=True)
    status = await safetyplans.send_sos(svc, SAM)
    await saved(svc, SAM, Tool.HOME, {"code_word": "paraplu"})
    async with svc.unit() as session:
        row = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "sos"))).scalar_one()
        assert await outbox.render_row(svc, session, row) is None  # checked again when it goes
    [line] = (await safetyplans.sos_status(svc, SAM, status.send_id)).lines
    assert line.state == "waiting"  # until the outbox tries; then it is withdrawn and says "failed"


async def test_trusted_people_are_at_most_three_and_only_the_clients_own(svc, home):
    for name in ("Fatima", "Kees", "Lotte"):
        await safetyplans.add_trusted(svc, SAM, name=name, phone=None)
    with pytest.raises(safetyplans.Refused, match="full"):
        await safetyplans.add_trusted(svc, SAM, name="Piet", phone=None)
    setup = await safetyplans.sos_setup(svc, SAM)
    assert setup.full and [p.name for p in setup.trusted] == ["Fatima", "Kees", "Lotte"]
    with pytest.raises(NotAllowed):
        await safetyplans.remove_trusted(svc, MO, setup.trusted[0].id)
    with pytest.raises(NotAllowed):  # someone outside the household
        await safetyplans.add_trusted_member(svc, MO, home["kim"], consent=True)
    await safetyplans.remove_trusted(svc, SAM, setup.trusted[0].id)
    assert not (await safetyplans.sos_setup(svc, SAM)).full


async def test_the_noodbericht_and_the_hoopbox_are_in_the_export_and_gone_with_the_account(svc, clock, home):
    await saved(svc, SAM, Tool.SAFETY, {"reasons": ["Mijn dochter Lisa"]})
    await saved(svc, SAM, Tool.HOME, {"code_word": "paraplu"})
    await safetyplans.add_hope(svc, SAM, HopeKind.TEXT, text="Zon op het water")
    await safetyplans.set_sos_text(svc, SAM, "Bel me alsjeblieft")
    await safetyplans.add_trusted(svc, SAM, name="Fatima", phone="06 11112222")
    await safetyplans.send_sos(svc, SAM)
    data = await gdpr.export_data(svc, SAM)
    tables = data["tables"]
    assert {row["kind"] for row in tables["tool_versions"]} == {"veiligheidsplan", "thuisplan"}
    assert tables["hope_items"][0]["text"] == "Zon op het water"
    assert tables["trusted_people"][0]["name"] == "Fatima" and tables["emergency_settings"][0]["text"]
    assert len(tables["emergency_sends"]) == 1 and tables["emergency_deliveries"][0]["route"] == "share"
    await gdpr.request_deletion(svc, SAM)
    clock.advance(days=7)
    assert await gdpr.purge_due(svc) == 1
    async with svc.unit() as session:
        for model in (HopeItem, TrustedPerson, EmergencySend):
            assert (await session.execute(select(func.count()).select_from(model))).scalar_one() == 0
