"""Mijn veiligheidsplan through the real Application and the local Bot API: both plans step by step, the
hoopbox, the noodbericht, "Wis dit gesprek", what a client is offered after rood and crisis language, samen
invullen, and that a household member never sees the thuisplan or that it exists."""
import json
from urllib.parse import parse_qs, urlparse

from sqlalchemy import func, select

from bot.db.models import AuditEntry, Consent, EmergencySend, EmergencySetting, HopeItem, Person, TrustedPerson
from bot.domain.consent import Scope
from bot.domain.forms import Tool
from bot.domain.roles import Role
from bot.domain.safetyplans import HopeKind
from bot.services import consent, gdpr, herstelplan, invites, people, safetyplans, team, tools
from tests.flows.test_onboarding import onboard_client
from tests.render.pdftext import page_texts

ANNA, SAM, MO, JOOST = 900, 501, 502, 905


async def joined(svc, telegram_id, name, role, *, by=None, household_id=None):
    created = await invites.create_invite(svc, role=role, by_telegram_id=by, household_id=household_id)
    await invites.redeem_invite(svc, code=created.code, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)
    return (await people.whoami(svc, telegram_id)).id


async def household(harness, chat):
    """Anna (worker) with Sam and Mo in one household, each in their own chat."""
    svc = harness.services
    ids = {"anna": await joined(svc, ANNA, "Anna", Role.WORKER)}
    ids["sam"] = await joined(svc, SAM, "Sam", Role.CLIENT, by=ANNA)
    ids["mo"] = await joined(svc, MO, "Mo", Role.CLIENT, by=ANNA, household_id=await team.household_of(svc, SAM))
    return ids, chat(SAM, "Sam"), chat(MO, "Mo"), chat(ANNA, "Anna")


async def skip_or_next(sam):
    buttons = sam.buttons()
    label = next(b for b in buttons if b in ("⏭ Overslaan", "Verder ➡️", "✅ Klaar"))
    return await sam.press(label)


def share_text(button_url: str) -> str:
    return parse_qs(urlparse(button_url).query)["url"][0]


def url_buttons(message) -> dict[str, str]:
    return {b["text"]: b["url"] for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row
            if "url" in b}


# --- the veiligheidsplan bij zelfmoordgedachten -----------------------------------------------------------


async def test_the_safety_plan_offers_the_clients_own_signs_and_people_and_is_viewed_printed_and_pictured(
    chat, harness
):
    sam = await onboard_client(chat(SAM, "Sam"))
    await tools.update_draft(harness.services, SAM, Tool.PLAN,
                             {"rood": {"signs_self": ["Ik lig de hele dag in bed"]}}, 0)
    await tools.save_version(harness.services, SAM, Tool.PLAN, finished=True)
    await tools.update_draft(harness.services, SAM, Tool.CARD,
                             {"contacts": [{"name": "Mam", "phone": "06 12345678", "relation": "moeder"}]}, 0)
    await tools.save_version(harness.services, SAM, Tool.CARD, finished=True)

    await sam.send("/menu")
    replies = await sam.press("Mijn veiligheidsplan")
    assert "Voor als het heel slecht gaat" in replies[-1].text
    replies = await sam.press("Plan bij gedachten aan zelfmoord")
    assert "nog niet ingevuld" in replies[-1].text and "✍️ Invullen" in sam.buttons()
    replies = await sam.press("Invullen")
    assert "stap 1 van 7" in replies[-1].text and "Waaraan merk je dat het misgaat" in replies[-1].text
    assert "➕ Ik lig de hele dag in bed" in sam.buttons()  # from the signaleringsplan's red signs
    await sam.press("Ik lig de hele dag in bed")
    assert "✅ Ik lig de hele dag in bed" in sam.buttons()
    await sam.send("Ik zie het niet meer zitten")
    for _ in range(3):
        await skip_or_next(sam)
    replies = sam.messages()[-1:]
    assert "stap 4 van 7" in replies[-1].text and "➕ Mam, moeder, 06 12345678" in sam.buttons()  # the crisis card
    await sam.press("Mam, moeder")
    replies = await sam._feed(sam.api.send_contact(SAM, "+31655555555", "Kees", "Jansen"))  # 📎 → Contact
    assert "• Kees Jansen, 06 55555555" in replies[-1].text
    await skip_or_next(sam)
    assert any("113 Zelfmoordpreventie" in b for b in sam.buttons())  # the public numbers, tapped not typed
    await sam.press("113 Zelfmoordpreventie")
    await skip_or_next(sam)
    await skip_or_next(sam)
    await sam.send("x" * 5000)  # longer than an answer may be: kept up to the limit, and said so
    assert "5.000 tekens" in sam.messages()[-1].text
    replies = await sam.press("Klaar")
    assert "versie 1" in replies[0].text.lower()
    assert ("Nog leeg: Wat ik zelf kan doen, Mensen en plekken die me afleiden, Mijn omgeving veiliger maken."
            in replies[-1].text)

    replies = await sam.press("Bekijk als berichten")
    text = "\n".join(r.text for r in replies)
    assert "Veiligheidsplan van Sam" in text and "Voor als ik aan zelfmoord denk" in text
    assert "Ik lig de hele dag in bed" in text and "Mam (moeder): 06 12345678" in text
    assert "3. Mensen en plekken die me afleiden\nNog niet ingevuld." in text
    assert "0800-0113" in text and "112" in text
    replies = await sam.press("PDF")
    assert replies[-1].filename == "veiligheidsplan.pdf" and replies[-1].file_bytes.startswith(b"%PDF")
    replies = await sam.press("Plaatje")
    assert replies[-1].file_bytes.startswith(b"\x89PNG")
    await sam.press("Mijn veiligheidsplan")
    await sam.press("Plan bij gedachten aan zelfmoord")
    await sam.press("Eén deel aanpassen")
    replies = await sam.press("Waarvoor ik leef")
    assert "stap 7 van 7" in replies[-1].text and "Waarvoor leef je?" in replies[-1].text


# --- after rood and crisis language --------------------------------------------------------------------------


async def test_after_crisis_language_one_tap_shows_own_steps_people_the_hoopbox_and_the_noodbericht(chat, harness):
    sam = await onboard_client(chat(SAM, "Sam"))
    await tools.update_draft(harness.services, SAM, Tool.SAFETY,
                             {"coping": ["Douchen"], "reasons": ["Mijn dochter Lisa"],
                              "people": [{"name": "Kees", "phone": "06 55555555", "relation": "buurman"}]}, 0)
    await tools.save_version(harness.services, SAM, Tool.SAFETY, finished=True)
    replies = await sam.send("ik wil er niet meer zijn")
    assert "113" in replies[0].text  # the safety message first
    assert sam.buttons() == ["🌱 Wat kan ik nu doen?", "📞 Wie kan ik bellen?", "💛 Mijn hoopbox",
                             "📣 Noodbericht sturen", "🏠 Menu"]
    replies = await sam.press("Wat kan ik nu doen?")
    assert "Douchen" in replies[-1].text and "Mijn dochter Lisa" in replies[-1].text
    replies = await sam.press("Wie kan ik bellen?")
    assert "Kees (buurman): 06 55555555" in replies[-1].text and "0800-0113" in replies[-1].text
    replies = await sam.press("Mijn hoopbox")
    assert "nog leeg" in replies[-1].text
    replies = await sam.press("Noodbericht sturen")
    assert "Je hebt nog niemand gekozen" in replies[-1].text
    assert share_text(url_buttons(replies[-1])["📤 Stuur je bericht"]) == (
        "Het gaat niet goed met mij. Wil je me bellen?")


async def test_after_words_about_danger_at_home_the_thuisplan_steps_and_veilig_thuis(chat, harness):
    sam = await onboard_client(chat(SAM, "Sam"))
    await tools.update_draft(harness.services, SAM, Tool.HOME,
                             {"safe_places": ["Bij mijn zus"], "code_word": "paraplu", "take_along": ["Sleutels"]}, 0)
    await tools.save_version(harness.services, SAM, Tool.HOME, finished=True)
    replies = await sam.send("mijn man slaat me")
    assert "Veilig Thuis" in replies[0].text
    steps = replies[1].text
    assert "Bij mijn zus" in steps and "paraplu" in steps and "☐ Sleutels" in steps and "0800-2000" in steps
    assert sam.buttons() == ["🏡 Thuisplan", "📣 Noodbericht sturen", "🧹 Wis dit gesprek", "🏠 Menu"]


# --- the thuisplan, and a household member who never sees it ---------------------------------------------------


async def test_a_household_member_never_sees_the_thuisplan_or_that_it_exists(chat, harness):
    ids, sam, mo, anna = await household(harness, chat)
    svc = harness.services
    await sam.send("/veiligheidsplan")
    replies = await sam.press("Thuisplan")
    assert "Niemand in je huis ziet dit plan" in replies[-1].text
    await sam.press("Invullen")
    await sam.press("Drank of drugs")
    await skip_or_next(sam)
    await sam.send("Fatima 06 11112222")
    await skip_or_next(sam)
    await sam.send("paraplu")  # the code word
    for _ in range(3):
        await skip_or_next(sam)
    home = sam.messages()[-1]
    assert share_text(url_buttons(home)["📨 Stuur je codewoord"]) == "paraplu"  # one tap to a trusted person
    assert "🧹 Wis dit gesprek" in sam.buttons()
    await anna.send("/menu")
    await anna.press("Mijn cliënten")
    await anna.press("Sam")
    assert not any("thuisplan" in b for b in anna.buttons())  # not even Anna, until Sam ticks it

    # /privacy: the thuisplan is offered for Anna (care team), never for Mo.
    await sam.send("/privacy")
    await sam.press("Anna (begeleider)")
    assert "⬜ thuisplan" in sam.buttons()
    await sam.press("thuisplan")
    await sam.send("/privacy")
    await sam.press("Mo (huisgenoot)")
    assert not any("thuisplan" in b for b in sam.buttons())
    await sam.press("plan bij gedachten aan zelfmoord")  # Sam shares the other plan with Mo
    forged = f"priv:tog:{ids['mo']}.5"  # the thuisplan's place in SCOPES, for Mo: refused
    replies = await sam.press_data(sam.last().message_id, forged)
    assert "werkt niet meer" in replies[-1].text

    # Anna sees it in her caseload; Mo sees nothing of it anywhere, nor that it exists.
    await anna.send("/menu")
    await anna.press("Mijn cliënten")
    await anna.press("Sam")
    replies = await anna.press("👀 thuisplan")
    assert "paraplu" in "\n".join(r.text for r in replies)
    seen = []
    for command in ("/herstelplan", "/menu", "/privacy", "/wiezietwat", "/veiligheidsplan"):
        seen += await mo.send(command)
    await mo.send("/herstelplan")
    for label in ("Huishouden",):
        seen += await mo.press(label)
    data = await gdpr.export_data(svc, MO)
    view = await herstelplan.herstelplan(svc, MO)
    sam_for_mo = next(m for m in view.others if m.name == "Sam")
    assert sam_for_mo.home is None and sam_for_mo.safety is None  # (not filled in; shared, so looked up)
    words = " ".join([*(m.text or "" for m in mo.messages()), json.dumps(data, default=str)]).lower()
    for needle in ("thuisplan", "paraplu", "fatima", "huiselijk", "veilig thuis"):
        assert needle not in words, needle
    async with svc.unit() as session:
        rows = (await session.execute(select(Consent.scope).where(Consent.viewer_id == ids["mo"]))).scalars().all()
    assert "thuisplan" not in rows
    assert Scope.HOME_PLAN not in next(s for s in await consent.viewers(svc, SAM) if s.viewer_id == ids["mo"]).shareable


async def test_samen_invullen_of_the_thuisplan_comes_as_a_neutral_message_and_only_from_a_worker(chat, harness):
    _ids, sam, _mo, anna = await household(harness, chat)
    await anna.send("/samen")
    await anna.press("Sam")
    assert "🏡 Thuisplan" in anna.buttons() and "🧭 Plan bij gedachten aan zelfmoord" in anna.buttons()
    await anna.press("Thuisplan")
    await anna.press("Ons codewoord")
    before = len(sam.messages())
    await anna.send("zonnebloem")
    [note] = sam.messages()[before:]
    assert note.text == "📬 Er is een nieuw bericht voor je in Houvast."  # the lock screen says nothing more
    replies = await sam.press("Bekijken")
    assert "zonnebloem" in replies[-1].text and "thuisplan" in replies[-1].text
    await sam.press("Goedkeuren")
    saved = await tools.current(harness.services, SAM, Tool.HOME)
    assert saved.doc["code_word"] == "zonnebloem" and saved.version == 1


# --- the hoopbox --------------------------------------------------------------------------------------------


async def test_the_hoopbox_takes_photos_texts_voice_and_links_and_refuses_the_rest_clearly(chat, harness):
    sam = await onboard_client(chat(SAM, "Sam"))
    await sam.send("/hoop")
    await sam.press("Iets toevoegen")
    replies = await sam._feed(sam.api.send_photo(SAM, caption="Strand met Lisa"))
    assert "Bewaard" in replies[-1].text
    await sam.send("Morgen komt de zon weer op")
    await sam.send_kind("voice")
    replies = await sam.send("https://www.youtube.com/watch?v=lied")
    assert "Bewaard" in replies[-1].text
    replies = await sam._feed(sam.api.forward_text(SAM, "Ik ben trots op je", "Lisa"))
    assert "Van wie het eerst kwam, bewaar ik niet" in replies[-1].text
    replies = await sam.send_kind("sticker")
    assert "Dat kan niet in je hoopbox" in replies[-1].text
    replies = await sam._feed(sam.api.send_document(SAM, "groot.jpg", b"x" * 25_000_000, "image/jpeg"))
    assert "te groot: 25 MB" in replies[-1].text and "als foto" in replies[-1].text
    replies = await sam.send("Morgen komt de zon weer op")
    assert "zit al in je hoopbox" in replies[-1].text
    replies = await sam.press("Klaar")
    assert "5 dingen" in replies[-1].text

    replies = await sam.press("Mijn hoopbox") if "💛 Mijn hoopbox" in sam.buttons() else await sam.send("/hoop")
    kinds = [(r.kind, r.text) for r in replies]
    assert kinds[:5] == [("photo", "Strand met Lisa"), ("text", "Morgen komt de zon weer op"), ("voice", None),
                         ("text", "https://www.youtube.com/watch?v=lied"), ("text", "Ik ben trots op je")]
    await sam.press("Iets eruit halen")
    await sam.press("1. Foto: Strand met Lisa")
    replies = await sam.press("Ja, haal het eruit")
    assert "4 dingen" in replies[-1].text


async def test_a_worker_sees_the_hoopbox_only_when_it_is_shared(chat, harness):
    ids, sam, _mo, anna = await household(harness, chat)
    await sam.send("/hoop")
    await sam.press("Iets toevoegen")
    await sam.send("Mijn hond Bobby")
    await anna.send("/menu")
    await anna.press("Mijn cliënten")
    await anna.press("Sam")
    assert not any("hoopbox" in b for b in anna.buttons())
    await consent.set_consent(harness.services, client_telegram_id=SAM, viewer_id=ids["anna"], scope=Scope.HOPE_BOX,
                              granted=True)
    await anna.press("Sam")
    replies = await anna.press("👀 hoopbox")
    assert "De hoopbox van Sam" in replies[0].text and "Mijn hond Bobby" in replies[1].text


# --- the noodbericht ----------------------------------------------------------------------------------------------


async def test_the_noodbericht_reaches_a_household_member_from_houvast_and_the_others_by_one_tap(chat, harness):
    ids, sam, mo, _anna = await household(harness, chat)
    await sam.send("/veiligheidsplan")
    replies = await sam.press("📣 Noodbericht")
    assert "Nog niemand" in replies[-1].text
    await sam.press("Bericht kiezen")
    replies = await sam.send("Bel me alsjeblieft, ik red het niet")
    assert '"Bel me alsjeblieft, ik red het niet"' in replies[-1].text
    await sam.press("Iemand toevoegen")
    replies = await sam.press("Mo (gebruikt Houvast)")
    assert "Mag Houvast je noodbericht zelf aan Mo sturen?" in replies[-1].text
    await sam.press("Ja, Houvast mag het aan Mo sturen")
    await sam.press("Iemand toevoegen")
    replies = await sam._feed(sam.api.forward_text(SAM, "hoi", "Fatima"))
    assert "doorgestuurd bericht" in replies[-1].text  # a forwarded message says nothing about who someone is
    replies = await sam._feed(sam.api.send_contact(SAM, "+31611112222", "Fatima", "Bakker"))
    assert "Toegevoegd: Fatima Bakker" in replies[-1].text
    await sam.press("Iemand toevoegen")
    replies = await sam.send("Kees")  # no phone number: fine, the message goes with Telegram
    assert "Zonder telefoonnummer" in replies[-1].text
    assert "Iemand toevoegen" not in " ".join(sam.buttons())  # three is the most

    before = len(mo.messages())
    replies = await sam.press("Noodbericht sturen")
    status = replies[-1]
    assert "✅ Mo kreeg het van Houvast" in status.text
    assert "📤 Fatima Bakker: stuur het zelf" in status.text and "📤 Kees: stuur het zelf" in status.text
    links = url_buttons(status)
    assert share_text(links["📤 Stuur het aan Fatima Bakker"]) == "Bel me alsjeblieft, ik red het niet"
    [received] = mo.messages()[before:]
    assert "noodbericht van Sam" in received.text and "Bel me alsjeblieft, ik red het niet" in received.text

    replies = await sam.press("Noodbericht sturen")  # again within the minute: nothing new goes
    assert "ging net al" in replies[-1].text and len(mo.messages()) == before + 1
    harness.clock.advance(minutes=2)
    sam.api.block(MO)
    replies = await sam.press("Noodbericht sturen")
    assert "❌ Mo kreeg het niet van Houvast" in replies[-1].text
    assert "📤 Stuur het aan Mo" in url_buttons(replies[-1])
    harness.clock.advance(minutes=2)  # Houvast knows now that Mo blocked it: the same line, nothing tried
    async with harness.services.unit() as session:
        assert (await session.get(Person, ids["mo"])).unreachable
    replies = await sam.press("Noodbericht sturen")
    assert "❌ Mo kreeg het niet van Houvast" in replies[-1].text and len(mo.messages()) == before + 1


# --- "Wis dit gesprek" -------------------------------------------------------------------------------------------


async def test_wis_dit_gesprek_deletes_the_last_48_hours_of_both_sides_and_says_which_stay(chat, harness):
    sam = await onboard_client(chat(SAM, "Sam"))
    await sam.send("/menu")
    harness.api.age_messages(SAM, 49 * 3600)  # everything so far is older than 48 hours
    old = harness.api.live_message_ids(SAM)
    await sam.send("/veiligheidsplan")
    await sam.press("Thuisplan")
    recent = [i for i in harness.api.live_message_ids(SAM) if i not in old]
    await sam.press("Wis dit gesprek")
    left = harness.api.live_message_ids(SAM)
    assert set(recent).isdisjoint(left) and set(old) <= set(left)  # the client's messages and the bot's
    result = sam.last()
    assert "laatste 48 uur gewist" in result.text and "van vóór" in result.text and "Verwijderen" in result.text
    assert "blijven bij hen" in result.text
    await sam.press("Oké, wis ook dit bericht")
    assert harness.api.live_message_ids(SAM) == old


async def test_wis_dit_gesprek_in_a_young_chat_deletes_everything(chat, harness):
    sam = await onboard_client(chat(SAM, "Sam"))
    await sam.send("/wis")
    assert harness.api.live_message_ids(SAM) == [sam.last().message_id]
    assert "Ik heb dit gesprek gewist" in sam.last().text


async def test_adding_to_the_hoopbox_survives_a_restart_and_a_forged_button_is_refused(chat, harness):
    _ids, sam, mo, _anna = await household(harness, chat)
    await sam.send("/hoop")
    await sam.press("Iets toevoegen")
    await harness.restart()  # in the middle of adding: the step is kept
    replies = await sam.send("Zon op het water")
    assert "Bewaard" in replies[-1].text
    replies = await mo.send("/noodbericht")
    replies = await sam.press_data(sam.last().message_id, "nood:status:1")  # Mo's noodbericht, not Sam's
    assert "werkt niet voor jou" in replies[-1].text
    replies = await sam.press_data(sam.last().message_id, "hope:rm:999")
    assert "niet (meer) in je hoopbox" in replies[-1].text  # a double tap, or an old button
    mine = await safetyplans.add_hope(harness.services, MO, HopeKind.TEXT, text="Van Mo")
    replies = await sam.press_data(sam.last().message_id, f"hope:rm:{mine.item.id}")
    assert "werkt niet voor jou" in replies[-1].text
    assert [i.text for i in (await safetyplans.hope_box(harness.services, MO)).items] == ["Van Mo"]


async def test_mijn_herstelplan_names_the_safety_plans_and_opens_them(chat, harness):
    _ids, sam, mo, _anna = await household(harness, chat)
    replies = await sam.send("/herstelplan")
    assert "🧭 Plan bij gedachten aan zelfmoord: nog niet ingevuld" in replies[-1].text
    assert "Thuisplan" not in replies[-1].text  # none yet: not even a line that says so
    await tools.update_draft(harness.services, SAM, Tool.HOME, {"code_word": "paraplu"}, 0)
    await tools.save_version(harness.services, SAM, Tool.HOME, finished=True)
    replies = await sam.send("/herstelplan")
    assert "🏡 Thuisplan: versie 1" in replies[-1].text
    replies = await sam.press("🏡 Thuisplan")
    assert "paraplu" in "\n".join(r.text for r in replies)
    replies = await mo.send("/herstelplan")  # Mo's own plan: nothing about Sam's
    replies += await mo.press("Huishouden")
    assert not any("thuisplan" in (r.text or "").lower() for r in replies)


# --- bad input, and what the client's data holds ----------------------------------------------------------------

LONG = ("Ik loop een rondje om het blok en ik tel mijn stappen tot ik rustiger word. " * 60)[:4000].strip()


async def test_a_step_of_4000_characters_is_kept_whole_and_every_view_still_works(chat, harness):
    sam = await onboard_client(chat(SAM, "Sam"))
    await sam.send("/veiligheidsplan")
    await sam.press("Plan bij gedachten aan zelfmoord")
    await sam.press("Invullen")
    await skip_or_next(sam)
    replies = await sam.send(LONG)  # step 2, what I can do myself: as long as one Telegram message allows
    assert not any("tekens" in r.text for r in replies)  # under the limit: nothing is cut, nothing to say
    for _ in range(6):  # on to step 7, and past it: done
        await skip_or_next(sam)
    saved = await tools.current(harness.services, SAM, Tool.SAFETY)
    assert saved.doc["coping"] == [LONG]

    replies = await sam.press("Bekijk als berichten")
    assert all(len(r.text) <= 4096 for r in replies)
    assert LONG[:60] in replies[0].text + replies[1].text and LONG[-60:] in "\n".join(r.text for r in replies)
    assert "0800-0113" in replies[-2].text  # the numbers are never cut off at the end
    replies = await sam.press("PDF")
    assert replies[-1].file_bytes.startswith(b"%PDF")
    replies = await sam.press("Plaatje")
    assert replies[-1].file_bytes.startswith(b"\x89PNG")

    await sam.send("ik wil er niet meer zijn")
    replies = await sam.press("Wat kan ik nu doen?")
    assert all(len(r.text) <= 4096 for r in replies) and LONG[-60:] in replies[-1].text
    assert "🌱 Wat kan ik nu doen?" not in sam.buttons() and "📞 Wie kan ik bellen?" in sam.buttons()


async def test_an_empty_plan_says_so_and_offers_to_start_wherever_it_is_opened(chat, harness):
    sam = await onboard_client(chat(SAM, "Sam"))
    await sam.send("/veiligheidsplan")
    replies = await sam.press("Thuisplan")
    assert "nog niet ingevuld" in replies[-1].text and sam.buttons()[0] == "✍️ Invullen"
    assert "👀 Bekijk als berichten" not in sam.buttons()
    for data in ("tool:view:thuisplan", "tool:pdf:veiligheidsplan"):  # an old button, after nothing was saved
        replies = await sam.press_data(sam.last().message_id, data)
        assert "nog niet ingevuld" in replies[-1].text and "✍️ Invullen" in sam.buttons()
    replies = await sam.send("/hoop")
    assert "nog leeg" in replies[-1].text and "➕ Iets toevoegen" in sam.buttons()
    await sam.send("/veiligheidsplan")
    replies = await sam.press("📣 Noodbericht")
    assert "Nog niemand" in replies[-1].text and "➕ Iemand toevoegen" in sam.buttons()


async def test_the_noodbericht_never_goes_from_houvast_while_someone_at_home_has_a_thuisplan_and_says_not_why(
        chat, harness):
    _ids, sam, mo, _anna = await household(harness, chat)
    await sam.send("/noodbericht")  # one command sends it: nobody chosen yet, so a ready message to forward
    await sam.send("/veiligheidsplan")
    await sam.press("📣 Noodbericht")
    await sam.press("Iemand toevoegen")
    await sam.press("Mo (gebruikt Houvast)")
    replies = await sam.press("Ja, Houvast mag het aan Mo sturen")
    assert "Mo (krijgt het van Houvast)" in replies[-1].text
    await tools.update_draft(harness.services, MO, Tool.HOME, {"code_word": "paraplu"}, 0)  # Mo's own thuisplan
    await tools.save_version(harness.services, MO, Tool.HOME, finished=True)

    before = len(mo.messages())
    replies = await sam.press("Noodbericht sturen")  # within the minute, but the first went to nobody
    assert len(mo.messages()) == before  # nothing from Houvast reaches Mo's chat
    status = replies[-1].text
    assert "❌ Mo kreeg het niet van Houvast" in status  # the same words as when Mo blocked Houvast
    assert share_text(url_buttons(replies[-1])["📤 Stuur het aan Mo"]) == (
        "Het gaat niet goed met mij. Wil je me bellen?")
    replies = await sam.send("/mijngegevens")  # the readable copy says the same, and no more
    pdf = " ".join(page_texts(next(r for r in replies if r.filename == "houvast-gegevens.pdf").file_bytes))
    assert "niet van Houvast; een klaar bericht om zelf te sturen" in pdf.replace("\n", " ")
    await sam.send("/noodbericht")
    words = " ".join(m.text or "" for m in sam.messages()).lower()
    for needle in ("thuisplan", "paraplu", "veilig thuis", "huiselijk"):
        assert needle not in words, needle


async def test_the_noodbericht_is_audited_in_my_data_and_gone_with_the_account(chat, harness):
    sam = await onboard_client(chat(SAM, "Sam"))
    await sam.send("/veiligheidsplan")
    await sam.press("📣 Noodbericht")
    await sam.press("Iemand toevoegen")
    await sam._feed(sam.api.send_contact(SAM, "+31611112222", "Fatima"))
    await sam.press("Noodbericht sturen")
    async with harness.services.unit() as session:
        found = await session.execute(select(AuditEntry.action).where(AuditEntry.action.like("sos.%")))
        actions = set(found.scalars())
    assert {"sos.trusted_added", "sos.sent"} <= actions

    replies = await sam.send("/mijngegevens")
    documents = [m for m in replies if m.kind == "document"]
    data = json.loads(documents[0].file_bytes)
    assert data["tables"]["trusted_people"][0]["name"] == "Fatima"
    assert len(data["tables"]["emergency_sends"]) == 1 and data["tables"]["emergency_deliveries"][0]["name"] == "Fatima"
    pdf = " ".join(page_texts(documents[1].file_bytes)).replace("\n", " ")
    assert "Mijn noodbericht" in pdf and "Fatima: een klaar bericht om zelf te sturen" in pdf

    await sam.send("/verwijderen")
    await sam.press("Ja, wis mijn account")
    harness.clock.advance(days=7)
    assert await gdpr.purge_due(harness.services) == 1
    async with harness.services.unit() as session:
        for model in (TrustedPerson, EmergencySend, EmergencySetting, HopeItem):
            assert (await session.execute(select(func.count()).select_from(model))).scalar_one() == 0
