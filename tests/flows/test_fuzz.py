"""Random text, unicode, very long input and random callback data at every conversation state.

Three things must hold for every input: no unhandled exception, a reply to the user, and no change to
anyone else's data. Hypothesis drives one long-lived Application per state (its loop is run by hand, since
hypothesis calls the test body synchronously).
"""
import asyncio
import logging

import pytest
from hypothesis import HealthCheck, given, strategies as st
from hypothesis import settings as hypothesis_settings
from sqlalchemy import select

from bot.db.models import Consent, Person, PhaseCheckin, ToolDraft, ToolVersion

STATES = ["new", "onboarding_name", "onboarding_time", "menu", "plan_form", "card_form", "link_code", "privacy",
          "goal_form", "scan"]
texts = st.one_of(
    st.text(min_size=1, max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.builds(lambda n, c: c * n, st.integers(3000, 4096), st.sampled_from("xé🙂")),
    st.sampled_from(["/start", "/menu", "/stop", "/help", "/taal", "/privacy", "/crisis", "/start ABCDEFGHJKMN", "0", "-1"]),
)
known_prefixes = ["menu:", "form:", "tool:", "chk:", "priv:", "inv:", "wk:", "onb:", "lang:", "gdpr:", "goal:", "gchk:",
                  "gstall:", "ndg:", "ovz:", "peer:", "tog:", "prg:", "wkp:", "afw:"]
callback_data = st.one_of(
    st.text(max_size=64),
    st.builds(lambda p, rest: (p + rest)[:64], st.sampled_from(known_prefixes), st.text(max_size=40)),
    st.builds(lambda p, n: f"{p}{n}", st.sampled_from([
        "wk:view:", "wk:client:", "priv:who:", "priv:tog:", "inv:member:", "form:edit:signaleringsplan.", "goal:open:",
        "gchk:done:", "gstall:pause:", "ndg:seen:", "peer:worry:", "tog:ok:", "prg:client:", "wk:propose:",
    ]), st.integers(-5, 10**9)),
)


async def snapshot_others(svc, sam_telegram_id):
    async with svc.unit() as session:
        sam = (await session.execute(select(Person).where(Person.telegram_id == sam_telegram_id))).scalar_one_or_none()
        sam_id = sam.id if sam else -1
        out = []
        for model in (ToolVersion, ToolDraft, PhaseCheckin):
            out += [(model.__tablename__, r.id, getattr(r, "content", None) or getattr(r, "phase", None))
                    for r in (await session.execute(select(model).where(model.client_id != sam_id))).scalars()]
        out += [("consents", r.id, r.granted) for r in (await session.execute(select(Consent).where(Consent.client_id != sam_id))).scalars()]
        out += [("people", r.id, r.name, r.role, r.household_id, r.locale, r.reminders_paused)
                for r in (await session.execute(select(Person).where(Person.telegram_id != sam_telegram_id))).scalars()]
        return sorted(out, key=str)


async def reach(state, chat, harness):
    """Bring a fresh user (and a bystander with data of her own) to the given state."""
    from tests.flows.test_checkin import client_and_worker

    sam, _anna = await client_and_worker(chat, harness, share_alerts=True)
    await sam.press("Mijn signaleringsplan")
    await sam.press("Invullen")
    await sam.send("Sam's eigen teken")
    await sam.press("Later verder")
    kim = chat(777, "Kim")
    if state == "new":
        return kim
    await kim.send("/start")
    if state == "onboarding_name":
        await kim.press("Verder")
        return kim
    await kim.press("Verder")
    await kim.send("Kim")
    if state == "onboarding_time":
        return kim
    await kim.press("Geen vaste tijd")
    if state == "plan_form":
        await kim.press("Mijn signaleringsplan")
        await kim.press("Invullen")
    elif state == "card_form":
        await kim.press("Mijn crisiskaart")
        await kim.press("Invullen")
    elif state == "link_code":
        await kim.press("Mijn begeleider koppelen")
    elif state == "privacy":
        await kim.send("/privacy")
    elif state == "goal_form":
        await kim.send("/doelen")
        await kim.press("Nieuw doel")
    elif state == "scan":
        await kim.send("/scan")
    return kim


@pytest.mark.parametrize("state", STATES)
def test_any_input_at_any_state(state, settings, clock, api, caplog):
    from tests.chat import Harness

    loop = asyncio.new_event_loop()
    harness = Harness(settings, clock, api)
    run = loop.run_until_complete
    try:
        run(harness.start())
        make = lambda uid, name: harness.chat(uid, name)  # noqa: E731
        kim = run(reach(state, make, harness))
        svc = harness.services
        baseline = run(snapshot_others(svc, 777))

        @hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        @given(st.one_of(st.tuples(st.just("text"), texts), st.tuples(st.just("button"), callback_data)))
        def poke(action):
            kind, value = action
            caplog.clear()
            harness.clock.advance(minutes=5)  # keep clear of the flood limit: this is not a flood test
            before = [(m.message_id, m.text, m.edited) for m in kim.messages()]
            if kind == "text":
                run(kim.send(value))
            else:
                message_id = kim.messages()[-1].message_id if kim.messages() else 1
                run(kim.press_data(message_id, value))
            errors = [r for r in caplog.records if r.name == "houvast.errors" and r.levelno >= logging.ERROR]
            assert not errors, f"unhandled error for {action!r}"
            after = [(m.message_id, m.text, m.edited) for m in kim.messages()]
            assert after != before, f"no reply to {action!r}"
            assert run(snapshot_others(svc, 777)) == baseline, f"someone else's data changed by {action!r}"

        poke()
    finally:
        run(harness.stop())
        loop.close()
