"""Consent through the chat: the client grants and revokes, the worker's view follows at once, every look is
audited and shown to the client, and a forged button for someone else's client shows nothing."""
from bot.domain.roles import Role
from bot.services import consent, invites, people
from tests.flows.test_checkin import client_and_worker


async def fill_card(sam):
    await sam.press("Mijn crisiskaart")
    await sam.press("Invullen")
    await sam.send("Sam de Vries")
    await sam.press("Later verder")


async def open_client(anna, name="Sam"):
    await anna.send("/menu")
    await anna.press("Mijn cliënten")
    return await anna.press(name)


async def test_grant_and_revoke_work_at_once_and_every_view_is_shown_to_the_client(chat, harness):
    sam, anna = await client_and_worker(chat, harness, share_alerts=False)
    await fill_card(sam)
    replies = await open_client(anna)
    assert "deelt met je: niets" in replies[-1].text
    assert not any("👀" in b for b in anna.buttons())

    await sam.send("/privacy")
    await sam.press("Anna")
    before = len(anna.messages())
    await sam.press("crisiskaart")
    assert any("Sam deelt nu met je: crisiskaart" in m.text for m in anna.messages()[before:])

    replies = await open_client(anna)
    assert "deelt met je: crisiskaart" in replies[-1].text
    replies = await anna.press("👀 crisiskaart")
    assert "Crisiskaart van Sam de Vries" in replies[0].text
    view_message = anna.last().message_id
    sam_id = (await people.whoami(harness.services, 501)).id

    replies = await sam.send("/wiezietwat")
    assert "zaterdag 28 maart 2026 om 09:00: Anna (begeleider) bekeek je crisiskaart (versie 1)." in replies[-1].text

    await sam.send("/privacy")
    await sam.press("Anna")
    before = len(anna.messages())
    await sam.press("crisiskaart")  # revoke
    assert any("deelt niet meer met je: crisiskaart" in m.text for m in anna.messages()[before:])
    # The old button on Anna's screen no longer shows anything.
    replies = await anna.press_data(view_message, f"wk:view:{sam_id}.1")
    assert "niet met je gedeeld" in replies[-1].text
    assert not any("Sam de Vries" in (m.text or "") for m in replies)


async def test_a_forged_button_for_another_workers_client_shows_nothing(chat, harness):
    sam, _anna = await client_and_worker(chat, harness, share_alerts=False)
    await fill_card(sam)
    await sam.send("/privacy")
    await sam.press("Anna")
    await sam.press("crisiskaart")
    created = await invites.create_invite(harness.services, role=Role.WORKER)
    bert = chat(901, "Bert")
    await bert.send(f"/start {created.code}")
    await bert.press("Verder")
    await bert.send("Bert")
    sam_id = (await people.whoami(harness.services, 501)).id
    for data in (f"wk:client:{sam_id}", f"wk:view:{sam_id}.1", f"wk:view:{sam_id}.0"):
        replies = await bert.press_data(bert.last().message_id, data)
        assert "werkt niet voor jou" in replies[-1].text or "niet met je gedeeld" in replies[-1].text
        assert not any("Sam de Vries" in (m.text or "") for m in replies)
    replies = await sam.send("/wiezietwat")
    assert "Bert" not in replies[-1].text  # a refused look is not a look


async def test_what_the_client_is_told_about_no_consent_is_what_the_worker_gets(chat, harness, clock):
    """The privacy texts promise one sentence without consent; a stalled goal then gives Anna exactly that, and
    Sam sees in /wiezietwat that Anna saw it."""
    from datetime import UTC, datetime, time

    from bot import outbox
    from bot.domain.goals import Answer, Domain
    from bot.services import goals, nudges

    sam, anna = await client_and_worker(chat, harness, share_alerts=False)
    intro = next(m.text for m in sam.messages() if "Welkom bij Houvast" in (m.text or ""))
    assert "Zonder jouw toestemming ziet je begeleider niets van je plan" in intro
    assert "Dan hoort je begeleider alleen dát. Niet welk doel, en niet waarom." in intro
    replies = await sam.send("/privacy")
    assert "Anna (begeleider): niets" in replies[-1].text
    assert "Zonder jouw toestemming hoort je begeleider alleen dit" in replies[-1].text

    clock.current = datetime(2026, 4, 13, 8, 0, tzinfo=UTC)  # a Monday, working time
    svc = harness.services
    goal = await goals.create_goal(svc, 501, domain=Domain.WONEN, title="Een eigen kamer", step="Bellen",
                                   weekday=1, at=time(10))
    for _ in range(3):
        await goals.answer_checkin(svc, 501, await goals.open_checkin(svc, 501, goal.id), Answer.NOT_YET)
    await goals.sweep_stalls(svc)
    await nudges.notify_nudges(svc)
    before = len(anna.messages())
    await outbox.deliver_due(svc, harness.app.bot)
    [nudge] = [m for m in anna.messages()[before:] if "Sam" in (m.text or "")]
    assert nudge.text.splitlines() == ["⏸ Een doel van Sam loopt vast. Vraag hoe het gaat.",
                                       "Sam deelt de doelen niet met je."]
    replies = await sam.send("/wiezietwat")
    assert "Anna (begeleider) bekeek of een doel van je vastloopt" in replies[-1].text


async def test_who_saw_what_has_date_and_time_groups_repeats_and_says_what_was_seen(chat, harness):
    sam, anna = await client_and_worker(chat, harness, share_alerts=False)
    await sam.send("/privacy")
    await sam.press("Anna")
    await sam.press("signaleringsplan")
    await sam.press("crisiskaart")
    await open_client(anna)
    await anna.press("👀 crisiskaart")  # nothing saved yet: Anna saw an empty card
    harness.clock.advance(minutes=1)
    await fill_card(sam)  # version 1
    for minutes in (4, 10, 12):  # three looks at version 1 the same morning
        harness.clock.advance(minutes=minutes)
        await open_client(anna)
        await anna.press("👀 crisiskaart")
    harness.clock.advance(days=1)
    await open_client(anna)
    await anna.press("👀 signaleringsplan")
    replies = await sam.send("/wiezietwat")
    lines = replies[-1].text.split("\n")
    assert lines[2:] == [
        "zondag 29 maart 2026 om 10:27: Anna (begeleider) opende je signaleringsplan. Die was toen nog leeg.",
        "zaterdag 28 maart 2026, van 09:05 tot 09:27: Anna (begeleider) bekeek je crisiskaart (versie 1), 3 keer.",
        "zaterdag 28 maart 2026 om 09:00: Anna (begeleider) opende je crisiskaart. Die was toen nog leeg.",
    ]


async def test_typing_the_label_of_a_consent_switch_never_flips_it(chat, harness):
    sam, anna = await client_and_worker(chat, harness, share_alerts=False)
    await sam.send("/privacy")
    await sam.press("Anna")
    before = len(anna.messages())
    replies = await sam.send("crisiskaart")  # the label of a switch: read as text, not as a tap
    assert "begrijp ik niet" in replies[-1].text
    assert len(anna.messages()) == before  # nothing shared, so Anna is told nothing
    shares = await consent.viewers(harness.services, 501)
    assert not shares[0].scopes
