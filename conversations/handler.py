"""The one opening of every handler, written once.

    @handler(Role.CLIENT, flow="goal")
    async def open_goal(turn: Turn) -> int:
        goal = await goals.goal(turn.svc, turn.tid, turn.int_arg())
        await turn.say(detail_text(turn.t, goal), goal_keyboard(turn.t, goal))
        return END

The wrapper answers the button, reads the person (only the roles given get in; anyone else gets their menu
or the welcome, see `common.acting_as`), picks their translator and parses the button's payload for `flow`.
A bad payload (`BadCallback`), `NotAllowed` or `NotFound` from the body becomes the one refusal: a short line
and the way back to the menu. Where the button is about someone else's data (`scope=`), the refusal is also
audited as a refused button of that scope. A body that wants to say something else on `NotFound` (a closed
goal, an answered proposal) catches it itself.
"""
from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.domain.consent import Scope, scope_from_button
from bot.domain.forms import VIEWABLE, Tool
from bot.domain.roles import Role
from bot.i18n import Translator
from bot.services import security
from bot.services.base import NotAllowed, NotFound, Services
from bot.services.people import PersonView
from conversations import callbacks, common, keyboards
from conversations.callbacks import BadCallback
from conversations.common import Context

END = ConversationHandler.END
STALE = "stale"  # refusal=STALE: "this button no longer works" and the menu (common.unknown), audited
E = TypeVar("E", bound=Enum)


@dataclass
class Turn:
    """One update as a handler body sees it: who, in which language, and what the button said."""

    update: Update
    context: Context
    person: PersonView
    t: Translator
    data: callbacks.Callback | None = None

    @property
    def svc(self) -> Services:
        return common.services(self.context)

    @property
    def tid(self) -> int:
        return self.person.telegram_id

    @property
    def user_data(self) -> dict[str, Any]:
        return self.context.user_data if self.context.user_data is not None else {}

    # --- the payload: every failure is BadCallback, so the wrapper refuses it ---------------------------

    @property
    def action(self) -> str:
        return self._data().action

    @property
    def arg(self) -> str | None:
        return self._data().arg

    def int_arg(self) -> int:
        return self._data().int_arg()

    def ints(self, count: int) -> list[int]:
        return callbacks.ints(self._data().arg, count)

    def choice(self, kind: type[E]) -> E:
        """The argument as a member of an enum (by value), or BadCallback."""
        try:
            return kind(self._data().arg)
        except ValueError as exc:
            raise BadCallback("not a known value") from exc

    def id_and_scope(self) -> tuple[int, Scope]:
        """"<id>.<scope>": a person or contact and a consent scope (by value; an old button's index is read too)."""
        first, _, token = (self._data().arg or "").partition(".")
        if not first.isdigit() or len(first) > 12:
            raise BadCallback("expected an id")
        try:
            return int(first), scope_from_button(token)
        except ValueError as exc:
            raise BadCallback("not a scope") from exc

    def id_and_view(self) -> tuple[int, Tool]:
        """"<id>.<scope>" for a look at a saved tool: the id and the tool; a scope without one is not allowed."""
        first, scope = self.id_and_scope()
        if scope not in VIEWABLE:
            raise NotAllowed("not a view")
        return first, VIEWABLE[scope]

    def _data(self) -> callbacks.Callback:
        if self.data is None:
            raise BadCallback("no button")
        return self.data

    # --- answering -----------------------------------------------------------------------------------

    def today(self) -> date:
        return common.today(self.context)

    async def say(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await common.say(self.update, self.context, text, markup)

    async def note(self, text: str) -> None:
        """A short line with the way back to the menu: nothing (more) to do here."""
        await common.say(self.update, self.context, text, keyboards.menu_button(self.t))

    async def edit(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await common.edit_or_say(self.update, self.context, text, markup)

    async def menu(self, text: str | None = None) -> None:
        await common.show_menu(self.update, self.context, self.person, text)

    async def menu_or_welcome(self, text: str | None = None) -> int:
        return await common.menu_or_welcome(self.update, self.context, text)

    async def stale(self) -> int:
        """The answer to a button that no longer fits (audited as a refused button) and the menu."""
        return await common.unknown(self.update, self.context)

    async def refuse(self, text: str = common.NOT_FOR_YOU) -> None:
        await common.refuse(self.update, self.context, self.t, text)

    async def deliver_now(self) -> None:
        await common.deliver_now(self.context)


Body = Callable[[Turn], Awaitable[Any]]


def handler(
    *roles: Role,
    flow: str | None = None,
    refusal: str = common.NOT_FOR_YOU,
    scope: str | None = None,
    stop: Any = END,
    gone: str | None = None,
) -> Callable[[Body], Callable[[Update, Context], Awaitable[Any]]]:
    """Open a handler: answer the button, the person in one of `roles`, their translator, the payload of
    `flow` (when the update is a button). `refusal` is the line a refused button gets (STALE: the stale
    button's line and the menu); `scope` marks a button about someone else's data, whose refusal is audited.
    `stop` is what the handler returns when it does not go on (END, or None to stay in a conversation's
    state). `gone`: the line for NotFound, when what the button is about is no longer there (closed, ended)."""

    def wrap(body: Body) -> Callable[[Update, Context], Awaitable[Any]]:
        @functools.wraps(body)
        async def run(update: Update, context: Context) -> Any:
            # The button is answered while the person is read: its round trip to Telegram need not come first.
            answering = asyncio.ensure_future(common.answer_button(update))
            try:
                return await opened(update, context)
            finally:
                await answering

        async def opened(update: Update, context: Context) -> Any:
            person = await common.acting_as(update, context, *roles)
            if person is None:
                return stop
            turn = Turn(update, context, person, common.tr(context, person))
            try:
                if flow is not None and update.callback_query is not None:
                    turn.data = callbacks.parse(update.callback_query.data, flow)
                return await body(turn)
            except NotFound:
                if gone is None:
                    return await _refuse(turn, refusal, scope, stop)
                await turn.refuse(gone)
                return stop
            except (BadCallback, NotAllowed):
                return await _refuse(turn, refusal, scope, stop)

        return run

    return wrap


def with_draft(
    key: str, step_of: Callable[[Any], Any] | None = None, *, stale: bool = False, quiet: bool = False
) -> Callable[[Callable[..., Awaitable[Any]]], Body]:
    """For the answers to a question whose draft (a form's answers, the id asked about) is kept in user_data
    under `key`: the body gets `(turn, draft)`, or `(turn, draft, step)` with the question asked now
    (`step_of(draft)`). Without a draft (the question was left or answered) the answer is the stale button's
    (`stale`), nothing at all (`quiet`: END; an empty draft counts as none), or the menu or welcome."""

    def wrap(body: Callable[..., Awaitable[Any]]) -> Body:
        @functools.wraps(body)
        async def run(turn: Turn) -> Any:
            draft = turn.user_data.get(key)
            if quiet and not draft:
                return END
            if draft is None:
                return await (turn.stale() if stale else turn.menu_or_welcome())
            if step_of is None:
                return await body(turn, draft)
            return await body(turn, draft, step_of(draft))

        return run

    return wrap


def listing(
    *roles: Role, rows: Callable[[Services, int], Awaitable[list[Any]]], empty: str
) -> Callable[[Callable[[Turn, list[Any]], Awaitable[Any]]], Callable[[Update, Context], Awaitable[Any]]]:
    """A handler that shows a list: `rows(svc, telegram_id)` reads it; an empty list is the short `empty` line
    with the way back to the menu, any other goes to the body as `body(turn, rows)`."""

    def wrap(show: Callable[[Turn, list[Any]], Awaitable[Any]]) -> Callable[[Update, Context], Awaitable[Any]]:
        @handler(*roles, stop=None)
        @functools.wraps(show)
        async def body(turn: Turn) -> None:
            found = await rows(turn.svc, turn.tid)
            if not found:
                return await turn.note(turn.t.gettext(empty))
            await show(turn, found)

        return body

    return wrap


def opened(callback: Callable[[Update, Context], Awaitable[Any]], *, command: str, menu: str) -> list[BaseHandler]:
    """The two ways to one screen: the typed /command and its main-menu button (menu:<menu>)."""
    return [CommandHandler(command, callback), CallbackQueryHandler(callback, pattern=callbacks.pattern("menu", menu))]


def buttons(flow: str, routes: dict[str, Callable[[Update, Context], Awaitable[Any]]]) -> list[CallbackQueryHandler]:
    """One CallbackQueryHandler per action of a flow: buttons("goal", {"open": open_goal}) answers goal:open:..."""
    return [
        CallbackQueryHandler(callback, pattern=callbacks.pattern(flow, action)) for action, callback in routes.items()
    ]


async def _refuse(turn: Turn, refusal: str, scope: str | None, stop: Any) -> Any:
    if scope is not None:
        await security.record_refused_button(turn.svc, turn.tid, scope)
    if refusal == STALE:
        return await turn.stale()  # audits the refused button once more, without a scope
    await turn.refuse(refusal)
    return stop
