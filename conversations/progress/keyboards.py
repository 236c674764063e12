"""The progress flows' keyboards. Each takes the translator."""
from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.outcomes import NOT_RELEVANT
from bot.domain.scaling import DIRECTION_NAMES, Direction
from bot.domain.selfscan import FACES, LEVELS, SQUARES
from bot.i18n import N_, Translator
from conversations.keyboards import DIRECTION_KEYS, button, for_client


def progress_menu_row(t: Translator) -> list[InlineKeyboardButton]:
    return [button(t.gettext("🏠 Menu"), "menu", "show")]


def scan_invitation(t: Translator) -> InlineKeyboardMarkup:
    """The periodic invitation to the self-scan (conversations/notices/prompts.py)."""
    return InlineKeyboardMarkup([[button(t.gettext("📊 Start the self-scan"), "prg", "scan")]])


def relation_invitation(t: Translator) -> InlineKeyboardMarkup:
    """After a traject closes: the four questions about the support, or not now (conversations/notices/closing.py)."""
    return InlineKeyboardMarkup([[button(t.gettext("✍️ Answer 4 short questions"), "prg", "rel", "start")],
                                 [button(t.gettext("Not now"), "menu", "show")]])


def herstelplan_keyboard(
    t: Translator, client_id: int, *, household: bool, client: bool = False, home: bool = False
) -> InlineKeyboardMarkup:
    """Mijn herstelplan: a button into each part, the household, and the PDF. The thuisplan's button only when
    it is there and this viewer may see it (`home`)."""
    rows = [
        [button(t.gettext("🎯 Goals"), "prg", "part", f"{client_id}.g"),
         button(t.gettext("📊 Self-scan"), "prg", "part", f"{client_id}.s")],
        [button(t.gettext("🌡️ Last colour"), "prg", "part", f"{client_id}.p"),
         button(t.gettext("🆘 Crisis contacts"), "prg", "part", f"{client_id}.c")],
        [button(t.gettext("🤝 Support"), "prg", "part", f"{client_id}.w")],
        [button(t.gettext("🧭 Plan for thoughts of suicide"), "prg", "part", f"{client_id}.v")],
    ]
    if home:
        rows[-1].append(button(t.gettext("🏡 Home plan"), "prg", "part", f"{client_id}.t"))
    if household:
        rows.append([button(t.gettext("👪 Household"), "prg", "part", f"{client_id}.h")])
    rows.append([button(t.gettext("📄 PDF of the whole plan"), "prg", "pdf", client_id)])
    rows.append(progress_menu_row(t))
    markup = InlineKeyboardMarkup(rows)
    return for_client(markup, t) if client else markup


def herstelplan_pdf_choice(t: Translator, client_id: int, mask: int, *, client: bool) -> InlineKeyboardMarkup:
    """What goes in this herstelplan PDF: the last colour (bit 1) and the self-scan (bit 2), off until ticked."""
    options = ((1, N_("🌡️ Last colour")), (2, N_("📊 Self-scan")))
    rows = [[button(("✅ " if mask & bit else "⬜ ") + t.gettext(label), "prg", "pdfopt",
                              f"{client_id}.{mask ^ bit}")] for bit, label in options]
    rows.append([button(t.gettext("📄 Make the PDF"), "prg", "pdfgo", f"{client_id}.{mask}")])
    rows.append([button(t.gettext("⬅️ Back to the plan"), "prg", "plan", client_id)])
    rows.append(progress_menu_row(t))
    markup = InlineKeyboardMarkup(rows)
    return for_client(markup, t) if client else markup


def herstelplan_part_keyboard(
    t: Translator, client_id: int, *, scan: bool, client: bool = False
) -> InlineKeyboardMarkup:
    rows = []
    if scan:
        rows.append([button(t.gettext("📈 Chart"), "prg", "chart", client_id),
                     button(t.gettext("⚖️ Side by side"), "prg", "cmp", client_id)])
    rows.append([button(t.gettext("⬅️ Back to the plan"), "prg", "plan", client_id)])
    rows.append(progress_menu_row(t))
    markup = InlineKeyboardMarkup(rows)
    return for_client(markup, t) if client else markup


def kids_keyboard(t: Translator, scan_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(t.gettext("👶 Yes"), "prg", "kids", f"{scan_id}.1"),
                button(t.gettext("No"), "prg", "kids", f"{scan_id}.0"),
            ],
            [button(t.gettext("💾 Continue later"), "prg", "later")],
        ]
    )


def score_keyboard(t: Translator, scan_id: int, kids: bool, index: int) -> InlineKeyboardMarkup:
    """Five levels, one per row, with a colour and a face; then back, skip and later."""
    rows = [[button(f"{SQUARES[level]} {FACES[level]} {level} · {t.gettext(LEVELS[level])}", "prg", "ss",
                     f"{scan_id}.{int(kids)}.{index}.{level}")] for level in (1, 2, 3, 4, 5)]
    nav = []
    if index > 0:
        nav.append(button(t.gettext("⬅️ Back"), "prg", "sq", f"{scan_id}.{int(kids)}.{index - 1}"))
    nav.append(button(t.gettext("⏭ Skip"), "prg", "ss", f"{scan_id}.{int(kids)}.{index}.0"))
    rows.append(nav)
    rows.append([button(t.gettext("💾 Continue later"), "prg", "later")])
    return InlineKeyboardMarkup(rows)


def after_scan_keyboard(t: Translator, client_id: int, *, worker: bool) -> InlineKeyboardMarkup:
    rows = [[button(t.gettext("📈 Chart"), "prg", "chart", client_id),
             button(t.gettext("⚖️ Side by side"), "prg", "cmp", client_id)]]
    if worker:
        rows.append([button(t.gettext("⬅️ Back to the client"), "prg", "client", client_id)])
    else:
        rows.append([button(t.gettext("📘 My herstelplan"), "prg", "plan", client_id)])
    rows.append(progress_menu_row(t))
    markup = InlineKeyboardMarkup(rows)
    return for_client(markup, t) if not worker else markup


def progress_clients(t: Translator, clients: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [[button(f"📊 {name}", "prg", "client", client_id)] for client_id, name in clients]
    rows.append(progress_menu_row(t))
    return InlineKeyboardMarkup(rows)


def progress_caseload_keyboard(t: Translator, clients: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    rows = [[button(t.gettext("💡 Suggestions: scale up or down"), "prg", "sug")]]
    rows += [[button(f"📊 {name}", "prg", "client", client_id)] for client_id, name in clients]
    rows.append(progress_menu_row(t))
    return InlineKeyboardMarkup(rows)


def client_progress_keyboard(t: Translator, client_id: int, *, coordinating: bool) -> InlineKeyboardMarkup:
    rows = []
    if coordinating:
        rows.append([button(t.gettext("📊 Scan"), "prg", "wscan", client_id)])
    rows += [
        [button(t.gettext("⚖️ Side by side"), "prg", "cmp", client_id),
         button(t.gettext("📈 Chart"), "prg", "chart", client_id)],
        [button(t.gettext("📘 Herstelplan"), "prg", "plan", client_id)],
    ]
    if coordinating:
        rows.append([button(t.gettext("🏁 Close the traject"), "prg", "close", client_id)])
    rows.append(progress_menu_row(t))
    return InlineKeyboardMarkup(rows)


def scan_button(t: Translator, client_id: int) -> InlineKeyboardButton:
    """For the caseload view (conversations/caseload.py, keyboards.client_views): score this client's scan."""
    return button(t.gettext("📊 Scan"), "prg", "wscan", client_id)


def report_months(t: Translator, choices: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup:
    """The admin's monthly report: a month to choose, two to a row, the newest first."""
    buttons = [button(label, "prg", "month", month) for month, label in choices]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(progress_menu_row(t))
    return InlineKeyboardMarkup(rows)


def decide_keyboard(t: Translator, household_id: int, suggestion: Direction) -> InlineKeyboardMarkup:
    s = "u" if suggestion == Direction.UP else "d"
    return InlineKeyboardMarkup([
        [button(t.gettext(DIRECTION_NAMES[direction]), "prg", "dec", f"{household_id}.{s}.{key}")]
        for key, direction in DIRECTION_KEYS.items()
    ] + [progress_menu_row(t)])


def skip_reason_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(t.gettext("⏭ Skip"), "prg", "noreason")]])


def outcome_keyboard(t: Translator, household_id: int, so_far: str) -> InlineKeyboardMarkup:
    levels = [button(str(level), "prg", "out", f"{household_id}.{so_far}{level}") for level in (1, 2, 3, 4, 5)]
    return InlineKeyboardMarkup([
        levels,
        [button(t.gettext(NOT_RELEVANT), "prg", "out", f"{household_id}.{so_far}n")],
        [button(t.gettext("↩️ Stop, do not close"), "menu", "show")],
    ])


def confirm_close_keyboard(t: Translator, household_id: int, encoded: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([
        [button(t.gettext("🏁 Yes, close the traject"), "prg", "closeok", f"{household_id}.{encoded}")],
        [button(t.gettext("↩️ Stop, do not close"), "menu", "show")],
    ])


def relation_keyboard(t: Translator, index: int, scale: dict[int, str]) -> InlineKeyboardMarkup:
    rows = [[button(f"{FACES[level]} {level} · {t.gettext(label)}", "prg", "rel", f"{index}.{level}")]
            for level, label in scale.items()]
    rows.append(progress_menu_row(t))
    return InlineKeyboardMarkup(rows)
