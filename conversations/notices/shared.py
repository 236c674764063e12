"""What every renderer of conversations/notices shares: the recipient's translator, and a chat keyboard as the
button rows an outbox message carries."""
from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.i18n import Translator, translator
from bot.outbox.notices import Buttons, Recipient
from bot.services.base import Services


def words_for(svc: Services, recipient: Recipient) -> Translator:
    return translator(recipient.locale, svc.settings.zone)


def rows(markup: InlineKeyboardMarkup) -> Buttons:
    """A keyboard of the chat (conversations/keyboards.py and its kin) as the outbox's (label, data) rows."""
    return [[(button.text, str(button.callback_data)) for button in row] for row in markup.inline_keyboard]
