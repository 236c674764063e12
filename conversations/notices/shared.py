"""What every renderer of conversations/notices shares: the recipient's translator, and a chat keyboard as the
button rows an outbox message carries."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from telegram import InlineKeyboardMarkup

from bot.i18n import Translator, translator
from bot.outbox.notices import Buttons, Recipient, Rendered
from bot.services.base import Services

T = TypeVar("T")


def words_for(svc: Services, recipient: Recipient) -> Translator:
    return translator(recipient.locale, svc.settings.zone)


def rows(markup: InlineKeyboardMarkup) -> Buttons:
    """A keyboard of the chat (conversations/keyboards.py and its kin) as the outbox's (label, data) rows."""
    return [[(button.text, str(button.callback_data)) for button in row] for row in markup.inline_keyboard]


def written(svc: Services, recipient: Recipient, facts: T | None, write: Callable[[Translator, T], Rendered]
            ) -> Rendered | None:
    """The message in the recipient's words; None (it is withdrawn) when its facts are gone."""
    return None if facts is None else write(words_for(svc, recipient), facts)
