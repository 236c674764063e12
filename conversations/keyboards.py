"""Every keyboard of the bot, built here and only here. Each takes the translator."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import callbacks
from bot.domain.consent import SCOPES, Scope
from bot.domain.forms import TOOL_NAMES
from bot.domain.peers import MAX_PEERS_LIMIT, THEME_NAMES, THEMES
from bot.domain.outcomes import NOT_RELEVANT
from bot.domain.scaling import DIRECTION_NAMES, Direction
from bot.domain.selfscan import FACES, LEVELS, SQUARES
from bot.domain.goals import DOMAIN_LABELS, EVERY_LABELS, WHO_LABELS, GoalStatus
from bot.domain.people import SUGGESTED_CHECKIN_TIMES
from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.services.goals import ANSWER_LABELS, STALL_CHOICES, GoalView, answer_key
from bot.services import together
from bot.services.nudges import OverviewPage
from bot.services.peers import ContactView, Profile

# The main menu per role: (action, label). Big buttons, one per row.
MENUS: dict[Role, list[tuple[str, str]]] = {
    Role.CLIENT: [
        ("checkin", N_("🌡️ How am I doing?")),
        ("goals", N_("🎯 My goals")),
        ("herstelplan", N_("📘 My herstelplan")),
        ("scan", N_("📊 How are things going?")),
        ("peer", N_("🤝 Talk to a peer expert")),
        ("plan", N_("📋 My signaleringsplan")),
        ("card", N_("🆘 My crisis card")),
        ("safety", N_("🛟 My safety plan")),  # both safety plans, the hoopbox, the noodbericht: conversations/safetyplan
        ("link", N_("🔗 Link my worker")),
        ("privacy", N_("🔒 Who sees what")),
        ("views", N_("👀 Who looked at my data")),
        ("mydata", N_("📦 Download my data")),
        ("pause", N_("🔕 Pause reminders")),
        ("language", N_("🌐 Language")),
        ("help", N_("❓ Help")),
    ],
    Role.WORKER: [
        ("overview", N_("📊 Overview")),
        ("clients", N_("👥 My clients")),
        ("report", N_("📈 Progress and report")),
        ("invite_new", N_("➕ Invite a new client")),
        ("invite_member", N_("👪 Add someone to a household")),
        ("together", N_("🤝 Fill in together")),
        ("absence", N_("🌴 Away")),
        ("language", N_("🌐 Language")),
        ("help", N_("❓ Help")),
    ],
    Role.PEER: [
        ("peers", N_("👥 My peers")),
        ("together", N_("🤝 Fill in together")),
        ("profile", N_("🪪 My profile")),
        ("language", N_("🌐 Language")),
        ("help", N_("❓ Help")),
    ],
    Role.ADMIN: [
        ("invite_worker", N_("➕ Invite a worker")),
        ("invite_peer", N_("➕ Invite a peer expert")),
        ("invite_admin", N_("➕ Invite an admin")),
        ("waiting", N_("⏳ Waiting list")),
        ("report", N_("📈 Monthly report")),
        ("language", N_("🌐 Language")),
        ("help", N_("❓ Help")),
    ],
}


def _rows(buttons: Sequence[InlineKeyboardButton], per_row: int = 1) -> InlineKeyboardMarkup:
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
            button = InlineKeyboardButton(t.gettext("🔔 Turn reminders back on"), callback_data=callbacks.make("menu", "resume"))
        else:
            button = InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("menu", action))
        (small if action in SMALL_ITEMS else big).append(button)
    rows = [[button] for button in big] + [small[i : i + 2] for i in range(0, len(small), 2)]
    return InlineKeyboardMarkup(rows)


def menu_button(t: Translator) -> InlineKeyboardMarkup:
    return _rows([InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show"))])


def crisis_row(t: Translator) -> list[InlineKeyboardButton]:
    """On every menu a client sees: the crisis card, one tap away (the same as /crisis)."""
    return [InlineKeyboardButton(t.gettext("🆘 Crisis card"), callback_data=callbacks.make("menu", "card"))]


def _for_client(markup: InlineKeyboardMarkup, t: Translator) -> InlineKeyboardMarkup:
    """A client's menu, with the crisis card as its last row (unless it has it already)."""
    rows = [list(row) for row in markup.inline_keyboard]
    if not any(button.callback_data == "menu:card" for row in rows for button in row):
        rows.append(crisis_row(t))
    return InlineKeyboardMarkup(rows)


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
    """One button per scope: ✅ shared, ⬜ not shared. Tapping flips it. A button carries the scope's place in
    SCOPES, so `scopes` may be a part of it (what can be shared with this viewer)."""
    buttons = [
        InlineKeyboardButton(
            ("✅ " if scope in granted else "⬜ ") + t.gettext(label),
            callback_data=callbacks.make("priv", "tog", f"{viewer_id}.{SCOPES.index(Scope(scope))}"),
        )
        for scope, label in scopes
    ]
    buttons.append(InlineKeyboardButton(t.gettext("✔️ Done"), callback_data=callbacks.make("priv", "done")))
    return _rows(buttons)


def viewers(t: Translator, choices: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(label, callback_data=callbacks.make("priv", "who", viewer_id)) for viewer_id, label in choices]
    buttons.append(InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")))
    return _for_client(_rows(buttons), t)


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


def tool_home(t: Translator, tool: str, *, has_version: bool, has_draft: bool, has_previous: bool) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            t.gettext("▶️ Continue filling in") if has_draft else (t.gettext("✍️ Fill in again") if has_version else t.gettext("✍️ Fill in")),
            callback_data=callbacks.make("form", "start", tool),
        )
    ]
    if has_version:
        buttons += [
            InlineKeyboardButton(t.gettext("✏️ Change one part"), callback_data=callbacks.make("tool", "parts", tool)),
            InlineKeyboardButton(t.gettext("👀 Show as messages"), callback_data=callbacks.make("tool", "view", tool)),
            InlineKeyboardButton(t.gettext("📄 PDF to print"), callback_data=callbacks.make("tool", "pdf", tool)),
            InlineKeyboardButton(t.gettext("🖼 Picture for your phone"), callback_data=callbacks.make("tool", "png", tool)),
        ]
    if has_previous:
        buttons.append(InlineKeyboardButton(t.gettext("🕘 Previous version"), callback_data=callbacks.make("tool", "prev", tool)))
    buttons.append(InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")))
    return _rows(buttons) if tool == "crisiskaart" else _for_client(_rows(buttons), t)  # the card's own home: no


def tool_parts(t: Translator, tool: str, labels: Sequence[str]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(label[:60], callback_data=callbacks.make("form", "edit", f"{tool}.{index}"))
        for index, label in enumerate(labels)
    ]
    buttons.append(InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")))
    return _for_client(_rows(buttons, per_row=2), t)


def phases(t: Translator, labels: Mapping[str, str]) -> InlineKeyboardMarkup:
    """The four colours of a check-in, one per row, then the settings and the colour picture."""
    rows = [[InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("chk", "phase", str(phase)))] for phase, label in labels.items()]
    rows.append([
        InlineKeyboardButton(t.gettext("⏰ Time and rhythm"), callback_data=callbacks.make("chk", "settings")),
        InlineKeyboardButton(t.gettext("📈 My colours"), callback_data=callbacks.make("chk", "history")),
    ])
    return _for_client(InlineKeyboardMarkup(rows), t)


def tell_worker(t: Translator, worker_name: str, phase: str) -> InlineKeyboardMarkup:
    return _for_client(_rows([
        InlineKeyboardButton(t.gettext("📣 Let {name} know").format(name=worker_name)[:60], callback_data=callbacks.make("chk", "tell", phase)),
        InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")),
    ]), t)


def tell_once(t: Translator, phase: str) -> InlineKeyboardMarkup:
    return _rows([
        InlineKeyboardButton(t.gettext("Yes, send it this once"), callback_data=callbacks.make("chk", "once", phase)),
        InlineKeyboardButton(t.gettext("No, do not send"), callback_data=callbacks.make("menu", "show")),
    ])


def rhythm(t: Translator, rhythms: Mapping[str, str]) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("chk", "rhythm", str(key)))] for key, label in rhythms.items()]
    times = [
        InlineKeyboardButton(at.strftime("%H:%M"), callback_data=callbacks.make("chk", "time", at.strftime("%H%M")))
        for at in SUGGESTED_CHECKIN_TIMES
    ]
    rows += [times[:2], times[2:]]
    return InlineKeyboardMarkup(rows)


def clients(t: Translator, rows: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(name[:60], callback_data=callbacks.make("wk", "client", client_id)) for client_id, name in rows]
    buttons.append(InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")))
    return _rows(buttons)


def client_views(t: Translator, client_id: int, choices: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton("👀 " + label, callback_data=callbacks.make("wk", "view", arg)) for arg, label in choices]
    buttons.append(InlineKeyboardButton(t.gettext("📈 Progress"), callback_data=callbacks.make("prg", "client", client_id)))
    buttons.append(InlineKeyboardButton(t.gettext("🎯 Propose a goal"), callback_data=callbacks.make("wk", "propose", client_id)))
    buttons.append(InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")))
    return _rows(buttons)


def confirm_deletion(t: Translator) -> InlineKeyboardMarkup:
    return _rows([
        InlineKeyboardButton(t.gettext("🗑 Yes, delete my account"), callback_data=callbacks.make("gdpr", "confirm")),
        InlineKeyboardButton(t.gettext("↩️ No, keep it"), callback_data=callbacks.make("gdpr", "cancel")),
    ])


def undo_deletion(t: Translator) -> InlineKeyboardMarkup:
    return _rows([
        InlineKeyboardButton(t.gettext("↩️ Undo: keep my account"), callback_data=callbacks.make("gdpr", "undo")),
        InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show")),
    ])


# Goals

def _menu_button_row_item(t: Translator) -> InlineKeyboardButton:
    return menu_button(t).inline_keyboard[0][0]


def _goal_list_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("⬅️ My goals"), callback_data=callbacks.make("goal", "list"))


def _goal_chart_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("📈 Chart"), callback_data=callbacks.make("goal", "chart"))


def _column(buttons: list[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button] for button in buttons])


def goal_list(t: Translator, items: list[GoalView]) -> InlineKeyboardMarkup:
    """One button per goal (⚠️ when stalled), then new goal, chart and the menu."""
    buttons = [
        InlineKeyboardButton((("⚠️ " if g.stalled else "") + g.title)[:48],
                             callback_data=callbacks.make("goal", "open", g.id))
        for g in items[:60]
    ]
    buttons.append(InlineKeyboardButton(t.gettext("➕ New goal"), callback_data=callbacks.make("goal", "new")))
    rows = [[button] for button in buttons]
    rows.append([_goal_chart_button(t), _menu_button_row_item(t)])
    return _for_client(InlineKeyboardMarkup(rows), t)


def goal_question(t: Translator, key: str, *, first: bool, skip: bool, answered: bool) -> InlineKeyboardMarkup:
    """A question of the new-goal form: its answers (if it has buttons), then back / next-or-skip, then later.
    `key` is the question ("domain", "title", ..., "who"); back, next and skip carry it, so a button of an
    earlier question is recognised as such."""
    def make(action: str, arg: object | None = None) -> str:
        return callbacks.make("goal", action, arg)

    options: list[list[InlineKeyboardButton]] = []
    if key == "domain":
        options = [[InlineKeyboardButton(t.gettext(label), callback_data=make("dom", domain.value))]
                   for domain, label in DOMAIN_LABELS.items()]
    elif key == "day":
        days = [InlineKeyboardButton(t.weekday(day).capitalize(), callback_data=make("day", day)) for day in range(1, 8)]
        options = [days[i : i + 2] for i in range(0, len(days), 2)]
    elif key == "time":
        times = [InlineKeyboardButton(at.strftime("%H:%M"), callback_data=make("time", at.strftime("%H%M")))
                 for at in SUGGESTED_CHECKIN_TIMES]
        options = [times[i : i + 2] for i in range(0, len(times), 2)]
    elif key == "every":
        options = [[InlineKeyboardButton(t.gettext(label), callback_data=make("every", weeks))]
                   for weeks, label in EVERY_LABELS.items()]
    elif key == "who":
        options = [[InlineKeyboardButton(t.gettext(label), callback_data=make("who", who))]
                   for who, label in WHO_LABELS.items()]
    nav = [] if first else [InlineKeyboardButton(t.gettext("⬅️ Back"), callback_data=make("back", key))]
    if answered:
        nav.append(InlineKeyboardButton(t.gettext("Next ➡️"), callback_data=make("fwd", key)))
    elif skip:
        nav.append(InlineKeyboardButton(t.gettext("⏭ Skip"), callback_data=make("skip", key)))
    rows = options + ([nav] if nav else [])
    rows.append([InlineKeyboardButton(t.gettext("💾 Continue later"), callback_data=make("later"))])
    return InlineKeyboardMarkup(rows)


def goal_skip(t: Translator, what: str) -> InlineKeyboardMarkup:
    return _column([InlineKeyboardButton(t.gettext("⏭ Skip"), callback_data=callbacks.make("goal", "skip", what))])


def goal_go_on(t: Translator) -> InlineKeyboardMarkup:
    return _column([
        InlineKeyboardButton(t.gettext("▶️ Go on"), callback_data=callbacks.make("goal", "new", "go")),
        InlineKeyboardButton(t.gettext("🆕 Start again"), callback_data=callbacks.make("goal", "new", "fresh")),
    ])


def goal_detail(t: Translator, goal: GoalView) -> InlineKeyboardMarkup:
    """A goal's page: what can be done with it now, by its status."""
    def button(label: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("goal", action, goal.id))

    buttons: list[InlineKeyboardButton] = []
    if goal.status == GoalStatus.PROPOSED:
        buttons += [button(N_("👍 Yes, I want it"), "accept"), button(N_("👎 No, thank you"), "decline")]
    if goal.status == GoalStatus.ACTIVE:
        buttons.append(button(N_("✅ Check in now"), "checkin"))
    if goal.status in (GoalStatus.ACTIVE, GoalStatus.PAUSED):
        buttons.append(button(N_("✏️ Change the step"), "step"))
        if goal.status == GoalStatus.ACTIVE:
            buttons.append(button(N_("⏸ Pause"), "pause"))
        else:
            buttons.append(button(N_("▶️ Resume"), "resume"))
        buttons += [button(N_("🏁 Reached"), "reached"), button(N_("🛑 Stop"), "stop")]
    rows = [[b] for b in buttons]
    rows.append([_goal_chart_button(t), _goal_list_button(t)])
    return _for_client(InlineKeyboardMarkup(rows), t)


def goal_answers(t: Translator, checkin_id: int) -> InlineKeyboardMarkup:
    """The same four answers as the tick's prompt."""
    return _column([
        InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("gchk", answer_key(answer), checkin_id))
        for answer, label in ANSWER_LABELS.items()
    ])


def goal_stop_confirm(t: Translator, goal_id: int) -> InlineKeyboardMarkup:
    return _column([
        InlineKeyboardButton(t.gettext("🛑 Yes, stop it"), callback_data=callbacks.make("goal", "stopyes", goal_id)),
        InlineKeyboardButton(t.gettext("No, keep it"), callback_data=callbacks.make("goal", "open", goal_id)),
    ])


def goal_keep_step(t: Translator, goal_id: int) -> InlineKeyboardMarkup:
    return _column([
        InlineKeyboardButton(t.gettext("Keep the step as it is"),
                             callback_data=callbacks.make("goal", "keep", goal_id)),
    ])


def goal_after(t: Translator, goal_id: int | None = None) -> InlineKeyboardMarkup:
    row = [_goal_list_button(t), _menu_button_row_item(t)]
    if goal_id is None:
        return _for_client(InlineKeyboardMarkup([row]), t)
    return _for_client(InlineKeyboardMarkup([
        [InlineKeyboardButton(t.gettext("🎯 Open this goal"), callback_data=callbacks.make("goal", "open", goal_id))],
        row,
    ]), t)


def goal_stall_other(t: Translator, goal_id: int) -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(t.gettext(STALL_CHOICES[key]), callback_data=callbacks.make("gstall", key, goal_id))]
        for key in ("smaller", "pause")
    ]
    rows.append([_menu_button_row_item(t)])
    return InlineKeyboardMarkup(rows)


# Nudges, overview and absence (workers)

def as_markup(rows: Sequence[Sequence[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Button rows as the services build them for the outbox: (label, callback data)."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows])


def after_nudge(t: Translator, client_id: int | None) -> InlineKeyboardMarkup:
    rows = []
    if client_id is not None:
        rows.append([InlineKeyboardButton(t.gettext("📂 Open dossier"), callback_data=callbacks.make("wk", "client", client_id))])
    rows.append([InlineKeyboardButton(t.gettext("🏠 Menu"), callback_data=callbacks.make("menu", "show"))])
    return InlineKeyboardMarkup(rows)


def overview_keyboard(t: Translator, page: OverviewPage, labels: Sequence[str]) -> InlineKeyboardMarkup:
    """One button per client (to the dossier), then previous / next page, then the menu."""
    rows = [[InlineKeyboardButton(label[:60], callback_data=callbacks.make("wk", "client", row.client_id))]
            for row, label in zip(page.rows, labels, strict=True)]
    nav = []
    if page.has_previous:
        nav.append(InlineKeyboardButton(t.gettext("⬅️ Back"), callback_data=callbacks.make("ovz", "page", page.page - 1)))
    if page.has_next:
        nav.append(InlineKeyboardButton(t.gettext("Next ➡️"), callback_data=callbacks.make("ovz", "page", page.page + 1)))
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


# Peer support and filling in together




def peer_themes(t: Translator) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            t.gettext(THEME_NAMES[theme]), callback_data=callbacks.make("peer", "theme", theme.value)
        )
        for theme in THEMES
    ]
    buttons.append(
        InlineKeyboardButton(
            t.gettext("Something else"), callback_data=callbacks.make("peer", "theme", "any")
        )
    )
    buttons.append(_menu_button_row_item(t))
    return _for_client(_column(buttons), t)


def peer_skip(t: Translator, action: str, arg: object | None = None) -> InlineKeyboardMarkup:
    return _column(
        [InlineKeyboardButton(t.gettext("⏭ Skip"), callback_data=callbacks.make("peer", action, arg))]
    )


def peer_client_contact(t: Translator, view: ContactView) -> InlineKeyboardMarkup:
    return _for_client(_column(
        [
            InlineKeyboardButton(
                t.gettext("💬 Talk with {name}").format(name=view.peer_name)[:60],
                callback_data=callbacks.make("peer", "talk", view.contact_id),
            ),
            InlineKeyboardButton(
                t.gettext("🚩 Report misuse"), callback_data=callbacks.make("peer", "report", view.contact_id)
            ),
            InlineKeyboardButton(
                t.gettext("✖️ End the contact"), callback_data=callbacks.make("peer", "end", view.contact_id)
            ),
            _menu_button_row_item(t),
        ]
    ), t)


def peer_choose_contact(t: Translator, rows: list[tuple[int, str]], action: str) -> InlineKeyboardMarkup:
    return _column(
        [
            InlineKeyboardButton(name[:60], callback_data=callbacks.make("peer", action, contact_id))
            for contact_id, name in rows
        ]
        + [_menu_button_row_item(t)]
    )


def peer_stop_talking(t: Translator) -> InlineKeyboardMarkup:
    return _column(
        [
            InlineKeyboardButton(
                t.gettext("⏹ Stop talking, back to the menu"),
                callback_data=callbacks.make("peer", "stoptalk"),
            )
        ]
    )


def peer_answer_markup(t: Translator, contact_id: int, name: str) -> InlineKeyboardMarkup:
    return _column(
        [
            InlineKeyboardButton(
                t.gettext("💬 Answer {name}").format(name=name)[:60],
                callback_data=callbacks.make("peer", "talk", contact_id),
            )
        ]
    )


def peer_worry_button(t: Translator, contact_id: int) -> InlineKeyboardMarkup:
    return _column(
        [
            InlineKeyboardButton(
                t.gettext("📣 Share my worry"), callback_data=callbacks.make("peer", "worry", contact_id)
            )
        ]
    )


def peer_home(t: Translator, rows: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(name[:60], callback_data=callbacks.make("peer", "open", contact_id))
        for contact_id, name in rows
    ]
    buttons.append(
        InlineKeyboardButton(t.gettext("🤝 Fill in together"), callback_data=callbacks.make("tog", "start"))
    )
    buttons.append(
        InlineKeyboardButton(t.gettext("🪪 My profile"), callback_data=callbacks.make("peer", "prof"))
    )
    buttons.append(_menu_button_row_item(t))
    return _column(buttons)


def peer_contact(t: Translator, view: ContactView, viewable: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            t.gettext("💬 Talk with {name}").format(name=view.client_name)[:60],
            callback_data=callbacks.make("peer", "talk", view.contact_id),
        )
    ]
    buttons += [
        InlineKeyboardButton(
            "👀 " + label, callback_data=callbacks.make("peer", "view", f"{view.contact_id}.{index}")
        )
        for index, label in viewable
    ]
    buttons += [
        InlineKeyboardButton(
            t.gettext("🤝 Fill in together"), callback_data=callbacks.make("tog", "client", view.client_id)
        ),
        InlineKeyboardButton(
            t.gettext("🔁 Hand over to another peer expert"),
            callback_data=callbacks.make("peer", "hand", view.contact_id),
        ),
        InlineKeyboardButton(
            t.gettext("🚩 Report misuse"), callback_data=callbacks.make("peer", "report", view.contact_id)
        ),
        InlineKeyboardButton(
            t.gettext("✖️ End the contact"), callback_data=callbacks.make("peer", "end", view.contact_id)
        ),
        InlineKeyboardButton(t.gettext("⬅️ My peers"), callback_data=callbacks.make("peer", "list")),
    ]
    return _column(buttons)


def peer_handover_choices(t: Translator, contact_id: int, options: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    return _column(
        [
            InlineKeyboardButton(
                name[:60], callback_data=callbacks.make("peer", "handto", f"{contact_id}.{peer_id}")
            )
            for peer_id, name in options
        ]
        + [_menu_button_row_item(t)]
    )


def peer_confirm_end(t: Translator, contact_id: int) -> InlineKeyboardMarkup:
    return _column(
        [
            InlineKeyboardButton(
                t.gettext("✖️ Yes, end the contact"), callback_data=callbacks.make("peer", "endok", contact_id)
            ),
            InlineKeyboardButton(t.gettext("↩️ No, go on"), callback_data=callbacks.make("menu", "show")),
        ]
    )


def peer_confirm_suspend(t: Translator, peer_id: int) -> InlineKeyboardMarkup:
    return _column(
        [
            InlineKeyboardButton(
                t.gettext("⛔ Yes, suspend"), callback_data=callbacks.make("peer", "susok", peer_id)
            ),
            InlineKeyboardButton(t.gettext("↩️ No"), callback_data=callbacks.make("menu", "show")),
        ]
    )


def peer_choose_client(t: Translator, rows: list[tuple[int, str]], flow: str, action: str) -> InlineKeyboardMarkup:
    return _column(
        [
            InlineKeyboardButton(name[:60], callback_data=callbacks.make(flow, action, client_id))
            for client_id, name in rows
        ]
        + [_menu_button_row_item(t)]
    )


def peer_worker_themes(t: Translator, client_id: int) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            t.gettext(THEME_NAMES[theme]),
            callback_data=callbacks.make("peer", "wtheme", f"{client_id}.{theme.value}"),
        )
        for theme in THEMES
    ]
    buttons.append(
        InlineKeyboardButton(
            t.gettext("Something else"), callback_data=callbacks.make("peer", "wtheme", f"{client_id}.any")
        )
    )
    buttons.append(_menu_button_row_item(t))
    return _column(buttons)


def peer_profile_menu(t: Translator, data: Profile) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(t.gettext("✍️ My story"), callback_data=callbacks.make("peer", "pstory")),
        InlineKeyboardButton(t.gettext("🏷 Themes"), callback_data=callbacks.make("peer", "pthemes")),
        InlineKeyboardButton(
            t.gettext("🕐 When I am available"), callback_data=callbacks.make("peer", "pavail")
        ),
        InlineKeyboardButton(t.gettext("🔢 How many peers"), callback_data=callbacks.make("peer", "pmaxask")),
        InlineKeyboardButton(
            t.gettext("▶️ I am back") if data.paused_until else t.gettext("⏸ Pause for a while"),
            callback_data=callbacks.make("peer", "back" if data.paused_until else "pause"),
        ),
        _menu_button_row_item(t),
    ]
    return _column(buttons)


def peer_back_to_profile(t: Translator) -> InlineKeyboardMarkup:
    return _column(
        [InlineKeyboardButton(t.gettext("⬅️ My profile"), callback_data=callbacks.make("peer", "prof"))]
    )


def peer_theme_toggles(t: Translator, chosen: frozenset[str]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            ("✅ " if theme.value in chosen else "⬜ ") + t.gettext(THEME_NAMES[theme]),
            callback_data=callbacks.make("peer", "ptheme", theme.value),
        )
        for theme in THEMES
    ]
    buttons.append(InlineKeyboardButton(t.gettext("✔️ Done"), callback_data=callbacks.make("peer", "prof")))
    return _column(buttons)


def peer_max_peers(t: Translator) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(str(n), callback_data=callbacks.make("peer", "pmax", n))
        for n in range(1, MAX_PEERS_LIMIT + 1)
    ]
    return InlineKeyboardMarkup(
        [
            buttons[:5],
            buttons[5:],
            [InlineKeyboardButton(t.gettext("⬅️ My profile"), callback_data=callbacks.make("peer", "prof"))],
        ]
    )


def together_tools(t: Translator, client_id: int, tools: Sequence[str] = together.TOOLS) -> InlineKeyboardMarkup:
    """The tools this helper may fill in with the client; a button carries the tool's place in together.TOOLS."""
    return _column(
        [
            InlineKeyboardButton(
                t.gettext(TOOL_NAMES[tool]),
                callback_data=callbacks.make("tog", "tool", f"{client_id}.{together.TOOLS.index(tool)}"),
            )
            for tool in tools
        ]
        + [_menu_button_row_item(t)]
    )


def together_steps(t: Translator, client_id: int, tool_index: int, labels: list[str]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            label[:60], callback_data=callbacks.make("tog", "step", f"{client_id}.{tool_index}.{index}")
        )
        for index, label in enumerate(labels)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_menu_button_row_item(t)])
    return InlineKeyboardMarkup(rows)


def together_next(t: Translator, client_id: int, tool_index: int) -> InlineKeyboardMarkup:
    return _column(
        [
            InlineKeyboardButton(
                t.gettext("➕ Another part"),
                callback_data=callbacks.make("tog", "tool", f"{client_id}.{tool_index}"),
            ),
            _menu_button_row_item(t),
        ]
    )


# Progress: herstelplan, self-scan, scaling, closing (client, worker, admin)

DIRECTION_KEYS = {"u": Direction.UP, "d": Direction.DOWN, "s": Direction.SAME}


def _progress_button(label: str, flow: str, action: str, arg: object | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(label[:60], callback_data=callbacks.make(flow, action, arg))


def _progress_menu_row(t: Translator) -> list[InlineKeyboardButton]:
    return [_progress_button(t.gettext("🏠 Menu"), "menu", "show")]


def herstelplan_keyboard(t: Translator, client_id: int, *, household: bool, client: bool = False,
                         home: bool = False) -> InlineKeyboardMarkup:
    """Mijn herstelplan: a button into each part, the household, and the PDF. The thuisplan's button only when
    it is there and this viewer may see it (`home`)."""
    rows = [
        [_progress_button(t.gettext("🎯 Goals"), "prg", "part", f"{client_id}.g"),
         _progress_button(t.gettext("📊 Self-scan"), "prg", "part", f"{client_id}.s")],
        [_progress_button(t.gettext("🌡️ Last colour"), "prg", "part", f"{client_id}.p"),
         _progress_button(t.gettext("🆘 Crisis contacts"), "prg", "part", f"{client_id}.c")],
        [_progress_button(t.gettext("🤝 Support"), "prg", "part", f"{client_id}.w")],
        [_progress_button(t.gettext("🧭 Plan for thoughts of suicide"), "prg", "part", f"{client_id}.v")],
    ]
    if home:
        rows[-1].append(_progress_button(t.gettext("🏡 Home plan"), "prg", "part", f"{client_id}.t"))
    if household:
        rows.append([_progress_button(t.gettext("👪 Household"), "prg", "part", f"{client_id}.h")])
    rows.append([_progress_button(t.gettext("📄 PDF of the whole plan"), "prg", "pdf", client_id)])
    rows.append(_progress_menu_row(t))
    markup = InlineKeyboardMarkup(rows)
    return _for_client(markup, t) if client else markup


def herstelplan_pdf_choice(t: Translator, client_id: int, mask: int, *, client: bool) -> InlineKeyboardMarkup:
    """What goes in this herstelplan PDF: the last colour (bit 1) and the self-scan (bit 2), off until ticked."""
    options = ((1, N_("🌡️ Last colour")), (2, N_("📊 Self-scan")))
    rows = [[_progress_button(("✅ " if mask & bit else "⬜ ") + t.gettext(label), "prg", "pdfopt",
                              f"{client_id}.{mask ^ bit}")] for bit, label in options]
    rows.append([_progress_button(t.gettext("📄 Make the PDF"), "prg", "pdfgo", f"{client_id}.{mask}")])
    rows.append([_progress_button(t.gettext("⬅️ Back to the plan"), "prg", "plan", client_id)])
    rows.append(_progress_menu_row(t))
    markup = InlineKeyboardMarkup(rows)
    return _for_client(markup, t) if client else markup


def herstelplan_part_keyboard(t: Translator, client_id: int, *, scan: bool, client: bool = False) -> InlineKeyboardMarkup:
    rows = []
    if scan:
        rows.append([_progress_button(t.gettext("📈 Chart"), "prg", "chart", client_id),
                     _progress_button(t.gettext("⚖️ Side by side"), "prg", "cmp", client_id)])
    rows.append([_progress_button(t.gettext("⬅️ Back to the plan"), "prg", "plan", client_id)])
    rows.append(_progress_menu_row(t))
    markup = InlineKeyboardMarkup(rows)
    return _for_client(markup, t) if client else markup


def kids_keyboard(t: Translator, scan_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [_progress_button(t.gettext("👶 Yes"), "prg", "kids", f"{scan_id}.1"), _progress_button(t.gettext("No"), "prg", "kids", f"{scan_id}.0")],
        [_progress_button(t.gettext("💾 Continue later"), "prg", "later")],
    ])


def score_keyboard(t: Translator, scan_id: int, kids: bool, index: int) -> InlineKeyboardMarkup:
    """Five levels, one per row, with a colour and a face; then back, skip and later."""
    rows = [[_progress_button(f"{SQUARES[level]} {FACES[level]} {level} · {t.gettext(LEVELS[level])}", "prg", "ss",
                     f"{scan_id}.{int(kids)}.{index}.{level}")] for level in (1, 2, 3, 4, 5)]
    nav = []
    if index > 0:
        nav.append(_progress_button(t.gettext("⬅️ Back"), "prg", "sq", f"{scan_id}.{int(kids)}.{index - 1}"))
    nav.append(_progress_button(t.gettext("⏭ Skip"), "prg", "ss", f"{scan_id}.{int(kids)}.{index}.0"))
    rows.append(nav)
    rows.append([_progress_button(t.gettext("💾 Continue later"), "prg", "later")])
    return InlineKeyboardMarkup(rows)


def after_scan_keyboard(t: Translator, client_id: int, *, worker: bool) -> InlineKeyboardMarkup:
    rows = [[_progress_button(t.gettext("📈 Chart"), "prg", "chart", client_id),
             _progress_button(t.gettext("⚖️ Side by side"), "prg", "cmp", client_id)]]
    if worker:
        rows.append([_progress_button(t.gettext("⬅️ Back to the client"), "prg", "client", client_id)])
    else:
        rows.append([_progress_button(t.gettext("📘 My herstelplan"), "prg", "plan", client_id)])
    rows.append(_progress_menu_row(t))
    markup = InlineKeyboardMarkup(rows)
    return _for_client(markup, t) if not worker else markup


def progress_clients(t: Translator, clients: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [[_progress_button(f"📊 {name}", "prg", "client", client_id)] for client_id, name in clients]
    rows.append(_progress_menu_row(t))
    return InlineKeyboardMarkup(rows)


def progress_caseload_keyboard(t: Translator, clients: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [[_progress_button(t.gettext("💡 Suggestions: scale up or down"), "prg", "sug")]]
    rows += [[_progress_button(f"📊 {name}", "prg", "client", client_id)] for client_id, name in clients]
    rows.append(_progress_menu_row(t))
    return InlineKeyboardMarkup(rows)


def client_progress_keyboard(t: Translator, client_id: int, *, coordinating: bool) -> InlineKeyboardMarkup:
    rows = []
    if coordinating:
        rows.append([_progress_button(t.gettext("📊 Scan"), "prg", "wscan", client_id)])
    rows += [
        [_progress_button(t.gettext("⚖️ Side by side"), "prg", "cmp", client_id),
         _progress_button(t.gettext("📈 Chart"), "prg", "chart", client_id)],
        [_progress_button(t.gettext("📘 Herstelplan"), "prg", "plan", client_id)],
    ]
    if coordinating:
        rows.append([_progress_button(t.gettext("🏁 Close the traject"), "prg", "close", client_id)])
    rows.append(_progress_menu_row(t))
    return InlineKeyboardMarkup(rows)


def scan_button(t: Translator, client_id: int) -> InlineKeyboardButton:
    """For the caseload view (conversations/caseload.py, keyboards.client_views): score this client's scan."""
    return _progress_button(t.gettext("📊 Scan"), "prg", "wscan", client_id)


def report_months(t: Translator, choices: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """The admin's monthly report: a month to choose, two to a row, the newest first."""
    buttons = [_progress_button(label, "prg", "month", month) for month, label in choices]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(_progress_menu_row(t))
    return InlineKeyboardMarkup(rows)


def decide_keyboard(t: Translator, household_id: int, suggestion: Direction) -> InlineKeyboardMarkup:
    s = "u" if suggestion == Direction.UP else "d"
    return InlineKeyboardMarkup([
        [_progress_button(t.gettext(DIRECTION_NAMES[direction]), "prg", "dec", f"{household_id}.{s}.{key}")]
        for key, direction in DIRECTION_KEYS.items()
    ] + [_progress_menu_row(t)])


def skip_reason_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_progress_button(t.gettext("⏭ Skip"), "prg", "noreason")]])


def outcome_keyboard(t: Translator, household_id: int, so_far: str) -> InlineKeyboardMarkup:
    levels = [_progress_button(str(level), "prg", "out", f"{household_id}.{so_far}{level}") for level in (1, 2, 3, 4, 5)]
    return InlineKeyboardMarkup([
        levels,
        [_progress_button(t.gettext(NOT_RELEVANT), "prg", "out", f"{household_id}.{so_far}n")],
        [_progress_button(t.gettext("↩️ Stop, do not close"), "menu", "show")],
    ])


def confirm_close_keyboard(t: Translator, household_id: int, encoded: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [_progress_button(t.gettext("🏁 Yes, close the traject"), "prg", "closeok", f"{household_id}.{encoded}")],
        [_progress_button(t.gettext("↩️ Stop, do not close"), "menu", "show")],
    ])


def relation_keyboard(t: Translator, index: int, scale: dict[int, str]) -> InlineKeyboardMarkup:
    rows = [[_progress_button(f"{FACES[level]} {level} · {t.gettext(label)}", "prg", "rel", f"{index}.{level}")]
            for level, label in scale.items()]
    rows.append(_progress_menu_row(t))
    return InlineKeyboardMarkup(rows)


# Proposing a goal: the worker's side (conversations/caseload.py); the client decides with goal:accept/decline.

def propose_domains(t: Translator) -> InlineKeyboardMarkup:
    return _column([
        *(InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make("wkp", "dom", domain.value))
          for domain, label in DOMAIN_LABELS.items()),
        _menu_button_row_item(t),
    ])


def propose_skip(t: Translator) -> InlineKeyboardMarkup:
    return _column([InlineKeyboardButton(t.gettext("⏭ Skip"), callback_data=callbacks.make("wkp", "skip")),
                    _menu_button_row_item(t)])


def propose_done(t: Translator, client_id: int) -> InlineKeyboardMarkup:
    return _column([
        InlineKeyboardButton(t.gettext("⬅️ Back to the client"), callback_data=callbacks.make("wk", "client", client_id)),
        _menu_button_row_item(t),
    ])
