"""Samen invullen: a peer expert (with an active contact) or a worker (caseload) helps a client fill in the
crisiskaart or the signaleringsplan. The helper proposes the text of one step; the client confirms, changes
or rejects it. Nothing lands in the client's tool until the client confirms (or types their own version).
The helper sees nothing of the tool itself: that stays behind the client's consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import PeerContact, Person, ToolProposal
from bot.domain import forms
from bot.domain.forms import Refused, Tool
from bot.domain.peers import ContactStatus, first_name
from bot.domain.roles import Role
from bot.i18n import Translator, translator
from bot.outbox import store as outbox
from bot.services import tools
from bot.services.base import NotAllowed, NotFound, Services, audit, person_by_telegram, refuse_forged
from bot.services.caseload import client_row, my_clients

OPEN = "open"
DECISIONS = {"ok": "confirmed", "edit": "changed", "no": "rejected"}
TOOLS = (Tool.CARD, Tool.PLAN, Tool.SAFETY, Tool.HOME)  # index in callback data: new tools go at the end
# A message about the thuisplan shows nothing on the phone's lock screen or in the chat list: the client opens it.
DISCREET = frozenset({Tool.HOME})


def tools_for(helper_role: str) -> tuple[Tool, ...]:
    """A worker helps with every tool; a peer expert not with the thuisplan (it is for the care team only)."""
    return TOOLS if helper_role == Role.WORKER else tuple(tool for tool in TOOLS if tool != Tool.HOME)


@dataclass(frozen=True)
class Helpable:
    client_id: int
    name: str  # first name


@dataclass(frozen=True)
class ProposalView:
    proposal_id: int
    client_name: str
    tool: Tool
    step: int
    text: str
    helper_name: str = ""  # first name


@dataclass(frozen=True)
class Decision:
    proposal_id: int
    status: str  # confirmed, changed, rejected
    tool: Tool
    step: int
    helper_name: str
    version: int | None  # the new version, when something was saved


def made_with_label(t: Translator, helper: Person) -> str:
    """'Joost (peer expert)' / 'Anna (worker)', in the client's language: it is written on the client's card."""
    if helper.role == Role.PEER:
        return t.gettext("{name} (peer expert)").format(name=first_name(helper.name))
    return t.gettext("{name} (worker)").format(name=first_name(helper.name))


async def clients_to_help(svc: Services, helper_telegram_id: int) -> list[Helpable]:
    """A peer expert: the clients of their active contacts. A worker: their caseload."""
    async with svc.unit() as session:
        helper = await person_by_telegram(session, helper_telegram_id)
        if helper is None or not helper.active or helper.role not in (Role.PEER, Role.WORKER):
            return []
        if helper.role == Role.PEER:
            rows = await session.execute(
                select(Person)
                .join(PeerContact, PeerContact.client_id == Person.id)
                .where(
                    PeerContact.peer_id == helper.id,
                    PeerContact.status == ContactStatus.ACTIVE,
                    Person.active,
                )
                .order_by(PeerContact.id)
            )
            return [Helpable(p.id, first_name(p.name)) for p in rows.scalars()]
    return [
        Helpable(row.client_id, first_name(row.name)) for row in await my_clients(svc, helper_telegram_id)
    ]


async def _check_helper(svc: Services, helper_telegram_id: int, client_id: int, tool: Tool | None = None) -> None:
    """A peer expert with an active contact with this client, or a worker with the client in their caseload; a
    tool this helper may help with."""
    async with svc.unit() as session:
        helper = await person_by_telegram(session, helper_telegram_id)
        if helper is None or not helper.active or helper.role not in (Role.PEER, Role.WORKER):
            raise NotAllowed("only a peer expert or a worker helps")
        if tool is not None and tool not in tools_for(helper.role):
            audit(session, at=svc.now(), action="together.forged", actor=helper, outcome="denied")
            await session.commit()
            raise NotAllowed("not a tool this helper may help with")
        if helper.role == Role.PEER:
            contact = (
                await session.execute(
                    select(PeerContact.id)
                    .where(
                        PeerContact.peer_id == helper.id,
                        PeerContact.client_id == client_id,
                        PeerContact.status == ContactStatus.ACTIVE,
                    )
                    .limit(1)
                )
            ).first()
            if contact is None:
                await refuse_forged(session, svc.now(), "together.forged", helper, "no active contact with this client")
            return
    await client_row(svc, helper_telegram_id, client_id)  # raises NotAllowed (audited) outside the caseload


async def propose(
    svc: Services, helper_telegram_id: int, client_id: int, tool: Tool, step: int, text: str
) -> ProposalView:
    """Store the proposal and send it to the client with Confirm / Change / Reject. Raises Refused when the
    text cannot be an answer to this step (empty, too long, not a date), so the helper can fix it first."""
    if not 0 <= step < len(forms.STEPS[tool]):
        raise ValueError(step)
    await _check_helper(svc, helper_telegram_id, client_id, tool)
    _doc, _understood = forms.add_answer(
        forms.empty(tool), forms.STEPS[tool][step], text, today=svc.today()
    )  # Refused if unusable
    now = svc.now()
    async with svc.unit() as session:
        helper = await person_by_telegram(session, helper_telegram_id)
        client = await session.get(Person, client_id)
        if helper is None or client is None or client.role != Role.CLIENT or not client.active:
            raise NotFound("client")
        row = ToolProposal(
            client_id=client.id,
            helper_id=helper.id,
            kind=tool,
            step=step,
            text=text.strip(),
            status=OPEN,
            created_at=now,
        )
        session.add(row)
        await session.flush()
        # A fact, written when it is sent (conversations/notices/together.py): the home plan as a neutral note.
        await outbox.refer(session, dedup_key=f"together:{row.id}", person=client, kind="together",
                           ref={"proposal": row.id}, about=None, now=now)
        audit(session, at=now, action="together.proposed", actor=helper, subject=client, scope=tool)
        view = ProposalView(row.id, first_name(client.name), tool, step, row.text)
        await session.commit()
        return view


async def proposal_facts(session: AsyncSession, recipient: Person, ref: dict[str, Any]) -> ProposalView | None:
    """A queued "together" (to the client) or "together_decided" (to the helper) when it is sent: the proposal,
    if it is still there and is between these two."""
    row = await session.get(ToolProposal, int(ref["proposal"]))
    if row is None or recipient.id not in (row.client_id, row.helper_id):
        return None
    client = await session.get(Person, row.client_id)
    helper = await session.get(Person, row.helper_id) if row.helper_id is not None else None
    return ProposalView(row.id, first_name(client.name if client else None), Tool(row.kind), row.step, row.text,
                        first_name(helper.name) if helper else "?")


async def open_proposal(svc: Services, client_telegram_id: int, proposal_id: int) -> ProposalView:
    """The client's own open proposal; any other id (forged, someone else's, decided) is refused."""
    async with svc.unit() as session:
        client = await person_by_telegram(session, client_telegram_id)
        row = await session.get(ToolProposal, proposal_id)
        if client is None or row is None or row.client_id != client.id:
            await refuse_forged(session, svc.now(), "together.forged", client, "not your proposal")
        if row.status != OPEN:
            raise NotFound("already decided")
        helper = await session.get(Person, row.helper_id) if row.helper_id else None
        return ProposalView(row.id, first_name(client.name), Tool(row.kind), row.step, row.text,
                            first_name(helper.name) if helper else "?")


async def decide(
    svc: Services, client_telegram_id: int, proposal_id: int, action: str, text: str | None = None
) -> Decision:
    """ok: the helper's text goes into the client's tool and is saved as a version (saved by the helper).
    edit: the client's own `text` is saved instead. no: nothing is saved. The helper hears the outcome."""
    if action not in DECISIONS:
        raise ValueError(action)
    proposal = await open_proposal(svc, client_telegram_id, proposal_id)
    tool, index = proposal.tool, proposal.step
    step = forms.STEPS[tool][index]
    answer = (text or "") if action == "edit" else proposal.text
    had_draft = await tools.has_draft(svc, client_telegram_id, tool)
    if action != "no":  # Refused before anything changes (no draft is made for it): the client types again
        forms.add_answer(await _working_copy(svc, client_telegram_id, tool, had_draft), step, answer, today=svc.today())
    now = svc.now()
    async with svc.unit() as session:
        claimed = await session.execute(
            update(ToolProposal)
            .where(ToolProposal.id == proposal_id, ToolProposal.status == OPEN)
            .values(status=DECISIONS[action], decided_at=now)
        )
        if claimed.rowcount != 1:
            raise NotFound("already decided")  # a double tap
        row = await session.get(ToolProposal, proposal_id)
        helper = await session.get(Person, row.helper_id) if row and row.helper_id else None
        client = await person_by_telegram(session, client_telegram_id)
        await session.commit()
    version = None
    if action != "no":
        try:
            version = await _apply(svc, client_telegram_id, tool, index, answer, helper, client, had_draft)
        except Refused:
            async with svc.unit() as session:  # put it back on the table: nothing was saved
                await session.execute(
                    update(ToolProposal)
                    .where(ToolProposal.id == proposal_id)
                    .values(status=OPEN, decided_at=None)
                )
                await session.commit()
            raise
    async with svc.unit() as session:
        if helper is not None and client is not None:
            helper_row = await session.get(Person, helper.id)
            if helper_row is not None and helper_row.active:
                await outbox.refer(
                    session, dedup_key=f"together-decided:{proposal_id}", person=helper_row, kind="together_decided",
                    about=client, ref={"proposal": proposal_id, "action": action}, now=now,
                )
            audit(
                session,
                at=now,
                action=f"together.{DECISIONS[action]}",
                actor=client,
                subject=helper,
                scope=tool,
            )
        await session.commit()
    return Decision(
        proposal_id, DECISIONS[action], tool, index, first_name(helper.name) if helper else "?", version
    )


async def _working_copy(
    svc: Services, client_telegram_id: int, tool: Tool, had_draft: bool
) -> forms.Document:
    """What the answer would be added to, without making a draft: the draft, else the current version."""
    if had_draft:
        return (await tools.open_draft(svc, client_telegram_id, tool)).doc
    saved = await tools.current(svc, client_telegram_id, tool)
    return saved.doc if saved else forms.empty(tool)


async def _apply(
    svc: Services,
    client_telegram_id: int,
    tool: Tool,
    index: int,
    answer: str,
    helper: Person | None,
    client: Person | None,
    had_draft: bool,
) -> int | None:
    draft = await tools.open_draft(svc, client_telegram_id, tool)
    doc, _understood = forms.add_answer(draft.doc, forms.STEPS[tool][index], answer, today=svc.today())
    if tool == Tool.CARD and helper is not None and client is not None and not doc.get("made_with"):
        t = translator(client.locale, svc.settings.zone)
        doc = {**doc, "made_with": made_with_label(t, helper)}
    await tools.update_draft(svc, client_telegram_id, tool, doc, draft.step)
    # A draft the client was working on stays a draft (with this answer in it); otherwise none is left behind.
    saved = await tools.save_version(
        svc,
        client_telegram_id,
        tool,
        finished=not had_draft,
        saved_by_telegram_id=helper.telegram_id if helper is not None else None,
    )
    return saved.version if saved else None
