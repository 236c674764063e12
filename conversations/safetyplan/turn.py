"""The opening every handler of this package needs, written once.

    @handler(Role.CLIENT, flow="hope")
    async def remove(turn: Turn) -> None:
        left = await safetyplans.remove_hope(turn.svc, turn.tid, turn.int_arg())
        await turn.say(...)

The wrapper answers the button, reads the person (only the roles given get in; anyone else gets their menu or
the welcome, see `common.acting_as`), picks their translator and parses the button's payload for `flow`. A bad
payload (`BadCallback`), `NotAllowed` or `NotFound` from the body becomes the one refusal: a short line and the
way back to the menu.

The same shape as the one wrapper the structure branch brings (conversations/handler.py): when both meet, this
file goes and the imports of this package point there.
"""
from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from bot import callbacks
from bot.callbacks import BadCallback
from bot.domain.roles import Role
from bot.i18n import Translator
from bot.services.base import NotAllowed, NotFound, Services
from bot.services.people import PersonView
from conversations import common
from conversations.common import Context

END = ConversationHandler.END


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

    def _data(self) -> callbacks.Callback:
        if self.data is None:
            raise BadCallback("no button")
        return self.data

    def today(self) -> date:
        return common.today(self.context)

    async def say(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await common.say(self.update, self.context, text, markup)

    async def edit(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await common.edit_or_say(self.update, self.context, text, markup)

    async def menu(self, text: str | None = None) -> None:
        await common.show_menu(self.update, self.context, self.person, text)

    async def stale(self) -> int:
        return await common.unknown(self.update, self.context)

    async def refuse(self, text: str = common.NOT_FOR_YOU) -> None:
        await common.refuse(self.update, self.context, self.t, text)

    async def deliver_now(self) -> None:
        await common.deliver_now(self.context)


Body = Callable[[Turn], Awaitable[Any]]


def handler(*roles: Role, flow: str | None = None, stop: Any = END) -> Callable[[Body], Callable[[Update, Context], Awaitable[Any]]]:
    """Open a handler: answer the button, the person in one of `roles`, their translator, the payload of `flow`
    (when the update is a button). `stop` is what the handler returns when it does not go on."""

    def wrap(body: Body) -> Callable[[Update, Context], Awaitable[Any]]:
        @functools.wraps(body)
        async def run(update: Update, context: Context) -> Any:
            await common.answer_button(update)
            person = await common.acting_as(update, context, *roles)
            if person is None:
                return stop
            turn = Turn(update, context, person, common.tr(context, person))
            try:
                if flow is not None and update.callback_query is not None:
                    turn.data = callbacks.parse(update.callback_query.data, flow)
                result = await body(turn)
            except (BadCallback, NotAllowed, NotFound):
                await turn.refuse()
                return stop
            # A body that says nothing more ends whatever conversation it was a fallback of: a button that needs
            # nothing typed, pressed in the middle of a question, ends the question and does what it says.
            return END if result is None else result

        return run

    return wrap
