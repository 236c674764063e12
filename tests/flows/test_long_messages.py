"""A reply over Telegram's 4096 characters goes out in parts, with the buttons on the last part."""
from telegram import Update
from telegram.ext import CallbackContext

from conversations import common, keyboards


async def test_a_long_reply_is_split_and_keeps_its_buttons(harness, api):
    api.add_user(501, "Sam")
    update = Update.de_json(api.send_text(501, "hoi"), harness.app.bot)
    context = CallbackContext.from_update(update, harness.app)
    text = "\n".join(f"regel {i}: " + "x" * 90 for i in range(100))  # about 10,000 characters
    await common.say(update, context, text, keyboards.menu_button(common.tr(context)))
    parts = api.messages(501)
    assert len(parts) == 3 and all(len(p.text) <= 4096 for p in parts)
    assert "\n".join(p.text for p in parts) == text
    assert parts[-1].reply_markup is not None and all(p.reply_markup is None for p in parts[:-1])
