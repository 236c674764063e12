"""Every keyboard of the bot, built here and only here. Each takes the translator."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.goals import DOMAIN_LABELS
from bot.domain.people import SUGGESTED_CHECKIN_TIMES
from bot.domain.roles import Role
from bot.domain.scaling import Direction
from bot.i18n import N_, Translator
from conversations import callbacks

# The main menu per role: (action, label). Big buttons, one per row; every menu ends with language and help.
FILL_IN_TOGETHER = ("together", N_("🤝 Fill in together"))
LAST = [("language", N_("🌐 Language")), ("help", N_("❓ Help"))]
_OWN: dict[Role, list[tuple[str, str]]] = {
    Role.CLIENT: [
        ("checkin", N_("🌡️ How am I doing?")),
        ("goals", N_("🎯 My goals")),
        ("herstelplan", N_("📘 My herstelplan")),
        ("scan", N_("📊 How are things going?")),
        ("peer", N_("🤝 Talk to a peer expert")),
        ("plan", N_("📋 My signaleringsplan")),
        ("card", N_("🆘 My crisis card")),
        # both safety plans, the hoopbox, the noodbericht: conversations/safetyplan
        ("safety", N_("🛟 My safety plan")),
        ("link", N_("🔗 Link my worker")),
        ("privacy", N_("🔒 Who sees what")),
        ("views", N_("👀 Who looked at my data")),
        ("mydata", N_("📦 Download my data")),
        ("pause", N_("🔕 Pause reminders")),
    ],
    Role.WORKER: [
        ("overview", N_("📊 Overview")),
        ("clients", N_("👥 My clients")),
        ("report", N_("📈 Progress and report")),
        ("invite_new", N_("➕ Invite a new client")),
        ("invite_member", N_("👪 Add someone to a household")),
        FILL_IN_TOGETHER,
        ("absence", N_("🌴 Away")),
    ],
    Role.PEER: [
        ("peers", N_("👥 My peers")),
        FILL_IN_TOGETHER,
        ("profile", N_("🪪 My profile")),
    ],
    Role.ADMIN: [
        ("invite_worker", N_("➕ Invite a worker")),
        ("invite_peer", N_("➕ Invite a peer expert")),
        ("invite_admin", N_("➕ Invite an admin")),
        ("waiting", N_("⏳ Waiting list")),
        ("report", N_("📈 Monthly report")),
    ],
}
MENUS: dict[Role, list[tuple[str, str]]] = {role: [*items, *LAST] for role, items in _OWN.items()}


def in_rows(buttons: Sequence[InlineKeyboardButton], per_row: int = 1) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)])


# Settings-like items share a row, so the things a person comes for stay big and near the top.
SMALL_ITEMS = frozenset({"privacy", "views", "mydata", "pause", "language", "help"})


def main_menu(t: Translator, role: Role, *, has_worker: bool = False, paused: bool = False) -> InlineKeyboardMarkup:
    big: list[InlineKeyboardButton] = []
    small: list[InlineKeyboardButton] = []
    for action, label in MENUS[role]:
        if action == "link" and has_worker:
            continue
        if action == "pause" and paused:
            button = InlineKeyboardButton(
                t.gettext("🔔 Turn reminders back on"), callback_data=callbacks.make("menu", "resume")
            )
        else:
            button = InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("menu", action))
        (small if action in SMALL_ITEMS else big).append(button)
    rows = [[button] for button in big] + [small[i : i + 2] for i in range(0, len(small), 2)]
    return InlineKeyboardMarkup(rows)


def menu_button(t: Translator) -> InlineKeyboardMarkup:
    return in_rows([InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show"))])


def crisis_row(t: Translator) -> list[InlineKeyboardButton]:
    """On every menu a client sees: the crisis card, one tap away (the same as /crisis)."""
    return [InlineKeyboardButton(t.gettext("🆘 Crisis card"), callback_data=callbacks.make("menu", "card"))]


def for_client(markup: InlineKeyboardMarkup, t: Translator) -> InlineKeyboardMarkup:
    """A client's menu, with the crisis card as its last row (unless it has it already)."""
    rows = [list(row) for row in markup.inline_keyboard]
    if not any(button.callback_data == "menu:card" for row in rows for button in row):
        rows.append(crisis_row(t))
    return InlineKeyboardMarkup(rows)


def single(t: Translator, label: str, flow: str, action: str) -> InlineKeyboardMarkup:
    return in_rows([InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make(flow, action))])


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
    return in_rows(
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
    return in_rows(buttons)


def consent_toggles(
    t: Translator, viewer_id: int, granted: frozenset[str], scopes: Sequence[tuple[str, str]]
) -> InlineKeyboardMarkup:
    """One button per scope: ✅ shared, ⬜ not shared. Tapping flips it."""
    buttons = [
        InlineKeyboardButton(
            ("✅ " if scope in granted else "⬜ ") + t.gettext(label),
            callback_data=callbacks.make("priv", "tog", f"{viewer_id}.{scope}"),
        )
        for scope, label in scopes
    ]
    buttons.append(InlineKeyboardButton(t.gettext("✔️ Done"), callback_data=callbacks.make("priv", "done")))
    return in_rows(buttons)


def viewers(t: Translator, choices: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(label, callback_data=callbacks.make("priv", "who", viewer_id))
        for viewer_id, label in choices
    ]
    buttons.append(InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")))
    return for_client(in_rows(buttons), t)


def form_step(
    t: Translator, examples: Sequence[tuple[str, bool]], *, answered: bool, first: bool, last: bool, can_clear: bool
) -> InlineKeyboardMarkup:
    """A form step: example answers to pick (several allowed), then back / next-or-skip / later."""
    rows = [
        [InlineKeyboardButton(("✅ " if picked else "➕ ") + label, callback_data=callbacks.make("form", "ex", index))]
        for index, (label, picked) in enumerate(examples)
    ]
    forward = (
        (t.gettext("✅ Done") if last else t.gettext("Next ➡️")) if answered else t.gettext("⏭ Skip")
    )
    nav = [] if first else [InlineKeyboardButton(t.gettext("⬅️ Back"), callback_data=callbacks.make("form", "back"))]
    nav.append(InlineKeyboardButton(forward, callback_data=callbacks.make("form", "next")))
    rows.append(nav)
    extra = [InlineKeyboardButton(t.gettext("💾 Continue later"), callback_data=callbacks.make("form", "later"))]
    if can_clear:
        extra.insert(0, InlineKeyboardButton(t.gettext("🗑 Clear"), callback_data=callbacks.make("form", "clear")))
    rows.append(extra)
    return InlineKeyboardMarkup(rows)


def tool_home(
    t: Translator, tool: str, *, has_version: bool, has_draft: bool, has_previous: bool
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            t.gettext("▶️ Continue filling in")
            if has_draft
            else (t.gettext("✍️ Fill in again") if has_version else t.gettext("✍️ Fill in")),
            callback_data=callbacks.make("form", "start", tool),
        )
    ]
    if has_version:
        buttons += [
            InlineKeyboardButton(t.gettext("✏️ Change one part"), callback_data=callbacks.make("tool", "parts", tool)),
            InlineKeyboardButton(t.gettext("👀 Show as messages"), callback_data=callbacks.make("tool", "view", tool)),
            InlineKeyboardButton(t.gettext("📄 PDF to print"), callback_data=callbacks.make("tool", "pdf", tool)),
            InlineKeyboardButton(
                t.gettext("🖼 Picture for your phone"), callback_data=callbacks.make("tool", "png", tool)
            ),
        ]
    if has_previous:
        buttons.append(
            InlineKeyboardButton(t.gettext("🕘 Previous version"), callback_data=callbacks.make("tool", "prev", tool))
        )
    buttons.append(InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")))
    return in_rows(buttons) if tool == "crisiskaart" else for_client(in_rows(buttons), t)  # the card's own home: no


def tool_parts(t: Translator, tool: str, labels: Sequence[str]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(label[:60], callback_data=callbacks.make("form", "edit", f"{tool}.{index}"))
        for index, label in enumerate(labels)
    ]
    buttons.append(InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")))
    return for_client(in_rows(buttons, per_row=2), t)


def phase_choices(t: Translator, labels: Mapping[str, str]) -> InlineKeyboardMarkup:
    """The four colours of a check-in, one per row: the daily prompt (conversations/notices/prompts.py)."""
    return column([
        InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("chk", "phase", str(phase)))
        for phase, label in labels.items()
    ])


def phases(t: Translator, labels: Mapping[str, str]) -> InlineKeyboardMarkup:
    """The four colours of a check-in (as the daily prompt), then the settings and the colour picture."""
    rows = [list(row) for row in phase_choices(t, labels).inline_keyboard]
    rows.append([
        InlineKeyboardButton(t.gettext("⏰ Time and rhythm"), callback_data=callbacks.make("chk", "settings")),
        InlineKeyboardButton(t.gettext("📈 My colours"), callback_data=callbacks.make("chk", "history")),
    ])
    return for_client(InlineKeyboardMarkup(rows), t)


def tell_worker(t: Translator, worker_name: str, phase: str) -> InlineKeyboardMarkup:
    return for_client(
        in_rows(
            [
                InlineKeyboardButton(
                    t.gettext("📣 Let {name} know").format(name=worker_name)[:60],
                    callback_data=callbacks.make("chk", "tell", phase),
                ),
                InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")),
            ]
        ),
        t,
    )


def tell_once(t: Translator, phase: str) -> InlineKeyboardMarkup:
    return in_rows([
        InlineKeyboardButton(t.gettext("Yes, send it this once"), callback_data=callbacks.make("chk", "once", phase)),
        InlineKeyboardButton(t.gettext("No, do not send"), callback_data=callbacks.make("menu", "show")),
    ])


def rhythm(t: Translator, rhythms: Mapping[str, str]) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("chk", "rhythm", str(key)))]
        for key, label in rhythms.items()
    ]
    times = [
        InlineKeyboardButton(at.strftime("%H:%M"), callback_data=callbacks.make("chk", "time", at.strftime("%H%M")))
        for at in SUGGESTED_CHECKIN_TIMES
    ]
    rows += [times[:2], times[2:]]
    return InlineKeyboardMarkup(rows)


def clients(t: Translator, rows: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(name[:60], callback_data=callbacks.make("wk", "client", client_id))
        for client_id, name in rows
    ]
    buttons.append(InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")))
    return in_rows(buttons)


def client_views(t: Translator, client_id: int, choices: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton("👀 " + label, callback_data=callbacks.make("wk", "view", arg)) for arg, label in choices
    ]
    buttons.append(
        InlineKeyboardButton(t.gettext("📈 Progress"), callback_data=callbacks.make("prg", "client", client_id))
    )
    buttons.append(
        InlineKeyboardButton(t.gettext("🎯 Propose a goal"), callback_data=callbacks.make("wk", "propose", client_id))
    )
    buttons.append(InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")))
    return in_rows(buttons)


def confirm_deletion(t: Translator) -> InlineKeyboardMarkup:
    return in_rows([
        InlineKeyboardButton(t.gettext("🗑 Yes, delete my account"), callback_data=callbacks.make("gdpr", "confirm")),
        InlineKeyboardButton(t.gettext("↩️ No, keep it"), callback_data=callbacks.make("gdpr", "cancel")),
    ])


def undo_deletion(t: Translator) -> InlineKeyboardMarkup:
    return in_rows([
        InlineKeyboardButton(t.gettext("↩️ Undo: keep my account"), callback_data=callbacks.make("gdpr", "undo")),
        InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")),
    ])


# Goals

def menu_item(t: Translator) -> InlineKeyboardButton:
    return menu_button(t).inline_keyboard[0][0]


def column(buttons: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button] for button in buttons])


# Nudges, alerts, overview and absence (workers): conversations/worker_keyboards.py


# Peer support and filling in together


# Progress: herstelplan, self-scan, scaling, closing (client, worker, admin)

DIRECTION_KEYS = {"u": Direction.UP, "d": Direction.DOWN, "s": Direction.SAME}


def button(label: str, flow: str, action: str, arg: object | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(label[:60], callback_data=callbacks.make(flow, action, arg))


# Proposing a goal: the worker's side (conversations/caseload.py); the client decides with goal:accept/decline.

def propose_domains(t: Translator) -> InlineKeyboardMarkup:
    return column([
        *(InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("wkp", "dom", domain.value))
          for domain, label in DOMAIN_LABELS.items()),
        menu_item(t),
    ])


def propose_skip(t: Translator) -> InlineKeyboardMarkup:
    return column([InlineKeyboardButton(t.gettext("⏭ Skip"), callback_data=callbacks.make("wkp", "skip")),
                    menu_item(t)])


def propose_done(t: Translator, client_id: int) -> InlineKeyboardMarkup:
    return column(
        [
            InlineKeyboardButton(
                t.gettext("⬅️ Back to the client"), callback_data=callbacks.make("wk", "client", client_id)
            ),
            menu_item(t),
        ]
    )
