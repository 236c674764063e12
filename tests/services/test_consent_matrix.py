"""Exactly who can see what: role x scope x consent state, through the one consent check in the services."""
import itertools

import pytest
from sqlalchemy import select

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
}
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
            await consent.set_consent(svc, client_telegram_id=501, viewer_id=viewer_person.id, scope=scope, granted=True)
    expected = granted and VIEWERS[viewer] in ("coordinating", "backup", "involved", "procesregisseur")
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
        notes = [m.payload for m in (await session.execute(select(OutboxMessage).where(OutboxMessage.kind == "consent"))).scalars()]
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
        (None, False),
    ],
)
def test_the_pure_rule(relation, expected):
    assert may_view(is_self=False, relation=relation, granted=frozenset({Scope.GOALS}), scope=Scope.GOALS) is expected
    assert may_view(is_self=False, relation=relation, granted=frozenset(), scope=Scope.GOALS) is False
    assert may_view(is_self=True, relation=None, granted=frozenset(), scope=Scope.GOALS) is True
