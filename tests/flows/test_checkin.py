"""Check-in by phase through the chat, with the worker's alert following the client's consent."""
from bot.domain.roles import Role
from bot.scheduler import tick
from bot.services import invites


async def client_and_worker(chat, harness, *, share_alerts: bool):
    anna = chat(900, "Anna")
    await anna.send(f"/start {(await invites.create_invite(harness.services, role=Role.WORKER)).code}")
    await anna.press("Verder")
    await anna.send("Anna")
    replies = await anna.press("Nieuwe cliënt uitnodigen")
    code = replies[-1].text.split("start=")[1].split()[0]
    sam = chat(501, "Sam")
    await sam.send(f"/start {code}")
    await sam.press("Verder")
    await sam.send("Sam")
    await sam.press("20:00")
    if share_alerts:
        await sam.press("berichten bij oranje en rood")
    await sam.press("Klaar")
    return sam, anna


async def test_red_shows_safety_first_and_alerts_the_worker_with_consent(chat, harness):
    sam, anna = await client_and_worker(chat, harness, share_alerts=True)
    await sam.press("Mijn crisiskaart")
    await sam.press("Invullen")
    await sam.send("Sam de Vries")
    await sam.send("12-03-1990")
    await sam.press("Verder") if "Verder ➡️" in sam.buttons() else await sam.press("Overslaan")
    await sam.send("Rustig praten")  # what helps
    await sam.press("Later verder")
    await sam.send("/menu")
    before = len(anna.messages())
    await sam.press("Hoe gaat het met mij")
    replies = await sam.press("Crisis")
    assert "113" in replies[0].text and "112" in replies[0].text
    assert "Uit je crisiskaart" in replies[1].text and "Rustig praten" in replies[1].text
    assert "Anna" in replies[-2].text
    # Then, one tap each: what now, who to call, the hoopbox, the noodbericht (conversations/safetyplan).
    assert "Wat wil je nu doen" in replies[-1].text
    assert sam.buttons() == [
        "🌱 Wat kan ik nu doen?", "📞 Wie kan ik bellen?", "💛 Mijn hoopbox", "📣 Noodbericht sturen", "🏠 Menu",
    ]
    alerts = anna.messages()[before:]
    assert any("Sam" in m.text and "rood" in m.text for m in alerts)


async def test_without_consent_the_worker_gets_nothing(chat, harness):
    sam, anna = await client_and_worker(chat, harness, share_alerts=False)
    before = len(anna.messages())
    await sam.press("Hoe gaat het met mij")
    await sam.press("Crisis")
    await tick(harness.services, harness.app)
    assert anna.messages()[before:] == []


async def test_orange_asks_first_then_tells_once(chat, harness):
    sam, anna = await client_and_worker(chat, harness, share_alerts=False)
    await sam.press("Hoe gaat het met mij")
    replies = await sam.press("Niet goed")
    assert "📣 Laat Anna het weten" in sam.buttons()
    replies = await sam.press("Laat Anna het weten")
    assert "dit ene bericht" in replies[-1].text
    before = len(anna.messages())
    await sam.press("Ja, stuur het deze keer")
    assert any("oranje" in m.text for m in anna.messages()[before:])


async def test_the_daily_prompt_arrives_and_brings_back_the_plan(chat, harness):
    sam, _ = await client_and_worker(chat, harness, share_alerts=False)
    harness.clock.advance(hours=12)  # past 20:00 local
    await tick(harness.services, harness.app)
    assert "Hoe gaat het vandaag?" in sam.last().text
    replies = await sam.press("Goed")
    assert "nog niets geschreven" in replies[-1].text
    replies = await sam.press_data(sam.last().message_id, "chk:phase:paars")
    assert "werkt niet" in replies[-1].text
    replies = await sam.press("Hoe gaat het met mij")
    replies = await sam.press("Mijn kleuren")
    assert replies[-1].kind == "photo"


async def test_crisis_language_gets_the_safety_message_first_and_the_flow_goes_on(chat, harness):
    sam, _ = await client_and_worker(chat, harness, share_alerts=False)
    await sam.press("Mijn signaleringsplan")
    await sam.press("Invullen")
    replies = await sam.send("ik wil niet meer leven")
    assert "113" in replies[0].text and "112" in replies[0].text
    assert "stap 1 van 18" in replies[-1].text and "ik wil niet meer leven" in replies[-1].text
    replies = await sam.send("ik ga dood van het lachen")
    assert "113" not in replies[0].text


async def test_a_button_is_answered_once_while_the_answer_is_worked_out(chat, harness, api):
    """The opening of every handler answers the press as it reads the person (conversations/handler.py): one
    quiet answer per press, also when the press is refused, and the reply still comes."""
    sam, anna = await client_and_worker(chat, harness, share_alerts=False)
    harness.clock.advance(hours=12)
    await tick(harness.services, harness.app)
    before = len(api.callback_answers)
    replies = await sam.press("Goed")
    assert "nog niets geschreven" in replies[-1].text
    assert len(api.callback_answers) == before + 1 and not api.callback_answers[-1].get("text")
    replies = await anna.press_data(anna.last().message_id, "chk:phase:groen")  # a worker: not her button
    assert replies and len(api.callback_answers) == before + 2
