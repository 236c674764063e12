"""The bot as it runs for real: the Updater long-polls getUpdates on the local Bot API."""
from telegram import Update


async def test_houvast_answers_through_long_polling(harness, api):
    app = harness.app
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES)
    try:
        api.add_user(601, "Noor")
        api.send_text(601, "/start")
        api.send_text(601, "/help")  # not onboarded yet: pointed back to /start
        await api.wait_idle(app)
    finally:
        await app.updater.stop()
    texts = [m.text for m in api.messages(601)]
    assert "Welkom bij Houvast" in texts[0]
    assert "/start" in texts[1]
