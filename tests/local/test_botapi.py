"""The local Bot API behaves like Telegram towards a real python-telegram-bot Application."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.constants import FileSizeLimit, MessageLimit, ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.local.botapi import LocalBotApi, LocalRequest, parse_html, process, wait_idle

App = Application[Any, Any, Any, Any, Any, Any]
USER = 42


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Yes", callback_data="yes"), InlineKeyboardButton("No", callback_data="no")]]
    )
    await update.message.reply_text(
        "Welcome, <b>choose</b>:", parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer(f"Got {query.data}")
    await query.edit_message_text(f"You chose {query.data}")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(f"echo: {update.message.text}")


def build(api: LocalBotApi) -> App:
    app = (
        Application.builder()
        .token("123:ABC")
        .request(LocalRequest(api))
        .get_updates_request(LocalRequest(api))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(on_button))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, echo))
    return app


@pytest.fixture
def api() -> LocalBotApi:
    return LocalBotApi()


@pytest.fixture
async def app(api: LocalBotApi) -> AsyncIterator[App]:
    application = build(api)
    async with application:
        yield application


# ---- conversation flow ----------------------------------------------------------------------------


async def test_start_replies_with_inline_keyboard(api: LocalBotApi, app: App) -> None:
    update = api.send_text(USER, "/start")
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]

    await process(app, update)

    message = api.last(USER)
    assert message.text == "Welcome, choose:"
    assert message.raw_text == "Welcome, <b>choose</b>:"
    assert message.parse_mode == "HTML"
    assert message.entities == [{"type": "bold", "offset": 9, "length": 6}]
    assert api.buttons(message) == ["Yes", "No"]
    assert app.bot.username == "houvast_bot"


async def test_pressing_a_button_answers_and_edits(api: LocalBotApi, app: App) -> None:
    await process(app, api.send_text(USER, "/start payload"))
    first = api.last(USER)

    update = api.press_button(USER, "No")
    assert update["callback_query"]["message"]["reply_markup"]["inline_keyboard"][0][1]["text"] == "No"
    await process(app, update)

    assert api.callback_answers[0]["text"] == "Got no"
    assert api.messages(USER) == [first]
    assert first.text == "You chose no"
    assert first.edited == 1
    assert first.reply_markup is None  # editing without reply_markup drops the keyboard, like Telegram
    assert [name for name, _ in api.calls if name != "getMe"] == [
        "sendMessage",
        "answerCallbackQuery",
        "editMessageText",
    ]


async def test_press_button_by_index_and_reply_keyboard(api: LocalBotApi, app: App) -> None:
    await process(app, api.send_text(USER, "/start"))
    await process(app, api.press_button(USER, 0))
    assert api.last(USER).text == "You chose yes"

    await app.bot.send_message(USER, "Pick", reply_markup=ReplyKeyboardMarkup([["Red", "Blue"]]))
    assert api.buttons(api.last(USER)) == ["Red", "Blue"]
    await process(app, api.press_button(USER, "Blue"))
    assert api.last(USER).text == "echo: Blue"

    with pytest.raises(AssertionError, match="no button 'Green'"):
        api.press_button(USER, "Green")


async def test_real_polling(api: LocalBotApi) -> None:
    app = build(api)
    async with app:
        await app.updater.start_polling(poll_interval=0)  # type: ignore[union-attr]
        await app.start()
        api.send_text(USER, "one")
        api.send_text(USER + 1, "two")
        await wait_idle(app)
        assert api.last(USER).text == "echo: one"
        assert api.last(USER + 1).text == "echo: two"

        api.send_text(USER, "three")
        await wait_idle(app)
        assert [m.text for m in api.messages(USER)] == ["echo: one", "echo: three"]
        assert api.pending_updates == []
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()


async def test_wait_idle_without_polling_fails_clearly(api: LocalBotApi, app: App) -> None:
    api.send_text(USER, "hello")
    with pytest.raises(AssertionError, match="not polling"):
        await wait_idle(app, timeout=0.2)


async def test_user_media_and_edits_reach_handlers(api: LocalBotApi, app: App) -> None:
    seen: list[str] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        kind = "edited" if update.edited_message else message.effective_attachment.__class__.__name__
        seen.append(kind)

    app.add_handler(MessageHandler(filters.ALL, record), group=1)
    sent = api.send_text(USER, "typo")
    for update in (
        api.send_sticker(USER),
        api.send_photo(USER),
        api.send_voice(USER, duration=7),
        api.send_document(USER, "plan.pdf"),
        api.send_location(USER),
        api.edit_user_message(USER, sent["message"]["message_id"], "fixed"),
    ):
        await process(app, update)
    assert seen == ["Sticker", "tuple", "Voice", "Document", "Location", "edited"]  # photo: tuple of sizes


async def test_group_chat(api: LocalBotApi, app: App) -> None:
    await process(app, api.send_text(USER, "/start@houvast_bot", chat_id=-100123, chat_type="group"))
    assert api.last(-100123).text == "Welcome, choose:"
    assert api.messages(USER) == []


# ---- Telegram's error behaviour ----------------------------------------------------------------------


async def test_message_too_long(api: LocalBotApi, app: App) -> None:
    api.add_user(USER, "Sam")
    await app.bot.send_message(USER, "x" * MessageLimit.MAX_TEXT_LENGTH)
    with pytest.raises(BadRequest, match="Message is too long"):
        await app.bot.send_message(USER, "x" * (MessageLimit.MAX_TEXT_LENGTH + 1))
    # With HTML only the visible text counts.
    await app.bot.send_message(USER, "<b>" + "x" * MessageLimit.MAX_TEXT_LENGTH + "</b>", parse_mode="HTML")


async def test_empty_text_and_unknown_chat(api: LocalBotApi, app: App) -> None:
    api.add_user(USER, "Sam")
    with pytest.raises(BadRequest, match="Message text is empty"):
        await app.bot.send_message(USER, "  ")
    with pytest.raises(BadRequest, match="Chat not found"):
        await app.bot.send_message(999, "hi")


async def test_blocked_user(api: LocalBotApi, app: App) -> None:
    api.add_user(USER, "Sam")
    update = api.block(USER)
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(USER, "hi")
    with pytest.raises(Forbidden):
        await app.bot.send_chat_action(USER, "typing")
    api.unblock(USER)
    await app.bot.send_message(USER, "hi again")


async def test_fail_next_retry_after(api: LocalBotApi, app: App) -> None:
    api.add_user(USER, "Sam")
    api.fail_next("sendMessage", retry_after=5)
    with pytest.raises(RetryAfter) as excinfo:
        await app.bot.send_message(USER, "hi")
    assert excinfo.value.retry_after == 5
    assert api.messages(USER) == []
    await app.bot.send_message(USER, "hi")  # only the next call failed
    assert api.stats["injected"] == 1


async def test_fail_next_network_errors_and_custom(api: LocalBotApi, app: App) -> None:
    api.add_user(USER, "Sam")
    api.fail_next("sendMessage", network_error=True)
    with pytest.raises(NetworkError):
        await app.bot.send_message(USER, "hi")
    api.fail_next("*", timed_out=True)
    with pytest.raises(TimedOut):
        await app.bot.send_chat_action(USER, "typing")
    api.fail_next("sendMessage", status=502, description="Bad Gateway", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await app.bot.send_message(USER, "hi")
    await app.bot.send_message(USER, "hi")


async def test_edit_not_modified(api: LocalBotApi, app: App) -> None:
    await process(app, api.send_text(USER, "/start"))
    message = api.last(USER)
    assert message.reply_markup is not None
    markup = InlineKeyboardMarkup.de_json(message.reply_markup, app.bot)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await app.bot.edit_message_text(
            "Welcome, <b>choose</b>:", USER, message.message_id, reply_markup=markup, parse_mode="HTML"
        )
    # Same visible text but without the bold entity is a modification.
    await app.bot.edit_message_text("Welcome, choose:", USER, message.message_id, reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await app.bot.edit_message_reply_markup(USER, message.message_id, reply_markup=markup)
    await app.bot.edit_message_reply_markup(USER, message.message_id, reply_markup=None)
    assert api.buttons(message) == []


async def test_edit_and_delete_unknown_message(api: LocalBotApi, app: App) -> None:
    api.add_user(USER, "Sam")
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await app.bot.edit_message_text("new", USER, 77)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await app.bot.delete_message(USER, 77)

    sent = await app.bot.send_message(USER, "bye")
    assert await sent.delete()
    assert api.messages(USER) == [] and api.messages(USER, include_deleted=True)[0].deleted
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await sent.delete()


async def test_stale_and_repeated_callback_queries(app: App) -> None:
    now = [100.0]
    api = LocalBotApi(clock=lambda: now[0])
    app = build(api)
    async with app:
        await process(app, api.send_text(USER, "/start"))
        message_id = api.last(USER).message_id

        fresh = api.press(USER, message_id, "yes")["callback_query"]["id"]
        assert await app.bot.answer_callback_query(fresh)
        with pytest.raises(BadRequest, match="Query is too old"):
            await app.bot.answer_callback_query(fresh)  # already answered

        stale = api.press(USER, message_id, "yes")["callback_query"]["id"]
        now[0] += api.callback_query_ttl + 1
        with pytest.raises(BadRequest, match="Query is too old and response timeout expired"):
            await app.bot.answer_callback_query(stale)
        with pytest.raises(BadRequest, match="query id is invalid"):
            await app.bot.answer_callback_query("12345")


async def test_bad_callback_data(api: LocalBotApi, app: App) -> None:
    api.add_user(USER, "Sam")
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])  # 66 bytes
    with pytest.raises(BadRequest, match="Button_data_invalid"):
        await app.bot.send_message(USER, "hi", reply_markup=markup)
    ok = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 32)]])
    await app.bot.send_message(USER, "hi", reply_markup=ok)


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("<p>x</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("é<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("R&D", 'Unescaped "&" at byte offset 1'),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
async def test_bad_html(api: LocalBotApi, app: App, markup: str, reason: str) -> None:
    api.add_user(USER, "Sam")
    with pytest.raises(BadRequest) as excinfo:
        await app.bot.send_message(USER, markup, parse_mode="HTML")
    # PTB turns "Bad Request: can't parse entities: X" into "Can't parse entities: x" (str.capitalize).
    assert excinfo.value.message == f"Can't parse entities: {reason}".capitalize()


def test_parse_html_entities() -> None:
    text, entities = parse_html(
        '&lt;1&gt; &amp; &quot;<a href="https://x.nl/?a=1&amp;b=2">link</a> 😀<tg-spoiler>s</tg-spoiler>'
        '<pre><code class="language-python">p</code></pre><blockquote expandable>q</blockquote>'
    )
    assert text == '<1> & "link 😀spq'
    assert entities == [
        {"type": "text_link", "offset": 7, "length": 4, "url": "https://x.nl/?a=1&b=2"},
        {"type": "spoiler", "offset": 14, "length": 1},  # the emoji counts as two UTF-16 units
        {"type": "pre", "offset": 15, "length": 1, "language": "python"},
        {"type": "expandable_blockquote", "offset": 16, "length": 1},
    ]


async def test_caption_too_long(api: LocalBotApi, app: App) -> None:
    api.add_user(USER, "Sam")
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await app.bot.send_photo(USER, b"jpeg", caption="c" * (MessageLimit.CAPTION_LENGTH + 1))


async def test_files_are_stored_and_downloadable(api: LocalBotApi, app: App) -> None:
    api.add_user(USER, "Sam")
    message = await app.bot.send_document(
        USER, b"%PDF-1.7 plan", filename="plan.pdf", caption="<i>Plan</i>", parse_mode="HTML"
    )
    sent = api.last(USER)
    assert (sent.kind, sent.file_bytes, sent.filename, sent.text) == (
        "document",
        b"%PDF-1.7 plan",
        "plan.pdf",
        "Plan",
    )
    assert message.document is not None and message.document.file_name == "plan.pdf"

    file = await app.bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"%PDF-1.7 plan"

    await app.bot.send_photo(USER, message.document.file_id)  # a known file_id is reused
    assert api.last(USER).file_bytes == b"%PDF-1.7 plan"
    await app.bot.send_voice(USER, "some-file-id-from-elsewhere")
    assert api.last(USER).kind == "voice"

    with pytest.raises(BadRequest, match="File is too big"):
        await app.bot.send_photo(USER, b"x" * (FileSizeLimit.PHOTOSIZE_UPLOAD + 1))

    user_doc = api.send_document(USER, "notes.txt", content=b"hello")["message"]["document"]
    user_file = await app.bot.get_file(user_doc["file_id"])
    assert bytes(await user_file.download_as_bytearray()) == b"hello"


async def test_copy_message(api: LocalBotApi, app: App) -> None:
    api.add_user(7, "Carer")
    photo = api.send_photo(USER, content=b"jpeg!", caption="look")["message"]
    result = await app.bot.copy_message(7, USER, photo["message_id"], caption="From Sam")
    copied = api.last(7)
    assert (copied.message_id, copied.kind, copied.text, copied.file_bytes) == (
        result.message_id,
        "photo",
        "From Sam",
        b"jpeg!",
    )
    with pytest.raises(BadRequest, match="Message to copy not found"):
        await app.bot.copy_message(7, USER, 999)


async def test_flood_limits(api: LocalBotApi) -> None:
    now = [0.0]
    api = LocalBotApi(enforce_flood_limits=True, clock=lambda: now[0])
    app = build(api)
    async with app:
        api.add_user(USER, "Sam")
        await app.bot.send_message(USER, "1")
        await app.bot.send_message(USER, "2")  # a burst of one extra is fine
        with pytest.raises(RetryAfter) as excinfo:
            await app.bot.send_message(USER, "3")
        assert excinfo.value.retry_after == 1
        now[0] += 1.0
        await app.bot.send_message(USER, "3")

        for user in range(100, 130):
            api.add_user(user, "U")
        with pytest.raises(RetryAfter):
            for user in range(100, 130):
                await app.bot.send_message(user, "broadcast")
        assert api.stats["sent"] == 3 + 29
        assert api.stats["rate_limited"] == 2


async def test_a_call_with_a_round_trip_is_counted_when_it_reaches_the_server() -> None:
    """Half-way through its round trip, at a moment fixed when it left: a sender whose loop is busy when the
    call arrives does not move it later (a request on the wire does not wait for its sender)."""
    now = [10.0]
    api = LocalBotApi(enforce_flood_limits=True, clock=lambda: now[0])
    arrived: list[float] = []
    api.listeners.append(lambda event, _message: arrived.append(api.now()) if event == "sent" else None)
    bot = Bot("123:ABC", request=LocalRequest(api, latency=0.02), get_updates_request=LocalRequest(api))
    async with bot:
        api.add_user(USER, "Sam")
        first = asyncio.create_task(bot.send_message(USER, "1"))
        await asyncio.sleep(0)  # it has left at 10.0
        now[0] = 10.9  # the server's clock runs on while it is on its way
        await first
        assert arrived == [pytest.approx(10.01)]
        await bot.send_message(USER, "2")  # leaves at 10.9: within a second of the first, a burst of one
        with pytest.raises(RetryAfter):
            await bot.send_message(USER, "3")  # a third within that second: counted at arrival, too many
        now[0] = 11.2  # a second after the first arrived: room again
        await bot.send_message(USER, "3")
    assert api.now() == 11.2 and api.stats["rate_limited"] == 1


async def test_bot_settings_and_misc_methods(api: LocalBotApi, app: App) -> None:
    api.add_user(USER, "Sam", username="sam")
    assert await app.bot.set_my_commands([("start", "Begin")])
    assert [c.command for c in await app.bot.get_my_commands()] == ["start"]
    assert await app.bot.delete_my_commands()
    assert await app.bot.get_my_commands() == ()
    assert await app.bot.set_chat_menu_button(USER)
    chat = await app.bot.get_chat("@sam")
    assert (chat.id, chat.type, chat.first_name) == (USER, "private", "Sam")
    assert (await app.bot.get_webhook_info()).url == ""
    assert await app.bot.send_chat_action(USER, "typing")
    with pytest.raises(EndPointNotFound):
        await app.bot.do_api_request("noSuchMethod")
