"""Talking to the real Application as a user would, through the local Bot API.

Updates go through `Application.process_update` (handlers, persistence, error handler) and every reply
goes through python-telegram-bot's real Bot and request layer into the local Bot API.
"""
from __future__ import annotations

from telegram.ext import Application

from bot.app import build_application, stop_application
from bot.clock import FakeClock
from bot.config import Settings
from bot.local.botapi import LocalBotApi, LocalRequest, SentMessage


class Harness:
    def __init__(self, settings: Settings, clock: FakeClock, api: LocalBotApi) -> None:
        self.settings, self.clock, self.api = settings, clock, api
        self.app: Application | None = None

    async def start(self) -> Application:
        self.app = build_application(
            self.settings, request=LocalRequest(self.api), updates_request=LocalRequest(self.api),
            clock=self.clock, rate_limiter=False,
        )
        await self.app.initialize()
        await self.app.start()
        return self.app

    async def stop(self) -> None:
        if self.app is not None:
            await stop_application(self.app)  # flushes persistence, like a clean restart
            self.app = None

    async def restart(self) -> Application:
        await self.stop()
        return await self.start()

    @property
    def services(self):
        assert self.app is not None
        return self.app.bot_data["services"]

    def chat(self, user_id: int, first_name: str) -> Chat:
        self.api.add_user(user_id, first_name)
        return Chat(self, user_id)


class Chat:
    def __init__(self, harness: Harness, user_id: int) -> None:
        self.harness, self.user_id = harness, user_id

    @property
    def api(self) -> LocalBotApi:
        return self.harness.api

    def messages(self) -> list[SentMessage]:
        return self.api.messages(self.user_id)

    def last(self) -> SentMessage:
        return self.api.last(self.user_id)

    def texts(self) -> list[str]:
        return [m.text or "" for m in self.messages()]

    async def _feed(self, update: dict) -> list[SentMessage]:
        before = len(self.messages())
        await self.api.process(self.harness.app, update)
        return self.messages()[before:]

    async def send(self, text: str) -> list[SentMessage]:
        return await self._feed(self.api.send_text(self.user_id, text))

    async def send_kind(self, kind: str) -> list[SentMessage]:
        maker = {
            "sticker": self.api.send_sticker,
            "photo": self.api.send_photo,
            "voice": self.api.send_voice,
            "location": self.api.send_location,
        }[kind]
        return await self._feed(maker(self.user_id))

    async def press(self, label: str) -> list[SentMessage]:
        """Press the button with this label (or containing it) on the newest message that has it."""
        for message in reversed(self.messages()):
            for row in (message.reply_markup or {}).get("inline_keyboard", []):
                for button in row:
                    if label == button["text"] or label in button["text"]:
                        return await self.press_data(message.message_id, button["callback_data"])
        raise AssertionError(f"no button {label!r}; last message: {self.last().text!r} {self.api.buttons(self.last())}")

    async def press_data(self, message_id: int, data: str) -> list[SentMessage]:
        return await self._feed(self.api.press(self.user_id, message_id, data))

    def buttons(self) -> list[str]:
        return self.api.buttons(self.last())
