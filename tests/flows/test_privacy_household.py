"""/privacy in a household: the other members are listed as "household member", see nothing until the client
ticks a scope, are told what changed, and then see exactly that in Mijn herstelplan."""
from sqlalchemy import select

from bot.db.models import Consent
from bot.domain.consent import Scope
from bot.domain.goals import Domain
from bot.domain.roles import Role
from bot.services import goals, herstelplan, invites, people, team
from bot.services.herstelplan import Part

ANNA, SAM, MO, LIN, KIM = 900, 501, 502, 503, 601


async def joined(svc, telegram_id, name, role, *, by=None, household_id=None):
    created = await invites.create_invite(svc, role=role, by_telegram_id=by, household_id=household_id)
    await invites.redeem_invite(svc, code=created.code, telegram_id=telegram_id, chat_id=telegram_id, locale="en")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)


async def household_of_three(svc):
    await joined(svc, ANNA, "Anna", Role.WORKER)
    await joined(svc, SAM, "Sam", Role.CLIENT, by=ANNA)
    household = await team.household_of(svc, SAM)
    await joined(svc, MO, "Mo", Role.CLIENT, by=ANNA, household_id=household)
    await joined(svc, LIN, "Lin", Role.CLIENT, by=ANNA, household_id=household)
    await people.start_as_client(svc, telegram_id=KIM, chat_id=KIM, locale="en")  # another household
    await people.set_name(svc, KIM, "Kim")


async def test_privacy_lists_the_household_members_and_sharing_with_one_works_at_once(chat, harness):
    svc = harness.services
    await household_of_three(svc)
    await goals.create_goal(svc, SAM, domain=Domain.WONEN, title="Eigen huis")
    sam, mo = chat(SAM, "Sam"), chat(MO, "Mo")

    replies = await sam.send("/privacy")
    text = replies[-1].text
    assert "Anna (worker): nothing" in text
    assert "Mo (household member): nothing" in text and "Lin (household member): nothing" in text
    assert "Kim" not in text
    assert {"Anna (worker)", "Mo (household member)", "Lin (household member)"} <= set(sam.buttons())

    await sam.press("Mo (household member)")
    assert "What may Mo see?" in sam.last().text
    before = len(mo.messages())
    await sam.press("goals and check-ins")
    assert "✅ goals and check-ins" in sam.buttons()
    assert any("Sam now shares with you: goals and check-ins." in (m.text or "") for m in mo.messages()[before:])

    mo_id = (await people.whoami(svc, MO)).id
    view = await herstelplan.herstelplan(svc, MO)
    shared = next(m for m in view.others if m.name == "Sam")
    assert shared.shown == {Part.GOALS, Part.SCAN, Part.SUPPORT} and [g.title for g in shared.goals] == ["Eigen huis"]
    lin_view = await herstelplan.herstelplan(svc, LIN)  # Lin was given nothing
    assert next(m for m in lin_view.others if m.name == "Sam").shown == {Part.SUPPORT}

    replies = await sam.send("/privacy")
    assert "Mo (household member): goals and check-ins" in replies[-1].text
    replies = await sam.send("/wiezietwat")
    assert "Mo (household member) looked at your goals and check-ins" in replies[-1].text

    # Taking it back works at once too.
    await sam.send("/privacy")
    await sam.press("Mo (household member)")
    before = len(mo.messages())
    await sam.press("goals and check-ins")
    assert "⬜ goals and check-ins" in sam.buttons()
    assert any("Sam no longer shares with you: goals and check-ins." in (m.text or "") for m in mo.messages()[before:])
    view = await herstelplan.herstelplan(svc, MO)
    assert next(m for m in view.others if m.name == "Sam").shown == {Part.SUPPORT}
    async with svc.unit() as session:
        rows = (await session.execute(select(Consent.scope, Consent.granted).where(Consent.viewer_id == mo_id))).all()
    assert rows == [(Scope.GOALS.value, False)]  # one row per client, viewer and scope, switched off, kept


async def test_a_forged_toggle_for_a_client_of_another_household_is_refused(chat, harness):
    svc = harness.services
    await household_of_three(svc)
    sam = chat(SAM, "Sam")
    await sam.send("/privacy")
    kim_id = (await people.whoami(svc, KIM)).id
    for data in (f"priv:who:{kim_id}", f"priv:tog:{kim_id}.2"):
        replies = await sam.press_data(sam.last().message_id, data)
        assert not any("What may Kim see" in (m.text or "") for m in replies)
    replies = await sam.send("/privacy")
    assert "Kim" not in replies[-1].text
