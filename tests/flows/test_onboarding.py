"""Onboarding as a new client, worker, peer expert and admin would have it, through the real Application."""
from sqlalchemy import select

from bot.db.models import Person
from bot.domain.roles import Role
from bot.services import invites


async def onboard_client(chat, name="Sam", time_button="20:00"):
    replies = await chat.send("/start")
    assert "112" in replies[-1].text and "113" in replies[-1].text
    await chat.press("Verder")
    await chat.send(name)
    await chat.press(time_button)
    return chat


async def test_a_client_without_invite_starts_on_their_own(chat, harness):
    sam = chat(501, "Sam")
    replies = await sam.send("/start")
    intro = replies[-1].text
    assert "Welkom bij Houvast" in intro
    assert "geen crisisdienst" in intro and "112" in intro and "0800-0113" in intro
    assert "toestemming" in intro  # nothing is shared without consent
    replies = await sam.press("Verder")
    assert "Hoe mag ik je noemen" in replies[-1].text
    replies = await sam.send("Sam")
    assert "Hoe laat" in replies[-1].text
    assert "20:00" in sam.buttons() and "Geen vaste tijd" in sam.buttons()
    replies = await sam.press("20:00")
    assert "Klaar, Sam" in replies[-1].text
    assert "🔗 Mijn begeleider koppelen" in sam.buttons()
    async with harness.services.unit() as session:
        person = (await session.execute(select(Person).where(Person.telegram_id == 501))).scalar_one()
    assert person.role == Role.CLIENT and person.onboarded and person.checkin_time.hour == 20


async def test_a_typed_time_and_a_bad_name_are_handled(chat):
    sam = chat(502, "Sam")
    await sam.send("/start")
    await sam.press("Verder")
    replies = await sam.send("1234")
    assert "Typ een naam met letters" in replies[-1].text
    replies = await sam.send("x" * 5000)
    assert "Typ een naam met letters" in replies[-1].text
    await sam.send("Zoë")
    replies = await sam.send("morgen")
    assert "Die tijd begrijp ik niet" in replies[-1].text
    replies = await sam.send("8.30")
    assert "Klaar, Zoë" in replies[-1].text


async def test_a_worker_onboards_with_an_invite_and_invites_a_client(chat, harness):
    created = await invites.create_invite(harness.services, role=Role.WORKER)
    anna = chat(900, "Anna")
    replies = await anna.send(f"/start {created.code}")
    assert "Je bent begeleider" in replies[-1].text
    await anna.press("Verder")
    replies = await anna.send("Anna")
    assert "Klaar, Anna" in replies[-1].text  # workers are not asked for a check-in time
    replies = await anna.press("Nieuwe cliënt uitnodigen")
    photo, text = replies[-2], replies[-1]
    assert photo.kind == "photo" and photo.file_bytes.startswith(b"\x89PNG")
    assert "https://t.me/houvast_bot?start=" in text.text
    code = text.text.split("start=")[1].split()[0]

    sam = chat(501, "Sam")
    replies = await sam.send(f"/start {code}")
    assert "Welkom bij Houvast" in replies[-1].text
    await sam.press("Verder")
    await sam.send("Sam")
    await sam.press("Geen vaste tijd")
    assert "🔗 Mijn begeleider koppelen" not in sam.buttons()  # linked already


async def test_a_peer_expert_and_an_admin_onboard(chat, harness):
    for user_id, role, word in [(700, Role.PEER, "ervaringsdeskundige"), (800, Role.ADMIN, "beheerder")]:
        created = await invites.create_invite(harness.services, role=role)
        person = chat(user_id, "X")
        replies = await person.send(f"/start {created.code}")
        assert f"Je bent {word}" in replies[-1].text
        await person.press("Verder")
        replies = await person.send("Joost")
        assert "Klaar, Joost" in replies[-1].text
    assert "➕ Begeleider uitnodigen" in person.buttons()


async def test_a_wrong_or_used_code_gets_a_clear_answer(chat, harness):
    created = await invites.create_invite(harness.services, role=Role.PEER)
    await chat(700, "Joost").send(f"/start {created.code}")
    kim = chat(701, "Kim")
    replies = await kim.send(f"/start {created.code}")
    assert "al gebruikt" in replies[-1].text and "Zelf beginnen" in kim.buttons()
    replies = await kim.send("/start NOPE")
    assert "Deze code ken ik niet" in replies[-1].text
    replies = await kim.press("Zelf beginnen")
    assert "Welkom bij Houvast" in replies[-1].text


async def test_a_client_links_a_worker_later_with_a_code(chat, harness):
    sam = await onboard_client(chat(501, "Sam"))
    worker = chat(900, "Anna")
    await worker.send(f"/start {(await invites.create_invite(harness.services, role=Role.WORKER)).code}")
    await worker.press("Verder")
    await worker.send("Anna")
    replies = await worker.press("Nieuwe cliënt uitnodigen")
    code = replies[-1].text.split("Houvast: ")[1].split()[0]  # the pretty, typed form: ABCD-EFGH-JKMN
    replies = await sam.press("Mijn begeleider koppelen")
    assert "Typ de code" in replies[-1].text
    replies = await sam.send("hallo")
    assert "Je code heeft 5 letters en cijfers. Een code heeft er 12." in replies[-1].text
    assert "In jouw code staat: L, O." in replies[-1].text  # a code never has an L or an O: it says so
    wrong = code.replace("-", "")[:11] + "0"  # twelve signs, but a zero in it
    replies = await sam.send(wrong)
    assert "heeft 12" not in replies[-1].text and "nooit een 0 (nul)" in replies[-1].text
    assert "In jouw code staat: 0." in replies[-1].text
    replies = await sam.send(code.replace("-", "")[:10])
    assert replies[-1].text.startswith("Je code heeft 10 letters en cijfers. Een code heeft er 12.")
    assert "nooit" not in replies[-1].text
    replies = await sam.send(code.lower())
    assert "gekoppeld aan je begeleider Anna" in replies[-2].text
    assert "Anna ziet nu nog niets van je plan" in replies[-1].text  # consent is asked at once, nothing ticked


async def test_state_survives_a_restart_in_the_middle_of_onboarding(chat, harness):
    sam = chat(501, "Sam")
    await sam.send("/start")
    await sam.press("Verder")
    await harness.restart()
    replies = await sam.send("Sam")  # the bot still knows it asked for the name
    assert "Hoe laat" in replies[-1].text
    await harness.restart()
    replies = await sam.press("12:00")
    assert "Klaar, Sam" in replies[-1].text
