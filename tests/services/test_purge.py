"""The purge you can prove: a client with a two-word name leaves a distinctive string in every place the product
keeps words (tools, goals, notes, scans, the peer conversation, misuse reports, the waiting list, a peer
request, samen invullen) and causes every kind of message about them (nudges, a digest, consent notices, peer
notices, a misuse report to the admin, alerts). After deletion no text column of any table holds any of those
strings, the first name, the last name, the phone number or the Telegram id. The audit trail stays, naming
pseudonyms only (docs/decisions.md). Another client's data is untouched.
"""
import re
from datetime import UTC, datetime, time

import sqlalchemy as sa
from sqlalchemy import func, select
from telegram import Bot

from bot import outbox
from bot.db.models import AuditEntry, Base, PeerWait, Person, SelfScan
from bot.domain.consent import Scope
from bot.domain.forms import Tool
from bot.domain.goals import Answer, Domain
from bot.domain.plans import Phase
from bot.domain.roles import CareRole, Role
from bot.domain.safetyplans import HopeKind
from bot.domain.selfscan import LEEFDOMEINEN
from bot.local.botapi import LocalRequest
from bot.services import (
    checkins,
    consent,
    gdpr,
    goal_requests,
    goals,
    invites,
    nudges,
    peers,
    people,
    safetyplans,
    selfscan,
    team,
    together,
    tools,
)

FENNA, GIJS = 7340012345, 7340099887  # Telegram ids that cannot turn up by accident elsewhere
ANNA, BRAM, JOOST, MIRA, ADA = 900, 901, 905, 906, 950
FIRST, LAST = "Fenna", "Klaassen"
PHONE = "06 99887766"
WORDS = {  # one distinctive string per place the client's words can be kept
    "plan": "zqplan-wandelen-bij-de-Dinkel",
    "plan_draft": "zqdraft-thee-met-honing",
    "card": "zqcard-Lorazepam-1mg",
    "contact": "zqcontact-Oma-Trijntje",
    "goal": "zqgoal-eigen-woning-in-Enschede",
    "why": "zqwhy-rust-voor-de-kinderen",
    "step": "zqstep-woningnet-inschrijven",
    "goal2": "zqgoal2-schuldhulp-aanvragen",
    "note": "zqnote-huisbaas-nam-niet-op",
    "relay": "zqrelay-ik-slaap-slecht-sinds-mei",
    "misuse": "zqmisuse-hij-vroeg-mijn-adres",
    "misuse_by_peer": "zqpeer-report-about-the-client",
    "feedback": "zqfeedback-Joost-luisterde-goed",
    "together": "zqtogether-bel-je-zus",
    "proposed": "zqproposed-elke-dag-naar-buiten",
    "safety": "zqsafety-mijn-dochter-Lisa",
    "hope": "zqhope-zon-op-het-water",
    "sos": "zqsos-bel-me-alsjeblieft",
    "trusted": "zqtrusted-Tante-Riek",
}
OTHER_WORDS = ("zqother-fietsen-rond-Zwolle", "Gijs")


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


async def staff(svc, telegram_id, role, name):
    code = (await invites.create_invite(svc, role=role)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)
    return (await people.whoami(svc, telegram_id)).id


async def client(svc, telegram_id, name):
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=ANNA)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)
    return (await people.whoami(svc, telegram_id)).id


async def stall(svc, title, step=None, why=None):
    goal = await goals.create_goal(svc, FENNA, domain=Domain.WONEN, title=title, why=why, step=step, at=time(10))
    for _ in range(3):
        checkin = await goals.open_checkin(svc, FENNA, goal.id)
        await goals.answer_checkin(svc, FENNA, checkin, Answer.NOT_YET)
    return goal, checkin


async def raw_dump(svc) -> dict[str, list[str]]:
    """Every value of every column of every table, as stored."""
    dump: dict[str, list[str]] = {}
    async with svc.unit() as session:
        for table in Base.metadata.sorted_tables:
            rows = await session.execute(sa.text(f'SELECT * FROM "{table.name}"'))
            dump[table.name] = [str(value) for row in rows for value in row if value is not None]
    return dump


def hits(dump, needles) -> set[tuple[str, str]]:
    found = set()
    for table, values in dump.items():
        for value in values:
            for needle in needles:
                if re.search(rf"(?<![0-9A-Za-z]){re.escape(needle)}(?![0-9A-Za-z])", value, re.IGNORECASE):
                    found.add((table, needle))
    return found


async def seed(svc, clock, api):
    """Fenna uses everything; messages about her go out and wait. Returns the bot that delivers them."""
    clock.current = utc(2026, 4, 10, 8, 0)  # Friday 10:00 in Amsterdam
    await staff(svc, ANNA, Role.WORKER, "Anna Visser")
    await staff(svc, BRAM, Role.WORKER, "Bram")
    await staff(svc, ADA, Role.ADMIN, "Ada")
    fenna_id = await client(svc, FENNA, f"{FIRST} {LAST}")
    await client(svc, GIJS, "Gijs Mulder")
    household = await team.household_of(svc, FENNA)
    await team.add_to_team(svc, by_telegram_id=ANNA, household_id=household, worker_telegram_id=BRAM,
                           role=CareRole.BACKUP)
    anna_id = (await people.whoami(svc, ANNA)).id
    for scope in (Scope.GOALS, Scope.ALERTS, Scope.CRISIS_CARD):
        await consent.set_consent(svc, client_telegram_id=FENNA, viewer_id=anna_id, scope=scope, granted=True)

    # Tools: saved versions and an unfinished draft.
    card = {"name": f"{FIRST} {LAST}", "medication": [WORDS["card"]],
            "contacts": [{"name": WORDS["contact"], "phone": PHONE, "relation": "oma"}]}
    await tools.update_draft(svc, FENNA, Tool.CARD, card, 3)
    await tools.save_version(svc, FENNA, Tool.CARD, finished=True)
    await tools.update_draft(svc, FENNA, Tool.PLAN, {"groen": {"what_i_do": [WORDS["plan"]]}}, 2)
    await tools.save_version(svc, FENNA, Tool.PLAN, finished=True)
    await tools.update_draft(svc, FENNA, Tool.PLAN, {"geel": {"what_i_do": [WORDS["plan_draft"]]}}, 3)
    await tools.current(svc, ANNA, Tool.CARD, client_id=fenna_id)  # Anna looks: an audit row

    # Goals with a note; a proposal by the worker; a self-scan.
    goal, checkin = await stall(svc, WORDS["goal"], step=WORDS["step"], why=WORDS["why"])
    await goals.add_note(svc, FENNA, checkin, text=WORDS["note"])
    await stall(svc, WORDS["goal2"])
    await goals.propose_goal(svc, ANNA, fenna_id, domain=Domain.SOCIAAL, title=WORDS["proposed"])
    draft = await selfscan.begin(svc, FENNA)
    for domain in LEEFDOMEINEN:
        await selfscan.answer(svc, FENNA, draft.scan_id, domain, 3)
    await selfscan.finish(svc, FENNA, draft.scan_id)
    await together.propose(svc, ANNA, fenna_id, Tool.PLAN, 0, WORDS["together"])

    # The safety plan, the hoopbox and a noodbericht.
    await tools.update_draft(svc, FENNA, Tool.SAFETY, {"reasons": [WORDS["safety"]]}, 6)
    await tools.save_version(svc, FENNA, Tool.SAFETY, finished=True)
    await safetyplans.add_hope(svc, FENNA, HopeKind.TEXT, text=WORDS["hope"])
    await safetyplans.set_sos_text(svc, FENNA, WORDS["sos"])
    await safetyplans.add_trusted(svc, FENNA, name=WORDS["trusted"], phone=PHONE)
    await safetyplans.send_sos(svc, FENNA)

    # The tick: the stalled goals reach Anna now, as a digest that goes out; what follows waits.
    await goals.sweep_stalls(svc)
    await nudges.notify_nudges(svc)
    bot = Bot("123:TEST", request=LocalRequest(api))
    await bot.initialize()
    for telegram_id, name in ((FENNA, FIRST), (GIJS, "Gijs"), (ANNA, "Anna"), (BRAM, "Bram"), (JOOST, "Joost"),
                              (MIRA, "Mira"), (ADA, "Ada")):
        api.add_user(telegram_id, name)
    await outbox.deliver_due(svc, bot)
    await goal_requests.ask_worker_contact(svc, FENNA, goal.id)  # a reference, not a text

    # Peer support: nobody free, so the waiting list (its theme encrypted like any other); then Joost; a
    # conversation, reports, an end with feedback; then Mira, still active and quiet for ten days.
    assert (await peers.find_peer(svc, FENNA, "verslaving")).outcome == "waiting"
    await staff(svc, JOOST, Role.PEER, "Joost")
    await peers.set_themes(svc, JOOST, {"verslaving", "wonen"})
    assert await peers.offer_waiting(svc) == 1
    [proposal] = [p for p in [await peers.open_proposal(svc, FENNA)] if p]
    contact = (await peers.accept(svc, FENNA, proposal.contact_id)).contact
    await peers.start_talking(svc, FENNA, contact.contact_id)
    await peers.relay(svc, FENNA, kind="text", text=WORDS["relay"], file_id=None)
    await peers.start_talking(svc, JOOST, contact.contact_id)
    await peers.relay(svc, JOOST, kind="text", text=f"Hoi {FIRST}, dat is zwaar.", file_id=None)
    await checkins.record_phase(svc, FENNA, Phase.RED)  # an alert to Anna and Bram, still a text naming Fenna
    await peers.report_worry(svc, JOOST, contact.contact_id)  # "Zorg melden": also still a text
    await peers.report_misuse(svc, FENNA, contact.contact_id, WORDS["misuse"])
    await peers.report_misuse(svc, JOOST, contact.contact_id, f"{WORDS['misuse_by_peer']} {FIRST}")
    await peers.end_contact(svc, FENNA, contact.contact_id)
    await peers.rate(svc, FENNA, contact.contact_id, 4)
    assert await peers.give_feedback(svc, FENNA, contact.contact_id, WORDS["feedback"])
    await staff(svc, MIRA, Role.PEER, "Mira")
    await peers.set_themes(svc, MIRA, {"wonen"})
    second = await peers.find_peer(svc, FENNA, "wonen")
    await peers.accept(svc, FENNA, second.proposal.contact_id)

    # Gijs, with words of his own.
    await tools.update_draft(svc, GIJS, Tool.CARD, {"what_helps": [OTHER_WORDS[0]]}, 1)
    await tools.save_version(svc, GIJS, Tool.CARD, finished=True)

    clock.current = utc(2026, 4, 14, 8, 0)  # Tuesday: the nudges reach Bram too, now as a digest
    await nudges.notify_nudges(svc)
    clock.current = utc(2026, 4, 20, 8, 0)  # ten days later Mira is reminded of the quiet contact
    assert await peers.remind_quiet_contacts(svc) == 1
    return bot


async def test_after_the_purge_no_table_holds_a_word_of_the_client(svc, clock, api):
    bot = await seed(svc, clock, api)
    needles = (*WORDS.values(), FIRST, LAST, PHONE, PHONE.replace(" ", ""), str(FENNA))
    before = await raw_dump(svc)
    found = {table for table, _ in hits(before, needles)}
    # The seed reached every kind of place (otherwise the scan below proves nothing).
    assert {"people", "tool_versions", "tool_drafts", "goals", "goal_checkins", "goal_events", "relay_messages",
            "misuse_reports", "peer_contacts", "tool_proposals", "outbox", "hope_items", "trusted_people",
            "emergency_settings"} <= found
    async with svc.unit() as session:
        assert (await session.execute(select(func.count()).select_from(SelfScan))).scalar_one() == 1
        kinds = set((await session.execute(sa.text("SELECT kind FROM outbox WHERE sent_at IS NULL"))).scalars())
        fenna = (await session.execute(select(Person).where(Person.telegram_id == FENNA))).scalar_one()
        pseudonym = fenna.pseudonym
    # Messages about her are waiting to go out: references, and the alerts that still carry a text.
    assert {"nudge_digest", "peer_quiet", "misuse", "alert", "contact_request"} <= kinds
    assert any(FIRST in m.text for m in api.messages(ANNA))  # and some went out already
    other_before = hits(before, OTHER_WORDS)

    await gdpr.request_deletion(svc, FENNA)
    clock.advance(days=7)
    assert await gdpr.purge_due(svc) == 1

    after = await raw_dump(svc)
    assert hits(after, needles) == set(), "the deleted client is still somewhere in the database"
    assert hits(after, OTHER_WORDS) == other_before  # Gijs keeps everything
    # What was still queued about her is gone or withdrawn: nothing about her reaches anyone any more.
    sent_before = {telegram_id: len(api.messages(telegram_id)) for telegram_id in (ANNA, BRAM, JOOST, MIRA, ADA)}
    await outbox.deliver_due(svc, bot)
    for telegram_id, count in sent_before.items():
        assert not any(FIRST in (m.text or "") for m in api.messages(telegram_id)[count:]), telegram_id
    async with svc.unit() as session:
        assert (await session.execute(select(func.count()).select_from(SelfScan))).scalar_one() == 0
        assert (await session.execute(select(func.count()).select_from(PeerWait))).scalar_one() == 0
        trail = list((await session.execute(select(AuditEntry))).scalars())
    # The trail stays, naming pseudonyms only.
    assert any(e.subject == pseudonym and e.action == "deletion.done" for e in trail)
    assert all(value is None or re.fullmatch(r"[0-9a-f]{16}", value) for e in trail for value in (e.actor, e.subject))
