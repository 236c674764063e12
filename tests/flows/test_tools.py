"""The signaleringsplan and the crisiskaart, filled in and used through the chat."""
from bot.domain.forms import Tool
from bot.services import tools
from tests.flows.test_onboarding import onboard_client


async def open_plan(sam):
    await sam.press("Mijn signaleringsplan")
    return await sam.press("Invullen")


async def test_a_client_builds_a_signaleringsplan_and_sees_it(chat):
    sam = await onboard_client(chat(501, "Sam"))
    replies = await open_plan(sam)
    assert "stap 1 van 18" in replies[-1].text and "Groen" in replies[-1].text
    replies = await sam.press("Ik slaap goed")  # an example: picked, shown as ticked in the same message
    assert replies == [] and "✅ Ik slaap goed" in sam.buttons()
    replies = await sam.send("Ik ga elke dag sporten")
    assert "Ik ga elke dag sporten" in replies[-1].text and "Ik slaap goed" in replies[-1].text
    await sam.press("Verder")
    await sam.press("Overslaan")
    replies = await sam.press("Terug")
    assert "stap 2 van 18" in replies[-1].text
    for _ in range(16):
        await sam.press("Overslaan") if "⏭ Overslaan" in sam.buttons() else await sam.press("Verder")
    replies = await sam.send("Mam 06-12345678")  # the last step: who to call on red
    assert "06 12345678" in replies[-1].text
    replies = await sam.press("Klaar")
    assert "versie 1" in replies[-2].text
    replies = await sam.press("Bekijk als berichten")
    assert "🟢" in replies[0].text and "Ik ga elke dag sporten" in replies[0].text
    assert "🔴" in replies[3].text and "Mam, 06 12345678" in replies[3].text
    replies = await sam.press("PDF")
    assert replies[-1].kind == "document" and replies[-1].file_bytes.startswith(b"%PDF")
    replies = await sam.press("Plaatje")
    assert replies[-1].kind in ("photo", "document") and replies[-1].file_bytes.startswith(b"\x89PNG")


async def test_continue_later_survives_a_restart_and_one_part_can_be_changed(chat, harness):
    sam = await onboard_client(chat(501, "Sam"))
    await open_plan(sam)
    await sam.send("Ik slaap veel")
    await sam.press("Verder")
    await harness.restart()  # in the middle of the form: nothing lost
    replies = await sam.send("Ik lach veel")
    assert "stap 2 van 18" in replies[-1].text and "Ik lach veel" in replies[-1].text
    replies = await sam.press("Later verder")
    assert "later verder" in replies[-2].text.lower()
    assert "▶️ Verder invullen" in sam.buttons()
    replies = await sam.press("Verder invullen")
    assert "stap 2 van 18" in replies[-1].text
    await sam.press("Later verder")
    await sam.press("Eén deel aanpassen")
    replies = await sam.press("Geel: Wat ik doe")
    assert "Geel" in replies[-1].text and "Wat doe je dan" in replies[-1].text
    await sam.send("Wandelen")
    replies = await sam.press("Verder")  # one part: next means done
    assert "versie 2" in replies[-2].text
    replies = await sam.press("Vorige versie")
    assert "versie 1" in replies[0].text
    assert all("Wandelen" not in r.text for r in replies if r.text)


async def test_bad_input_in_a_form_gets_a_clear_answer(chat):
    sam = await onboard_client(chat(501, "Sam"))
    await open_plan(sam)
    replies = await sam.send("x" * 4000)  # long, but within Telegram's limit: kept whole
    assert "stap 1 van 18" in replies[-1].text
    replies = await sam.send_kind("sticker")
    assert "korte tekst" in replies[-1].text
    for i in range(59):
        await sam.send(f"teken {i}")
    replies = await sam.send("nog een")
    assert "vol" in replies[-2].text  # 60 per part; the answer says what to do
    await sam.press("Leegmaken")
    replies = await sam.press_data(sam.last().message_id, "form:edit:signaleringsplan.99")
    assert "werkt niet" in replies[-1].text


async def test_a_client_builds_a_crisis_card_and_shows_it_fast(chat):
    sam = await onboard_client(chat(501, "Sam"))
    await sam.press("Mijn crisiskaart")
    replies = await sam.press("Invullen")
    assert "volledige naam" in replies[-1].text
    await sam.send("Sam de Vries")
    replies = await sam.send("31-02-1990")
    assert "datum begrijp ik niet" in replies[-2].text
    await sam.send("12-03-1990")
    await sam.press("Ik raak in paniek")
    await sam.press("Verder")
    await sam.send("Muziek van Zoë 🎵")
    await sam.press("Verder")
    await sam.press("Verder") if "Verder ➡️" in sam.buttons() else await sam.press("Overslaan")
    replies = await sam.send("Anna, zus, 12-34")
    assert "zoals je het typte" in replies[0].text
    await sam.send("Kees, buurman, +32 470 12 34 56")
    for _ in range(6):
        await sam.press("Overslaan") if "⏭ Overslaan" in sam.buttons() else await sam.press("Verder")
    await sam.press("Met mijn begeleider")
    replies = await sam.press("Klaar")
    replies = await sam.send("/crisis")
    card = replies[0].text
    assert "Sam de Vries" in card and "12-03-1990" in card and "Muziek van Zoë" in card
    assert "Kees, buurman, +32 470 12 34 56" in card and "Anna, zus, 12-34" in card
    assert "113" in replies[1].text and "112" in replies[1].text
    replies = await sam.press("PDF")
    assert replies[-1].file_bytes.startswith(b"%PDF")


async def test_an_empty_plan_can_be_viewed(chat):
    sam = await onboard_client(chat(501, "Sam"))
    await open_plan(sam)
    for _ in range(18):
        await sam.press("Overslaan")
    replies = await sam.send("/plan")
    assert "nog niet ingevuld" in replies[-1].text or "Versie" in replies[-1].text


async def test_a_typed_button_label_acts_as_that_button_and_is_never_an_answer(chat, harness):
    sam = await onboard_client(chat(501, "Sam"))
    await open_plan(sam)
    await sam.press("Ik slaap goed")
    replies = await sam.send("Verder")  # typed, not tapped: it moves on, like the button
    assert "stap 2 van 18" in replies[-1].text
    replies = await sam.send("terug")  # any case, without the arrow
    assert "stap 1 van 18" in replies[-1].text and "• Ik slaap goed" in replies[-1].text
    assert "Verder" not in replies[-1].text.split("Nu ingevuld:")[1]  # "Verder" was never saved as an answer
    replies = await sam.send("Ik slaap goed")  # an example typed out: already there, not switched off
    assert "Dat staat er al." in replies[0].text and "• Ik slaap goed" in replies[-1].text
    replies = await sam.send("ik eet op tijd")  # an example typed out: the same as picking it
    assert "✅ Ik eet op tijd" in sam.buttons()
    replies = await sam.send("💾 Later verder")
    assert "Je kunt later verder" in replies[0].text
    saved = await tools.current(harness.services, 501, Tool.PLAN)
    assert saved.doc["groen"]["signs_self"] == ["Ik slaap goed", "Ik eet op tijd"]


async def test_tap_examples_is_said_only_where_there_are_examples(chat):
    sam = await onboard_client(chat(501, "Sam"))
    await sam.press("Mijn crisiskaart")
    await sam.press("Invullen")
    await sam.send("Sam de Vries")
    replies = await sam.send("14 juli 1990")  # a date as people say it
    assert "Tik op voorbeelden" in replies[-1].text and "➕ Ik raak in paniek" in sam.buttons()
    await sam.press("Overslaan")
    await sam.press("Overslaan")
    replies = await sam.press("Overslaan")
    assert "Wie mag er gebeld worden" in replies[-1].text
    assert "voorbeeld" not in replies[-1].text.lower() and "Stuur één persoon per bericht" in replies[-1].text
    await sam.press("Overslaan")
    replies = await sam.press("Overslaan")
    assert "Welke medicijnen" in replies[-1].text and "voorbeeld" not in replies[-1].text.lower()
    saved = await tools.open_draft(sam.harness.services, 501, Tool.CARD)
    assert saved.doc["birth_date"] == "1990-07-14"


async def test_a_too_long_answer_says_the_limit_and_keeps_the_first_part(chat, harness):
    sam = await onboard_client(chat(501, "Sam"))
    await open_plan(sam)
    long = "Ik slaap slecht en ik pieker veel. " * 153  # 5,355 characters
    replies = await sam.send(long)
    note = replies[-1].text
    assert "Je antwoord heeft 5.354 tekens. Er passen er hoogstens 4.000 in één antwoord." in note
    assert "Ik heb het eerste deel bewaard, tot: \"…" in note and "De rest is niet bewaard." in note
    draft = await tools.open_draft(harness.services, 501, Tool.PLAN)
    [kept] = draft.doc["groen"]["signs_self"]
    assert len(kept) <= 4000 and long.startswith(kept) and kept.endswith("ik pieker veel.")


async def test_a_typed_button_counts_once_against_the_flood_limit(chat, harness):
    """The press behind a typed label goes to the flows only: the guards saw the message already."""
    class Counting:
        calls = 0

        def check(self, key, now):
            Counting.calls += 1
            return "ok"

        def forget_idle(self, now):
            pass

        def __len__(self):
            return 0

    sam = await onboard_client(chat(501, "Sam"))
    await open_plan(sam)
    harness.app.bot_data["rate_window"] = Counting()
    replies = await sam.send("Overslaan")
    assert "stap 2 van 18" in replies[-1].text and Counting.calls == 1


async def test_the_crisis_card_is_one_tap_from_every_client_menu_and_first_in_help(chat, harness):
    from tests.flows.test_checkin import client_and_worker

    sam, _anna = await client_and_worker(chat, harness, share_alerts=False)
    replies = await sam.send("/help")
    assert replies[-1].text.startswith("/crisis")

    def crisis_button(message):
        return any(
            b.get("callback_data") == "menu:card" for row in message.reply_markup["inline_keyboard"] for b in row
        )

    menus = {}
    for command, press in [("/menu", None), ("/doelen", None), ("/herstelplan", None), ("/herstelplan", "Doelen"),
                           ("/checkin", None), ("/plan", None), ("/privacy", None), ("/maatje", None)]:
        replies = await sam.send(command)
        if press:
            replies = await sam.press(press)
        menus[f"{command} {press or ''}".strip()] = crisis_button(replies[-1])
    assert all(menus.values()), menus
    replies = await sam.press("Crisiskaart")
    assert "112" in replies[-2].text and "113" in replies[-2].text


async def test_a_typed_button_that_ends_a_form_is_remembered_over_a_restart(chat, harness):
    sam = await onboard_client(chat(501, "Sam"))
    await open_plan(sam)
    replies = await sam.send("later verder")
    assert "Je kunt later verder" in replies[0].text
    await harness.restart()
    replies = await sam.send("Ik slaap slecht")  # no longer in the form: not saved as an answer
    assert "begrijp ik niet" in replies[-1].text
    draft = await tools.open_draft(harness.services, 501, Tool.PLAN)
    assert "Ik slaap slecht" not in str(draft.doc)
