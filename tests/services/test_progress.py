"""Progress you can see: the whole plan per viewer (and its PDF), the self-scan with its 3-month rhythm and chart,
op- en afschalen at their thresholds, and closing a traject."""
import json
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from bot import outbox
from bot.db.models import (
    AuditEntry,
    CareTeamMember,
    Consent,
    Goal,
    Household,
    OutboxMessage,
    PeerContact,
    Person,
    RelationScore,
    ScaleDecision,
    SelfScan,
    TrajectClosing,
)
from bot.domain import scaling as scaling_rules
from bot.domain import selfscan as scan_rules
from bot.domain.consent import Scope
from bot.domain.forms import Tool
from bot.domain.goals import Answer, Domain, GoalStatus
from bot.domain.plans import Phase
from bot.domain.roles import CareRole, Role
from bot.domain.scaling import Direction, Reason, ScalingFacts, ScalingPolicy
from bot.domain.selfscan import ScanDomain
from bot.i18n import translator
from bot.render import herstelplan as plan_render
from bot.render.herstelplan_pdf import plan_pdf
from bot.render.pdf import Pdf
from bot.render.scan_chart import scan_chart_png
from bot.services import (
    checkins,
    closing,
    consent,
    goals,
    herstelplan,
    invites,
    people,
    scaling,
    selfscan,
    team,
    tools,
)
from bot.services.base import NotAllowed, NotFound, person_by_telegram
from bot.services.herstelplan import Part

ANNA, BRAM, DIRK, JOOST = 900, 901, 904, 700
SAM, MO, LIN, KIM = 501, 502, 503, 601
EN = translator("en")


# --- set-up --------------------------------------------------------------------------------------------------


async def staff(svc, telegram_id, role, name):
    code = (await invites.create_invite(svc, role=role)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="en")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)


async def invited_client(svc, telegram_id, name, *, household_id=None):
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=ANNA, household_id=household_id)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="en")
    await people.set_name(svc, telegram_id, name)
    await people.finish_onboarding(svc, telegram_id)


async def pid(svc, telegram_id):
    async with svc.unit() as session:
        return (await person_by_telegram(session, telegram_id)).id


async def share(svc, client_tg, viewer_tg, *scopes):
    viewer = await pid(svc, viewer_tg)
    for scope in scopes:
        await consent.set_consent(svc, client_telegram_id=client_tg, viewer_id=viewer, scope=scope, granted=True)


async def count(svc, model, *where):
    async with svc.unit() as session:
        return (await session.execute(select(func.count()).select_from(model).where(*where))).scalar_one()


async def make_world(svc):
    """Anna coordinates Sam's household, Bram is the backup; Dirk works elsewhere."""
    for telegram_id, name in ((ANNA, "Anna"), (BRAM, "Bram"), (DIRK, "Dirk")):
        await staff(svc, telegram_id, Role.WORKER, name)
    await invited_client(svc, SAM, "Sam")
    household = await team.household_of(svc, SAM)
    await team.add_to_team(
        svc, by_telegram_id=ANNA, household_id=household, worker_telegram_id=BRAM, role=CareRole.BACKUP
    )
    return svc


@pytest.fixture
async def world(svc):
    return await make_world(svc)


async def scan(svc, actor_tg, scores, client_id=None):
    draft = await selfscan.begin(svc, actor_tg, client_id)
    for domain, value in scores.items():
        await selfscan.answer(svc, actor_tg, draft.scan_id, domain, value)
    return await selfscan.finish(svc, actor_tg, draft.scan_id)


async def crisis_card(svc, client_tg, contacts):
    await tools.update_draft(svc, client_tg, Tool.CARD, {"name": "x", "contacts": contacts}, 0)
    await tools.save_version(svc, client_tg, Tool.CARD, finished=True)


def pdf_texts(monkeypatch):
    """Every string that reaches the PDF (fpdf2 passes each through normalize_text)."""
    seen: list[str] = []
    original = Pdf.normalize_text

    def spy(self, text):
        seen.append(text)
        return original(self, text)

    monkeypatch.setattr(Pdf, "normalize_text", spy)
    return seen


# --- Mijn herstelplan ----------------------------------------------------------------------------------------


async def test_an_empty_plan_shows_every_part_as_not_filled_in_yet(world, monkeypatch):
    svc = world
    view = await herstelplan.herstelplan(svc, SAM)
    sam = view.subject
    assert view.viewer_is_client and sam.shown == frozenset(herstelplan.PARTS)
    assert (sam.goals, sam.phase, sam.scan, sam.contacts) == ((), None, None, ())
    assert [(s.relation, s.name) for s in sam.supporters] == [("coordinating", "Anna"), ("backup", "Bram")]
    text = plan_render.summary_text(view, EN)
    assert "My herstelplan" in text and "0 goals" in text and "not done yet" in text and "Anna, Bram" in text
    assert "No goals yet." in plan_render.part_texts(view, Part.GOALS, EN)[0]
    texts = pdf_texts(monkeypatch)
    pdf = plan_pdf(view, EN)
    assert pdf.startswith(b"%PDF") and any("No goals yet." in t for t in texts)


async def test_a_client_on_their_own_keeps_their_plan_without_a_worker(svc):
    await people.start_as_client(svc, telegram_id=KIM, chat_id=KIM, locale="en")
    await people.set_name(svc, KIM, "Kim")
    view = await herstelplan.herstelplan(svc, KIM)
    assert view.subject.supporters == () and view.others == ()
    assert "nobody linked" in plan_render.summary_text(view, EN)
    assert plan_pdf(view, EN).startswith(b"%PDF")


async def test_a_full_plan_has_goals_colour_scan_contacts_and_supporters(world, clock, monkeypatch):
    svc = world
    housing = await goals.create_goal(
        svc, SAM, domain=Domain.WONEN, title="Eigen huis", step="Inschrijven", weekday=1, at=time(10)
    )
    await goals.create_goal(svc, SAM, domain=Domain.FINANCIEN, title="Schulden op een rij", step="Post openen")
    reached = await goals.create_goal(svc, SAM, domain=Domain.GEZONDHEID, title="Elke dag wandelen")
    await goals.set_status(svc, SAM, reached.id, GoalStatus.REACHED)
    checkin_id = await goals.open_checkin(svc, SAM, housing.id)
    await goals.answer_checkin(svc, SAM, checkin_id, Answer.PARTLY)
    await checkins.record_phase(svc, SAM, Phase.YELLOW)
    await scan(svc, SAM, {ScanDomain.WONEN: 2, ScanDomain.FINANCIEN: 1, ScanDomain.GEZONDHEID: 4})
    await crisis_card(svc, SAM, [{"name": "Mam", "phone": "06 12345678", "relation": "moeder"}])
    await staff(svc, JOOST, Role.PEER, "Joost")
    async with svc.unit() as session:
        session.add(PeerContact(client_id=await pid(svc, SAM), peer_id=await pid(svc, JOOST), status="active",
                                created_at=svc.now(), started_at=svc.now()))
        await session.commit()

    view = await herstelplan.herstelplan(svc, SAM)
    sam = view.subject
    assert [(g.title, g.step, g.status) for g in sam.goals] == [
        ("Eigen huis", "Inschrijven", GoalStatus.ACTIVE), ("Schulden op een rij", "Post openen", GoalStatus.ACTIVE),
        ("Elke dag wandelen", None, GoalStatus.REACHED)]
    assert sam.goals[0].last_answer == Answer.PARTLY and sam.goals[0].last_checkin_at == clock.now()
    assert sam.phase.phase == Phase.YELLOW
    assert sam.scan.scores == {ScanDomain.WONEN: 2, ScanDomain.FINANCIEN: 1, ScanDomain.GEZONDHEID: 4}
    assert [c.name for c in sam.contacts] == ["Mam"]
    assert [s.relation for s in sam.supporters] == ["coordinating", "backup", "peer"]
    summary = plan_render.summary_text(view, EN)
    assert "2 goals (Housing, Money), 1 reached" in summary and "Yellow" in summary and "1 contact" in summary
    goals_text = plan_render.part_texts(view, Part.GOALS, EN)[0]
    assert "Step now: Inschrijven" in goals_text and "Last check-in" in goals_text and "A little" in goals_text
    assert "Acute problem" in plan_render.part_texts(view, Part.SCAN, EN)[0]
    texts = pdf_texts(monkeypatch)
    pdf = plan_pdf(view, EN)
    assert pdf.startswith(b"%PDF")
    joined = "\n".join(texts)
    for expected in ("Eigen huis", "Schulden op een rij", "Mam (moeder): 06 12345678", "Joost", "Yellow"):
        assert expected in joined

    # Anna, with only the crisis card shared: the contacts and the team, nothing else; the peer stays private.
    await share(svc, SAM, ANNA, Scope.CRISIS_CARD)
    seen = await herstelplan.herstelplan(svc, ANNA, await pid(svc, SAM))
    assert seen.subject.shown == {Part.CONTACTS, Part.SUPPORT} and seen.subject.goals == ()
    assert [s.relation for s in seen.subject.supporters] == ["coordinating", "backup"]
    assert "does not share this with you" in plan_render.part_texts(seen, Part.GOALS, EN)[0]
    texts.clear()
    plan_pdf(seen, EN)
    assert "Eigen huis" not in "\n".join(texts) and "Mam (moeder): 06 12345678" in "\n".join(texts)


async def test_a_household_of_three_sees_only_what_each_member_shares(world, monkeypatch):
    svc = world
    household = await team.household_of(svc, SAM)
    await invited_client(svc, MO, "Mo", household_id=household)
    await invited_client(svc, LIN, "Lin", household_id=household)
    for telegram_id, title in ((SAM, "Doel van Sam"), (MO, "Doel van Mo"), (LIN, "Doel van Lin")):
        await goals.create_goal(svc, telegram_id, domain=Domain.DAGACTIVITEITEN, title=title)
    await goals.create_goal(svc, SAM, domain=Domain.WONEN, title="Samen verhuizen", household=True)
    await checkins.record_phase(svc, MO, Phase.ORANGE)
    await share(svc, MO, SAM, Scope.GOALS)  # Mo shows Sam their goals, not their colour (via /privacy)
    await share(svc, LIN, ANNA, Scope.GOALS)  # Lin shares goals with Anna only
    await share(svc, SAM, ANNA, Scope.CRISIS_CARD)

    view = await herstelplan.herstelplan(svc, SAM)
    assert [m.name for m in view.members] == ["Sam", "Mo", "Lin"]
    sam, mo, lin = view.members
    assert [g.title for g in sam.goals] == ["Doel van Sam"]
    # The self-scan goes with the goals (Scope.GOALS); the colour needs alerts, which Mo does not share.
    assert mo.shown == {Part.GOALS, Part.SCAN, Part.SUPPORT} and mo.phase is None
    assert [g.title for g in mo.goals] == ["Doel van Mo"]
    assert lin.shown == {Part.SUPPORT} and lin.goals == ()
    assert [g.title for g in view.household_goals] == ["Samen verhuizen"]  # a member sees the household's goals
    texts = plan_render.household_texts(view, EN)
    joined = "\n".join(texts)
    assert "Doel van Mo" in joined and "Doel van Lin" not in joined and "Lin does not share this with you" in joined
    assert "4 shared" not in joined and "Samen verhuizen" in joined
    spy = pdf_texts(monkeypatch)
    assert plan_pdf(view, EN).startswith(b"%PDF")
    assert "Doel van Mo" in "\n".join(spy) and "Doel van Lin" not in "\n".join(spy)

    # Mo sees nothing of Sam's or Lin's own parts: nobody shares with Mo.
    mo_view = await herstelplan.herstelplan(svc, MO)
    assert [m.shown for m in mo_view.others] == [{Part.SUPPORT}, {Part.SUPPORT}]

    # Anna: Sam's contacts only; Lin's goals; Mo nothing; the household goal is Sam's (its owner): hidden.
    anna = await herstelplan.herstelplan(svc, ANNA, await pid(svc, SAM))
    sam, mo, lin = anna.members
    assert sam.shown == {Part.CONTACTS, Part.SUPPORT} and mo.shown == {Part.SUPPORT}
    assert [g.title for g in lin.goals] == ["Doel van Lin"]
    assert anna.household_goals == () and anna.household_goals_hidden == 1
    assert "1 shared goal is not shared with you." in "\n".join(plan_render.household_texts(anna, EN))
    assert plan_pdf(anna, EN).startswith(b"%PDF")

    # Each look of someone else's part is audited, refused ones as denied.
    async with svc.unit() as session:
        sam_person = await person_by_telegram(session, SAM)
        rows = (await session.execute(select(AuditEntry.subject, AuditEntry.scope, AuditEntry.outcome).where(
            AuditEntry.action == "view", AuditEntry.actor == sam_person.pseudonym))).all()
        mo_person, lin_person = await person_by_telegram(session, MO), await person_by_telegram(session, LIN)
    assert (mo_person.pseudonym, "goals", "ok") in rows and (mo_person.pseudonym, "alerts", "denied") in rows
    assert (lin_person.pseudonym, "goals", "denied") in rows


async def test_household_members_share_with_each_other_through_consent_and_each_look_is_audited(world):
    """Mixed consent in a household of three, given and taken back with consent.set_consent (as /privacy does):
    each member sees exactly the scopes the others share with them, and every look is one authorize_view row."""
    svc = world
    household = await team.household_of(svc, SAM)
    await invited_client(svc, MO, "Mo", household_id=household)
    await invited_client(svc, LIN, "Lin", household_id=household)
    for telegram_id, title in ((SAM, "Doel van Sam"), (MO, "Doel van Mo"), (LIN, "Doel van Lin")):
        await goals.create_goal(svc, telegram_id, domain=Domain.DAGACTIVITEITEN, title=title)
    for telegram_id, phase in ((SAM, Phase.GREEN), (MO, Phase.ORANGE), (LIN, Phase.YELLOW)):
        await checkins.record_phase(svc, telegram_id, phase)
    await crisis_card(svc, LIN, [{"name": "Oma", "phone": "06 87654321"}])
    assert {(s.name, s.relation) for s in await consent.viewers(svc, SAM)} >= {
        ("Mo", "household"),
        ("Lin", "household"),
    }
    await share(svc, SAM, MO, Scope.GOALS, Scope.ALERTS)  # Sam: goals and colour to Mo
    await share(svc, LIN, MO, Scope.CRISIS_CARD)  # Lin: only her contacts to Mo
    await share(svc, LIN, SAM, Scope.ALERTS)  # and her colour to Sam
    await share(svc, MO, ANNA, Scope.GOALS)  # a worker's consent is no household member's

    mo_view = await herstelplan.herstelplan(svc, MO)
    assert [m.name for m in mo_view.members] == ["Mo", "Sam", "Lin"]
    _, sam, lin = mo_view.members
    assert sam.shown == {Part.GOALS, Part.SCAN, Part.PHASE, Part.SUPPORT}
    assert [g.title for g in sam.goals] == ["Doel van Sam"] and sam.phase.phase == Phase.GREEN and sam.contacts == ()
    assert lin.shown == {Part.CONTACTS, Part.SUPPORT} and [c.name for c in lin.contacts] == ["Oma"]
    assert lin.goals == () and lin.phase is None

    sam_view = await herstelplan.herstelplan(svc, SAM)
    _, mo, lin = sam_view.members
    assert mo.shown == {Part.SUPPORT} and mo.goals == () and mo.phase is None  # Mo shares nothing with Sam
    assert lin.shown == {Part.PHASE, Part.SUPPORT} and lin.phase.phase == Phase.YELLOW
    lin_view = await herstelplan.herstelplan(svc, LIN)
    assert [m.shown for m in lin_view.others] == [{Part.SUPPORT}, {Part.SUPPORT}]

    # Sam takes his goals back: from now on Mo sees only his colour.
    await consent.set_consent(svc, client_telegram_id=SAM, viewer_id=await pid(svc, MO), scope=Scope.GOALS,
                              granted=False)
    _, sam, _ = (await herstelplan.herstelplan(svc, MO)).members
    assert sam.shown == {Part.PHASE, Part.SUPPORT} and sam.goals == ()

    # Mo is told each change, like a worker; and Sam's /wiezietwat names Mo as a household member.
    async with svc.unit() as session:
        mo_person = await person_by_telegram(session, MO)
        notes = [
            (await outbox.render_row(svc, session, m) or {}).get("text", "")
            for m in (
                await session.execute(
                    select(OutboxMessage).where(
                        OutboxMessage.kind == "consent", OutboxMessage.person_id == mo_person.id
                    )
                )
            ).scalars()
        ]
        sam_person, lin_person = await person_by_telegram(session, SAM), await person_by_telegram(session, LIN)
        rows = (await session.execute(select(AuditEntry.subject, AuditEntry.scope, AuditEntry.outcome).where(
            AuditEntry.action == "view", AuditEntry.actor == mo_person.pseudonym).order_by(AuditEntry.id))).all()
    assert len(notes) == 4 and any("no longer shares with you: goals and check-ins" in n for n in notes)
    assert ("Mo", "household") in {(r.viewer_name, r.relation) for r in await consent.views_of_my_data(svc, SAM)}
    # Mo's first look: Sam's goals (one row for goals and scan), colour, contacts, safety plan; then Lin's; each
    # once. The thuisplan is never even looked up for a household member.
    assert rows[:8] == [
        (sam_person.pseudonym, "goals", "ok"), (sam_person.pseudonym, "alerts", "ok"),
        (sam_person.pseudonym, "crisiskaart", "denied"), (sam_person.pseudonym, "veiligheidsplan", "denied"),
        (lin_person.pseudonym, "goals", "denied"), (lin_person.pseudonym, "alerts", "denied"),
        (lin_person.pseudonym, "crisiskaart", "ok"), (lin_person.pseudonym, "veiligheidsplan", "denied"),
    ]
    assert (sam_person.pseudonym, "goals", "denied") in rows[8:]
    assert not [row for row in rows if row.scope == "thuisplan"]


async def test_forged_ids_for_the_plan_are_refused(world):
    svc = world
    await people.start_as_client(svc, telegram_id=KIM, chat_id=KIM, locale="en")
    sam_id = await pid(svc, SAM)
    with pytest.raises(NotAllowed):
        await herstelplan.herstelplan(svc, DIRK, sam_id)  # a worker outside the team
    with pytest.raises(NotAllowed):
        await herstelplan.herstelplan(svc, KIM, sam_id)  # a client of another household
    with pytest.raises(NotAllowed):
        await herstelplan.herstelplan(svc, ANNA, await pid(svc, BRAM))  # not a client at all
    assert await count(svc, AuditEntry, AuditEntry.action == "plan.forged") == 3


# --- the self-scan ------------------------------------------------------------------------------------------


def test_the_scan_rules_compare_count_and_plan():
    assert scan_rules.domains_for(False) == scan_rules.LEEFDOMEINEN
    assert scan_rules.domains_for(True)[-1] == ScanDomain.KINDEREN
    assert scan_rules.clean({"wonen": 3, "kinderen": 0, "nope": 2, "financien": True, "gezondheid": 5}) == {
        ScanDomain.WONEN: 3, ScanDomain.GEZONDHEID: 5}
    assert scan_rules.next_unanswered({"wonen": 2, "financien": None}, scan_rules.LEEFDOMEINEN) == 2
    assert scan_rules.next_unanswered({d: 3 for d in scan_rules.LEEFDOMEINEN}, scan_rules.LEEFDOMEINEN) is None
    rows = {
        r.domain: r.talk_about for r in scan_rules.compare({"wonen": 1, "financien": 3}, {"wonen": 3, "financien": 4})
    }
    assert rows == {ScanDomain.WONEN: True, ScanDomain.FINANCIEN: False}  # exactly 2 apart is something to talk about
    assert scan_rules.rising({"wonen": 2, "financien": 2}, {"wonen": 3, "financien": 2, "gezondheid": 1})
    assert not scan_rules.rising({"wonen": 2}, {"wonen": 2})
    day = datetime(2026, 1, 1, tzinfo=UTC)
    changes = scan_rules.change_per_domain(
        [
            (day + timedelta(days=200), {"wonen": 4}),
            (day, {"wonen": 1, "financien": 2}),
            (day + timedelta(days=100), {"wonen": 3, "financien": 3}),
        ]
    )
    assert changes == {ScanDomain.WONEN: 3, ScanDomain.FINANCIEN: 1}
    assert scan_rules.change_per_domain([(day, {"wonen": 1})]) == {}
    assert scan_rules.next_scan_at(day) == day + timedelta(days=91)
    with pytest.raises(ValueError):
        scan_rules.next_scan_at(day, 0)


async def test_the_first_complete_scan_is_the_0_meting_and_plans_the_next_in_3_months(world, clock):
    svc = world
    draft = await selfscan.begin(svc, SAM)
    assert draft.first and draft.scores == {}
    await selfscan.answer(svc, SAM, draft.scan_id, ScanDomain.WONEN, 2)
    again = await selfscan.begin(svc, SAM)  # "later verder": the same draft, the answer kept
    assert again.scan_id == draft.scan_id and again.scores == {"wonen": 2}
    await selfscan.answer(svc, SAM, draft.scan_id, ScanDomain.FINANCIEN, None)  # skipped
    await selfscan.answer(svc, SAM, draft.scan_id, ScanDomain.KINDEREN, 4)
    done = await selfscan.finish(svc, SAM, draft.scan_id)
    assert done.zero_meting and done.scores == {ScanDomain.WONEN: 2, ScanDomain.KINDEREN: 4}
    assert done.next_scan_at == clock.now() + timedelta(days=91)
    with pytest.raises(NotFound):
        await selfscan.answer(svc, SAM, draft.scan_id, ScanDomain.WONEN, 3)  # finished
    clock.advance(days=10)
    second = await scan(svc, SAM, {ScanDomain.WONEN: 3})
    assert not second.zero_meting and second.next_scan_at == clock.now() + timedelta(days=91)
    with pytest.raises(ValueError):
        await selfscan.answer(svc, SAM, (await selfscan.begin(svc, SAM)).scan_id, ScanDomain.WONEN, 6)


async def test_nothing_is_kept_when_every_domain_was_skipped(world):
    svc = world
    draft = await selfscan.begin(svc, SAM)
    await selfscan.answer(svc, SAM, draft.scan_id, ScanDomain.WONEN, None)
    with pytest.raises(NotFound):
        await selfscan.finish(svc, SAM, draft.scan_id)


async def test_the_invitation_comes_after_91_days_once_and_not_while_paused(world, clock):
    svc = world
    await scan(svc, SAM, {ScanDomain.WONEN: 2})
    clock.advance(days=90, hours=23)
    assert await selfscan.queue_scan_prompts(svc) == 0
    clock.advance(hours=1)
    assert await selfscan.queue_scan_prompts(svc) == 1
    assert await selfscan.queue_scan_prompts(svc) == 0  # planned a period on: no second invitation
    async with svc.unit() as session:
        message = (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "scan"))).scalar_one()
        sam = await person_by_telegram(session, SAM)
        payload = await outbox.render_row(svc, session, message)  # written when it is sent
    assert "time for your self-scan" in payload["text"] and payload["buttons"] == [
        [["📊 Start the self-scan", "prg:scan"]]
    ]
    assert sam.next_scan_at == clock.now() + timedelta(days=91)
    await people.set_reminders_paused(svc, SAM, True)
    clock.advance(days=91)
    assert await selfscan.queue_scan_prompts(svc) == 0


async def test_the_scan_interval_follows_the_setting_when_there_is_one(world, clock):
    svc = world

    class Settings:
        def __init__(self, real):
            self.real = real
            self.scan_every_days = 30

        def __getattr__(self, name):
            return getattr(self.real, name)

    svc.settings = Settings(svc.settings)
    done = await scan(svc, SAM, {ScanDomain.WONEN: 2})
    assert done.next_scan_at == clock.now() + timedelta(days=30)


async def test_worker_scores_separately_and_a_difference_of_two_is_something_to_talk_about(world, clock):
    svc = world
    sam_id = await pid(svc, SAM)
    await scan(svc, SAM, {ScanDomain.WONEN: 2, ScanDomain.FINANCIEN: 3, ScanDomain.GEZONDHEID: 4})
    clock.advance(hours=1)
    mine = await scan(svc, ANNA, {ScanDomain.WONEN: 4, ScanDomain.FINANCIEN: 2, ScanDomain.SOCIAAL: 3}, sam_id)
    assert mine.by_role == "worker" and mine.next_scan_at is None
    assert mine.talk_about == ()  # Anna may not see Sam's scores: nothing is compared for her

    client_view = await selfscan.comparison(svc, SAM)
    rows = {r.domain: (r.client, r.worker, r.talk_about) for r in client_view.rows}
    assert rows == {ScanDomain.WONEN: (2, 4, True), ScanDomain.FINANCIEN: (3, 2, False),
                    ScanDomain.GEZONDHEID: (4, None, False), ScanDomain.SOCIAAL: (None, 3, False)}
    assert client_view.talk_about == (ScanDomain.WONEN,)

    worker_view = await selfscan.comparison(svc, ANNA, sam_id)
    assert not worker_view.client_shared and all(r.client is None for r in worker_view.rows)
    with pytest.raises(NotAllowed):
        await selfscan.history(svc, ANNA, sam_id)
    await share(svc, SAM, ANNA, Scope.GOALS)
    worker_view = await selfscan.comparison(svc, ANNA, sam_id)
    assert worker_view.client_shared and worker_view.talk_about == (ScanDomain.WONEN,)
    history = await selfscan.history(svc, ANNA, sam_id)
    assert len(history.client) == 1 and len(history.worker) == 1

    # Only the coordinating worker scores; forged ids are refused.
    with pytest.raises(NotAllowed):
        await selfscan.begin(svc, BRAM, sam_id)
    with pytest.raises(NotAllowed):
        await selfscan.begin(svc, DIRK, sam_id)
    with pytest.raises(NotAllowed):
        await selfscan.begin(svc, SAM, await pid(svc, ANNA))
    draft = await selfscan.begin(svc, ANNA, sam_id)
    with pytest.raises(NotAllowed):
        await selfscan.answer(svc, SAM, draft.scan_id, ScanDomain.WONEN, 1)  # someone else's draft
    with pytest.raises(NotAllowed):
        await selfscan.comparison(svc, DIRK, sam_id)


@pytest.mark.parametrize("scans", [0, 1, 8])
async def test_the_chart_works_with_no_one_and_many_scans(world, clock, scans):
    svc = world
    for index in range(scans):
        scores = {ScanDomain.WONEN: 1 + index % 5, ScanDomain.FINANCIEN: 2}
        if index % 3 == 0:
            scores[ScanDomain.KINDEREN] = 3  # children asked in some scans only
        if index == 4:
            scores.pop(ScanDomain.FINANCIEN)  # a skipped domain in one scan
        await scan(svc, SAM, scores)
        clock.advance(days=91)
    history = await selfscan.history(svc, SAM)
    assert len(history.client) == scans
    if scans:
        assert history.client[0].scores[ScanDomain.WONEN] == 1  # oldest first: the 0-meting
    png = scan_chart_png(history.client, EN, worker=history.worker)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


# --- op- en afschalen ----------------------------------------------------------------------------------------

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def facts(**overrides):
    base = {
        "latest_scans": ({"wonen": 1, "financien": 3},),
        "phases": ((NOW - timedelta(days=14), Phase.RED),),
        "stalled_goals": 1,
    }
    return ScalingFacts(**{**base, **overrides})


def calm(days=91, count=5, odd=None):
    """A check-in on the first day of the period, then `count` green/yellow ones inside it."""
    start = NOW - timedelta(days=days)
    phases = [(start, Phase.GREEN)] + [(NOW - timedelta(days=1 + i * 7), Phase.YELLOW if i % 2 else Phase.GREEN)
                                       for i in range(count)]
    if odd:
        phases.append(odd)
    return tuple(phases)


RISING = (
    (NOW - timedelta(days=100), {"wonen": 2, "financien": 2}),
    (NOW - timedelta(days=5), {"wonen": 3, "financien": 2}),
)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, Direction.UP),
        ({"phases": ((NOW - timedelta(days=14, seconds=1), Phase.RED),)}, None),  # red just over 14 days ago
        ({"phases": ((NOW - timedelta(days=2), Phase.ORANGE),)}, None),  # orange is not red
        ({"stalled_goals": 0}, None),
        ({"latest_scans": ({"wonen": 2},)}, None),  # no domain at 1
        ({"latest_scans": ({"wonen": 3}, {"financien": 1})}, Direction.UP),  # the worker's scan counts too
        ({"latest_scans": ()}, None),
    ],
)
def test_scale_up_needs_an_acute_domain_a_red_checkin_within_14_days_and_a_stalled_goal(changes, expected):
    suggestion = scaling_rules.suggest(facts(**changes), now=NOW)
    assert (suggestion.direction if suggestion else None) == expected
    if suggestion:
        assert suggestion.reasons == (Reason.ACUTE_DOMAIN, Reason.RECENT_RED, Reason.STALLED_GOAL)


@pytest.mark.parametrize(
    ("phases", "scans", "expected"),
    [
        (calm(), RISING, Direction.DOWN),
        (calm(days=90), RISING, None),  # not yet 3 months of check-ins
        (calm(count=3), RISING, None),  # too few check-ins in the period
        (calm(odd=(NOW - timedelta(days=30), Phase.ORANGE)), RISING, None),
        (calm(), (RISING[1], RISING[0]), Direction.DOWN),  # any order in, oldest first inside
        (calm(), (RISING[0], (NOW, {"wonen": 2, "financien": 2})), None),  # total did not rise
        (calm(), (RISING[0], (NOW, {"gezondheid": 5})), None),  # nothing in common to compare
        (calm(), RISING[:1], None),  # one scan: no rise yet
    ],
)
def test_scale_down_needs_3_calm_months_and_a_rising_scan(phases, scans, expected):
    suggestion = scaling_rules.suggest(ScalingFacts(phases=phases, client_scans=scans), now=NOW)
    assert (suggestion.direction if suggestion else None) == expected


def test_a_decision_keeps_the_same_suggestion_quiet_for_30_days():
    recent = (NOW - timedelta(days=29), Direction.UP)
    assert scaling_rules.suggest(facts(last_decision=recent), now=NOW) is None
    old = (NOW - timedelta(days=30), Direction.UP)
    assert scaling_rules.suggest(facts(last_decision=old), now=NOW).direction == Direction.UP
    other = (NOW - timedelta(days=1), Direction.DOWN)
    assert scaling_rules.suggest(facts(last_decision=other), now=NOW).direction == Direction.UP
    with pytest.raises(ValueError):
        ScalingPolicy(acute_score=0)


def test_a_household_goes_up_when_anyone_needs_it_and_down_only_when_everyone_may():
    up = scaling_rules.Suggestion(Direction.UP, ())
    down = scaling_rules.Suggestion(Direction.DOWN, ())
    assert scaling_rules.combine([down, up]) is up
    assert scaling_rules.combine([down, down]) is down
    assert scaling_rules.combine([down, None]) is None
    assert scaling_rules.combine([]) is None


async def crisis(svc, clock):
    """Sam: housing scored 1, a stalled goal, and red today."""
    await scan(svc, SAM, {ScanDomain.WONEN: 1, ScanDomain.FINANCIEN: 3})
    goal = await goals.create_goal(svc, SAM, domain=Domain.WONEN, title="Huis houden", step="Huur betalen")
    for _ in range(3):
        await goals.answer_checkin(svc, SAM, await goals.open_checkin(svc, SAM, goal.id), Answer.NOT_YET)
        clock.advance(days=1)
    assert len(await goals.sweep_stalls(svc)) == 1
    await checkins.record_phase(svc, SAM, Phase.RED)


async def test_suggestions_rest_only_on_what_the_client_shares(world, clock):
    svc = world
    await crisis(svc, clock)
    assert await scaling.suggestions(svc, ANNA) == []  # nothing shared: no suggestion can rest on it
    await share(svc, SAM, ANNA, Scope.GOALS)
    assert await scaling.suggestions(svc, ANNA) == []  # the red check-in is under alerts
    await share(svc, SAM, ANNA, Scope.ALERTS)
    [row] = await scaling.suggestions(svc, ANNA)
    assert row.direction == Direction.UP and row.names == ("Sam",)
    assert await scaling.suggestions(svc, BRAM) == []  # the backup worker does not coordinate
    clock.advance(days=14, seconds=1)  # the red check-in is older than 14 days now
    assert await scaling.suggestions(svc, ANNA) == []


async def test_the_worker_decides_with_a_reason_and_houvast_stays_quiet_a_while(world, clock):
    svc = world
    await crisis(svc, clock)
    await share(svc, SAM, ANNA, Scope.GOALS, Scope.ALERTS)
    [row] = await scaling.suggestions(svc, ANNA)
    decision_id = await scaling.decide(svc, ANNA, row.household_id, suggestion=Direction.UP, decision=Direction.SAME)
    await scaling.set_reason(svc, ANNA, decision_id, "  Al extra bezoek gepland  ")
    async with svc.unit() as session:
        stored = await session.get(ScaleDecision, decision_id)
    assert (stored.suggestion, stored.decision, stored.reason) == ("up", "same", "Al extra bezoek gepland")
    assert await scaling.suggestions(svc, ANNA) == []  # decided: quiet for 30 days
    with pytest.raises(NotAllowed):
        await scaling.decide(svc, DIRK, row.household_id, suggestion=Direction.UP, decision=Direction.UP)
    with pytest.raises(NotAllowed):
        await scaling.set_reason(svc, BRAM, decision_id, "niet van mij")
    with pytest.raises(ValueError):
        await scaling.decide(svc, ANNA, row.household_id, suggestion=Direction.SAME, decision=Direction.UP)


# --- closing a traject ----------------------------------------------------------------------------------------

OUTCOMES = {"a": 4, "b": 3, "c": 2, "d": 3, "e": 4, "f": 5, "g": None}


async def test_closing_records_outcomes_ends_the_team_and_keeps_everything_of_the_client(world):
    svc = world
    sam_id = await pid(svc, SAM)
    goal = await goals.create_goal(svc, SAM, domain=Domain.WONEN, title="Eigen huis")
    await crisis_card(svc, SAM, [{"name": "Mam", "phone": "06 12345678"}])
    await share(svc, SAM, ANNA, Scope.GOALS, Scope.CRISIS_CARD)
    target = await closing.closing_target(svc, ANNA, sam_id)
    assert target.names == ("Sam",)
    with pytest.raises(NotAllowed):
        await closing.closing_target(svc, BRAM, sam_id)  # only the coordinating worker
    with pytest.raises(NotAllowed):
        await closing.close_traject(svc, DIRK, target.household_id, OUTCOMES)
    with pytest.raises(ValueError):
        await closing.close_traject(svc, ANNA, target.household_id, {**OUTCOMES, "a": 6})
    with pytest.raises(NotAllowed):
        await closing.next_question(svc, SAM)  # no closed traject yet

    closed = await closing.close_traject(svc, ANNA, target.household_id, OUTCOMES)
    assert closed.clients_asked == 1
    async with svc.unit() as session:
        row = (await session.execute(select(TrajectClosing))).scalar_one()
        household = await session.get(Household, target.household_id)
        consents = (await session.execute(select(Consent.granted).where(Consent.client_id == sam_id))).scalars().all()
        message = (
            await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "traject_closed"))
        ).scalar_one()
        rendered = await outbox.render_row(svc, session, message)  # written when it is sent
    assert row.outcomes == OUTCOMES and household.closed_at == svc.now()
    assert await count(svc, CareTeamMember, CareTeamMember.household_id == target.household_id) == 0
    assert consents and not any(consents)  # switched off, not deleted
    assert "prg:rel:start" in json.dumps(rendered["buttons"]) and "Anna" in rendered["text"]
    assert await count(svc, Goal, Goal.id == goal.id) == 1
    assert (await tools.current(svc, SAM, Tool.CARD)) is not None
    view = await herstelplan.herstelplan(svc, SAM)
    assert view.subject.supporters == () and view.closed_at is not None and len(view.subject.goals) == 1
    with pytest.raises(NotAllowed):
        await herstelplan.herstelplan(svc, ANNA, sam_id)  # Anna is no longer close to Sam
    with pytest.raises(NotAllowed):
        await closing.close_traject(svc, ANNA, target.household_id, OUTCOMES)  # no longer hers

    assert await closing.next_question(svc, SAM) == "listened"
    assert await closing.answer_relation(svc, SAM, "listened", 5) == "own_goals"
    assert await closing.answer_relation(svc, SAM, "own_goals", 4) == "recommend"
    assert await closing.answer_relation(svc, SAM, "recommend", 4) == "goals_reached"
    assert await closing.answer_relation(svc, SAM, "goals_reached", 3) is None
    with pytest.raises(ValueError):
        await closing.answer_relation(svc, SAM, "listened", 0)
    async with svc.unit() as session:
        [score] = (await session.execute(select(RelationScore))).scalars().all()
    assert score.answers == {"listened": 5, "own_goals": 4, "recommend": 4, "goals_reached": 3}


async def test_the_client_keeps_checking_in_and_scanning_after_closing(world):
    svc = world
    target = await closing.closing_target(svc, ANNA, await pid(svc, SAM))
    await closing.close_traject(svc, ANNA, target.household_id, OUTCOMES)
    result = await checkins.record_phase(svc, SAM, Phase.RED)
    assert result.alerted == () and result.worker_name is None  # nobody left to alert
    assert (await scan(svc, SAM, {ScanDomain.WONEN: 3})).zero_meting
    assert await count(svc, SelfScan, SelfScan.complete.is_(True)) == 1
    assert await count(svc, Person, Person.role == Role.CLIENT, Person.active.is_(True)) == 1
