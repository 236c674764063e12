"""The renderer registry (bot/outbox/notices.py): a message about a client who is gone is withdrawn before its
renderer is asked; other kinds are asked as they are."""
from bot.outbox import notices
from bot.outbox.notices import Rendered, render, renders


async def test_a_message_about_a_client_who_is_gone_is_withdrawn_without_asking_its_renderer(svc):
    asked: list[object] = []

    @renders("test_about_client", about_a_client=True)
    async def about_client(svc, session, recipient, about, ref):
        asked.append(about)
        return Rendered("about " + about.name)

    @renders("test_no_client")
    async def no_client(svc, session, recipient, about, ref):
        asked.append(about)
        return Rendered("a note")

    try:
        async with svc.unit() as session:
            assert await render(svc, session, "test_about_client", None, None, {}) is None
            assert asked == []
            assert (await render(svc, session, "test_no_client", None, None, {})).text == "a note"
            assert asked == [None]
    finally:
        for kind in ("test_about_client", "test_no_client"):
            notices._RENDERERS.pop(kind, None)
            notices._ABOUT_A_CLIENT.discard(kind)


def test_every_kind_that_says_something_about_its_client_is_marked():
    assert {"consent", "contact_request", "unreachable"} <= notices._ABOUT_A_CLIENT


def test_every_renderer_in_the_code_is_registered_by_the_one_list():
    """A module that starts to write a kind at send time must be imported by conversations/notices/__init__.py,
    or a worker process (which imports only that list) could not send it. Every `@renders("...")` in the code is
    found there."""
    import re
    import subprocess
    import sys
    from pathlib import Path

    import bot

    root = Path(bot.__file__).parent.parent
    written = {kind for package in ("bot", "conversations") for path in (root / package).rglob("*.py")
               if path.name != "notices.py"
               for kind in re.findall(r'@renders\("(\w+)"', path.read_text(encoding="utf-8"))}
    # In a fresh process: here the other tests have imported every service already.
    listed = subprocess.run(
        [sys.executable, "-c", "import conversations.notices\nfrom bot.outbox import notices\n"
         "print(' '.join(sorted(notices.kinds())))"],
        capture_output=True, text=True, check=True, cwd=root,
    ).stdout.split()
    assert written and written <= set(listed), written - set(listed)
    # Every kind a service queues (outbox.refer, a batch's Reference, the peers' _refer) has its renderer there.
    queued = set()
    for path in (root / "bot").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        queued |= set(re.findall(r'\brefer\((?:[^()]|\([^()]*\))*?kind="(\w+)"', text, re.S))
        queued |= set(re.findall(r'outbox\.Reference\((?:[^()]|\([^()]*\))*?,\s*[\w.]+,\s*"(\w+)"', text, re.S))
        queued |= set(re.findall(r'core\._refer\(session, svc, \w+, [^,]+, "(\w+)"', text))
    assert {"checkin", "goal_checkin", "peer", "peer_started", "alert"} <= queued  # the patterns still find them
    assert queued <= set(listed), queued - set(listed)
