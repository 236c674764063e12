"""The safety net through the chat: crisis language answered even in a flood, the right help per kind, the rood
alert that reaches someone who is there, "Ik pak het op", the procesregisseur after 30 minutes, the self-scan 1,
and odd input that never costs the client their place in a form."""
import json
import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot import outbox
from bot.config import Settings
from bot.db.models import Person, ToolDraft
from bot.domain.consent import Scope
from bot.domain.crisis import CrisisKind
from bot.domain.forms import Tool
from bot.domain.ratelimit import TokenBucket
from bot.domain.roles import CareRole, Role
from bot.scheduler import tick
from bot.services import consent, invites, nudges, people, team, tools
from conversations import safety as safety_flow

ANNA, BRAM, CARLA, DIRK, SAM = 900, 901, 903, 904, 501
MONDAY_10 = datetime(2026, 4, 13, 8, 0, tzinfo=UTC)  # Monday 13 April 2026, 10:00 in Amsterdam: working time
FULL = "Goed dat je het zegt"  # the first line of the full safety message
SHORT = "📞 113 of 0800-0113 · 🚨 In gevaar: 112"
BRUSH_OFF = "begrijp ik niet"
OFFER = ["🌱 Wat kan ik nu doen?", "📞 Wie kan ik bellen?", "💛 Mijn hoopbox", "📣 Noodbericht sturen", "🏠 Menu"]


def default_bucket() -> TokenBucket:
    """The flood limit as it is in production (the test settings switch it off)."""
    fields = Settings.model_fields
    return TokenBucket(fields["rate_limit_per_minute"].default, fields["rate_limit_burst"].default)


async def worker(svc, telegram_id, name):
    code = (await invites.create_invite(svc, role=Role.WORKER)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)


async def share_alerts(harness, *viewers):
    """Sam shares "berichten bij oranje en rood" with these workers; their consent notices go out at once."""
    svc = harness.services
    for viewer in viewers:
        async with svc.unit() as session:
            viewer_id = (await session.execute(select(Person.id).where(Person.telegram_id == viewer))).scalar_one()
        await consent.set_consent(svc, client_telegram_id=SAM, viewer_id=viewer_id, scope=Scope.ALERTS, granted=True)
    await outbox.deliver_due(svc, harness.app.bot)


@pytest.fixture
async def people_(chat, harness, clock):
    """Sam (client, with a crisis card contact), Anna (coordinating), Bram (backup), Carla (procesregisseur),
    Dirk (a worker outside the team). Nobody shares anything yet."""
    svc = harness.services
    clock.current = MONDAY_10
    for telegram_id, name in ((ANNA, "Anna"), (BRAM, "Bram"), (CARLA, "Carla"), (DIRK, "Dirk")):
        await worker(svc, telegram_id, name)
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=ANNA)).code
    await invites.redeem_invite(svc, code=code, telegram_id=SAM, chat_id=SAM, locale="nl")
    await people.set_name(svc, SAM, "Sam")
    await people.finish_onboarding(svc, SAM)
    household = await team.household_of(svc, SAM)
    for telegram_id, role in ((BRAM, CareRole.BACKUP), (CARLA, CareRole.PROCESREGISSEUR)):
        await team.add_to_team(svc, by_telegram_id=ANNA, household_id=household, worker_telegram_id=telegram_id,
                               role=role)
    await tools.update_draft(svc, SAM, Tool.CARD, {"contacts": [{"name": "Mam", "relation": "moeder",
                                                                 "phone": "0612345678"}]}, 3)
    await tools.save_version(svc, SAM, Tool.CARD, finished=True)
    chats = {name: chat(tid, name.capitalize()) for tid, name in
             ((SAM, "sam"), (ANNA, "anna"), (BRAM, "bram"), (CARLA, "carla"), (DIRK, "dirk"))}
    await tick(svc, harness.app)  # the consent notices of the set-up, out of the way
    return chats


def no_errors(caplog) -> bool:
    return not [r for r in caplog.records if r.name == "houvast.errors" and r.levelno >= logging.ERROR]


# --- never silent ---------------------------------------------------------------------------------------


async def test_forty_messages_then_crisis_language_still_brings_the_safety_message(people_, harness):
    sam, anna = people_["sam"], people_["anna"]
    await share_alerts(harness, ANNA)
    harness.app.bot_data["rate_window"] = default_bucket()
    answers = []
    for _ in range(40):  # on a frozen clock: forty messages in no time at all
        answers += await sam.send("hoi")
    assert sum("veel berichten" in m.text for m in answers) == 1  # the flood limit did stop the flood
    assert len(answers) < 40
    before = len(anna.messages())
    replies = await sam.send("ik wil dood")
    assert FULL in replies[0].text and "113" in replies[0].text and "112" in replies[0].text
    assert "Mam, moeder, 0612345678" in replies[0].text  # the client's own contact first
    assert "Ik heb het Anna laten weten." in replies[0].text
    [alert] = anna.messages()[before:]
    assert "Sam schreef iets wat kan wijzen op een crisis" in alert.text and "dood" not in alert.text


async def test_someone_who_keeps_typing_gets_the_full_message_every_few_minutes_and_a_short_line_between(
    people_, harness, clock
):
    sam, anna = people_["sam"], people_["anna"]
    await share_alerts(harness, ANNA)
    replies = await sam.send("ik wil dood")
    assert FULL in replies[0].text
    for _ in range(3):
        clock.advance(seconds=30)
        replies = await sam.send("ik wil echt dood")
        assert replies[0].text == SHORT  # never nothing...
        assert not any(BRUSH_OFF in r.text for r in replies)  # ...and never a brush-off
    clock.advance(minutes=5)
    replies = await sam.send("ik wil dood")
    assert FULL in replies[0].text
    assert len([m for m in anna.messages() if "crisis" in m.text]) == 1  # one alert for the whole episode


async def test_captions_of_photos_and_documents_and_edited_messages_are_checked(people_, harness, clock, api):
    sam = people_["sam"]
    replies = await sam._feed(api.send_photo(SAM, caption="ik wil dood"))
    assert FULL in replies[0].text and not any(BRUSH_OFF in r.text for r in replies)
    clock.advance(minutes=5)
    replies = await sam._feed(api.send_document(SAM, "brief.pdf", caption="hij slaat me"))
    assert "Veilig Thuis" in replies[0].text
    clock.advance(minutes=5)
    mine = api.send_text(SAM, "hoi")
    await api.process(harness.app, mine)
    replies = await sam._feed(api.edit_user_message(SAM, mine["message"]["message_id"], "ik snij mezelf"))
    assert "113.nl" in replies[0].text and "Ben je ernstig gewond" in replies[0].text


async def test_outside_a_flow_there_is_no_brush_off_but_the_menu_is_offered_gently(people_):
    sam = people_["sam"]
    replies = await sam.send("ik wil niet meer leven")
    assert FULL in replies[0].text
    assert not any(BRUSH_OFF in r.text for r in replies)
    # What the client can do now, one tap each, with the menu: no other line after it (conversations/safetyplan).
    assert "Wat wil je nu doen" in replies[-1].text and sam.buttons() == OFFER


async def test_someone_without_an_account_gets_the_general_help_and_a_worker_gets_none(people_, chat):
    replies = await chat(777, "Nieuw").send("ik wil dood")
    assert FULL in replies[0].text and "113" in replies[0].text and "/start" in replies[-1].text
    replies = await people_["anna"].send("ik wil dood")  # a worker writing about a client
    assert not any(FULL in r.text or "113" in r.text for r in replies)


# --- the right help per kind ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("ik wil dood", CrisisKind.SUICIDE,
         ["113 Zelfmoordpreventie", "0800-0113", "113.nl", "Ben je nu in gevaar? Bel 112."]),
        ("ik heb me net weer gesneden", CrisisKind.SELF_HARM,
         ["0800-0113", "113.nl", "Ben je ernstig gewond, of nu in gevaar? Bel 112."]),
        ("ik heb net 30 pillen genomen", CrisisKind.ACUTE_DANGER, ["🚨 Bel nu 112.", "0800-0113"]),
        ("mijn vriend slaat me elke avond", CrisisKind.DANGER_FROM_OTHERS,
         ["Gebeurt het nu? Bel 112.", "Veilig Thuis: 0800-2000", "wissen"]),
        ("ik sta op ontploffen, straks sla ik iemand", CrisisKind.HARM_TO_OTHERS,
         ["Gaat het bijna gebeuren? Bel 112.", "Praat er zo snel mogelijk over met Anna."]),
    ],
)
async def test_each_kind_gets_its_own_help_after_the_clients_own_contacts(people_, text, kind, expected):
    hit = safety_flow.detect(text)
    assert hit is not None and hit.kind == kind  # the real detector, not a stand-in
    replies = await people_["sam"].send(text)
    text = replies[0].text
    for part in expected:
        assert part in text
    positions = [text.index(part) for part in expected]
    assert positions == sorted(positions)  # in this order: the most urgent first
    assert text.index("Mam") < positions[0]  # the client's own contacts before the public numbers


# --- the rood alert reaches someone who is there ----------------------------------------------------------


async def test_a_red_check_in_while_the_coordinating_worker_is_away_reaches_the_backup_and_the_client_hears_so(
    people_, harness
):
    sam, anna, bram = people_["sam"], people_["anna"], people_["bram"]
    await share_alerts(harness, ANNA, BRAM)
    replies = await anna.send("/afwezig 13-4-2026 17-4-2026")
    assert "13 april" in replies[-1].text
    before_anna, before_bram = len(anna.messages()), len(bram.messages())
    await sam.send("/menu")
    await sam.press("Hoe gaat het met mij")
    replies = await sam.press("Crisis")
    assert FULL in replies[0].text
    assert "Ik heb het Bram laten weten." in replies[-2].text and "Anna is er nu niet." in replies[-2].text
    assert "Ik heb het Anna" not in replies[-2].text and sam.buttons() == OFFER
    assert anna.messages()[before_anna:] == []
    [alert] = bram.messages()[before_bram:]
    assert "Sam koos vandaag rood" in alert.text and "🙋 Ik pak het op" in bram.api.buttons(alert)


async def test_at_night_the_alert_goes_at_once_and_the_client_hears_nobody_reads_it_before_the_morning(
    people_, harness, clock
):
    sam, anna = people_["sam"], people_["anna"]
    await share_alerts(harness, ANNA)
    clock.current = datetime(2026, 4, 17, 21, 30, tzinfo=UTC)  # Friday 23:30
    before = len(anna.messages())
    replies = await sam.send("ik wil niet meer leven")
    text = replies[0].text
    assert "Ik heb het Anna laten weten." in text
    assert "buiten werktijd" in text and "maandag 20 april om 09:00" in text
    assert "Bel 113 of 0800-0113" in text.split("buiten werktijd")[1] and "112" in text.split("buiten werktijd")[1]
    assert len(anna.messages()[before:]) == 1  # red does not wait for the morning


async def test_an_alert_nobody_picks_up_reaches_the_procesregisseur_after_30_minutes_without_content(
    people_, harness, clock
):
    sam, anna, bram, carla = people_["sam"], people_["anna"], people_["bram"], people_["carla"]
    svc = harness.services
    await share_alerts(harness, ANNA, BRAM)
    await sam.send("ik wil dood")
    clock.advance(minutes=29)
    await tick(svc, harness.app)
    assert carla.messages() == []
    clock.advance(minutes=1)
    await tick(svc, harness.app)
    [escalation] = carla.messages()
    assert escalation.text.startswith("🔴 Sam heeft nu iemand nodig.") and "Anna en Bram" in escalation.text
    for content in ("crisis", "rood", "dood", "zelfmoord", "zelfscan", "schreef"):
        assert content not in escalation.text.lower()
    assert "🙋 Ik pak het op" in carla.api.buttons(escalation)
    await tick(svc, harness.app)
    assert len(carla.messages()) == 1  # once

    before_sam, before_anna = len(sam.messages()), len(anna.messages())
    replies = await carla.press("Ik pak het op")
    assert "Sam hoort dat jij contact opneemt" in replies[-1].text
    assert [m.text for m in sam.messages()[before_sam:]] == [
        "Carla heeft je bericht gezien en neemt contact met je op."
    ]
    assert [m.text for m in anna.messages()[before_anna:]] == ["✅ Carla pakt het bericht over Sam op."]
    replies = await bram.press("Ik pak het op")  # later, on Bram's own copy
    assert replies[-1].text == "Carla heeft dit al opgepakt."


async def test_after_a_handover_nobody_may_be_told_so_the_client_hears_exactly_that_and_may_say_yes(
    people_, harness
):
    sam, dirk = people_["sam"], people_["dirk"]
    svc = harness.services
    await share_alerts(harness, ANNA)  # Anna is no longer the coordinating worker after the handover
    await nudges.handover(svc, household_id=await team.household_of(svc, SAM), to_worker_telegram_id=DIRK,
                          by_telegram_id=None)
    before_anna = len(people_["anna"].messages())
    await sam.send("/menu")
    await sam.press("Hoe gaat het met mij")
    replies = await sam.press("Crisis")
    text = replies[-2].text  # then the offer of what to do now
    assert "Ik heb niemand iets laten weten." in text and "113" in text and "112" in text
    assert "Wil je dat Dirk weet dat het nu niet goed gaat?" in text
    assert sam.api.buttons(replies[-2]) == ["✅ Ja, laat Dirk het weten", "Nee"] and sam.buttons() == OFFER
    await tick(svc, harness.app)
    assert dirk.messages() == [] and people_["anna"].messages()[before_anna:] == []
    replies = await sam.press("Ja, laat Dirk het weten")
    assert "Ik heb het Dirk laten weten." in replies[-1].text
    [alert] = dirk.messages()
    assert "Sam wil dat je weet dat het nu niet goed gaat" in alert.text


async def test_crisis_language_without_consent_asks_once_and_no_tells_nobody(people_, harness, clock):
    sam, anna = people_["sam"], people_["anna"]
    replies = await sam.send("ik wil dood")
    assert "Wil je dat Anna weet dat het nu niet goed gaat?" in replies[0].text
    clock.advance(minutes=6)
    replies = await sam.send("ik wil dood")  # a new full message, but the question only once
    assert FULL in replies[0].text and "Wil je dat" not in replies[0].text
    replies = await sam.press("Nee")
    assert "Ik heb niemand iets laten weten." in replies[-1].text
    assert anna.messages() == []


# --- the self-scan -------------------------------------------------------------------------------------


async def test_a_self_scan_answer_of_1_gets_the_help_path_and_the_scan_goes_on(people_, harness):
    sam, anna = people_["sam"], people_["anna"]
    await share_alerts(harness, ANNA)
    await sam.send("/scan")
    await sam.press("Nee")  # no children
    replies = await sam.press("1 · Het gaat heel slecht")
    help_, question = replies[0].text, replies[-1].text
    assert FULL in help_ and "Mam" in help_ and "113" in help_ and "112" in help_
    assert "Ik heb het Anna laten weten." in help_
    assert "Deel 2 van 6" in question
    [alert] = anna.messages()[-1:]
    assert "Sam koos in de zelfscan" in alert.text
    replies = await sam.press("1 · Het gaat heel slecht")  # a second 1 in the same scan: no second help message
    assert len(replies) == 1 and "Deel 3 van 6" in replies[0].text


# --- bad input costs nothing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "😭😭😭🙏",
        "ik wil dood " * 341,  # 4,092 characters
        "x" * 4096,
        "I want to die, ik kan echt niet meer",
        "ikwilnietmeerleven" * 20,
        "<b>ik</b> wil <i>dood</i> &amp; <script>alert(1)</script>",
        "photo",  # a photo without a caption
    ],
)
async def test_odd_input_in_a_form_is_checked_without_error_and_the_form_keeps_its_place(people_, caplog, api, bad):
    sam = people_["sam"]
    await sam.send("/menu")
    await sam.press("Mijn signaleringsplan")
    await sam.press("Invullen")
    await sam.send("wandelen")
    if bad == "photo":
        await sam._feed(api.send_photo(SAM))
    else:
        await sam.send(bad)
    replies = await sam.send("muziek luisteren")
    text = "\n".join(reply.text or "" for reply in replies)  # a long answer shows in parts
    assert "stap 1 van 18" in text and "wandelen" in text and "Opgeslagen" in text
    if len(bad) < 3000:  # after an answer of 4,000 characters the step shows only the first part of its answers
        assert "muziek luisteren" in text
    assert no_errors(caplog)


async def test_tapping_through_a_form_at_one_input_a_second_for_three_minutes_loses_nothing(
    people_, harness, clock, api
):
    sam = people_["sam"]
    harness.app.bot_data["rate_window"] = default_bucket()
    await sam.send("/menu")
    await sam.press("Mijn signaleringsplan")
    await sam.press("Invullen")
    answered = len(api.callback_answers)
    seen = []
    typed = 0
    for _round in range(2):
        for _step in range(17):  # type an answer, on, back, on: four inputs a step
            for action in ("type", "Verder", "Terug", "Verder"):
                clock.advance(seconds=1)
                if action == "type":
                    typed += 1
                    seen += await sam.send(f"punt {typed}")
                else:
                    seen += await sam.press(action)
        for _ in range(17):
            clock.advance(seconds=1)
            seen += await sam.press("Terug")
    assert not any("veel berichten" in m.text or "Te snel" in m.text for m in seen)
    assert all(not answer.get("text") for answer in api.callback_answers[answered:])
    async with harness.services.unit() as session:
        draft = (await session.execute(select(ToolDraft).where(ToolDraft.kind == Tool.PLAN))).scalar_one()
    saved = json.dumps(json.loads(draft.content), ensure_ascii=False)
    assert all(f'"punt {n}"' in saved for n in range(1, typed + 1))  # every answer, none lost
