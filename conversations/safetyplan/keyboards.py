"""The keyboards of the safety plans, the hoopbox, the noodbericht and "Wis dit gesprek". Each takes the
translator; the rows every flow shares come from conversations/keyboards.py."""
from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.forms import Tool
from bot.domain.safetyplans import MAX_TRUSTED, SOS_TEXTS, share_url
from bot.i18n import N_, Translator
from bot.services.safetyplans import Candidate, HopeView, SosStatus, TrustedView
from conversations import callbacks, keyboards

HUB = N_("🛟 My safety plan")
NOW = N_("🌱 What can I do now?")
CALL = N_("📞 Who can I call?")
HOPE = N_("💛 My hope box")
SOS = N_("📣 Send emergency message")
WIPE = N_("🧹 Delete this chat")
SAFETY = N_("🧭 Plan for thoughts of suicide")
HOME = N_("🏡 Home plan")
SOS_SETUP = N_("📣 Emergency message")


def _button(t: Translator, label: str, flow: str, action: str, arg: object | None = None) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext(label), callback_data=callbacks.make(flow, action, arg))


def _menu(t: Translator) -> InlineKeyboardButton:
    return keyboards.menu_button(t).inline_keyboard[0][0]


def _hub(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(t.gettext("⬅️ My safety plan"), callback_data=callbacks.make("menu", "safety"))


def _column(buttons: Sequence[InlineKeyboardButton]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button] for button in buttons])


def hub(t: Translator) -> InlineKeyboardMarkup:
    return _column([
        _button(t, SAFETY, "sp", "home", Tool.SAFETY.value),
        _button(t, HOME, "sp", "home", Tool.HOME.value),
        _button(t, HOPE, "hope", "show"),
        _button(t, SOS_SETUP, "nood", "setup"),
        _button(t, WIPE, "wipe", "go"),
        _menu(t),
    ])


def plan_home(t: Translator, tool: Tool, *, has_version: bool, has_draft: bool, has_previous: bool,
              code_word: str | None = None) -> InlineKeyboardMarkup:
    """A plan's own home: fill in, view, files, one part, the previous version; the thuisplan also sends its
    code word (a ready message, one tap) and deletes the chat."""
    fill = (N_("▶️ Continue filling in") if has_draft else N_("✍️ Fill in again") if has_version else N_("✍️ Fill in"))
    buttons = [_button(t, fill, "form", "start", tool.value)]
    if has_version:
        buttons += [
            _button(t, N_("👀 Show as messages"), "tool", "view", tool.value),
            _button(t, N_("✏️ Change one part"), "tool", "parts", tool.value),
            _button(t, N_("📄 PDF to print"), "tool", "pdf", tool.value),
            _button(t, N_("🖼 Picture for your phone"), "tool", "png", tool.value),
        ]
    if has_previous:
        buttons.append(_button(t, N_("🕘 Previous version"), "tool", "prev", tool.value))
    if code_word:
        buttons.append(InlineKeyboardButton(t.gettext("📨 Send your code word"), url=share_url(code_word)))
    if tool == Tool.HOME:
        buttons.append(_button(t, WIPE, "wipe", "go"))
    return _column([*buttons, _hub(t), _menu(t)])


def crisis_offer(t: Translator, *, home: bool = False) -> InlineKeyboardMarkup:
    """After the safety message: one tap each, nothing to type. After words about danger at home, the home
    plan and deleting the chat come first."""
    if home:
        return _column([
            _button(t, HOME, "sp", "home", Tool.HOME.value),
            _button(t, SOS, "nood", "send"),
            _button(t, WIPE, "wipe", "go"),
            _menu(t),
        ])
    return _column([_button(t, NOW, "sp", "now"), _button(t, CALL, "sp", "call"), _button(t, HOPE, "hope", "show"),
                    _button(t, SOS, "nood", "send"), _menu(t)])


def after_help(t: Translator, shown: str) -> InlineKeyboardMarkup:
    """Below "what can I do now" or "who can I call": the other three, the plan and the menu."""
    buttons = [b for action, b in (("now", _button(t, NOW, "sp", "now")), ("call", _button(t, CALL, "sp", "call")))
               if action != shown]
    buttons += [_button(t, HOPE, "hope", "show"), _button(t, SOS, "nood", "send"),
                _button(t, SAFETY, "sp", "home", Tool.SAFETY.value), _menu(t)]
    return _column(buttons)


# --- the hoopbox ---------------------------------------------------------------------------------------------


def hope_box(t: Translator, *, count: int) -> InlineKeyboardMarkup:
    buttons = [_button(t, N_("➕ Add something"), "hope", "add")]
    if count:
        buttons.append(_button(t, N_("🗑 Take something out"), "hope", "pick"))
    return _column([*buttons, _hub(t), _menu(t)])


def with_more(t: Translator, markup: InlineKeyboardMarkup, action: str, arg: str) -> InlineKeyboardMarkup:
    """The same keyboard with "Show more" (the next page of the hoopbox) on top."""
    more = [_button(t, N_("⏬ Show more"), "hope", action, arg)]
    return InlineKeyboardMarkup([more, *[list(row) for row in markup.inline_keyboard]])


def hope_adding(t: Translator) -> InlineKeyboardMarkup:
    return _column([_button(t, N_("✅ Done"), "hope", "done")])


def hope_pick(t: Translator, items: Sequence[tuple[HopeView, str]]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(f"🗑 {index}. {label}"[:60], callback_data=callbacks.make("hope", "del", item.id))
               for index, (item, label) in enumerate(items, start=1)]
    return _column([*buttons, _button(t, N_("⬅️ My hope box"), "hope", "show")])


def hope_confirm(t: Translator, item_id: int) -> InlineKeyboardMarkup:
    return _column([_button(t, N_("🗑 Yes, take it out"), "hope", "rm", item_id),
                    _button(t, N_("↩️ No, keep it"), "hope", "show")])


# --- the noodbericht -----------------------------------------------------------------------------------------


def sos_setup(t: Translator, trusted: Sequence[TrustedView]) -> InlineKeyboardMarkup:
    buttons = [_button(t, SOS, "nood", "send"), _button(t, N_("✏️ Choose the message"), "nood", "text")]
    if len(trusted) < MAX_TRUSTED:
        buttons.append(_button(t, N_("➕ Add someone"), "nood", "add"))
    if trusted:
        buttons.append(_button(t, N_("🗑 Take someone off"), "nood", "pick"))
    return _column([*buttons, _hub(t), _menu(t)])


def sos_texts(t: Translator, code_word: str | None) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(t.gettext(text)[:60], callback_data=callbacks.make("nood", "tx", index))
               for index, text in enumerate(SOS_TEXTS)]
    if code_word:
        buttons.append(_button(t, N_("🔑 My code word"), "nood", "tx", "code"))
    return _column([*buttons, _button(t, N_("⬅️ Emergency message"), "nood", "setup")])


def sos_add(t: Translator, candidates: Sequence[Candidate]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(t.gettext("👤 {name} (uses Houvast)").format(name=c.name)[:60],
                                    callback_data=callbacks.make("nood", "member", c.person_id)) for c in candidates]
    return _column([*buttons, _button(t, N_("⬅️ Emergency message"), "nood", "setup")])


def sos_consent(t: Translator, person_id: int, name: str) -> InlineKeyboardMarkup:
    return _column([
        InlineKeyboardButton(t.gettext("✅ Yes, Houvast may send it to {name}").format(name=name)[:60],
                             callback_data=callbacks.make("nood", "consent", f"{person_id}.1")),
        InlineKeyboardButton(t.gettext("📤 No, I send it myself"),
                             callback_data=callbacks.make("nood", "consent", f"{person_id}.0")),
    ])


def sos_pick(t: Translator, trusted: Sequence[TrustedView]) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(f"🗑 {person.name}"[:60], callback_data=callbacks.make("nood", "del", person.id))
               for person in trusted]
    return _column([*buttons, _button(t, N_("⬅️ Emergency message"), "nood", "setup")])


def sos_sent(t: Translator, status: SosStatus, share_to: Sequence[str]) -> InlineKeyboardMarkup:
    """A share button per person who gets a ready message (or to anyone, when nobody is chosen yet), then who
    got it (again), and the way on."""
    url = share_url(status.text)
    buttons = [InlineKeyboardButton(t.gettext("📤 Send it to {name}").format(name=name)[:60], url=url)
               for name in share_to]
    if not status.lines:
        buttons.append(InlineKeyboardButton(t.gettext("📤 Send your message"), url=url))
    buttons.append(_button(t, N_("🔄 Who got it?"), "nood", "status", status.send_id))
    if not status.lines:
        buttons.append(_button(t, N_("➕ Add someone"), "nood", "add"))
    return _column([*buttons, _button(t, NOW, "sp", "now"), _menu(t)])


def wipe_done(t: Translator) -> InlineKeyboardMarkup:
    return _column([_button(t, N_("✔️ Okay, delete this message too"), "wipe", "ok")])
