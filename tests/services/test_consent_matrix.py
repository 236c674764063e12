"""Exactly who can see what: role x scope x consent state, through the one consent check in the services."""
import itertools

import pytest
from sqlalchemy import select

from bot import outbox
from bot.db.models import AuditEntry
from bot.domain.consent import Relation, Scope, may_view
from bot.domain.forms import Tool
from bot.domain.roles import CareRole, Role
from bot.services import consent, invites, people, team, tools
from bot.services.base import NotAllowed

VIEWERS = {  # telegram id: how the viewer stands to Sam
    900: "coordinating",
    901: "backup",
    902: "involved",
    903: "procesregisseur",
    904: "other worker",  # a worker, but not in Sam's team
    905: "peer",  # a peer expert without a contact with Sam
    906: "admin",
    502: "household member",  # Mo, another client of Sam's household
    503: "other client",  # Kim, a client of a household of her own
}
CLOSE = ("coordinating", "backup", "involved", "procesregisseur", "household member")
TOOLS = {Scope.SIGNALING_PLAN: Tool.PLAN, Scope.CRISIS_CARD: Tool.CARD}


async def staff(svc, telegram_id, role, name):
    code = (await invites.create_invite(svc, role=role)).code
    await invites.redeem_invite(svc, code=code, telegram_id=telegram_id, chat_id=telegram_id, locale="nl")
    await people.set_name(svc, telegram_id, name)


@pytest.fixture
async def world(svc):
    await staff(svc, 900, Role.WORKER, "Anna")
    for tid in (901, 902, 903, 904):
        await staff(svc, tid, Role.WORKER, f"W{tid}")
    await staff(svc, 905, Role.PEER, "Joost")
    await staff(svc, 906, Role.ADMIN, "Ada")
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=900)).code
    await invites.redeem_invite(svc, code=code, telegram_id=501, chat_id=501, locale="nl")
    await people.set_name(svc, 501, "Sam")
    household = await team.household_of(svc, 501)
    for tid, role in ((901, CareRole.BACKUP), (902, CareRole.INVOLVED), (903, CareRole.PROCESREGISSEUR)):
        await team.add_to_team(svc, by_telegram_id=900, household_id=household, worker_telegram_id=tid, role=role)
    code = (await invites.create_invite(svc, role=Role.CLIENT, by_telegram_id=900, household_id=household)).code
    await invites.redeem_invite(svc, code=code, telegram_id=502, chat_id=502, locale="nl")
    await people.set_name(svc, 502, "Mo")
    await people.start_as_client(svc, telegram_id=503, chat_id=503, locale="nl")
    await people.set_name(svc, 503, "Kim")
    for tool in TOOLS.values():
        await tools.update_draft(svc, 501, tool, {"name": "Sam", "groen": {"what_i_do": ["wandelen"]}}, 0)
        await tools.save_version(svc, 501, tool, finished=True)
    return svc


def ids_of(shares):
    return {s.name: s.viewer_id for s in shares}


@pytest.mark.parametrize(("viewer", "scope", "granted"), list(itertools.product(VIEWERS, TOOLS, (False, True))))
async def test_who_can_see_what(world, viewer, scope, granted):
    svc = world
    team_ids = {s.viewer_id for s in await consent.viewers(svc, 501)}
    async with svc.unit() as session:
        from bot.services.base import person_by_telegram

        viewer_person = await person_by_telegram(session, viewer)
        sam = await person_by_telegram(session, 501)
    if granted and viewer_person.id in team_ids:
        await consent.set_consent(svc, client_telegram_id=501, viewer_id=viewer_person.id, scope=scope, granted=True)
    elif granted:
        with pytest.raises(NotAllowed):  # consent can only go to someone close to the client
            await consent.set_consent(
                svc, client_telegram_id=501, viewer_id=viewer_person.id, scope=scope, granted=True
            )
    expected = granted and VIEWERS[viewer] in CLOSE
    if expected:
        saved = await tools.current(svc, viewer, TOOLS[scope], client_id=sam.id)
        assert saved is not None and saved.owner_name == "Sam"
    else:
        with pytest.raises(NotAllowed):
            await tools.current(svc, viewer, TOOLS[scope], client_id=sam.id)
    # The other scope stays closed either way: consent is per scope.
    other = next(s for s in TOOLS if s != scope)
    with pytest.raises(NotAllowed):
        await tools.current(svc, viewer, TOOLS[other], client_id=sam.id)
    async with svc.unit() as session:
        rows = list((await session.execute(select(AuditEntry).where(AuditEntry.action == "view"))).scalars())
    assert [(r.scope, r.outcome) for r in rows] == [
        (scope, "ok" if expected else "denied"), (other, "denied")
    ]
    assert all(r.subject == sam.pseudonym and r.actor == viewer_person.pseudonym for r in rows)


async def test_revoking_works_at_once_and_the_viewer_is_told(world):
    svc = world
    anna = ids_of(await consent.viewers(svc, 501))["Anna"]
    await consent.set_consent(svc, client_telegram_id=501, viewer_id=anna, scope=Scope.CRISIS_CARD, granted=True)
    assert await tools.current(svc, 900, Tool.CARD, client_id=(await people.whoami(svc, 501)).id)
    await consent.set_consent(svc, client_telegram_id=501, viewer_id=anna, scope=Scope.CRISIS_CARD, granted=False)
    with pytest.raises(NotAllowed):
        await tools.current(svc, 900, Tool.CARD, client_id=(await people.whoami(svc, 501)).id)
    from bot.db.models import OutboxMessage

    async with svc.unit() as session:
        notes = [
            (await outbox.render_row(svc, session, m) or {}).get("text", "")
            for m in (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "consent"))).scalars()
        ]
    assert len(notes) == 2 and "deelt nu met je: crisiskaart" in notes[0] and "deelt niet meer" in notes[1]
    assert all("waarom" not in n for n in notes)


async def test_the_client_sees_each_view_in_plain_words(world):
    svc = world
    anna = ids_of(await consent.viewers(svc, 501))["Anna"]
    await consent.set_consent(svc, client_telegram_id=501, viewer_id=anna, scope=Scope.CRISIS_CARD, granted=True)
    sam_id = (await people.whoami(svc, 501)).id
    await tools.current(svc, 900, Tool.CARD, client_id=sam_id)
    with pytest.raises(NotAllowed):
        await tools.current(svc, 900, Tool.PLAN, client_id=sam_id)  # a refused look is not "seen"
    [record] = await consent.views_of_my_data(svc, 501)
    assert (record.viewer_name, record.relation, record.scope) == ("Anna", "coordinating", Scope.CRISIS_CARD)


@pytest.mark.parametrize(
    ("relation", "expected"),
    [
        (Relation(Role.WORKER, CareRole.COORDINATING), True),
        (Relation(Role.WORKER, None), False),
        (Relation(Role.WORKER, CareRole.BACKUP, viewer_active=False), False),
        (Relation(Role.PEER, None, peer_contact=True), True),
        (Relation(Role.PEER, None, peer_contact=False), False),
        (Relation(Role.ADMIN, CareRole.COORDINATING), False),
        (Relation(Role.CLIENT, None, household_member=True), True),
        (Relation(Role.CLIENT, None), False),
        (Relation(Role.CLIENT, None, viewer_active=False, household_member=True), False),
        (Relation(Role.WORKER, None, household_member=True), False),
        (Relation(Role.ADMIN, None, household_member=True), False),
        (None, False),
    ],
)
def test_the_pure_rule(relation, expected):
    assert may_view(is_self=False, relation=relation, granted=frozenset({Scope.GOALS}), scope=Scope.GOALS) is expected
    assert may_view(is_self=False, relation=relation, granted=frozenset(), scope=Scope.GOALS) is False
    assert may_view(is_self=True, relation=None, granted=frozenset(), scope=Scope.GOALS) is True


async def test_the_other_household_members_are_viewers_who_see_nothing_until_the_client_shares(world):
    from bot.db.models import OutboxMessage, Person

    svc = world
    shares = {s.name: s for s in await consent.viewers(svc, 501)}
    assert [s.name for s in await consent.viewers(svc, 501)] == ["Anna", "W901", "W902", "W903", "Mo"]
    assert shares["Mo"].relation == "household" and shares["Mo"].scopes == frozenset()
    assert "Kim" not in shares  # a client of another household is nobody to Sam
    assert consent.CARE_ROLE_NAMES["household"] == "household member"
    # It goes both ways: Sam is a viewer in Mo's list too.
    assert [(s.name, s.relation) for s in await consent.viewers(svc, 502)][-1] == ("Sam", "household")
    sam_id, mo_id, kim_id = [(await people.whoami(svc, tid)).id for tid in (501, 502, 503)]

    share = await consent.set_consent(
        svc, client_telegram_id=501, viewer_id=mo_id, scope=Scope.CRISIS_CARD, granted=True
    )
    assert share.relation == "household" and share.scopes == {Scope.CRISIS_CARD}
    assert (await tools.current(svc, 502, Tool.CARD, client_id=sam_id)).owner_name == "Sam"
    with pytest.raises(NotAllowed):
        await tools.current(svc, 502, Tool.PLAN, client_id=sam_id)  # per scope, like anyone else
    [record] = await consent.views_of_my_data(svc, 501)
    assert (record.viewer_name, record.relation, record.scope) == ("Mo", "household", Scope.CRISIS_CARD)

    await consent.set_consent(svc, client_telegram_id=501, viewer_id=mo_id, scope=Scope.CRISIS_CARD, granted=False)
    with pytest.raises(NotAllowed):
        await tools.current(svc, 502, Tool.CARD, client_id=sam_id)
    async with svc.unit() as session:
        notes = [(await outbox.render_row(svc, session, m) or {}).get("text", "") for m in (await session.execute(
            select(OutboxMessage).where(OutboxMessage.kind == "consent").order_by(OutboxMessage.id))).scalars()]
    assert len(notes) == 2 and "deelt nu met je: crisiskaart" in notes[0] and "deelt niet meer" in notes[1]

    with pytest.raises(NotAllowed):  # Kim is no household member of Sam's
        await consent.set_consent(svc, client_telegram_id=501, viewer_id=kim_id, scope=Scope.GOALS, granted=True)
    with pytest.raises(NotAllowed):  # nor is Sam a viewer of himself
        await consent.set_consent(svc, client_telegram_id=501, viewer_id=sam_id, scope=Scope.GOALS, granted=True)
    async with svc.unit() as session:
        forged = (
            (await session.execute(select(AuditEntry).where(AuditEntry.action == "consent.forged"))).scalars().all()
        )
    assert len(forged) == 2

    # A member who leaves (no longer active) is no longer a viewer, and a granted scope stops working at once.
    await consent.set_consent(svc, client_telegram_id=501, viewer_id=mo_id, scope=Scope.CRISIS_CARD, granted=True)
    async with svc.unit() as session:
        (await session.get(Person, mo_id)).active = False
        await session.commit()
    assert "Mo" not in {s.name for s in await consent.viewers(svc, 501)}
    with pytest.raises(NotAllowed):
        await tools.current(svc, 502, Tool.CARD, client_id=sam_id)
