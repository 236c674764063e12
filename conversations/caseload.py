"""The worker's side: my clients, per client only what that client shares with me, and a goal proposal.

A proposal is asked one question at a time (leefdomein, the goal in the client's words, a first small step);
the answers wait in user_data["propose_goal"] (small plain values), so a restart loses nothing, and the
question asked is always the first one without an answer. Nothing becomes active until the client accepts.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler

from bot.domain.consent import SCOPE_NAMES, SCOPES
from bot.domain.forms import OTHER_VIEWS, VIEWABLE
from bot.domain.goals import DOMAIN_LABELS, Domain
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.services import caseload, tools
from bot.services import goals as goal_service
from bot.services.base import NotAllowed
from bot.services.people import PersonView
from conversations import callbacks, common, keyboards, menu
from conversations.callbacks import BadCallback
from conversations.common import Context
from conversations.goals.shared import MAX_TEXT, clean_text
from conversations.handler import Turn, handler, listing, with_draft
from conversations.safetyplan import hoopbox
from conversations.tools import show_saved


@listing(Role.WORKER, rows=caseload.my_clients, empty=N_("You have no clients yet."))
async def list_clients(turn: Turn, rows: list[caseload.ClientRow]) -> None:
    t = turn.t
    await turn.say(t.gettext("Your clients:"), keyboards.clients(t, [(r.client_id, r.name) for r in rows]))


@handler(Role.WORKER, flow="wk", scope="client", stop=None)
async def show_client(turn: Turn) -> None:
    t = turn.t
    row = await caseload.client_row(turn.svc, turn.tid, turn.int_arg())
    shared = [s for s in SCOPES if s in row.shared]
    text = t.gettext("{name} shares with you: {what}.").format(
        name=row.name, what=", ".join(t.gettext(SCOPE_NAMES[s]) for s in shared) or t.gettext("nothing")
    )
    choices = [(f"{row.client_id}.{s.value}", t.gettext(SCOPE_NAMES[s])) for s in shared
               if s in VIEWABLE or s in OTHER_VIEWS]
    await turn.say(text, keyboards.client_views(t, row.client_id, choices))


NOT_SHARED_WITH_WORKER = N_("You cannot see this. The client has not shared it with you.")


@handler(Role.WORKER, flow="wk", refusal=NOT_SHARED_WITH_WORKER, scope="client", stop=None)
async def view(turn: Turn) -> None:
    """wk:view:<client_id>.<scope>: every look goes through the consent check and is audited."""
    client_id, scope = turn.id_and_scope()
    if scope in OTHER_VIEWS:
        if not await hoopbox.show_to(turn.update, turn.context, client_id):
            raise NotAllowed("not shared")
        return
    client_id, tool = turn.id_and_view()
    await show_saved(turn, await tools.current(turn.svc, turn.tid, tool, client_id=client_id))


def handlers() -> list:
    return [
        CallbackQueryHandler(list_clients, pattern=r"^menu:clients$"),
        CallbackQueryHandler(show_client, pattern=callbacks.pattern("wk", "client")),
        CallbackQueryHandler(view, pattern=callbacks.pattern("wk", "view")),
    ]


# --- a goal proposal for one client: leefdomein, the goal in the client's words, a first small step --------

DRAFT = "propose_goal"


class ProposeStep(StrEnum):
    DOMAIN = "propose.domain"
    TITLE = "propose.title"
    STEP = "propose.step"


PROPOSE_QUESTIONS = {
    ProposeStep.DOMAIN: N_("Which part of life is this goal about?"),
    ProposeStep.TITLE: N_("Write the goal as the client would say it."),
    ProposeStep.STEP: N_("What is a first small step? Type it, or tap Skip."),
}
NOT_YOURS = N_("This button does not work for you.")


def _proposal(context: Context) -> dict[str, Any] | None:
    return context.user_data.get(DRAFT) if context.user_data is not None else None


def _proposal_step(draft: dict[str, Any]) -> ProposeStep:
    if "domain" not in draft:
        return ProposeStep.DOMAIN
    return ProposeStep.TITLE if "title" not in draft else ProposeStep.STEP


def _proposal_buttons(t: Translator, step: ProposeStep) -> InlineKeyboardMarkup:
    if step == ProposeStep.DOMAIN:
        return keyboards.propose_domains(t)
    if step == ProposeStep.STEP:
        return keyboards.propose_skip(t)
    return keyboards.menu_button(t)


async def _ask_proposal(
    update: Update, context: Context, worker: PersonView, note: str | None = None
) -> ProposeStep | int:
    draft = _proposal(context)
    if draft is None:
        return await common.menu_or_welcome(update, context)
    t = common.tr(context, worker)
    step = _proposal_step(draft)
    text = t.gettext(PROPOSE_QUESTIONS[step])
    await common.say(update, context, f"{note}\n\n{text}" if note else text, _proposal_buttons(t, step))
    return step


@handler(Role.WORKER, flow="wk")
async def start_proposal(turn: Turn) -> ProposeStep | int:
    """wk:propose:<client_id>: only for a client in this worker's caseload; a fresh start each time."""
    t = turn.t
    try:
        row = await caseload.client_row(turn.svc, turn.tid,
                                        turn.int_arg())
    except (BadCallback, NotAllowed):
        turn.user_data.pop(DRAFT, None)
        await turn.say(t.gettext(NOT_YOURS), keyboards.menu_button(t))
        return ConversationHandler.END
    turn.user_data[DRAFT] = {"client_id": row.client_id}
    intro = t.gettext("🎯 A goal proposal for {name}. {name} decides whether it becomes a goal.").format(name=row.name)
    return await _ask_proposal(turn.update, turn.context, turn.person, intro)


@handler(Role.WORKER, flow="wkp")
@with_draft(DRAFT, _proposal_step, stale=True)
async def on_proposal_button(turn: Turn, draft: dict[str, Any], step: ProposeStep) -> ProposeStep | int:
    """wkp:dom:<domain> and wkp:skip, checked against the question asked now."""
    t = turn.t
    try:
        parsed = turn.data
        if (step, parsed.action) not in ((ProposeStep.DOMAIN, "dom"), (ProposeStep.STEP, "skip")):
            return await _ask_proposal(turn.update, turn.context, turn.person,
                                       t.gettext("That button was for another question. This is the question now:"))
        if step == ProposeStep.DOMAIN:
            draft["domain"] = Domain(parsed.arg or "").value
            return await _ask_proposal(turn.update, turn.context, turn.person)
    except (BadCallback, ValueError):
        return await turn.stale()
    return await _send_proposal(turn.update, turn.context, turn.person, draft, None)


@handler(Role.WORKER)
@with_draft(DRAFT, _proposal_step, stale=False)
async def on_proposal_text(turn: Turn, draft: dict[str, Any], step: ProposeStep) -> ProposeStep | int:
    t = turn.t
    if step == ProposeStep.DOMAIN:
        return await _ask_proposal(turn.update, turn.context, turn.person,
                                   t.gettext("Sorry, I did not understand that. Please choose a button."))
    value, problem = clean_text(common.text_of(turn.update), MAX_TEXT)
    if problem:
        return await _ask_proposal(turn.update, turn.context, turn.person, t.gettext(problem).format(max=MAX_TEXT))
    if step == ProposeStep.TITLE:
        draft["title"] = value
        return await _ask_proposal(turn.update, turn.context, turn.person)
    return await _send_proposal(turn.update, turn.context, turn.person, draft, value)


async def _send_proposal(
    update: Update, context: Context, worker: PersonView, draft: dict[str, Any], step: str | None
) -> int:
    svc = common.services(context)
    t = common.tr(context, worker)
    context.user_data.pop(DRAFT, None)  # used up, whatever happens next: a new proposal starts clean
    try:
        client_id = int(draft["client_id"])
        row = await caseload.client_row(svc, worker.telegram_id, client_id)
        goal = await goal_service.propose_goal(svc, worker.telegram_id, client_id, domain=Domain(draft["domain"]),
                                               title=str(draft["title"]), step=step)
    except NotAllowed:
        await common.say(update, context, t.gettext(
            "I cannot send this proposal: this client is no longer in your caseload."), keyboards.menu_button(t))
        return ConversationHandler.END
    except (KeyError, TypeError, ValueError):
        return await common.unknown(update, context)
    lines = [f"🎯 {goal.title}", t.gettext(DOMAIN_LABELS[goal.domain])]
    if goal.step:
        lines.append(t.gettext("Step now: {step}").format(step=goal.step))
    lines += ["", t.gettext("I sent the proposal to {name}. It becomes active only when {name} accepts it.").format(
        name=row.name)]
    await common.say(update, context, "\n".join(lines), keyboards.propose_done(t, row.client_id))
    await common.deliver_now(context)
    return ConversationHandler.END


@handler(Role.WORKER)
async def proposal_odd_input(turn: Turn) -> ProposeStep | int:
    """A sticker, photo or voice message: say what we need and ask the same question again."""
    draft = _proposal(turn.context)
    if draft is None:
        return await turn.menu_or_welcome()
    t = turn.t
    note = (t.gettext("Sorry, I did not understand that. Please choose a button.")
            if _proposal_step(draft) == ProposeStep.DOMAIN
            else t.gettext("Please answer with a short text, or use the buttons above."))
    return await _ask_proposal(turn.update, turn.context, turn.person, note)


def propose_conversation() -> ConversationHandler:
    answering = [
        CallbackQueryHandler(on_proposal_button, pattern=r"^wkp:(dom|skip)(:|$)"),
        common.typed(on_proposal_text),
    ]
    return menu.conversation(
        "propose_goal",
        [CallbackQueryHandler(start_proposal, pattern=callbacks.pattern("wk", "propose"))],
        {step: list(answering) for step in ProposeStep},
        CallbackQueryHandler(menu.leaving(list_clients), pattern=r"^menu:clients$"),
        CallbackQueryHandler(menu.leaving(show_client), pattern=callbacks.pattern("wk", "client")),
        CallbackQueryHandler(menu.leaving(view), pattern=callbacks.pattern("wk", "view")),
        odd=proposal_odd_input,
    )
