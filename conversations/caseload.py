"""The worker's side: my clients, per client only what that client shares with me, and a goal proposal.

A proposal is asked one question at a time (leefdomein, the goal in the client's words, a first small step);
the answers wait in user_data["propose_goal"] (small plain values), so a restart loses nothing, and the
question asked is always the first one without an answer. Nothing becomes active until the client accepts.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot import callbacks
from bot.callbacks import BadCallback
from bot.domain.consent import SCOPES, Scope
from bot.domain.forms import Tool
from bot.domain.goals import DOMAIN_LABELS, Domain
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.services import caseload, tools
from bot.services import goals as goal_service
from bot.services.base import NotAllowed, NotFound
from bot.services.consent import SCOPE_NAMES
from bot.services.people import PersonView
from conversations import common, keyboards, menu
from conversations.common import Context
from conversations.goals import EMPTY, MAX_TEXT, TOO_LONG
from conversations.safetyplan import hoopbox
from conversations.tools import view_text

VIEWABLE = {Scope.SIGNALING_PLAN: Tool.PLAN, Scope.CRISIS_CARD: Tool.CARD, Scope.SAFETY_PLAN: Tool.SAFETY,
            Scope.HOME_PLAN: Tool.HOME}
OTHER_VIEWS = (Scope.HOPE_BOX,)  # not a tool with versions: conversations/safetyplan/hoopbox.show_to


async def list_clients(update: Update, context: Context) -> None:
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return
    t = common.tr(context, worker)
    rows = await caseload.my_clients(common.services(context), worker.telegram_id)
    if not rows:
        await common.say(update, context, t.gettext("You have no clients yet."), keyboards.menu_button(t))
        return
    await common.say(update, context, t.gettext("Your clients:"), keyboards.clients(t, [(r.client_id, r.name) for r in rows]))


async def show_client(update: Update, context: Context) -> None:
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return
    t = common.tr(context, worker)
    try:
        row = await caseload.client_row(common.services(context), worker.telegram_id, callbacks.parse(update.callback_query.data, "wk").int_arg())
    except (BadCallback, NotAllowed):
        await common.say(update, context, t.gettext("This button does not work for you."), keyboards.menu_button(t))
        return
    shared = [s for s in SCOPES if s in row.shared]
    text = t.gettext("{name} shares with you: {what}.").format(
        name=row.name, what=", ".join(t.gettext(SCOPE_NAMES[s]) for s in shared) or t.gettext("nothing")
    )
    choices = [(f"{row.client_id}.{SCOPES.index(s)}", t.gettext(SCOPE_NAMES[s])) for s in shared
               if s in VIEWABLE or s in OTHER_VIEWS]
    await common.say(update, context, text, keyboards.client_views(t, row.client_id, choices))


async def view(update: Update, context: Context) -> None:
    """wk:view:<client_id>.<scope>: every look goes through the consent check and is audited."""
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return
    t = common.tr(context, worker)
    try:
        client_part, scope_part = (callbacks.parse(update.callback_query.data, "wk").arg or "").split(".")
        if SCOPES[int(scope_part)] == Scope.HOPE_BOX and await hoopbox.show_to(update, context, int(client_part)):
            return
        tool = VIEWABLE[SCOPES[int(scope_part)]]
        saved = await tools.current(common.services(context), worker.telegram_id, tool, client_id=int(client_part))
    except (BadCallback, ValueError, IndexError, KeyError, NotAllowed, NotFound):
        await common.say(update, context, t.gettext("You cannot see this. The client has not shared it with you."),
                         keyboards.menu_button(t))
        return
    if saved is None:
        await common.say(update, context, t.gettext("There is nothing saved yet."), keyboards.menu_button(t))
        return
    for chunk in view_text(t, saved):
        await common.say(update, context, chunk)
    await common.say(update, context, t.gettext("What would you like to do?"), keyboards.menu_button(t))


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


def _clean(raw: str | None) -> tuple[str | None, str | None]:
    """(text, None) or (None, the reason to ask again)."""
    value = " ".join((raw or "").split())
    if not value:
        return None, EMPTY
    if len(value) > MAX_TEXT:
        return None, TOO_LONG
    return value, None


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


async def start_proposal(update: Update, context: Context) -> ProposeStep | int:
    """wk:propose:<client_id>: only for a client in this worker's caseload; a fresh start each time."""
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return ConversationHandler.END
    t = common.tr(context, worker)
    try:
        row = await caseload.client_row(common.services(context), worker.telegram_id,
                                        callbacks.parse(update.callback_query.data, "wk").int_arg())
    except (BadCallback, NotAllowed):
        context.user_data.pop(DRAFT, None)
        await common.say(update, context, t.gettext(NOT_YOURS), keyboards.menu_button(t))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"client_id": row.client_id}
    intro = t.gettext("🎯 A goal proposal for {name}. {name} decides whether it becomes a goal.").format(name=row.name)
    return await _ask_proposal(update, context, worker, intro)


async def on_proposal_button(update: Update, context: Context) -> ProposeStep | int:
    """wkp:dom:<domain> and wkp:skip, checked against the question asked now."""
    await common.answer_button(update)
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return ConversationHandler.END
    draft = _proposal(context)
    if draft is None:
        return await common.unknown(update, context)
    t = common.tr(context, worker)
    step = _proposal_step(draft)
    try:
        parsed = callbacks.parse(update.callback_query.data, "wkp")
        if (step, parsed.action) not in ((ProposeStep.DOMAIN, "dom"), (ProposeStep.STEP, "skip")):
            return await _ask_proposal(update, context, worker,
                                       t.gettext("That button was for another question. This is the question now:"))
        if step == ProposeStep.DOMAIN:
            draft["domain"] = Domain(parsed.arg or "").value
            return await _ask_proposal(update, context, worker)
    except (BadCallback, ValueError):
        return await common.unknown(update, context)
    return await _send_proposal(update, context, worker, draft, None)


async def on_proposal_text(update: Update, context: Context) -> ProposeStep | int:
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return ConversationHandler.END
    draft = _proposal(context)
    if draft is None:
        return await common.menu_or_welcome(update, context)
    t = common.tr(context, worker)
    step = _proposal_step(draft)
    if step == ProposeStep.DOMAIN:
        return await _ask_proposal(update, context, worker,
                                   t.gettext("Sorry, I did not understand that. Please choose a button."))
    value, problem = _clean(common.text_of(update))
    if problem:
        return await _ask_proposal(update, context, worker, t.gettext(problem).format(max=MAX_TEXT))
    if step == ProposeStep.TITLE:
        draft["title"] = value
        return await _ask_proposal(update, context, worker)
    return await _send_proposal(update, context, worker, draft, value)


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


async def proposal_odd_input(update: Update, context: Context) -> ProposeStep | int:
    """A sticker, photo or voice message: say what we need and ask the same question again."""
    worker = await common.acting_as(update, context, Role.WORKER)
    if worker is None:
        return ConversationHandler.END
    draft = _proposal(context)
    if draft is None:
        return await common.menu_or_welcome(update, context)
    t = common.tr(context, worker)
    note = (t.gettext("Sorry, I did not understand that. Please choose a button.")
            if _proposal_step(draft) == ProposeStep.DOMAIN
            else t.gettext("Please answer with a short text, or use the buttons above."))
    return await _ask_proposal(update, context, worker, note)


def _leaving(callback):
    """A navigation button pressed in the middle of a proposal: do what it says, and end the proposal."""
    async def leave(update: Update, context: Context) -> int:
        await callback(update, context)
        return ConversationHandler.END

    return leave


def propose_conversation() -> ConversationHandler:
    answering = [
        CallbackQueryHandler(on_proposal_button, pattern=r"^wkp:(dom|skip)(:|$)"),
        MessageHandler(common.TEXT, common.text_answer(on_proposal_text)),
    ]
    return ConversationHandler(
        name="propose_goal",
        persistent=True,
        allow_reentry=True,
        entry_points=[CallbackQueryHandler(start_proposal, pattern=callbacks.pattern("wk", "propose"))],
        states={step: list(answering) for step in ProposeStep},
        fallbacks=[
            *menu.global_commands(),
            CallbackQueryHandler(menu.show, pattern=callbacks.pattern("menu", "show")),
            CallbackQueryHandler(_leaving(list_clients), pattern=r"^menu:clients$"),
            CallbackQueryHandler(_leaving(show_client), pattern=callbacks.pattern("wk", "client")),
            CallbackQueryHandler(_leaving(view), pattern=callbacks.pattern("wk", "view")),
            common.edit_fallback(),
            MessageHandler(filters.ALL & ~filters.COMMAND & ~filters.UpdateType.EDITED, proposal_odd_input),
        ],
    )
