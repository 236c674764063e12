"""Every keyboard of the bot, built here and only here. Each takes the translator."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.domain.roles import Role
from bot.i18n import N_, Translator

# The main menu per role: (action, label). Big buttons, one per row.
MENUS: dict[Role, list[tuple[str, str]]] = {
    Role.CLIENT: [
        ("link", N_("🤝 Link my worker")),
        ("privacy", N_("🔒 Who sees what")),
        ("views", N_("👀 Who looked at my data")),
        ("pause", N_("🔕 Pause reminders")),
        ("language", N_("🌐 Language")),
        ("help", N_("❓ Help")),
    ],
    Role.WORKER: [
        ("invite_new", N_("➕ Invite a new client")),
        ("invite_member", N_("👪 Add someone to a household")),
        ("language", N_("🌐 Language")),
        ("help", N_("❓ Help")),
    ],
    Role.PEER: [
        ("language", N_("🌐 Language")),
        ("help", N_("❓ Help")),
    ],
    Role.ADMIN: [
        ("invite_worker", N_("➕ Invite a worker")),
        ("invite_peer", N_("➕ Invite a peer expert")),
        ("invite_admin", N_("➕ Invite an admin")),
        ("language", N_("🌐 Language")),
        ("help", N_("❓ Help")),
    ],
}


def _rows(buttons: Sequence[InlineKeyboardButton], per_row: int = 1) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)])


def main_menu(t: Translator, role: Role, *, has_worker: bool = False, paused: bool = False) -> InlineKeyboardMarkup:
    buttons = []
    for action, label in MENUS[role]:
        if action == "link" and has_worker:
            continue
        if action == "pause" and paused:
            buttons.append(InlineKeyboardButton(t.gettext("🔔 Turn reminders back on"), callback_data=callbacks.make("menu", "resume")))
            continue
        buttons.append(InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("menu", action)))
    return _rows(buttons)


def menu_button(t: Translator) -> InlineKeyboardMarkup:
    return _rows([InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show"))])


def single(t: Translator, label: str, flow: str, action: str) -> InlineKeyboardMarkup:
    return _rows([InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make(flow, action))])


def checkin_times(t: Translator, times: Sequence[time]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(at.strftime("%H:%M"), callback_data=callbacks.make("onb", "time", at.strftime("%H%M")))
        for at in times
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([InlineKeyboardButton(t.gettext("No fixed time"), callback_data=callbacks.make("onb", "time", "none"))])
    return InlineKeyboardMarkup(rows)


def languages() -> InlineKeyboardMarkup:
    # Language names stay in their own language, so everyone finds theirs.
    return _rows(
        [
            InlineKeyboardButton("🇳🇱 Nederlands", callback_data=callbacks.make("lang", "set", "nl")),
            InlineKeyboardButton("🇬🇧 English", callback_data=callbacks.make("lang", "set", "en")),
        ],
        per_row=2,
    )


def households(t: Translator, choices: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(label, callback_data=callbacks.make("inv", "member", household_id))
        for household_id, label in choices
    ]
    buttons.append(InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")))
    return _rows(buttons)


def consent_toggles(t: Translator, viewer_id: int, granted: frozenset[str], scopes: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per scope: ✅ shared, ⬜ not shared. Tapping flips it."""
    buttons = [
        InlineKeyboardButton(
            ("✅ " if scope in granted else "⬜ ") + t.gettext(label),
            callback_data=callbacks.make("priv", "tog", f"{viewer_id}.{index}"),
        )
        for index, (scope, label) in enumerate(scopes)
    ]
    buttons.append(InlineKeyboardButton(t.gettext("✔️ Done"), callback_data=callbacks.make("priv", "done")))
    return _rows(buttons)


def viewers(t: Translator, choices: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(label, callback_data=callbacks.make("priv", "who", viewer_id)) for viewer_id, label in choices]
    buttons.append(InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")))
    return _rows(buttons)
