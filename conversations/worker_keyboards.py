"""The workers' keyboards: a rood alert, a nudge and the morning digest (as sent, conversations/notices/, and as
opened in the chat), after a nudge, /overzicht and being away."""
from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import Translator
from bot.services.nudges import SNOOZE_DAYS, OverviewPage
from conversations import callbacks
from conversations.keyboards import column


def dossier_button(t: Translator, client_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("📂 Open dossier"), callback_data=callbacks.make("wk", "client", client_id))


def alert_take(t: Translator, alert_id: int, client_id: int) -> InlineKeyboardMarkup:
    """A rood alert (conversations/notices/alerts.py): "I will pick it up", and the dossier."""
    return column([InlineKeyboardButton(t.gettext("🙋 I will pick it up"),
                                        callback_data=callbacks.make("red", "take", alert_id)),
                   dossier_button(t, client_id)])


def nudge_keyboard(t: Translator, nudge_id: int, client_id: int) -> InlineKeyboardMarkup:
    """A full nudge (sent, or opened from a digest): respond, seen, later, the dossier."""
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(t.gettext("📞 I will get in touch"),
                              callback_data=callbacks.make("ndg", "contact", nudge_id))],
        [InlineKeyboardButton(t.gettext("👀 Seen"), callback_data=callbacks.make("ndg", "seen", nudge_id))],
        [InlineKeyboardButton(t.ngettext("⏰ Later: {n} day", "⏰ Later: {n} days", days).format(n=days),
                              callback_data=callbacks.make("ndg", "later", f"{nudge_id}.{days}"))
         for days in SNOOZE_DAYS],
        [dossier_button(t, client_id)],
    ])


def digest_keyboard(items: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A morning digest: per line, its number and name, to open that nudge. `items`: (nudge id, first name)."""
    return column([
        InlineKeyboardButton(f"📂 {number}. {name}"[:60], callback_data=callbacks.make("ndg", "open", nudge_id))
        for number, (nudge_id, name) in enumerate(items, start=1)
    ])


def after_nudge(t: Translator, client_id: int | None) -> InlineKeyboardMarkup:
    rows = []
    if client_id is not None:
        rows.append([dossier_button(t, client_id)])
    rows.append([InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show"))])
    return InlineKeyboardMarkup(rows)


def overview_keyboard(t: Translator, page: OverviewPage, labels: Sequence[str]) -> InlineKeyboardMarkup:
    """One button per client (to the dossier), then previous / next page, then the menu."""
    rows = [[InlineKeyboardButton(label[:60], callback_data=callbacks.make("wk", "client", row.client_id))]
            for row, label in zip(page.rows, labels, strict=True)]
    nav = []
    if page.has_previous:
        nav.append(
            InlineKeyboardButton(t.gettext("⬅️ Back"), callback_data=callbacks.make("ovz", "page", page.page - 1))
        )
    if page.has_next:
        nav.append(
            InlineKeyboardButton(t.gettext("Next ➡️"), callback_data=callbacks.make("ovz", "page", page.page + 1))
        )
    if nav:
        rows.append(nav)
    rows.append([InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show"))])
    return InlineKeyboardMarkup(rows)


def absence_keyboard(t: Translator, *, can_end: bool) -> InlineKeyboardMarkup:
    rows = []
    if can_end:
        rows.append([InlineKeyboardButton(t.gettext("✅ I am back"), callback_data=callbacks.make("afw", "end"))])
    rows.append([InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show"))])
    return InlineKeyboardMarkup(rows)
