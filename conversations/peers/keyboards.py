"""The peer-support flows' keyboards. Each takes the translator."""
from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.forms import TOOL_NAMES
from bot.domain.peers import MAX_PEERS_LIMIT, THEME_NAMES, THEMES
from bot.i18n import Translator
from bot.services import together
from bot.services.peers import ContactView, Profile, Proposal
from conversations import callbacks
from conversations.keyboards import column, for_client, menu_item


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
    buttons.append(menu_item(t))
    return for_client(column(buttons), t)


def peer_proposal(t: Translator, proposal: Proposal) -> InlineKeyboardMarkup:
    """Yes, someone else, or no (a handover: yes, or stay with the peer expert who asks)."""
    def make(label: str, action: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(label[:60], callback_data=callbacks.make("peer", action, proposal.contact_id))

    accept = make(t.gettext("👍 Yes, talk with {name}").format(name=proposal.peer_name), "accept")
    if proposal.handover_from:
        return column([accept, make(t.gettext("✋ No, stay with {name}").format(name=proposal.handover_from),
                                    "decline")])
    return column([accept, make(t.gettext("🔄 Someone else"), "other"), make(t.gettext("✖️ No, thank you"), "decline")])


def peer_rating(t: Translator, contact_id: int) -> InlineKeyboardMarkup:
    """How was it, 1 to 5, after a contact ended; or skip."""
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(str(n), callback_data=callbacks.make("peer", "rate", f"{contact_id}.{n}"))
         for n in range(1, 6)],
        [InlineKeyboardButton(t.gettext("⏭ Skip"), callback_data=callbacks.make("peer", "fbskip", contact_id))],
    ])


def peer_talk(t: Translator, contact_id: int, name: str) -> InlineKeyboardMarkup:
    return column([InlineKeyboardButton(t.gettext("💬 Talk to {name}").format(name=name)[:60],
                                        callback_data=callbacks.make("peer", "talk", contact_id))])


def peer_suspend(t: Translator, peer_id: int, name: str) -> InlineKeyboardMarkup:
    return column([InlineKeyboardButton(t.gettext("⛔ Suspend {name}").format(name=name)[:60],
                                        callback_data=callbacks.make("peer", "suspend", peer_id))])


def peer_skip(t: Translator, action: str, arg: object | None = None) -> InlineKeyboardMarkup:
    return column(
        [InlineKeyboardButton(t.gettext("⏭ Skip"), callback_data=callbacks.make("peer", action, arg))]
    )


def peer_client_contact(t: Translator, view: ContactView) -> InlineKeyboardMarkup:
    return for_client(column(
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
            menu_item(t),
        ]
    ), t)


def peer_choose_contact(t: Translator, rows: list[tuple[int, str]], action: str) -> InlineKeyboardMarkup:
    return column(
        [
            InlineKeyboardButton(name[:60], callback_data=callbacks.make("peer", action, contact_id))
            for contact_id, name in rows
        ]
        + [menu_item(t)]
    )


def peer_stop_talking(t: Translator) -> InlineKeyboardMarkup:
    return column(
        [
            InlineKeyboardButton(
                t.gettext("⏹ Stop talking, back to the menu"),
                callback_data=callbacks.make("peer", "stoptalk"),
            )
        ]
    )


def peer_answer_markup(t: Translator, contact_id: int, name: str) -> InlineKeyboardMarkup:
    return column(
        [
            InlineKeyboardButton(
                t.gettext("💬 Answer {name}").format(name=name)[:60],
                callback_data=callbacks.make("peer", "talk", contact_id),
            )
        ]
    )


def peer_worry_button(t: Translator, contact_id: int) -> InlineKeyboardMarkup:
    return column(
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
    buttons.append(menu_item(t))
    return column(buttons)


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
    return column(buttons)


def peer_handover_choices(t: Translator, contact_id: int, options: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    return column(
        [
            InlineKeyboardButton(
                name[:60], callback_data=callbacks.make("peer", "handto", f"{contact_id}.{peer_id}")
            )
            for peer_id, name in options
        ]
        + [menu_item(t)]
    )


def peer_confirm_end(t: Translator, contact_id: int) -> InlineKeyboardMarkup:
    return column(
        [
            InlineKeyboardButton(
                t.gettext("✖️ Yes, end the contact"), callback_data=callbacks.make("peer", "endok", contact_id)
            ),
            InlineKeyboardButton(t.gettext("↩️ No, go on"), callback_data=callbacks.make("menu", "show")),
        ]
    )


def peer_confirm_suspend(t: Translator, peer_id: int) -> InlineKeyboardMarkup:
    return column(
        [
            InlineKeyboardButton(
                t.gettext("⛔ Yes, suspend"), callback_data=callbacks.make("peer", "susok", peer_id)
            ),
            InlineKeyboardButton(t.gettext("↩️ No"), callback_data=callbacks.make("menu", "show")),
        ]
    )


def peer_choose_client(t: Translator, rows: list[tuple[int, str]], flow: str, action: str) -> InlineKeyboardMarkup:
    return column(
        [
            InlineKeyboardButton(name[:60], callback_data=callbacks.make(flow, action, client_id))
            for client_id, name in rows
        ]
        + [menu_item(t)]
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
    buttons.append(menu_item(t))
    return column(buttons)


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
        menu_item(t),
    ]
    return column(buttons)


def peer_back_to_profile(t: Translator) -> InlineKeyboardMarkup:
    return column(
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
    return column(buttons)


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
    return column(
        [
            InlineKeyboardButton(
                t.gettext(TOOL_NAMES[tool]),
                callback_data=callbacks.make("tog", "tool", f"{client_id}.{together.TOOLS.index(tool)}"),
            )
            for tool in tools
        ]
        + [menu_item(t)]
    )


def together_steps(t: Translator, client_id: int, tool_index: int, labels: list[str]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            label[:60], callback_data=callbacks.make("tog", "step", f"{client_id}.{tool_index}.{index}")
        )
        for index, label in enumerate(labels)
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([menu_item(t)])
    return InlineKeyboardMarkup(rows)


def together_next(t: Translator, client_id: int, tool_index: int) -> InlineKeyboardMarkup:
    return column(
        [
            InlineKeyboardButton(
                t.gettext("➕ Another part"),
                callback_data=callbacks.make("tog", "tool", f"{client_id}.{tool_index}"),
            ),
            menu_item(t),
        ]
    )
