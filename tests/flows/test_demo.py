"""The terminal chat of `houvast demo`, driven line by line as a person would type."""
import io

from rich.console import Console

from bot.local.terminal import Terminal


def number_of(terminal, label):
    """The number the terminal shows for this button on the current person's newest message."""
    return str(terminal.api.buttons(terminal.api.last(terminal.user_id)).index(label) + 1)


async def test_the_demo_people_chat_and_switch(settings):
    out = io.StringIO()
    terminal = Terminal(settings, Console(file=out, width=200))
    await terminal.start()
    try:
        assert await terminal.handle("/menu")
        assert "Wat wil je doen?" in out.getvalue() and "[1]" in out.getvalue()
        await terminal.handle(":wie anna")
        assert "Nieuwe cliënt uitnodigen" in out.getvalue()  # Anna's menu is shown at once
        await terminal.handle(number_of(terminal, "➕ Nieuwe cliënt uitnodigen"))  # a QR photo is saved, the link shown
        assert "photo saved:" in out.getvalue()
        code = out.getvalue().split("start=")[1].split()[0]
        await terminal.handle(":nieuw Kim")
        await terminal.handle(f"/start {code}")
        await terminal.handle(number_of(terminal, "Verder ➡️"))
        await terminal.handle("Kim")
        await terminal.handle(number_of(terminal, "Geen vaste tijd"))
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


async def test_the_demo_presses_a_button_of_an_earlier_message(settings):
    out = io.StringIO()
    terminal = Terminal(settings, Console(file=out, width=200))
    await terminal.start()
    try:
        await terminal.handle("/menu")  # the menu, with buttons
        await terminal.handle("/doelen")  # below it: the goal list, with buttons
        assert "1.3 is the newest" in (await _help(terminal, out))
        menu = terminal.api.buttons([m for m in terminal.api.messages(terminal.user_id) if m.reply_markup][-2])
        number = menu.index("🎯 Mijn doelen") + 1
        before = len(terminal.api.messages(terminal.user_id))
        await terminal.handle(f"2.{number}")  # a button of the menu, not of the newest message
        assert "🎯 Mijn doelen" in terminal.api.messages(terminal.user_id)[before].text
        await terminal.handle("9.1")
        assert "messages with buttons" in out.getvalue()
    finally:
        await terminal.stop()


async def _help(terminal, out):
    await terminal.handle(":help")
    return out.getvalue()


async def test_the_demo_shows_each_part_of_the_safety_plan(settings):
    """README's "Things to try" for Mijn veiligheidsplan, as typed in the terminal."""
    out = io.StringIO()
    terminal = Terminal(settings, Console(file=out, width=200))
    await terminal.start()
    try:
        await terminal.handle("/menu")
        await terminal.handle(number_of(terminal, "🛟 Mijn veiligheidsplan"))
        await terminal.handle(number_of(terminal, "🧭 Plan bij gedachten aan zelfmoord"))
        await terminal.handle(number_of(terminal, "✍️ Invullen"))
        await terminal.handle(number_of(terminal, "➕ Ik voel me leeg"))
        for _ in range(7):
            labels = terminal.api.buttons(terminal.api.last(terminal.user_id))
            await terminal.handle(number_of(terminal, next(b for b in labels if b in ("⏭ Overslaan", "Verder ➡️"))))
        await terminal.handle(number_of(terminal, "📄 PDF om te printen"))
        assert "document saved:" in out.getvalue()
        await terminal.handle("/hoop")
        await terminal.handle(number_of(terminal, "➕ Iets toevoegen"))
        await terminal.handle(":foto")
        await terminal.handle("Morgen komt de zon weer op")
        assert "Bewaard" in out.getvalue()
        await terminal.handle("/veiligheidsplan")
        await terminal.handle(number_of(terminal, "📣 Noodbericht"))
        await terminal.handle(number_of(terminal, "➕ Iemand toevoegen"))
        await terminal.handle(":contact Fatima 0611112222")
        assert "Toegevoegd: Fatima" in out.getvalue()
        await terminal.handle(number_of(terminal, "📣 Noodbericht sturen"))
        assert "Fatima: stuur het zelf" in out.getvalue()
        await terminal.handle("/wis")
        assert "messages deleted from this chat" in out.getvalue()
    finally:
        await terminal.stop()


async def test_the_demo_makes_a_thuisplan_and_shows_it_after_words_about_danger_at_home(settings):
    """README's "Things to try" for the thuisplan, as typed in the terminal."""
    out = io.StringIO()
    terminal = Terminal(settings, Console(file=out, width=200))
    await terminal.start()
    try:
        await terminal.handle("/veiligheidsplan")
        await terminal.handle(number_of(terminal, "🏡 Thuisplan"))
        await terminal.handle(number_of(terminal, "✍️ Invullen"))
        await terminal.handle(number_of(terminal, "⏭ Overslaan"))
        await terminal.handle(number_of(terminal, "⏭ Overslaan"))
        await terminal.handle("paraplu")  # the code word
        await terminal.handle(number_of(terminal, "⏭ Overslaan"))
        await terminal.handle(number_of(terminal, "➕ Sleutels"))
        await terminal.handle(number_of(terminal, "Verder ➡️"))
        await terminal.handle(number_of(terminal, "⏭ Overslaan"))
        assert "📨 Stuur je codewoord" in terminal.api.buttons(terminal.api.last(terminal.user_id))
        await terminal.handle("mijn man slaat me")
        assert "Je codewoord: paraplu" in out.getvalue() and "☐ Sleutels" in out.getvalue()
        assert "0800-2000" in out.getvalue()
    finally:
        await terminal.stop()
