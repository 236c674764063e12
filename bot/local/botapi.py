"""An in-process fake of the Telegram Bot API for tests and the terminal demo. Long by nature: one method per
Bot API call Houvast makes, each with Telegram's own limits and errors; a test double, not product code.

The real python-telegram-bot ``Application``/``Bot`` talk to it through PTB's own HTTP layer:
``LocalRequest`` is a ``telegram.request.BaseRequest`` that hands each call to a ``LocalBotApi`` and
returns the JSON Telegram would return, so PTB parses results and raises ``BadRequest``,
``Forbidden``, ``RetryAfter`` ... exactly as in production::

    api = LocalBotApi()
    app = (
        Application.builder().token("123:ABC")
        .request(LocalRequest(api)).get_updates_request(LocalRequest(api)).build()
    )
    await process(app, api.send_text(42, "/start"))      # without the Updater, or
    api.send_text(42, "hi"); await wait_idle(app)         # with real polling running
    assert api.last(42).text == "..."

``LocalBotApi`` plays both sides: test code acts as users (``send_text``, ``press_button`` ...),
which queues updates for ``getUpdates``; the bot's calls are validated like Telegram does and
recorded as ``SentMessage`` objects.
"""

from __future__ import annotations

import asyncio
import bisect
import contextvars
import inspect
import json
import logging
import math
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from telegram import Update
from telegram.constants import (
    BulkRequestLimit,
    CallbackQueryLimit,
    FileSizeLimit,
    FloodLimit,
    InlineKeyboardButtonLimit,
    MessageLimit,
)
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram.ext import Application

    AnyApplication = Application[Any, Any, Any, Any, Any, Any]

__all__ = [
    "ApiError",
    "HtmlParseError",
    "LocalBotApi",
    "LocalRequest",
    "SentMessage",
    "UploadedFile",
    "parse_html",
    "process",
    "wait_idle",
]

JSON = dict[str, Any]
_LOGGER = logging.getLogger(__name__)

# Updates Telegram only delivers when explicitly listed in allowed_updates.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_MEDIA_KINDS = ("document", "photo", "voice", "sticker", "location")
DELETE_WINDOW = 48 * 3600  # seconds: older messages cannot be deleted by a bot
_STICKER = {"type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False}
# Fields PTB's ChatFullInfo requires that the fake has no real values for.
_CHAT_FULL_INFO = {
    "accent_color_id": 0,
    "max_reaction_count": 11,
    "accepted_gift_types": dict.fromkeys(
        ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription", "gifts_from_channels"),
        False,
    ),
}


class ApiError(Exception):
    """A Bot API error response: raised inside method handlers, turned into JSON by ``dispatch``."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def to_json(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {description}")


def _too_many(retry_after: int) -> ApiError:
    return ApiError(
        HTTPStatus.TOO_MANY_REQUESTS,
        f"Too Many Requests: retry after {retry_after}",
        {"retry_after": retry_after},
    )


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded via multipart/form-data (appears in ``calls`` params)."""

    filename: str
    content: bytes
    mime_type: str


@dataclass
class SentMessage:
    """One message the bot sent; edits and deletes update the same object in place."""

    message_id: int
    chat_id: int
    kind: str  # "text", "document", "photo", "voice", "sticker", "location"
    text: str | None  # text or caption as the user sees it (HTML markup parsed away)
    raw_text: str | None  # text or caption exactly as the bot sent it
    parse_mode: str | None
    entities: list[JSON]
    reply_markup: JSON | None  # as sent, inline or reply keyboard
    file_bytes: bytes | None = None
    filename: str | None = None
    file_id: str | None = None
    edited: int = 0  # number of successful edits
    deleted: bool = False


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes | None
    filename: str | None
    mime_type: str | None

    @property
    def path(self) -> str:
        return f"files/{self.file_unique_id}/{self.filename or 'file'}"


@dataclass
class _Failure:
    remaining: int
    status: int
    description: str
    parameters: JSON | None
    network_error: bool
    timed_out: bool


@dataclass
class _Query:
    created: float
    answered: bool = False


# --------------------------------------------------------------------------------------------------
# HTML parse mode
# --------------------------------------------------------------------------------------------------

_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#x([0-9a-fA-F]{1,6})|([a-zA-Z]+));")


class HtmlParseError(ValueError):
    """Invalid HTML parse-mode markup; the message is Telegram's reason text."""


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the visible text
    attrs: dict[str, str]


def parse_html(markup: str) -> tuple[str, list[JSON]]:
    """Parse Telegram's HTML parse mode into (visible text, entities with UTF-16 offsets).

    Raises ``HtmlParseError`` (a ``ValueError``) with a tdlib-style reason. Stricter than Telegram
    in one way: a bare ``&`` or an unknown named entity is an error (the Bot API docs require
    escaping them), so missing ``html.escape`` calls show up in tests.
    """
    out: list[str] = []
    utf16 = 0
    entities: list[JSON] = []
    stack: list[_OpenTag] = []
    i, n = 0, len(markup)

    def at(pos: int) -> int:  # Telegram reports positions as UTF-8 byte offsets
        return len(markup[:pos].encode("utf-8"))

    def emit(text: str) -> None:
        nonlocal utf16
        out.append(text)
        utf16 += len(text.encode("utf-16-le")) // 2

    while i < n:
        ch = markup[i]
        if ch == "&":
            decoded, i = _decode_entity(markup, i, at(i))
            emit(decoded)
        elif ch != "<":
            emit(ch)
            i += 1
        elif markup.startswith("</", i):
            i = _close_tag(markup, i, at(i), stack, entities, utf16)
        else:
            tag, i = _open_tag(markup, i, at(i), utf16)
            stack.append(tag)
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _decode_entity(markup: str, i: int, offset: int) -> tuple[str, int]:
    """The character an ``&...;`` reference at ``i`` stands for, and the index after it."""
    match = _ENTITY_RE.match(markup, i)
    if match is None:
        raise HtmlParseError(f'Unescaped "&" at byte offset {offset}')
    dec, hexa, name = match.groups()
    if name is not None:
        if name not in _NAMED_ENTITIES:
            raise HtmlParseError(f'Unsupported HTML entity "{match.group(0)}" at byte offset {offset}')
        return _NAMED_ENTITIES[name], match.end()
    code = int(dec) if dec is not None else int(hexa, 16)
    if not 0 < code < 0x110000 or 0xD800 <= code <= 0xDFFF:
        raise HtmlParseError(f"Invalid character reference at byte offset {offset}")
    return chr(code), match.end()


def _unescape_attribute(value: str, offset: int) -> str:
    out, i = [], 0
    while (amp := value.find("&", i)) >= 0:
        decoded, end = _decode_entity(value, amp, offset)
        out += [value[i:amp], decoded]
        i = end
    return "".join(out) + value[i:]


def _open_tag(markup: str, i: int, offset: int, utf16: int) -> tuple[_OpenTag, int]:
    n = len(markup)
    j = i + 1
    while j < n and not markup[j].isspace() and markup[j] != ">":
        j += 1
    if j >= n:
        raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
    name = markup[i + 1 : j].lower()
    if name not in _TAG_ENTITY:
        raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
    attrs: dict[str, str] = {}
    while True:
        while j < n and markup[j].isspace():
            j += 1
        if j >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
        if markup[j] == ">":
            break
        k = j
        while j < n and not markup[j].isspace() and markup[j] not in "=>":
            j += 1
        attr = markup[k:j].lower()
        if not attr:
            raise HtmlParseError(f'Empty attribute name in the tag "{name}" at byte offset {offset}')
        while j < n and markup[j].isspace():
            j += 1
        value = ""  # value-less attributes exist, e.g. <blockquote expandable>
        if j < n and markup[j] == "=":
            j += 1
            while j < n and markup[j].isspace():
                j += 1
            if j < n and markup[j] in "'\"":
                end = markup.find(markup[j], j + 1)
                if end < 0:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
                value = _unescape_attribute(markup[j + 1 : end], offset)
                j = end + 1
            else:
                k = j
                while j < n and (markup[j].isalnum() or markup[j] in ".-"):
                    j += 1
                value = markup[k:j].lower()
                if j < n and not markup[j].isspace() and markup[j] != ">":
                    raise HtmlParseError(
                        f"Unexpected end of name token at byte offset {len(markup[:k].encode())}"
                    )
        attrs[attr] = value
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    return _OpenTag(name, utf16, attrs), j + 1


def _close_tag(
    markup: str, i: int, offset: int, stack: list[_OpenTag], entities: list[JSON], utf16: int
) -> int:
    n = len(markup)
    j = i + 2
    while j < n and not markup[j].isspace() and markup[j] != ">":
        j += 1
    name = markup[i + 2 : j].lower()
    while j < n and markup[j].isspace():
        j += 1
    if j >= n or markup[j] != ">":
        raise HtmlParseError(f"Unclosed end tag at byte offset {offset}")
    if not stack:
        raise HtmlParseError(f"Unexpected end tag at byte offset {offset}")
    tag = stack.pop()
    if name and name != tag.name:
        raise HtmlParseError(
            f'Unmatched end tag at byte offset {offset}, expected "</{tag.name}>", found "</{name}>"'
        )
    length = utf16 - tag.start
    language = tag.attrs.get("class", "")
    if tag.name == "code" and stack and stack[-1].name == "pre" and language.startswith("language-"):
        stack[-1].attrs["language"] = language.removeprefix("language-")  # <pre><code class=...>
    elif length > 0:
        entity: JSON = {"type": _TAG_ENTITY[tag.name], "offset": tag.start, "length": length}
        if tag.name == "a":
            if not tag.attrs.get("href"):
                return j + 1
            entity["url"] = tag.attrs["href"]
        elif tag.name == "pre" and tag.attrs.get("language"):
            entity["language"] = tag.attrs["language"]
        elif tag.name == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attrs.get("emoji-id", "")
        entities.append(entity)
    return j + 1


# --------------------------------------------------------------------------------------------------
# The fake server
# --------------------------------------------------------------------------------------------------

# The moment the call being handled reached the server, when a LocalRequest with a round trip set it: the
# network carries a request that has left whatever the sender's event loop does meanwhile (see LocalRequest).
_arrived_at: contextvars.ContextVar[float | None] = contextvars.ContextVar("arrived_at", default=None)


class LocalBotApi:
    """In-memory state of one bot on a fake Telegram server.

    Long polling waits on real (event loop) time; ``clock`` only drives callback-query expiry and
    flood limits, so tests can move it forward with a fake clock.
    """

    def __init__(
        self,
        bot_id: int = 1000,
        bot_username: str = "houvast_bot",
        bot_first_name: str = "Houvast",
        enforce_flood_limits: bool = False,
        clock: Callable[[], float] = time.monotonic,
        callback_query_ttl: float = 15.0,
    ) -> None:
        # Long: one attribute for each kind of state the fake server keeps (chats, messages, files, queries,
        # limits, what tests read back); a list of fields, not logic.
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.enforce_flood_limits = enforce_flood_limits
        self.callback_query_ttl = callback_query_ttl
        self._clock = clock

        self.calls: list[tuple[str, JSON]] = []
        self.callback_answers: list[JSON] = []
        self.stats: dict[str, int] = {"sent": 0, "edited": 0, "deleted": 0, "rate_limited": 0, "injected": 0}
        # Called as listener(event, message) with event "sent" | "edited" | "deleted"; for the demo.
        self.listeners: list[Callable[[str, SentMessage], None]] = []
        self.webhook_url = ""
        self.commands: dict[str, list[JSON]] = {}
        self.menu_buttons: dict[int | None, JSON] = {}

        self._users: dict[int, JSON] = {}
        self._chats: dict[int, JSON] = {}
        self._blocked: set[int] = set()
        self._raw: dict[tuple[int, int], JSON] = {}  # every live message, user's and bot's
        self._sent: dict[tuple[int, int], SentMessage] = {}
        self._log: dict[int, list[SentMessage]] = {}  # what messages()/last() show
        self._next_message_id: dict[int, int] = {}
        self._reply_keyboard: dict[int, JSON] = {}  # reply keyboards persist until removed
        self._files: dict[str, _StoredFile] = {}
        self._queries: dict[str, _Query] = {}
        self._counter = 0

        self._pending: list[JSON] = []  # unconfirmed updates, oldest first
        self._next_update_id = 1
        self._allowed_updates: list[str] = []
        self._poll_generation = 0
        self._waiters: set[asyncio.Event] = set()  # poll and idle waiters, woken on any change
        self._failures: dict[str, list[_Failure]] = {}
        self._chat_sends: dict[int, deque[float]] = {}
        self._all_sends: deque[float] = deque()

        self._handlers: dict[str, Callable[[JSON], Any]] = {
            "getme": lambda p: dict(self.bot_user),
            "getupdates": self._get_updates,
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "logout": lambda p: True,
            "close": lambda p: True,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": lambda p: _clone(self.commands.get(self._command_key(p), [])),
            "sendmessage": self._send_message,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "deletemessages": self._delete_messages,
            "answercallbackquery": self._answer_callback_query,
            "senddocument": lambda p: self._send_media("document", p),
            "sendphoto": lambda p: self._send_media("photo", p),
            "sendvoice": lambda p: self._send_media("voice", p),
            "sendsticker": lambda p: self._send_media("sticker", p),
            "sendchataction": self._send_chat_action,
            "copymessage": self._copy_message,
            "getchat": self._get_chat,
            "getfile": self._get_file,
            "setchatmenubutton": self._set_chat_menu_button,
            "getchatmenubutton": lambda p: self.menu_buttons.get(p.get("chat_id"), {"type": "default"}),
        }

    # ---- acting as users ------------------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
    ) -> JSON:
        """Register a user and their private chat (chat id == user id); returns the user dict."""
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        optional = {"last_name": last_name, "username": username, "language_code": language_code}
        user.update({k: v for k, v in optional.items() if v is not None})
        self._users[user_id] = user
        chat = {"id": user_id, "type": "private"} | {
            k: v for k, v in user.items() if k in ("first_name", "last_name", "username")
        }
        self._chats[user_id] = chat
        return user

    def add_chat(self, chat_id: int, chat_type: str = "group", title: str | None = None) -> JSON:
        """Register a group/supergroup/channel the bot is a member of."""
        self._chats[chat_id] = {"id": chat_id, "type": chat_type, "title": title or f"Chat {chat_id}"}
        return self._chats[chat_id]

    def send_text(
        self, user_id: int, text: str, chat_id: int | None = None, chat_type: str = "private"
    ) -> JSON:
        """A text message from the user; ``/command args`` gets a bot_command entity like on Telegram."""
        return self._user_message(user_id, _text_content(text), chat_id, chat_type)

    def send_sticker(self, user_id: int, emoji: str = "👍", **chat: Any) -> JSON:
        file = self._store_file(b"RIFF-sticker", "sticker.webp", "image/webp")
        sticker = self._file_json(file, _STICKER | {"emoji": emoji})
        return self._user_message(user_id, {"sticker": sticker}, **chat)

    def send_photo(
        self, user_id: int, content: bytes = b"\xff\xd8fake-jpeg", caption: str | None = None, **chat: Any
    ) -> JSON:
        file = self._store_file(content, "photo.jpg", "image/jpeg")
        message: JSON = {"photo": self._photo_sizes(file)}
        if caption:
            message["caption"] = caption
        return self._user_message(user_id, message, **chat)

    def send_voice(
        self, user_id: int, duration: int = 3, content: bytes = b"OggS-fake-voice", **chat: Any
    ) -> JSON:
        file = self._store_file(content, "voice.ogg", "audio/ogg")
        voice = self._file_json(file, {"duration": duration, "mime_type": "audio/ogg"})
        return self._user_message(user_id, {"voice": voice}, **chat)

    def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes = b"fake-document",
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        **chat: Any,
    ) -> JSON:
        file = self._store_file(content, filename, mime_type)
        message: JSON = {"document": self._file_json(file, {"file_name": filename, "mime_type": mime_type})}
        if caption:
            message["caption"] = caption
        return self._user_message(user_id, message, **chat)

    def send_contact(
        self, user_id: int, phone_number: str, first_name: str, last_name: str | None = None, **chat: Any
    ) -> JSON:
        """A contact shared from the phone's address book (📎 → Contact)."""
        contact = {"phone_number": phone_number, "first_name": first_name}
        contact |= {"last_name": last_name} if last_name else {}
        return self._user_message(user_id, {"contact": contact}, **chat)

    def forward_text(self, user_id: int, text: str, sender_name: str = "Someone", **chat: Any) -> JSON:
        """A text the user forwards from another chat (its sender hid their account)."""
        origin = {"type": "hidden_user", "sender_user_name": sender_name, "date": int(time.time()) - 60}
        return self._user_message(user_id, _text_content(text) | {"forward_origin": origin}, **chat)

    def send_location(
        self, user_id: int, latitude: float = 52.3676, longitude: float = 4.9041, **chat: Any
    ) -> JSON:
        return self._user_message(
            user_id, {"location": {"latitude": latitude, "longitude": longitude}}, **chat
        )

    def edit_user_message(
        self, user_id: int, message_id: int, new_text: str, chat_id: int | None = None
    ) -> JSON:
        raw = self._raw.get((chat_id or user_id, message_id))
        if raw is None or raw.get("from", {}).get("id") != user_id:
            raise AssertionError(f"user {user_id} has no message {message_id} to edit")
        raw.pop("entities", None)
        raw.update(_text_content(new_text), edit_date=int(time.time()))
        return self._queue_update("edited_message", _clone(raw))

    def press(self, user_id: int, message_id: int, callback_data: str, chat_id: int | None = None) -> JSON:
        """Press an inline button: a callback_query update carrying the bot's current message."""
        chat_id = chat_id or user_id
        raw = self._raw.get((chat_id, message_id))
        if raw is None or (chat_id, message_id) not in self._sent:
            raise AssertionError(f"no bot message {message_id} in chat {chat_id} to press a button on")
        query_id = str(self._next_counter() + 4_000_000_000_000_000)
        self._queries[query_id] = _Query(created=self._clock())
        query = {
            "id": query_id,
            "from": self._user(user_id),
            "message": _clone(raw),
            "chat_instance": str(chat_id * 7919 % 10**12),
            "data": callback_data,
        }
        return self._queue_update("callback_query", query)

    def press_button(self, user_id: int, text_or_index: str | int, chat_id: int | None = None) -> JSON:
        """Press a button the user can see: inline (newest message that has it) or reply keyboard."""
        chat_id = chat_id or user_id
        visible = [m for m in self._log.get(chat_id, []) if not m.deleted]
        newest = visible[-1] if visible else None
        if newest is None or "keyboard" not in (newest.reply_markup or {}):
            for message in reversed(visible):
                buttons = [b for row in (message.reply_markup or {}).get("inline_keyboard", []) for b in row]
                button = _pick(buttons, text_or_index)
                if button is not None:
                    if "callback_data" not in button:
                        raise AssertionError(
                            f"button {button.get('text')!r} is not a callback button: {button}"
                        )
                    return self.press(user_id, message.message_id, button["callback_data"], chat_id)
                if buttons and isinstance(text_or_index, int):
                    break  # an index refers to the newest inline keyboard only
        keyboard = self._reply_keyboard.get(chat_id)
        button = _pick([b for row in (keyboard or {}).get("keyboard", []) for b in row], text_or_index)
        if button is not None:
            if keyboard and keyboard.get("one_time_keyboard"):
                self._reply_keyboard.pop(chat_id, None)
            return self.send_text(user_id, button if isinstance(button, str) else button["text"], chat_id)
        shown = self.buttons(newest) if newest else []
        raise AssertionError(f"no button {text_or_index!r} in chat {chat_id}; newest message shows {shown}")

    def block(self, user_id: int) -> JSON:
        """The user blocks the bot: sends fail with 403 and a my_chat_member update is queued."""
        self._blocked.add(user_id)
        return self._member_update(user_id, "member", "kicked")

    def unblock(self, user_id: int) -> JSON:
        self._blocked.discard(user_id)
        return self._member_update(user_id, "kicked", "member")

    # ---- inspecting what the bot did ------------------------------------------------------------

    def messages(self, chat_id: int, include_deleted: bool = False) -> list[SentMessage]:
        """The bot's messages in this chat, oldest first (edits are applied in place)."""
        return [m for m in self._log.get(chat_id, []) if include_deleted or not m.deleted]

    def last(self, chat_id: int) -> SentMessage:
        messages = self.messages(chat_id)
        if not messages:
            raise AssertionError(f"the bot has no (undeleted) messages in chat {chat_id}")
        return messages[-1]

    def age_messages(self, chat_id: int, seconds: float) -> None:
        """Make every message now in this chat `seconds` older (to test what may no longer be deleted)."""
        for (chat, _message_id), raw in self._raw.items():
            if chat == chat_id:
                raw["date"] = int(raw.get("date", 0) - seconds)

    def live_message_ids(self, chat_id: int) -> list[int]:
        """Ids of the messages still in this chat, the user's and the bot's, oldest first."""
        return sorted(message_id for chat, message_id in self._raw if chat == chat_id)

    @staticmethod
    def buttons(message: SentMessage | None) -> list[str]:
        """Flat list of the button texts of a message's inline or reply keyboard."""
        markup = (message.reply_markup if message else None) or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [b if isinstance(b, str) else b["text"] for row in rows for b in row]

    def clear(self, chat_id: int | None = None) -> None:
        """Forget recorded output (one chat, or everything incl. calls and callback answers).

        Telegram-side state stays: cleared messages can still be edited, deleted and pressed.
        """
        if chat_id is not None:
            self._log.pop(chat_id, None)
            return
        self._log.clear()
        self.calls.clear()
        self.callback_answers.clear()

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by a getUpdates offset (or consumed by ``process``)."""
        return _clone(self._pending)

    # ---- failure injection ----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        retry_after: int | None = None,
        status: int | None = None,
        description: str | None = None,
        network_error: bool = False,
        timed_out: bool = False,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail before they take effect.

        ``method="*"`` matches every method except getUpdates (the poller would swallow it).
        """
        if retry_after is not None:
            status = HTTPStatus.TOO_MANY_REQUESTS
            description = f"Too Many Requests: retry after {retry_after}"
        status = status or HTTPStatus.BAD_REQUEST
        if description is None:
            description = "Bad Request" if status == HTTPStatus.BAD_REQUEST else HTTPStatus(status).phrase
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        failure = _Failure(times, status, description, parameters, network_error, timed_out)
        self._failures.setdefault(method.lower(), []).append(failure)

    # ---- synchronising tests with the Application -----------------------------------------------

    async def process(self, application: AnyApplication, update: JSON) -> None:
        """Run one update through ``application.process_update`` without an Updater.

        The update is also taken off the getUpdates queue, so a poller never sees it twice.
        """
        self._pending = [u for u in self._pending if u["update_id"] != update["update_id"]]
        self._notify()
        await application.process_update(Update.de_json(_clone(update), application.bot))

    async def process_pending(self, application: AnyApplication) -> None:
        """``process`` every queued update in order (block/unblock updates included)."""
        while self._pending:
            await self.process(application, self._pending[0])

    async def wait_idle(self, application: AnyApplication, timeout: float = 5.0) -> None:
        """Wait until the running Updater fetched every queued update and the Application handled it.

        The Updater puts fetched updates on ``application.update_queue`` *before* it asks for more
        with a higher offset, so once every update is confirmed by an offset, joining the queue
        covers all of them. Handlers with ``block=False`` and jobs may still be running afterwards.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._pending and not (application.updater and application.updater.running):
                raise AssertionError(
                    f"{len(self._pending)} update(s) queued but the Updater is not polling; "
                    "start polling or use process()"
                )
            if self._pending:
                await self._wait_for_change(deadline, loop)
                if loop.time() >= deadline and self._pending:
                    ids = [u["update_id"] for u in self._pending]
                    raise AssertionError(f"updates {ids} were not fetched by getUpdates within {timeout}s")
                continue
            try:
                await asyncio.wait_for(application.update_queue.join(), max(deadline - loop.time(), 0.001))
            except TimeoutError:
                raise AssertionError(
                    f"update_queue not drained within {timeout}s; is application.start() running?"
                ) from None
            if not self._pending:  # nothing new arrived while the handlers ran
                return

    # ---- request dispatch -----------------------------------------------------------------------

    async def dispatch(self, method: str, params: JSON) -> tuple[int, JSON]:
        """Handle one Bot API call; returns (HTTP status, response JSON) like Telegram would."""
        self.calls.append((method, params))
        name = method.lower()
        failure = self._take_failure(name)
        if failure is not None:
            self.stats["injected"] += 1
            if failure.network_error:
                raise NetworkError(f"LocalBotApi: connection dropped during {method} (injected)")
            if failure.timed_out:
                raise TimedOut(f"LocalBotApi: {method} timed out (injected)")
            return failure.status, ApiError(failure.status, failure.description, failure.parameters).to_json()
        handler = self._handlers.get(name)
        if handler is None:
            return HTTPStatus.NOT_FOUND, {"ok": False, "error_code": 404, "description": "Not Found"}
        try:
            result = handler(params)
            if inspect.isawaitable(result):
                result = await result
        except ApiError as exc:
            if exc.status == HTTPStatus.TOO_MANY_REQUESTS:
                self.stats["rate_limited"] += 1
            return exc.status, exc.to_json()
        except Exception as exc:  # a bug in the fake; PTB would otherwise report a vague NetworkError
            # The method and the error's type only: the parameters hold message texts and names.
            _LOGGER.error("LocalBotApi failed handling %s: %s", method, type(exc).__name__)
            return HTTPStatus.INTERNAL_SERVER_ERROR, ApiError(
                500, f"Internal Server Error: {exc!r}"
            ).to_json()
        return HTTPStatus.OK, {"ok": True, "result": result}

    def download(self, file_path: str) -> tuple[int, bytes]:
        """Serve ``https://api.telegram.org/file/bot<token>/<file_path>`` downloads."""
        for file in self._files.values():
            if file.path == file_path and file.content is not None:
                return HTTPStatus.OK, file.content
        return HTTPStatus.NOT_FOUND, b'{"ok":false,"error_code":404,"description":"Not Found"}'

    # ---- Bot API methods: updates and bot settings ----------------------------------------------

    async def _get_updates(self, p: JSON) -> list[JSON]:
        offset, limit, timeout = int(p.get("offset", 0)), int(p.get("limit", 100)), float(p.get("timeout", 0))
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        if "allowed_updates" in p:
            self._allowed_updates = list(p["allowed_updates"])
        if offset < 0:
            self._pending = self._pending[offset:]
        elif offset:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()  # confirmations wake wait_idle; a newer poll ends an older one
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            self._pending = [u for u in self._pending if self._is_allowed(u)]
            if self._pending or loop.time() >= deadline:
                return _clone(self._pending[: max(1, min(limit, 100))])
            await self._wait_for_change(deadline, loop)

    def _delete_webhook(self, p: JSON) -> bool:
        self.webhook_url = ""
        if p.get("drop_pending_updates"):
            self._pending.clear()
            self._notify()
        return True

    def _set_webhook(self, p: JSON) -> bool:
        self.webhook_url = p.get("url") or ""  # an empty url removes the webhook
        if p.get("drop_pending_updates"):
            self._pending.clear()
        self._notify()  # a waiting getUpdates must fail with a conflict now
        return True

    def _get_webhook_info(self, p: JSON) -> JSON:
        return {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    @staticmethod
    def _command_key(p: JSON) -> str:
        return json.dumps(
            [p.get("scope") or {"type": "default"}, p.get("language_code") or ""], sort_keys=True
        )

    def _set_my_commands(self, p: JSON) -> bool:
        self.commands[self._command_key(p)] = list(_require(p, "commands"))
        return True

    def _delete_my_commands(self, p: JSON) -> bool:
        self.commands.pop(self._command_key(p), None)
        return True

    def _set_chat_menu_button(self, p: JSON) -> bool:
        chat_id = self._chat(p["chat_id"])["id"] if "chat_id" in p else None
        self.menu_buttons[chat_id] = p.get("menu_button") or {"type": "default"}
        return True

    # ---- Bot API methods: chats and messages ----------------------------------------------------

    def _get_chat(self, p: JSON) -> JSON:
        return self._chat(_require(p, "chat_id")) | _clone(_CHAT_FULL_INFO)

    def _send_chat_action(self, p: JSON) -> bool:
        self._target_chat(p)
        _require(p, "action")
        return True

    def _send_message(self, p: JSON) -> JSON:
        chat = self._target_chat(p)
        text, entities = _format(p.get("text"), p.get("parse_mode"), p.get("entities"), caption=False)
        content: JSON = {"text": text} | ({"entities": entities} if entities else {})
        return self._bot_message(chat, "text", content, p, raw_text=p.get("text"))

    def _send_media(self, kind: str, p: JSON) -> JSON:
        chat = self._target_chat(p)
        value = p.get(kind)
        if value is None or value == "":
            raise _bad(f"there is no {kind} in the request")
        caption, entities = _format(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
        if isinstance(value, UploadedFile):
            limit = FileSizeLimit.PHOTOSIZE_UPLOAD if kind == "photo" else FileSizeLimit.FILESIZE_UPLOAD
            if len(value.content) > limit:
                raise _bad("file is too big")
            file = self._store_file(value.content, value.filename, value.mime_type)
        else:  # a file_id or URL: accepted as is (the fake cannot tell real ids from made-up ones)
            file = self._files.get(str(value)) or self._store_file(None, None, None, file_id=str(value))
        if kind == "photo":
            media: Any = self._photo_sizes(file)
        elif kind == "sticker":
            media = self._file_json(file, _STICKER)
        else:
            extra = {"duration": int(p.get("duration") or 1)} if kind == "voice" else {}
            media = self._file_json(file, extra | {"file_name": file.filename, "mime_type": file.mime_type})
        content: JSON = {kind: media}
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        return self._bot_message(chat, kind, content, p, raw_text=p.get("caption"), file=file)

    def _copy_message(self, p: JSON) -> JSON:
        source_chat = self._chat(_require(p, "from_chat_id"))
        source = self._raw.get((source_chat["id"], int(_require(p, "message_id"))))
        if source is None:
            raise _bad("message to copy not found")
        chat = self._target_chat(p)
        content = {
            k: _clone(v)
            for k, v in source.items()
            if k in (*_MEDIA_KINDS, "text", "entities", "caption", "caption_entities")
        }
        raw_text = content.get("text", content.get("caption"))
        if "caption" in p and "text" not in content:
            caption, entities = _format(
                p["caption"], p.get("parse_mode"), p.get("caption_entities"), caption=True
            )
            content.pop("caption_entities", None)
            content.update({"caption": caption} | ({"caption_entities": entities} if entities else {}))
            raw_text = p["caption"]
        file = next(
            (self._files.get(_file_id(content[k])) for k in _MEDIA_KINDS if k in content and k != "location"),
            None,
        )
        message = self._bot_message(chat, _kind_of(content), content, p, raw_text=raw_text, file=file)
        return {"message_id": message["message_id"]}

    def _edit_message_text(self, p: JSON) -> JSON:
        raw, sent = self._editable(p)
        if "text" not in raw:
            raise _bad("there is no text in the message to edit")
        text, entities = _format(p.get("text"), p.get("parse_mode"), p.get("entities"), caption=False)
        return self._apply_edit(raw, sent, p, {"text": text, "entities": entities}, raw_text=p.get("text"))

    def _edit_message_caption(self, p: JSON) -> JSON:
        raw, sent = self._editable(p)
        if "text" in raw:
            raise _bad("there is no caption in the message to edit")
        caption, entities = _format(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
        return self._apply_edit(
            raw, sent, p, {"caption": caption, "caption_entities": entities}, raw_text=p.get("caption")
        )

    def _edit_message_reply_markup(self, p: JSON) -> JSON:
        raw, sent = self._editable(p)
        return self._apply_edit(raw, sent, p, {})

    def _delete_message(self, p: JSON) -> bool:
        chat = self._chat(_require(p, "chat_id"))
        key = (chat["id"], int(_require(p, "message_id")))
        if key not in self._raw:
            raise _bad("message to delete not found")
        if not self._deletable(chat, self._raw[key]):
            raise _bad("message can't be deleted")
        self._forget(key)
        return True

    def _delete_messages(self, p: JSON) -> bool:
        """Up to 100 at once; ids not found are skipped. Like Telegram, one message that may not be deleted (older
        than 48 hours, or someone else's in a group) refuses the whole call, and nothing is deleted."""
        chat = self._chat(_require(p, "chat_id"))
        ids = p.get("message_ids")
        if isinstance(ids, str):
            ids = json.loads(ids)
        if not ids:
            raise _bad("message identifiers are not specified")
        if len(ids) > BulkRequestLimit.MAX_LIMIT:
            raise _bad("too many message identifiers specified")
        keys = [(chat["id"], int(message_id)) for message_id in ids if (chat["id"], int(message_id)) in self._raw]
        if any(not self._deletable(chat, self._raw[key]) for key in keys):
            raise _bad("message can't be deleted")
        for key in keys:
            self._forget(key)
        return True

    def _deletable(self, chat: JSON, raw: JSON) -> bool:
        """A bot deletes its own messages and, in a private chat, the user's too; none older than 48 hours."""
        if time.time() - raw.get("date", 0) >= DELETE_WINDOW:
            return False
        return chat["type"] == "private" or raw.get("from", {}).get("id") == self.bot_user["id"]

    def _forget(self, key: tuple[int, int]) -> None:
        self._raw.pop(key, None)
        if (sent := self._sent.get(key)) is not None:
            sent.deleted = True
            self._announce("deleted", sent)
        self.stats["deleted"] += 1

    def _answer_callback_query(self, p: JSON) -> bool:
        query = self._queries.get(str(_require(p, "callback_query_id")))
        if query is None or query.answered or self._clock() - query.created > self.callback_query_ttl:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        if len(p.get("text") or "") > CallbackQueryLimit.ANSWER_CALLBACK_QUERY_TEXT_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        query.answered = True
        self.callback_answers.append(dict(p))
        return True

    def _get_file(self, p: JSON) -> JSON:
        file = self._files.get(str(_require(p, "file_id")))
        if file is None or file.content is None:
            raise _bad("wrong file_id or the file is temporarily unavailable")
        size = len(file.content)
        if size > FileSizeLimit.FILESIZE_DOWNLOAD:
            raise _bad("file is too big")
        return {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "file_size": size,
            "file_path": file.path,
        }

    # ---- internals: chats, messages, updates ----------------------------------------------------

    def _next_counter(self) -> int:
        self._counter += 1
        return self._counter

    def _user(self, user_id: int) -> JSON:
        if user_id not in self._users:
            self.add_user(user_id, f"User{user_id}")
        return self._users[user_id]

    def _chat(self, chat_id: Any) -> JSON:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            found = [c for c in self._chats.values() if c.get("username", "").lower() == chat_id[1:].lower()]
            if found:
                return found[0]
        else:
            try:
                chat = self._chats.get(int(chat_id))
            except (TypeError, ValueError):
                chat = None
            if chat is not None:
                return chat
        raise _bad("chat not found")

    def _target_chat(self, p: JSON) -> JSON:
        """The chat a send goes to: it must exist and, if private, not have blocked the bot."""
        chat = self._chat(_require(p, "chat_id"))
        if chat["type"] == "private" and chat["id"] in self._blocked:
            raise ApiError(HTTPStatus.FORBIDDEN, "Forbidden: bot was blocked by the user")
        return chat

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _user_message(
        self, user_id: int, content: JSON, chat_id: int | None = None, chat_type: str = "private"
    ) -> JSON:
        user = self._user(user_id)
        if chat_id is None or chat_id == user_id:
            chat = self._chats[user_id]
            if user_id in self._blocked:  # writing to a blocked bot means pressing "Restart" first
                self.unblock(user_id)
        elif chat_id in self._chats:
            chat = self._chats[chat_id]
        elif chat_type == "private":
            raise AssertionError(f"chat {chat_id} is unknown; pass chat_type='group' (or 'supergroup')")
        else:
            chat = self.add_chat(chat_id, chat_type)
        raw: JSON = {
            "message_id": self._new_message_id(chat["id"]),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
        } | content
        self._raw[(chat["id"], raw["message_id"])] = raw
        return self._queue_update("message", _clone(raw))

    def _member_update(self, user_id: int, old: str, new: str) -> JSON:
        user = self._user(user_id)
        member = {
            "chat": self._chats[user_id],
            "from": user,
            "date": int(time.time()),
            "old_chat_member": {"status": old, "user": self.bot_user},
            "new_chat_member": {"status": new, "user": self.bot_user}
            | ({"until_date": 0} if new == "kicked" else {}),
        }
        return self._queue_update("my_chat_member", _clone(member))

    def _queue_update(self, kind: str, payload: JSON) -> JSON:
        update = {"update_id": self._next_update_id, kind: payload}
        self._next_update_id += 1
        self._pending.append(update)
        self._notify()
        return _clone(update)

    def _is_allowed(self, update: JSON) -> bool:
        kind = next(k for k in update if k != "update_id")
        return kind in self._allowed_updates if self._allowed_updates else kind not in _OPT_IN_UPDATES

    def _bot_message(
        self,
        chat: JSON,
        kind: str,
        content: JSON,
        p: JSON,
        *,
        raw_text: str | None,
        file: _StoredFile | None = None,
    ) -> JSON:
        """Validate markup/reply/flood, then store a new bot message and record it."""
        markup = _check_markup(p.get("reply_markup"))
        reply_to = self._reply_target(chat["id"], p)
        self._check_flood(chat)
        raw: JSON = {
            "message_id": self._new_message_id(chat["id"]),
            "from": self.bot_user,
            "chat": chat,
            "date": int(time.time()),
        } | content
        if reply_to is not None:
            raw["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
        if markup and "inline_keyboard" in markup:
            raw["reply_markup"] = markup  # Telegram echoes only inline keyboards
        elif markup and "keyboard" in markup:
            self._reply_keyboard[chat["id"]] = markup
        elif markup and markup.get("remove_keyboard"):
            self._reply_keyboard.pop(chat["id"], None)
        key = (chat["id"], raw["message_id"])
        self._raw[key] = raw
        entities = content.get("entities") or content.get("caption_entities") or []
        sent = SentMessage(
            message_id=raw["message_id"],
            chat_id=chat["id"],
            kind=kind,
            text=content.get("text", content.get("caption")),
            raw_text=raw_text,
            parse_mode=p.get("parse_mode"),
            entities=entities,
            reply_markup=markup,
            file_bytes=file.content if file else None,
            filename=file.filename if file else None,
            file_id=file.file_id if file else None,
        )
        self._sent[key] = sent
        self._log.setdefault(chat["id"], []).append(sent)
        self.stats["sent"] += 1
        self._announce("sent", sent)
        return _clone(raw)

    def _reply_target(self, chat_id: int, p: JSON) -> JSON | None:
        params = p.get("reply_parameters") or {}
        message_id = params.get("message_id") or p.get("reply_to_message_id")
        if not message_id:
            return None
        target = self._raw.get((chat_id, int(message_id)))
        allow = params.get("allow_sending_without_reply", p.get("allow_sending_without_reply"))
        if target is None and not allow:
            raise _bad("message to be replied not found")
        return target

    def _editable(self, p: JSON) -> tuple[JSON, SentMessage]:
        if "inline_message_id" in p:
            raise _bad("message to edit not found")  # inline mode is not simulated
        chat = self._chat(_require(p, "chat_id"))
        key = (chat["id"], int(_require(p, "message_id")))
        raw = self._raw.get(key)
        if raw is None:
            raise _bad("message to edit not found")
        if key not in self._sent:
            raise _bad("message can't be edited")
        return raw, self._sent[key]

    def _apply_edit(
        self, raw: JSON, sent: SentMessage, p: JSON, changes: JSON, *, raw_text: str | None = None
    ) -> JSON:
        # Like Telegram, an edit without reply_markup removes the inline keyboard.
        markup = _check_markup(p.get("reply_markup"))
        new_markup = markup if markup and "inline_keyboard" in markup else None
        unchanged = all((raw.get(k) or None) == (v or None) for k, v in changes.items())  # [] == None
        if unchanged and raw.get("reply_markup") == new_markup:
            raise _bad(
                "message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message"
            )
        for k, v in changes.items():
            if v:
                raw[k] = v
            else:
                raw.pop(k, None)
        raw.pop("reply_markup", None)
        if new_markup:
            raw["reply_markup"] = new_markup
        raw["edit_date"] = int(time.time())
        if changes:
            sent.text = changes.get("text", changes.get("caption"))
            sent.entities = changes.get("entities", changes.get("caption_entities")) or []
            sent.raw_text, sent.parse_mode = raw_text, p.get("parse_mode")
        sent.reply_markup = new_markup
        sent.edited += 1
        self.stats["edited"] += 1
        self._announce("edited", sent)
        return _clone(raw)

    def _announce(self, event: str, message: SentMessage) -> None:
        for listener in list(self.listeners):
            listener(event, message)

    # ---- internals: files, failures, flood control, waiting -------------------------------------

    def _store_file(
        self, content: bytes | None, filename: str | None, mime_type: str | None, file_id: str | None = None
    ) -> _StoredFile:
        n = self._next_counter()
        file = _StoredFile(file_id or f"local-file-{n}", f"u{n}", content, filename, mime_type)
        self._files[file.file_id] = file
        return file

    @staticmethod
    def _file_json(file: _StoredFile, extra: JSON) -> JSON:
        base: JSON = {"file_id": file.file_id, "file_unique_id": file.file_unique_id}
        if file.content is not None:
            base["file_size"] = len(file.content)
        return base | {k: v for k, v in extra.items() if v is not None}

    def _photo_sizes(self, file: _StoredFile) -> list[JSON]:
        return [
            self._file_json(file, {"width": 90, "height": 90}),
            self._file_json(file, {"width": 800, "height": 800}),
        ]

    def _take_failure(self, name: str) -> _Failure | None:
        for key in (name, "*"):
            queue = self._failures.get(key)
            if queue and not (key == "*" and name == "getupdates"):
                failure = queue[0]
                failure.remaining -= 1
                if failure.remaining <= 0:
                    queue.pop(0)
                return failure
        return None

    def now(self) -> float:
        """The server's clock: the moment the call being handled arrived (a LocalRequest with a round trip
        says when), else ``clock()``."""
        arrived = _arrived_at.get()
        return self._clock() if arrived is None else arrived

    def _check_flood(self, chat: JSON) -> None:
        """Telegram's limits over a sliding window, counted at the moment each call arrives: a call may be
        handled a little after a later-leaving one has (the sender's loop was busy), so moments are kept in
        order and a call counts every other call within `span` before it."""
        if not self.enforce_flood_limits:
            return
        now = self.now()
        if chat["type"] == "private":  # one message per second, plus a burst of one
            limit, window = FloodLimit.MESSAGES_PER_SECOND_PER_CHAT + 1, 1.0
        else:
            limit, window = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP, 60.0
        for sends, allowed, span in (
            (self._all_sends, FloodLimit.MESSAGES_PER_SECOND, 1.0),
            (self._chat_sends.setdefault(chat["id"], deque()), limit, window),
        ):
            while sends and sends[0] <= sends[-1] - 2 * span:  # older than any window still to be checked
                sends.popleft()
            recent = [at for at in sends if now - span < at <= now]
            if len(recent) >= allowed:
                raise _too_many(max(1, math.ceil(recent[0] + span - now)))
        for sends in (self._all_sends, self._chat_sends[chat["id"]]):
            sends.insert(bisect.bisect_right(sends, now), now)

    def _notify(self) -> None:
        for event in self._waiters:
            event.set()

    async def _wait_for_change(self, deadline: float, loop: asyncio.AbstractEventLoop) -> None:
        """Sleep until any state change (new update, confirmation, newer poll) or the deadline."""
        event = asyncio.Event()
        self._waiters.add(event)
        try:
            await asyncio.wait_for(event.wait(), max(deadline - loop.time(), 0))
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(event)


# --------------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------------


def _require(p: JSON, name: str) -> Any:
    if p.get(name) in (None, ""):
        raise _bad(f"{name} is empty")
    return p[name]


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _text_content(text: str) -> JSON:
    content: JSON = {"text": text}
    if text.startswith("/"):  # the command token, incl. an optional @botname
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(text.split()[0])}]
    return content


def _format(
    text: str | None, parse_mode: str | None, entities: list[JSON] | None, *, caption: bool
) -> tuple[str, list[JSON]]:
    """Apply parse_mode and Telegram's length rules; returns (visible text, entities)."""
    text = text or ""
    if not caption and not text:
        raise _bad("message text is empty")
    if (parse_mode or "").upper() == "HTML":
        try:
            text, entities = parse_html(text)
        except ValueError as exc:
            raise _bad(f"can't parse entities: {exc}") from None
    # MarkdownV2/Markdown are not parsed: the text is kept as sent.
    if not caption and not text.strip():
        raise _bad("message text is empty")
    if caption and len(text) > MessageLimit.CAPTION_LENGTH:
        raise _bad("message caption is too long")
    if not caption and len(text) > MessageLimit.MAX_TEXT_LENGTH:
        raise _bad("message is too long")
    return text, list(entities or [])


def _check_markup(markup: JSON | None) -> JSON | None:
    allowed = range(
        InlineKeyboardButtonLimit.MIN_CALLBACK_DATA, InlineKeyboardButtonLimit.MAX_CALLBACK_DATA + 1
    )
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and len(str(data).encode("utf-8")) not in allowed:  # bytes, not characters
                raise _bad("BUTTON_DATA_INVALID")
    return markup


def _kind_of(content: JSON) -> str:
    return next((k for k in _MEDIA_KINDS if k in content), "text")


def _file_id(media: Any) -> str:
    return str((media[-1] if isinstance(media, list) else media).get("file_id", ""))


def _pick(buttons: list[Any], text_or_index: str | int) -> Any:
    if isinstance(text_or_index, int):
        return buttons[text_or_index] if -len(buttons) <= text_or_index < len(buttons) else None
    return next((b for b in buttons if (b if isinstance(b, str) else b.get("text")) == text_or_index), None)


# --------------------------------------------------------------------------------------------------
# PTB request adapter
# --------------------------------------------------------------------------------------------------


class LocalRequest(BaseRequest):
    """A ``BaseRequest`` that sends PTB's Bot API calls to a ``LocalBotApi`` instead of HTTP.

    ``latency``: every call takes that round trip (seconds), like a real network to Telegram. The call reaches
    the server half-way, at a moment fixed when it leaves: the server counts it (flood limits, ``api.now()``)
    at that moment even when this event loop is busy then and handles it a little later, as a request on the
    wire does not wait for its sender. Counting it when the loop gets round to it would bunch every call in
    flight across a stall of the bot's loop into one moment, which Telegram never sees."""

    __slots__ = ("_read_timeout", "api", "initialized", "latency")

    def __init__(self, api: LocalBotApi, read_timeout: float | None = 5.0, latency: float = 0.0) -> None:
        self.api = api
        self._read_timeout = read_timeout
        self.latency = latency
        self.initialized = False

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        self.initialized = True

    async def shutdown(self) -> None:
        self.initialized = False

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if method == "GET":  # File.download_*: https://api.telegram.org/file/bot<token>/<file_path>
            _, _, path = url.partition("/file/bot")
            return self.api.download(unquote(path.partition("/")[2]))
        call = url.rsplit("/", 1)[-1], _decode(request_data)
        if not self.latency:
            status, body = await self.api.dispatch(*call)
            return status, json.dumps(body).encode("utf-8")
        loop = asyncio.get_running_loop()
        left, arrives = loop.time(), self.api._clock() + self.latency / 2
        await asyncio.sleep(self.latency / 2)
        token = _arrived_at.set(arrives)
        try:
            status, body = await self.api.dispatch(*call)
        finally:
            _arrived_at.reset(token)
        await asyncio.sleep(max(left + self.latency - loop.time(), 0.0))  # the answer's way back
        return status, json.dumps(body).encode("utf-8")


def _clone(data: Any) -> Any:
    """A copy of JSON data the way it travels: through JSON, as Telegram's answers and updates do (and much
    cheaper than ``copy.deepcopy``, which the timed parts of ``houvast bench`` would otherwise count)."""
    return json.loads(json.dumps(data))


def _decode(request_data: RequestData | None) -> JSON:
    """Parameters as Telegram would see them, uploads as ``UploadedFile`` under their field name."""
    if request_data is None:
        return {}
    params: JSON = json.loads(json.dumps(request_data.parameters))
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        data = content if isinstance(content, bytes) else content.read()
        upload = UploadedFile(filename, data, mime_type)
        # attach://<name> references (media groups, thumbnails) point at the multipart part
        refs = [k for k, v in params.items() if v == f"attach://{name}"]
        for key in refs or [name]:
            params[key] = upload
    return params


# --------------------------------------------------------------------------------------------------
# Module-level conveniences (find the LocalBotApi behind an Application)
# --------------------------------------------------------------------------------------------------


def _api_of(application: AnyApplication) -> LocalBotApi:
    request = application.bot.request
    if not isinstance(request, LocalRequest):
        raise TypeError("application was not built with .request(LocalRequest(api))")
    return request.api


async def process(application: AnyApplication, update: JSON) -> None:
    """Feed one update dict straight into ``application.process_update`` (see ``LocalBotApi.process``)."""
    await _api_of(application).process(application, update)


async def wait_idle(application: AnyApplication, timeout: float = 5.0) -> None:
    """Wait until polling fetched and handled every queued update (see ``LocalBotApi.wait_idle``)."""
    await _api_of(application).wait_idle(application, timeout)
