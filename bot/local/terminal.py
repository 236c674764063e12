"""`houvast demo`: chat with the real bot in this terminal, through the local Bot API.

The frame around the chat (prompts, `:` commands) is operator tooling and stays English; everything the
bot says comes from its catalogs as it would on Telegram.
"""
from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from bot.app import build_application, stop_application
from bot.clock import ShiftedClock
from bot.config import Settings
from bot.local.botapi import LocalBotApi, LocalRequest, SentMessage
from bot.local.demo_seed import DEMO_PEOPLE, seed_demo
from bot.scheduler import schedule_tick, tick
from bot.startup import claim_database, database_name

HELP = """[bold]Type as the person in the prompt.[/bold] A number presses that button of the newest message.
  2.3                        button 3 of the second-newest message with buttons (1.3 is the newest)
  :wie sam|anna|bram|joost|ada  talk as another demo person        :nieuw Kim   a brand-new Telegram user
  :tijd +3d / +2h / +30m     move the clock ahead and run the scheduler now
  :sticker  :foto  :spraak   send a sticker, photo or voice message
  :contact Anna 0612345678   share a contact from the address book
  :help                      this help                         :stop        quit"""
SHIFT = re.compile(r"^\+?(\d+)\s*([dhm])$")
EARLIER = re.compile(r"^(\d{1,2})\.(\d{1,2})$")  # "2.3": message 2 (counted back), button 3


class Terminal:
    def __init__(self, settings: Settings, console: Console | None = None) -> None:
        self.settings = settings
        self.console = console or Console(highlight=False)
        self.clock = ShiftedClock()
        self.api = LocalBotApi(bot_username=settings.bot_username)
        self.app = build_application(settings, request=LocalRequest(self.api), clock=self.clock)
        self.people = {demo.key: (demo.telegram_id, demo.name) for demo in DEMO_PEOPLE}
        self.current = "sam"
        self.next_new_id = 2001
        self.files_dir = settings.demo_files_dir
        self.api.listeners.append(self._show)

    @property
    def user_id(self) -> int:
        return self.people[self.current][0]

    def _name_of(self, chat_id: int) -> str:
        return next((name for uid, name in self.people.values() if uid == chat_id), str(chat_id))

    def _show(self, event: str, message: SentMessage) -> None:
        if event == "deleted":
            return  # counted and said once per update (`_send`)
        mine = message.chat_id == self.user_id
        header = "🤖 Houvast" if mine else f"📨 to {self._name_of(message.chat_id)}"
        if event == "edited":
            header += " (edited)"
        self.console.print(f"[bold cyan]{escape(header)}[/bold cyan]")
        if message.file_bytes is not None:
            path = self._save(message)
            self.console.print(f"  [green]{message.kind} saved: {escape(str(path))}[/green]")
        if message.text:
            for line in message.text.splitlines():
                self.console.print("  " + escape(line))
        for index, label in enumerate(self.api.buttons(message), start=1):
            self.console.print(f"  [yellow][{index}][/yellow] {escape(label)}")

    def _save(self, message: SentMessage) -> Path:
        self.files_dir.mkdir(parents=True, exist_ok=True)
        suffix = Path(message.filename or "").suffix or (".jpg" if message.kind == "photo" else ".bin")
        if message.file_bytes and message.file_bytes.startswith(b"\x89PNG"):
            suffix = ".png"
        path = self.files_dir / f"{message.chat_id}-{message.message_id}{suffix}"
        path.write_bytes(message.file_bytes or b"")
        return path.resolve()

    async def _send(self, update: dict) -> None:
        deleted = self.api.stats["deleted"]
        await self.api.process(self.app, update)
        if self.api.stats["deleted"] > deleted:  # "Wis dit gesprek": one line, not one per message
            self.console.print(f"[magenta]🧹 {self.api.stats['deleted'] - deleted} messages deleted from this chat "
                               "(yours and the bot's).[/magenta]")

    async def press_earlier(self, back: int, number: int) -> None:
        """Button `number` of the `back`-th newest message with buttons (1 is the newest), e.g. the stall
        choices after a check-in prompt came in below them."""
        with_buttons = [m for m in reversed(self.api.messages(self.user_id))
                        if "inline_keyboard" in (m.reply_markup or {})]
        if not 1 <= back <= len(with_buttons):
            self.console.print(f"[magenta]There are {len(with_buttons)} messages with buttons.[/magenta]")
            return
        message = with_buttons[back - 1]
        buttons = [b for row in message.reply_markup["inline_keyboard"] for b in row]
        if not 1 <= number <= len(buttons):
            self.console.print(f"[magenta]That message has {len(buttons)} buttons.[/magenta]")
            return
        await self._send(self.api.press(self.user_id, message.message_id, buttons[number - 1]["callback_data"]))

    async def press(self, number: int) -> None:
        for message in reversed(self.api.messages(self.user_id)):
            markup = message.reply_markup or {}
            if "inline_keyboard" in markup:
                buttons = [b for row in markup["inline_keyboard"] for b in row]
                if not 1 <= number <= len(buttons):
                    break
                await self._send(self.api.press(self.user_id, message.message_id, buttons[number - 1]["callback_data"]))
                return
            if "keyboard" in markup:
                buttons = [b for row in markup["keyboard"] for b in row]
                if 1 <= number <= len(buttons):
                    label = buttons[number - 1]
                    await self._send(
                        self.api.send_text(self.user_id, label if isinstance(label, str) else label["text"])
                    )
                    return
                break
        # No buttons with that number: send it as text, like typing "2" on a phone.
        await self._send(self.api.send_text(self.user_id, str(number)))

    async def command(self, line: str) -> bool:
        """A `:` command of the demo; False means quit."""
        word, _, rest = line[1:].partition(" ")
        rest = rest.strip()
        if word in ("stop", "quit", "exit"):
            return False
        if word == "help":
            self.console.print(HELP)
        elif word == "wie":
            if rest.lower() in self.people:
                self.current = rest.lower()
                self.console.print(f"[magenta]Now talking as {self.people[self.current][1]}.[/magenta]")
                if not self.api.messages(self.user_id):
                    await self._send(self.api.send_text(self.user_id, "/menu"))  # something to press right away
            else:
                self.console.print(f"Who? One of: {', '.join(self.people)}")
        elif word == "nieuw":
            name = rest or f"Nieuw{self.next_new_id}"
            key = name.lower()
            self.people[key] = (self.next_new_id, name)
            self.api.add_user(self.next_new_id, name)
            self.next_new_id += 1
            self.current = key
            self.console.print(f"[magenta]{name} is a new Telegram user. Type /start, or /start <code>.[/magenta]")
        elif word == "tijd":
            match = SHIFT.match(rest)
            if not match:
                self.console.print("Use :tijd +3d, +2h or +30m")
            else:
                amount, unit = int(match.group(1)), match.group(2)
                self.clock.advance(timedelta(**{{"d": "days", "h": "hours", "m": "minutes"}[unit]: amount}))
                self.console.print(
                    f"[magenta]Clock is now {self.clock.now():%Y-%m-%d %H:%M} UTC. Running the scheduler.[/magenta]"
                )
                await tick(self.app.bot_data["services"], self.app)
        elif word == "contact":
            name, _, number = rest.rpartition(" ")
            if not name or not number:
                self.console.print("Use :contact Anna 0612345678")
            else:
                await self._send(self.api.send_contact(self.user_id, number, name))
        elif word in ("sticker", "foto", "spraak"):
            maker = {"sticker": self.api.send_sticker, "foto": self.api.send_photo, "spraak": self.api.send_voice}[word]
            await self._send(maker(self.user_id))
        else:
            self.console.print("Unknown command. Type :help")
        return True

    async def handle(self, line: str) -> bool:
        line = line.strip()
        if not line:
            return True
        if line.startswith(":"):
            return await self.command(line)
        if line.isdigit() and len(line) <= 2:
            await self.press(int(line))
        elif earlier := EARLIER.match(line):
            await self.press_earlier(int(earlier.group(1)), int(earlier.group(2)))
        else:
            await self._send(self.api.send_text(self.user_id, line))
        return True

    async def start(self) -> None:
        svc = self.app.bot_data["services"]
        # The demo never seeds into a database with real people (bot/startup.py); it raises StartupError then.
        await claim_database(svc.sessions, "demo", self.settings.database_url)
        await self.app.initialize()
        # As run_polling does: the command list, and the crisis detector warming up once the application runs,
        # so the first message does not wait a second for it.
        await self.app.post_init(self.app)
        await seed_demo(svc)
        for uid, name in self.people.values():
            self.api.add_user(uid, name)
        schedule_tick(self.app)
        await self.app.start()

    async def stop(self) -> None:
        await stop_application(self.app)


async def run_terminal(settings: Settings) -> None:
    terminal = Terminal(settings)
    await terminal.start()
    console = terminal.console
    console.print(f"[bold]Houvast demo[/bold] on {escape(database_name(settings.database_url))}")
    console.print(HELP)
    try:
        while True:
            prompt = f"{terminal.people[terminal.current][1]}> "
            try:
                line = await asyncio.to_thread(input, prompt)
            except EOFError:
                break
            if not await terminal.handle(line):
                break
    finally:
        await terminal.stop()
