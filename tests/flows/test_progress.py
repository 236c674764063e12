"""Progress you can see, through the chat: Mijn herstelplan with its PDF, the self-scan from the 0-meting to the
next one three months later and its chart, the worker's comparison and a scale-up suggestion, closing a traject
with the client's questions, and the admin's monthly PDF and CSV.

The Dutch catalog does not have these texts yet, so everyone switches to English first (/taal)."""
from datetime import date

from sqlalchemy import select

from bot import outbox
from bot.db.models import Household, RelationScore, ScaleDecision, TrajectClosing
from bot.domain.consent import Scope
from bot.domain.goals import Answer, Domain
from bot.domain.roles import Role
from bot.domain.selfscan import ScanDomain
from bot.services import consent, goals, invites, people, selfscan
from tests.flows.test_checkin import client_and_worker
from tests.flows.test_onboarding import onboard_client
from tests.render.pdftext import page_texts
from tests.services.test_progress import pid, scan

ANNA, SAM, KIM, ADA = 900, 501, 601, 800


async def english(person):
    await person.send("/taal")
    await person.press("English")
    return person


LEVEL = {
    1: "Acute problem",
    2: "Serious worries",
    3: "Just about okay",
    4: "Going fairly well",
    5: "Going completely well",
}


async def answer_scan(person, scores):
    """Press one level per part (0: skip); returns the replies to the last press."""
    replies = []
    for index, score in enumerate(scores):
        assert f"Part {index + 1} of {len(scores)}" in person.last().text
        replies = await person.press(LEVEL[score] if score else "Skip")
    return replies


async def test_a_client_opens_mijn_herstelplan_and_takes_the_pdf(chat, harness):
    sam = await english(await onboard_client(chat(SAM, "Sam")))
    kim = await english(await onboard_client(chat(KIM, "Kim"), name="Kim"))
    await goals.create_goal(harness.services, SAM, domain=Domain.WONEN, title="Eigen huis", step="Inschrijven")
    replies = await sam.send("/herstelplan")
    assert "My herstelplan" in replies[-1].text and "1 goal (Housing)" in replies[-1].text
    assert {"🎯 Goals", "📊 Self-scan", "🆘 Crisis contacts", "📄 PDF of the whole plan"} <= set(sam.buttons())
    replies = await sam.press("Goals")
    assert "Eigen huis" in replies[-1].text and "Step now: Inschrijven" in replies[-1].text
    replies = await sam.press("Back to the plan")
    assert "My herstelplan" in replies[-1].text
    replies = await sam.press("PDF of the whole plan")
    assert "What goes into the PDF?" in replies[-1].text
    assert {"⬜ 🌡️ Last colour", "⬜ 📊 Self-scan", "📄 Make the PDF"} <= set(sam.buttons())
    replies = await sam.press("Make the PDF")
    assert replies[-1].kind == "document" and replies[-1].filename == "herstelplan.pdf"
    assert replies[-1].file_bytes.startswith(b"%PDF")
    # Someone else's plan through a forged button: refused, and nothing of Sam's shows.
    replies = await kim.press_data(kim.last().message_id, f"prg:pdf:{await pid(harness.services, SAM)}")
    assert "does not work for you" in replies[-1].text and all(r.kind == "text" for r in replies)


async def test_the_herstelplan_pdf_has_each_goals_why_and_date_and_the_client_chooses_colour_and_scan(chat, harness):
    sam = await english(await onboard_client(chat(SAM, "Sam")))
    await goals.create_goal(harness.services, SAM, domain=Domain.WONEN, title="Eigen huis", step="Inschrijven",
                            why="Rust voor mij en de kinderen", target_date=date(2027, 3, 1))
    await sam.send("/checkin")
    await sam.press("Some tension")
    await sam.send("/herstelplan")
    await sam.press("PDF of the whole plan")
    replies = await sam.press("Make the PDF")  # nothing ticked: no colour, no self-scan
    text = " ".join(page_texts(replies[-1].file_bytes)).replace("\n", " ")
    assert "Eigen huis" in text and "Why: Rust voor mij en de kinderen" in text
    assert "Reach by: Monday 1 March 2027" in text and "Step now: Inschrijven" in text
    assert "Last colour" not in text and "Yellow" not in text and "Self-scan" not in text
    await sam.press("Last colour")  # ticked now, in the same message
    await sam.press("⬜ 📊 Self-scan")
    choice = next(m for m in reversed(sam.messages()) if "📄 Make the PDF" in sam.api.buttons(m))
    assert {"✅ 🌡️ Last colour", "✅ 📊 Self-scan"} <= set(sam.api.buttons(choice))
    replies = await sam.press("Make the PDF")
    text = " ".join(page_texts(replies[-1].file_bytes)).replace("\n", " ")
    assert "Last colour" in text and "Yellow: tension" in text and "Self-scan" in text


async def test_a_0_meting_then_the_invitation_3_months_later_and_the_chart(chat, harness, clock):
    svc = harness.services
    sam = await english(await onboard_client(chat(SAM, "Sam")))
    replies = await sam.send("/scan")
    assert "starting point (0-meting)" in replies[-1].text and "Do children live in your home?" in replies[-1].text
    replies = await sam.press("No")
    assert "Part 1 of 6" in replies[-1].text and "Housing" in replies[-1].text
    assert "🟥 😣 1 · Acute problem: I need help now" in sam.buttons() and "😄" in sam.buttons()[4]
    replies = await answer_scan(sam, [2, 1, 0, 3, 4, 3])
    done = replies[-1].text
    assert "Saved" in done and "This is your starting point (0-meting)." in done and "I will ask again on" in done
    assert "Daily activities" not in done  # skipped

    clock.advance(days=91)
    assert await selfscan.queue_scan_prompts(svc) == 1
    await outbox.deliver_due(svc, harness.app.bot)
    assert "time for your self-scan" in sam.last().text
    replies = await sam.press("Start the self-scan")
    assert "0-meting" not in replies[-1].text
    await sam.press("Yes")  # children now: seven parts
    replies = await answer_scan(sam, [3, 2, 3, 4, 4, 4, 5])
    assert "Saved" in replies[-1].text and "starting point" not in replies[-1].text
    replies = await sam.press("Chart")
    assert replies[-1].kind == "photo" and replies[-1].file_bytes.startswith(b"\x89PNG")
    history = await selfscan.history(svc, SAM)
    assert [p.scores.get(ScanDomain.WONEN) for p in history.client] == [2, 3]
    assert (
        ScanDomain.KINDEREN in history.client[1].scores and ScanDomain.DAGACTIVITEITEN not in history.client[0].scores
    )


async def test_the_worker_compares_with_consent_and_gets_a_scale_up_suggestion(chat, harness, clock):
    svc = harness.services
    sam, anna = await client_and_worker(chat, harness, share_alerts=True)
    await english(sam)
    await english(anna)
    sam_id = await pid(svc, SAM)
    await consent.set_consent(
        svc, client_telegram_id=SAM, viewer_id=await pid(svc, ANNA), scope=Scope.GOALS, granted=True
    )
    # A crisis: housing scored 1, a goal that stalled, and red today.
    await scan(svc, SAM, {ScanDomain.WONEN: 1, ScanDomain.FINANCIEN: 2})
    goal = await goals.create_goal(svc, SAM, domain=Domain.WONEN, title="Huis houden", step="Huur betalen")
    for _ in range(3):
        await goals.answer_checkin(svc, SAM, await goals.open_checkin(svc, SAM, goal.id), Answer.NOT_YET)
        clock.advance(hours=2)
    assert len(await goals.sweep_stalls(svc)) == 1
    await sam.press("How am I doing")
    await sam.press("Crisis")

    replies = await anna.send("/rapport")
    assert "Your caseload" in replies[-1].text and "Clients who share their goals with you: 1" in replies[-1].text
    await anna.press("📊 Sam")
    replies = await anna.press("📊 Scan")
    assert "Do children live in Sam's home?" in replies[-1].text
    await anna.press("No")
    assert "How do you see this for Sam?" in anna.last().text
    replies = await answer_scan(anna, [4, 2, 3, 3, 3, 3])
    assert (
        "You and the client see Housing differently." in replies[-1].text
        and "Something to talk about" in replies[-1].text
    )
    replies = await anna.press("Side by side")
    assert (
        "Housing: client 😣 1 · you 🙂 4 💬" in replies[-1].text and "Money: client 🙁 2 · you 🙁 2" in replies[-1].text
    )

    await anna.send("/rapport")
    replies = await anna.press("Suggestions")
    assert "Suggestion for Sam: more support." in replies[-1].text and "red check-in" in replies[-1].text
    replies = await anna.press("More support")
    assert "Why? Type a short reason." in replies[-1].text
    replies = await anna.send("Extra huisbezoek deze week")
    assert "saved" in replies[-1].text
    async with svc.unit() as session:
        decision = (await session.execute(select(ScaleDecision))).scalar_one()
    assert (decision.suggestion, decision.decision, decision.reason) == ("up", "up", "Extra huisbezoek deze week")
    replies = await anna.press("Suggestions")
    assert "No suggestions" in replies[-1].text  # decided: quiet for a while

    # Without consent for goals, the worker sees only their own scores; a forged client id is refused.
    await consent.set_consent(
        svc, client_telegram_id=SAM, viewer_id=await pid(svc, ANNA), scope=Scope.GOALS, granted=False
    )
    replies = await anna.press_data(anna.last().message_id, f"prg:cmp:{sam_id}")
    assert "does not share the self-scan with you" in replies[-1].text and "😣" not in replies[-1].text
    replies = await anna.press_data(anna.last().message_id, f"prg:chart:{sam_id}")
    assert "has not shared it with you" in replies[-1].text
    replies = await anna.press_data(anna.last().message_id, f"prg:wscan:{await pid(svc, ANNA)}")
    assert "does not work for you" in replies[-1].text


async def test_the_worker_closes_the_traject_and_the_client_answers_four_questions(chat, harness):
    svc = harness.services
    sam, anna = await client_and_worker(chat, harness, share_alerts=False)
    await english(sam)
    await english(anna)
    await anna.send("/rapport")
    await anna.press("📊 Sam")
    replies = await anna.press("Close the traject")
    assert "Closing the traject of Sam" in replies[-2].text and "Outcome 1 of 7" in replies[-1].text
    for press in ("4", "3", "2", "3", "4", "5", "n.a."):
        replies = await anna.press(press)
    assert "g. Wellbeing of the children in the household: n.a." in replies[-1].text
    replies = await anna.press("Yes, close the traject")
    assert "The traject is closed" in replies[-1].text
    async with svc.unit() as session:
        closing = (await session.execute(select(TrajectClosing))).scalar_one()
        household = await session.get(Household, closing.household_id)
    assert closing.outcomes == {"a": 4, "b": 3, "c": 2, "d": 3, "e": 4, "f": 5, "g": None} and household.closed_at
    assert "Your traject with Anna has ended" in sam.last().text
    replies = await sam.press("Answer 4 short questions")
    assert "Question 1 of 4" in replies[-1].text and "My worker listened to me." in replies[-1].text
    for label in ("Completely true", "Mostly true", "Partly"):
        await sam.press(label)
    assert "How far did you reach your own goals?" in sam.last().text
    replies = await sam.press("Mostly")
    assert "Thank you for your answers" in replies[-1].text
    async with svc.unit() as session:
        answers = (await session.execute(select(RelationScore.answers))).scalar_one()
    assert answers == {"listened": 5, "own_goals": 4, "recommend": 3, "goals_reached": 4}
    replies = await sam.send("/herstelplan")  # the plan stays the client's
    assert "My herstelplan" in replies[-1].text and "ended on" in replies[-1].text
    replies = await anna.press_data(anna.last().message_id, "prg:close:" + str(await pid(svc, SAM)))
    assert "does not work for you" in replies[-1].text  # no longer hers


async def test_the_admin_gets_the_monthly_pdf_and_csv(chat, harness):
    svc = harness.services
    code = (await invites.create_invite(svc, role=Role.ADMIN)).code
    await invites.redeem_invite(svc, code=code, telegram_id=ADA, chat_id=ADA, locale="en")
    await people.set_name(svc, ADA, "Ada")
    await people.finish_onboarding(svc, ADA)
    ada = await english(chat(ADA, "Ada"))
    replies = await ada.send("/rapport 2026-02")
    documents = [r for r in replies if r.kind == "document"]
    assert [d.filename for d in documents] == ["houvast-report-2026-02.pdf", "houvast-report-2026-02.csv"]
    assert documents[0].file_bytes.startswith(b"%PDF") and b"households.total" in documents[1].file_bytes
    assert "< 5" in page_texts(documents[0].file_bytes)[0]
    assert "numbers are hidden; the last part of the PDF says which, and why" in documents[0].text
    replies = await ada.send("/rapport")  # the admin chooses: this month so far, then the twelve before it
    assert "Which month?" in replies[-1].text
    assert ada.buttons()[:3] == ["March 2026", "February 2026", "January 2026"] and len(ada.buttons()) == 13
    replies = await ada.press("January 2026")
    assert replies[-1].filename == "houvast-report-2026-01.csv"
    replies = await ada.send("/rapport december 2025")
    assert replies[-1].filename == "houvast-report-2025-12.csv"
    replies = await ada.send("/rapport 2026-13")
    assert "I do not understand that month" in replies[-2].text and "Which month?" in replies[-1].text
    replies = await ada.send("/rapport 2026-05")
    assert "has not begun yet" in replies[-1].text
    sam = await english(await onboard_client(chat(SAM, "Sam")))
    replies = await sam.send("/rapport")  # not for clients: the menu
    assert all(r.kind == "text" for r in replies) and "What would you like to do?" in replies[-1].text
