"""The README's table "which file answers a button or a command" is true to the code: every callback prefix,
main-menu button and command that bot/app.py registers has a row naming exactly the files whose handlers
answer it, and no row names a prefix or command that nothing answers."""
import re
from collections import defaultdict
from pathlib import Path

from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.app import handlers
from conversations.keyboards import MENUS

README = Path(__file__).resolve().parents[1] / "README.md"
ROW = re.compile(r"^\| `([^`]+)` \|(.*)\|\s*$")


def _walk(handler):
    if isinstance(handler, ConversationHandler):
        for inner in [*handler.entry_points, *[h for hs in handler.states.values() for h in hs]]:
            yield from _walk(inner)
    else:
        yield handler


def _file(callback) -> str:
    """The file of the flow's own function, also behind @handler and common.text_answer."""
    while hasattr(callback, "__wrapped__"):
        callback = callback.__wrapped__
    for cell in getattr(callback, "__closure__", None) or ():
        inner = cell.cell_contents
        if callable(inner) and getattr(inner, "__module__", "").startswith("conversations."):
            return _file(inner)
    return callback.__module__.replace(".", "/") + ".py"


def routes() -> dict[str, set[str]]:
    every = [inner for _, handler in handlers() for inner in _walk(handler)]
    buttons = [h for h in every if isinstance(h, CallbackQueryHandler) and h.pattern is not None]
    menu = {f"menu:{action}" for actions in MENUS.values() for action, _ in actions}
    menu |= {f"menu:{action}" for h in buttons for action in re.findall(r"menu:([a-z_]+)", h.pattern.pattern)}
    found: dict[str, set[str]] = defaultdict(set)
    for h in every:
        if isinstance(h, CommandHandler):
            for command in h.commands:
                found[f"/{command}"].add(_file(h.callback))
    for h in buttons:
        for data in menu:
            if h.pattern.match(data):
                found[data].add(_file(h.callback))
        for group, prefix in re.findall(r"(?:(?<=\^)|(?<=\()|(?<=\|))(?:\(([a-z_|]+)\)|([a-z_]+)):", h.pattern.pattern):
            for one in group.split("|") if group else [prefix]:
                if one != "menu":
                    found[f"{one}:"].add(_file(h.callback))
    return dict(found)


def readme_rows() -> dict[str, set[str]]:
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        if (match := ROW.match(line)) and re.fullmatch(r"/\w+|[a-z_]+:(?:[a-z_]+)?", match.group(1)):
            rows[match.group(1)] = set(re.findall(r"conversations/[\w/]+\.py", match.group(2)))
    return rows


def test_every_button_and_command_has_its_files_in_the_readme():
    documented = readme_rows()
    for key, files in routes().items():
        assert documented.get(key) == files, f"README row for {key}: expected {sorted(files)}"


def test_the_readme_names_no_button_or_command_that_nothing_answers():
    assert set(readme_rows()) <= set(routes())


def test_a_goal_check_in_answer_is_two_hops_from_the_readme():
    assert readme_rows()["gchk:"] == {"conversations/goals/checkin_answer.py"}
