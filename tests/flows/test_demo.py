"""The terminal chat of `houvast demo`, driven line by line as a person would type."""
import io

from rich.console import Console

from bot.local.terminal import Terminal


async def test_the_demo_people_chat_and_switch(settings):
    out = io.StringIO()
    terminal = Terminal(settings, Console(file=out, width=200))
    await terminal.start()
    try:
        assert await terminal.handle("/menu")
        assert "Wat wil je doen?" in out.getvalue() and "[1]" in out.getvalue()
        await terminal.handle(":wie anna")
        assert "Nieuwe cliënt uitnodigen" in out.getvalue()  # Anna's menu is shown at once
        await terminal.handle("3")  # invite a new client: a QR photo is saved, the link is shown
        assert "photo saved:" in out.getvalue()
        code = out.getvalue().split("start=")[1].split()[0]
        await terminal.handle(":nieuw Kim")
        await terminal.handle(f"/start {code}")
        await terminal.handle("1")  # Verder
        await terminal.handle("Kim")
        await terminal.handle("5")  # Geen vaste tijd
        assert "Klaar, Kim" in out.getvalue()
        assert "Anna is nu je begeleider" in out.getvalue()
        before = terminal.clock.now()
        await terminal.handle(":tijd +3d")
        assert (terminal.clock.now() - before).days == 3
        await terminal.handle(":sticker")
        assert "begrijp ik niet" in out.getvalue()
        assert not await terminal.handle(":stop")
    finally:
        await terminal.stop()
    assert list((settings.demo_files_dir).glob("*.png"))
