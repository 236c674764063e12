"""Peer support: matching, the waiting list, pausing, consent for the peer expert, retention, reminders,
misuse and suspension, "Zorg melden", and samen invullen (nothing saved until the client confirms)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot import outbox
from bot.db.models import AuditEntry, OutboxMessage, PeerContact, RelayMessage, ToolProposal
from bot.domain import peers as rules
from bot.domain.consent import Scope
from bot.domain.forms import Refused, Tool
from bot.domain.peers import Candidate
from bot.domain.plans import Phase
from bot.domain.roles import Role
from bot.services import checkins, consent, invites, nudges, peers, people, together, tools
from bot.services.base import NotAllowed, NotFound, Services

NOW = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)  # the clock fixture's start


# ---- the pure rules ----------------------------------------------------------------------------------


def peer(peer_id, themes=("wonen",), max_peers=3, load=0, **extra):
    return Candidate(peer_id, frozenset(themes), max_peers, load, **extra)


def test_match_takes_the_theme_and_the_fewest_active_contacts_first():
    candidates = [
        peer(1, load=2),
        peer(2, ("schulden",)),
        peer(3, load=1),
        peer(4, ("wonen", "schulden"), load=1),
    ]
    assert [c.peer_id for c in rules.match(candidates, "wonen", NOW)] == [3, 4, 1]
    assert [c.peer_id for c in rules.match(candidates, "schulden", NOW)] == [2, 4]
    assert [c.peer_id for c in rules.match(candidates, None, NOW)] == [2, 3, 4, 1]


def test_match_skips_paused_suspended_inactive_and_full_peer_experts():
    today = date(2026, 3, 28)
    candidates = [
        peer(1, paused_until=today + timedelta(days=1)),
        peer(2, suspended=True),
        peer(3, active=False),
        peer(4, max_peers=2, load=2),
        peer(5, paused_until=today),  # today is the first day back
        peer(6),
    ]
    assert [c.peer_id for c in rules.match(candidates, "wonen", NOW)] == [5, 6]
    assert [c.peer_id for c in rules.match(candidates, "wonen", NOW, exclude=[6])] == [5]


def test_only_the_declines_of_the_current_request_count():
    history = [
        (1, "declined"),
        (2, "ended"),
        (3, "declined"),
        (4, "cancelled"),
        (5, "declined"),
        (6, "declined"),
        (7, "proposed"),
    ]
    assert rules.declined_in_request(history) == [6, 5]
    assert rules.declined_in_request([]) == []


@pytest.mark.parametrize(
    ("days", "due"), [(9, False), (10, True), (11, False), (16, False), (17, True), (24, True)]
)
def test_a_quiet_contact_is_nudged_on_day_10_then_weekly(days, due):
    assert rules.reminder_due(NOW - timedelta(days=days), NOW) is due


# ---- people ------------------------------------------------------------------------------------------


async def staff(svc, telegram_id, role, name):
    code = (await invites.create_invite(svc, role=role)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="en")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)


async def client(svc, telegram_id, name, worker=900):
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=worker)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="en")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)
    return (await people.whoami(svc, telegram_id)).id


async def peer_expert(svc, telegram_id, name, themes=("wonen",), max_peers=3):
    await staff(svc, telegram_id, Role.PEER, name)
    await peers.set_themes(svc, telegram_id, set(themes))
    await peers.set_max_peers(svc, telegram_id, max_peers)
    await peers.set_story(svc, telegram_id, f"I am {name}. I lost my house once.")
    return (await people.whoami(svc, telegram_id)).id


@pytest.fixture
async def world(svc):
    await staff(svc, 900, Role.WORKER, "Anna")
    await staff(svc, 950, Role.ADMIN, "Ada")
    sam = await client(svc, 501, "Sam de Vries")
    joost = await peer_expert(svc, 905, "Joost")
    return svc, sam, joost


async def outbox_to(svc, telegram_id, kind=None):
    async with svc.unit() as session:
        person_id = (await people.whoami(svc, telegram_id)).id
        query = select(OutboxMessage).where(OutboxMessage.person_id == person_id).order_by(OutboxMessage.id)
        if kind:  # "peer" also finds the references about a peer contact ("peer_started", ...)
            query = query.where((OutboxMessage.kind == kind) | OutboxMessage.kind.like(f"{kind}\\_%", escape="\\"))
        # As each message would go out now: references are rendered, withdrawn ones left out (nothing is committed).
        rendered = [await outbox.render_row(svc, session, m) for m in (await session.execute(query)).scalars()]
        return [message for message in rendered if message is not None]


async def connect(svc, client_tid=501, theme="wonen"):
    result = await peers.find_peer(svc, client_tid, theme)
    assert result.outcome == "proposed"
    started = await peers.accept(svc, client_tid, result.proposal.contact_id)
    assert started.outcome == "active"
    return started.contact


# ---- finding a peer expert ---------------------------------------------------------------------------


async def test_the_contact_starts_only_when_the_client_says_yes(world):
    svc, _, _ = world
    result = await peers.find_peer(svc, 501, "wonen")
    assert result.outcome == "proposed"
    assert (result.proposal.peer_name, result.proposal.story) == (
        "Joost",
        "I am Joost. I lost my house once.",
    )
    assert await peers.my_contacts(svc, 905) == []
    with pytest.raises(NotAllowed):  # only the client accepts their own proposal
        await peers.accept(svc, 905, result.proposal.contact_id)
    started = await peers.accept(svc, 501, result.proposal.contact_id)
    assert started.outcome == "active" and started.contact.client_name == "Sam"  # first name only
    [note] = await outbox_to(svc, 905, "peer")
    assert "Sam" in note["text"] and "de Vries" not in note["text"]
    assert note["buttons"][0][0][1] == f"peer:talk:{started.contact.contact_id}"
    again = await peers.find_peer(svc, 501, "schulden")
    assert again.outcome == "active" and again.contact.peer_name == "Joost"


async def test_someone_else_never_brings_back_a_peer_declined_in_this_request(world):
    svc, _, _ = world
    await peer_expert(svc, 906, "Mira")
    await peer_expert(svc, 907, "Lars")
    await peer_expert(svc, 908, "Eva", themes=("schulden",))  # another theme: never proposed
    first = await peers.find_peer(svc, 501, "wonen")
    second = await peers.someone_else(svc, 501, first.proposal.contact_id)
    third = await peers.someone_else(svc, 501, second.proposal.contact_id)
    seen = {first.proposal.peer_name, second.proposal.peer_name, third.proposal.peer_name}
    assert seen == {"Joost", "Mira", "Lars"}
    last = await peers.someone_else(svc, 501, third.proposal.contact_id)
    assert last.outcome == "waiting"
    with pytest.raises(NotFound):  # a declined proposal cannot be accepted afterwards
        await peers.accept(svc, 501, first.proposal.contact_id)
    # A new request starts over.
    fresh = await peers.find_peer(svc, 501, "wonen")
    assert fresh.outcome == "proposed"


async def test_a_full_peer_expert_is_skipped_and_nobody_free_means_the_waiting_list(world):
    svc, _, _ = world
    await peers.set_max_peers(svc, 905, 1)
    await connect(svc)
    await client(svc, 502, "Kim")
    result = await peers.find_peer(svc, 502, "wonen")
    assert result.outcome == "waiting"
    [row] = await peers.waiting_list(svc, 950)
    assert (row.client_name, row.theme) == ("Kim", "wonen")  # the first name and the theme, nothing more
    async with svc.unit() as session:
        seen = (await session.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "peer.waiting_seen"))).scalar_one()
    assert seen == 1  # the admin's look is audited
    with pytest.raises(NotAllowed):
        await peers.waiting_list(svc, 900)  # only an admin
    # Room again: the tick proposes at once, and the waiting list empties.
    await peers.set_max_peers(svc, 905, 2)
    assert await peers.offer_waiting(svc) == 1
    assert await peers.waiting_list(svc, 950) == []
    [proposal] = await outbox_to(svc, 502, "peer")
    assert "Joost" in proposal["text"] and proposal["buttons"][0][0][1].startswith("peer:accept:")


async def test_a_paused_peer_expert_gets_no_new_peers_and_their_peers_hear_when_they_are_back(world, clock):
    svc, _, _ = world
    await connect(svc)
    back = date(2026, 4, 6)
    assert await peers.pause(svc, 905, back) == 1
    [note] = await outbox_to(svc, 501, "peer")
    assert "Joost" in note["text"] and "6 April" in note["text"]
    await client(svc, 502, "Kim")
    assert (await peers.find_peer(svc, 502, "wonen")).outcome == "waiting"
    with pytest.raises(ValueError):
        await peers.pause(svc, 905, date(2026, 3, 1))  # in the past
    clock.advance(days=9)  # 6 April: back by itself
    assert await peers.offer_waiting(svc) == 1
    assert await peers.come_back(svc, 905) == 1


async def test_a_worker_proposes_only_within_the_caseload_and_nothing_starts_before_yes(world):
    svc, sam, _ = world
    await staff(svc, 901, Role.WORKER, "Bram")
    with pytest.raises(NotAllowed):
        await peers.worker_propose(svc, 901, sam, "wonen")
    result = await peers.worker_propose(svc, 900, sam, "wonen")
    assert result.outcome == "proposed"
    assert await peers.my_contacts(svc, 501) == []
    [offer] = await outbox_to(svc, 501, "peer")
    assert "Anna" in offer["text"] and "Joost" in offer["text"] and "You decide" in offer["text"]
    assert await peers.decline(svc, 501, result.proposal.contact_id) == "Anna"
    assert await peers.my_contacts(svc, 501) == []


async def test_handing_over_needs_the_clients_yes(world):
    svc, _, _ = world
    await peer_expert(svc, 906, "Mira")
    old = await connect(svc)
    options = await peers.handover_options(svc, 905, old.contact_id)
    assert [name for _, name in options] == ["Mira"]
    proposal = await peers.propose_handover(svc, 905, old.contact_id, options[0][0])
    assert proposal.handover_from == "Joost"
    assert [c.peer_name for c in await peers.my_contacts(svc, 501)] == ["Joost"]  # nothing changed yet
    with pytest.raises(NotAllowed):
        await peers.propose_handover(svc, 905, old.contact_id, old.client_id)  # not a peer expert
    await peers.accept(svc, 501, proposal.contact_id)
    assert [c.peer_name for c in await peers.my_contacts(svc, 501)] == ["Mira"]
    assert await peers.my_contacts(svc, 905) == []
    assert any("Mira" in m["text"] for m in await outbox_to(svc, 905, "peer"))


async def test_ending_asks_the_client_one_short_question(world):
    svc, _, _ = world
    contact = await connect(svc)
    await peers.start_talking(svc, 501, contact.contact_id)
    await peers.end_contact(svc, 905, contact.contact_id)
    assert await peers.relay_state(svc, 501) is None  # talking stops for both
    [question] = [m for m in await outbox_to(svc, 501, "peer") if "1 is bad" in m["text"]]
    assert [label for label, _ in question["buttons"][0]] == ["1", "2", "3", "4", "5"]
    with pytest.raises(NotAllowed):
        await peers.rate(svc, 905, contact.contact_id, 5)  # the client rates, not the peer expert
    await peers.rate(svc, 501, contact.contact_id, 4)
    assert await peers.give_feedback(svc, 501, contact.contact_id, "Joost listened well.")
    async with svc.unit() as session:
        row = await session.get(PeerContact, contact.contact_id)
    assert (row.status, row.rating, row.feedback) == ("ended", 4, "Joost listened well.")


# ---- consent: the peer expert sees only what the client shares ---------------------------------------


async def test_a_peer_expert_sees_nothing_the_client_did_not_share_and_what_was_shared(world):
    svc, sam, joost = world
    for tool in (Tool.CARD, Tool.PLAN):
        await tools.update_draft(svc, 501, tool, {"name": "Sam", "what_helps": ["rust"]}, 0)
        await tools.save_version(svc, 501, tool, finished=True)
    with pytest.raises(NotAllowed):  # no contact yet: Joost is nobody to Sam
        await consent.set_consent(
            svc, client_telegram_id=501, viewer_id=joost, scope=Scope.CRISIS_CARD, granted=True
        )
    contact = await connect(svc)
    shares = await consent.viewers(svc, 501)
    assert [(s.name, s.relation, s.scopes) for s in shares][-1] == ("Joost", "peer", frozenset())
    with pytest.raises(NotAllowed):  # an active contact alone shows nothing
        await tools.current(svc, 905, Tool.CARD, client_id=sam)
    await consent.set_consent(
        svc, client_telegram_id=501, viewer_id=joost, scope=Scope.CRISIS_CARD, granted=True
    )
    saved = await tools.current(svc, 905, Tool.CARD, client_id=sam)
    assert saved is not None and saved.doc["what_helps"] == ["rust"]
    with pytest.raises(NotAllowed):
        await tools.current(svc, 905, Tool.PLAN, client_id=sam)  # per scope
    [view] = await peers.my_contacts(svc, 905)
    assert view.shared == frozenset({Scope.CRISIS_CARD})
    await peers.end_contact(svc, 501, contact.contact_id)
    with pytest.raises(NotAllowed):  # the contact ended: closed again
        await tools.current(svc, 905, Tool.CARD, client_id=sam)
    assert all(s.relation != "peer" for s in await consent.viewers(svc, 501))


# ---- the relay: retention, reminders -----------------------------------------------------------------


async def test_relayed_messages_are_deleted_after_30_days(world, clock):
    svc, _, _ = world
    contact = await connect(svc)
    await peers.start_talking(svc, 501, contact.contact_id)
    out = await peers.relay(svc, 501, kind="text", text="hallo Joost", file_id=None)
    assert (out.to_chat_id, out.sender_name, out.from_client, out.crisis) == (905, "Sam", True, False)
    await peers.relay(svc, 501, kind="voice", text=None, file_id="voice-1")
    clock.advance(days=29)
    await peers.start_talking(svc, 905, contact.contact_id)
    await peers.relay(svc, 905, kind="text", text="hoi Sam", file_id=None)
    assert await peers.purge_relay(svc) == 0
    clock.advance(days=2)
    assert await peers.purge_relay(svc, retention_days=30) == 2
    async with svc.unit() as session:
        left = list((await session.execute(select(RelayMessage))).scalars())
    assert [(m.kind, m.text) for m in left] == [("text", "hoi Sam")]


async def test_a_quiet_contact_gets_one_reminder_a_day_on_the_rhythm(world, clock):
    svc, _, _ = world
    contact = await connect(svc)
    clock.advance(days=9)
    assert await peers.remind_quiet_contacts(svc) == 0
    clock.advance(days=1)
    assert await peers.remind_quiet_contacts(svc) == 1
    assert await peers.remind_quiet_contacts(svc) == 0  # same day: de-duplicated
    note = (await outbox_to(svc, 905, "peer"))[-1]
    assert "You have not spoken to Sam for 10 days" in note["text"]
    clock.advance(days=1)
    assert await peers.remind_quiet_contacts(svc) == 0
    await peers.start_talking(svc, 905, contact.contact_id)
    await peers.relay(svc, 905, kind="text", text="Hoe gaat het?", file_id=None)
    clock.advance(days=10)
    assert await peers.remind_quiet_contacts(svc) == 1


# ---- safety: crisis language, "Zorg melden" ----------------------------------------------------------


class _Settings:
    """The real settings plus one organisation setting (bot/config.py does not know it)."""

    def __init__(self, base, **extra):
        self._base = base
        self.__dict__.update(extra)

    def __getattr__(self, name):
        return getattr(self._base, name)


async def test_crisis_language_is_seen_in_both_directions(world):
    svc, _, _ = world
    contact = await connect(svc)
    await peers.start_talking(svc, 501, contact.contact_id)
    await peers.start_talking(svc, 905, contact.contact_id)
    out = await peers.relay(svc, 501, kind="text", text="ik wil niet meer leven", file_id=None)
    assert out.crisis and out.from_client and out.recipient_talking
    out = await peers.relay(svc, 905, kind="text", text="ik wil dood", file_id=None)
    assert out.crisis and not out.from_client and out.safety_contacts == ()
    out = await peers.relay(svc, 905, kind="photo", text=None, file_id="photo-1")
    assert not out.crisis


async def test_a_worry_reaches_the_worker_only_with_consent_for_alerts(world):
    svc, _, _ = world
    contact = await connect(svc)
    result = await peers.report_worry(svc, 905, contact.contact_id)
    assert (result.outcome, result.client_name, result.worker_names) == ("ask_client", "Sam", ("Anna",))
    assert await outbox_to(svc, 900, "alert") == []
    with pytest.raises(NotAllowed):
        await peers.report_worry(svc, 501, contact.contact_id)  # the peer expert's button
    anna = (await people.whoami(svc, 900)).id
    await consent.set_consent(svc, client_telegram_id=501, viewer_id=anna, scope=Scope.ALERTS, granted=True)
    assert (await peers.report_worry(svc, 905, contact.contact_id)).outcome == "told"
    [alert] = await outbox_to(svc, 900, "alert")
    assert "Joost" in alert["text"] and "worried" in alert["text"]
    assert any("let Anna know" in m["text"] for m in await outbox_to(svc, 501, "peer"))


async def test_on_a_red_day_the_organisation_setting_decides(world):
    svc, _, _ = world
    contact = await connect(svc)
    await checkins.record_phase(svc, 501, Phase.RED)
    asking = Services(svc.sessions, svc.clock, _Settings(svc.settings, peer_red_policy="ask"))
    assert (await peers.report_worry(asking, 905, contact.contact_id)).outcome == "ask_client"
    assert peers.red_policy(svc) == "notify"  # the default
    assert (await peers.report_worry(svc, 905, contact.contact_id)).outcome == "told"
    assert len(await outbox_to(svc, 900, "alert")) == 1
    await checkins.record_phase(svc, 501, Phase.GREEN)  # the last check-in today counts
    svc.clock.advance(minutes=1)
    assert (await peers.report_worry(svc, 905, contact.contact_id)).outcome == "ask_client"


async def test_a_worry_is_a_rood_alert_that_skips_an_absent_worker(world):
    svc, _, _ = world
    contact = await connect(svc)
    anna = (await people.whoami(svc, 900)).id
    await consent.set_consent(svc, client_telegram_id=501, viewer_id=anna, scope=Scope.ALERTS, granted=True)
    await nudges.set_absence(svc, 900, svc.now().date(), svc.now().date())
    result = await peers.report_worry(svc, 905, contact.contact_id)
    assert (result.outcome, result.worker_names) == ("away", ("Anna",))
    assert await outbox_to(svc, 900, "alert") == []
    await nudges.clear_absence(svc, 900)
    assert (await peers.report_worry(svc, 905, contact.contact_id)).outcome == "told"
    [alert] = await outbox_to(svc, 900, "alert")
    assert alert["buttons"][0][0][1].startswith("red:take:")  # "Ik pak het op", like any rood alert


# ---- misuse and suspension ---------------------------------------------------------------------------


async def test_misuse_reaches_every_admin_and_an_admin_suspends_the_peer_expert(world):
    svc, _, joost = world
    await staff(svc, 951, Role.ADMIN, "Bob")
    contact = await connect(svc)
    await peers.start_talking(svc, 501, contact.contact_id)
    with pytest.raises(NotAllowed):
        await peers.report_misuse(svc, 502, contact.contact_id, "x")  # not a side of this contact
    assert await peers.report_misuse(svc, 501, contact.contact_id, "He asked for my address.") == 2
    for admin in (950, 951):
        [report] = await outbox_to(svc, admin, "misuse")
        assert "He asked for my address." in report["text"] and "Joost" in report["text"]
        assert report["buttons"][0][0][1] == f"peer:suspend:{joost}"
        assert "Sam" not in report["text"]  # admins see no client files
    with pytest.raises(NotAllowed):
        await peers.suspend_peer(svc, 900, joost)  # only an admin
    assert await peers.suspend_peer(svc, 950, joost) == 1
    assert await peers.my_contacts(svc, 501) == []
    assert await peers.relay_state(svc, 501) is None
    assert (await peers.profile(svc, 905)).suspended
    assert (await peers.find_peer(svc, 501, "wonen")).outcome == "waiting"
    assert any("has stopped" in m["text"] for m in await outbox_to(svc, 501, "peer"))


# ---- samen invullen ----------------------------------------------------------------------------------


async def proposals(svc):
    async with svc.unit() as session:
        return {p.id: p.status for p in (await session.execute(select(ToolProposal))).scalars()}


async def test_samen_invullen_saves_nothing_until_the_client_confirms(world):
    svc, sam, _ = world
    await connect(svc)
    step = 3  # crisis card: what helps
    proposal = await together.propose(svc, 905, sam, Tool.CARD, step, "Een rustige stem")
    assert await tools.current(svc, 501, Tool.CARD) is None
    assert not await tools.has_draft(svc, 501, Tool.CARD)
    [message] = await outbox_to(svc, 501, "together")
    assert "Een rustige stem" in message["text"] and "Joost" in message["text"]
    assert [row[0][1] for row in message["buttons"]] == [
        f"tog:{a}:{proposal.proposal_id}" for a in ("ok", "edit", "no")
    ]
    decision = await together.decide(svc, 501, proposal.proposal_id, "ok")
    assert (decision.status, decision.version) == ("confirmed", 1)
    saved = await tools.current(svc, 501, Tool.CARD)
    assert saved.doc["what_helps"] == ["Een rustige stem"]
    assert saved.doc["made_with"] == "Joost (peer expert)"
    assert not await tools.has_draft(svc, 501, Tool.CARD)  # no draft left behind
    with pytest.raises(NotFound):  # a double tap
        await together.decide(svc, 501, proposal.proposal_id, "ok")
    [told] = await outbox_to(svc, 905, "together")
    assert "confirmed" in told["text"]


async def test_samen_invullen_change_saves_the_clients_words_and_reject_saves_nothing(world):
    svc, sam, _ = world
    await connect(svc)
    first = await together.propose(svc, 905, sam, Tool.CARD, 3, "Muziek")
    second = await together.propose(svc, 905, sam, Tool.CARD, 4, "Harde stemmen")
    with pytest.raises(Refused):
        await together.decide(svc, 501, first.proposal_id, "edit", "   ")
    await together.decide(svc, 501, first.proposal_id, "edit", "Rustige muziek")
    await together.decide(svc, 501, second.proposal_id, "no")
    saved = await tools.current(svc, 501, Tool.CARD)
    assert saved.doc["what_helps"] == ["Rustige muziek"]
    assert "what_does_not_help" not in saved.doc
    assert saved.version == 1
    assert set((await proposals(svc)).values()) == {"changed", "rejected"}


async def test_samen_invullen_refuses_forged_ids_and_strangers(world):
    svc, sam, _ = world
    kim = await client(svc, 502, "Kim")
    await connect(svc)
    with pytest.raises(NotAllowed):  # no contact with Kim
        await together.propose(svc, 905, kim, Tool.CARD, 3, "x")
    await staff(svc, 901, Role.WORKER, "Bram")
    with pytest.raises(NotAllowed):  # not Bram's caseload
        await together.propose(svc, 901, sam, Tool.PLAN, 0, "x")
    with pytest.raises(Refused):  # not a date: the helper fixes it first
        await together.propose(svc, 905, sam, Tool.CARD, 1, "sometime")
    by_worker = await together.propose(svc, 900, sam, Tool.PLAN, 0, "Ik slaap goed")
    with pytest.raises(NotAllowed):  # someone else's proposal
        await together.decide(svc, 502, by_worker.proposal_id, "ok")
    with pytest.raises(NotAllowed):
        await together.decide(svc, 501, 9999, "ok")
    assert await tools.current(svc, 501, Tool.PLAN) is None
    await together.decide(svc, 501, by_worker.proposal_id, "ok")
    saved = await tools.current(svc, 501, Tool.PLAN)
    assert saved.doc["groen"]["signs_self"] == ["Ik slaap goed"]
    async with svc.unit() as session:
        open_count = (
            await session.execute(select(func.count(ToolProposal.id)).where(ToolProposal.status == "open"))
        ).scalar_one()
    assert open_count == 0


async def test_peer_themes_are_encrypted_at_rest_and_kept_out_of_the_trail(svc):
    """Verslaving, psychische gezondheid, justitie: special-category data. With a key none of the themes is in the
    database as text, not in the audit trail either; matching, the waiting list and the report still work."""
    import sqlalchemy as sa
    from cryptography.fernet import Fernet

    from bot.db.models import Base
    from bot.db.session import configure_encryption
    from bot.services import report

    configure_encryption(Fernet.generate_key().decode())
    try:
        await staff(svc, 900, Role.WORKER, "Anna")
        await staff(svc, 950, Role.ADMIN, "Ada")
        await client(svc, 501, "Sam")
        await client(svc, 502, "Kim")
        await peer_expert(svc, 905, "Joost", themes=("verslaving", "justitie"), max_peers=1)
        assert (await peers.find_peer(svc, 501, "verslaving")).outcome == "proposed"
        assert (await peers.find_peer(svc, 502, "psychische_gezondheid")).outcome == "waiting"
        [waiting] = await peers.waiting_list(svc, 950)
        assert waiting.theme == "psychische_gezondheid"
        assert (await peers.profile(svc, 905)).themes == {"verslaving", "justitie"}
        assert await report.monthly_report(svc, report.previous_month(svc.now(), svc.settings.zone))
        async with svc.unit() as session:
            stored = [str(value) for table in Base.metadata.sorted_tables
                      for row in await session.execute(sa.text(f'SELECT * FROM "{table.name}"')) for value in row]
        for theme in ("verslaving", "justitie", "psychische_gezondheid"):
            assert not any(theme in value for value in stored), theme
    finally:
        configure_encryption(None)
