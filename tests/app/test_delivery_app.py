"""`e` in the app: the minutes written as Markdown and HTML side by side; when the user config
says where, the facilitator is asked whether to send them, and the sending (to a real SMTP
server and a real webhook on loopback) runs while the meeting goes on, then says how it went."""

import pytest

from tests.app.helpers import dialog_text, make_app, notified, run, until
from tests.servers import PASSWORD, USER, free_port, http_server, smtp_server
from tui.screens.confirm import ConfirmScreen

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def write_config(tmp_path, monkeypatch, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    monkeypatch.setenv("CADENCE_CONFIG", str(path))
    monkeypatch.setenv("SMTP_PASSWORD", PASSWORD)


def smtp_table(port: int) -> str:
    return (f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nstarttls = false\nuser = "{USER}"\n'
            'password = "${SMTP_PASSWORD}"\nfrom = "cadence@example.org"\n')


async def test_export_asks_and_sends_by_mail_and_chat(meeting_db, tmp_path, monkeypatch):
    with smtp_server(login=True) as (port, received), http_server() as (http, hook):
        write_config(tmp_path, monkeypatch, smtp_table(port) + (
            f"[webhooks.leads]\nurl = 'http://127.0.0.1:{http}/'\nformat = 'mattermost'\n"
            "[delivery]\nmail_to = ['leads@example.org']\npost_to = ['leads']\n"))
        app = make_app(meeting_db)
        async with run(app) as pilot:
            await pilot.press("e")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            assert "Send the minutes?" in dialog_text(app)
            assert "leads@example.org, chat leads" in dialog_text(app)
            written = sorted(p.name for p in (meeting_db.parent / "minutes").iterdir())
            assert [name.split(".")[-1] for name in written] == ["html", "md"]
            assert written[0].removesuffix(".html") == written[1].removesuffix(".md")
            await pilot.press("y")
            await until(pilot, lambda: "posted to leads" in notified(app), timeout=20)
            assert "Minutes mailed to leads@example.org" in notified(app)
            await pilot.press("2")                                   # the meeting goes on
            assert app.screen.stage == 2
    [(recipients, mail)] = received.mails
    assert recipients == ["leads@example.org"] and mail.get_content_type() == \
        "multipart/alternative"
    assert len(hook.posts) == 1


async def test_not_now_sends_nothing_and_a_failure_is_one_line(meeting_db, tmp_path,
                                                               monkeypatch):
    with smtp_server(login=True) as (_, received):
        write_config(tmp_path, monkeypatch, smtp_table(free_port()) +
                     "[delivery]\nmail_to = ['leads@example.org']\n")
        app = make_app(meeting_db)
        async with run(app) as pilot:
            await pilot.press("e")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("n")
            await pilot.pause(0.2)
            assert "Sending" not in notified(app)
            await pilot.press("e")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("y")
            await until(pilot, lambda: "Minutes not sent" in notified(app), timeout=20)
            assert "cannot reach it" in notified(app)
            assert app.screen.id == "meeting"
    assert received.mails == []


async def test_without_delivery_configured_export_asks_nothing(meeting_db, tmp_path,
                                                               monkeypatch):
    monkeypatch.setenv("CADENCE_CONFIG", str(tmp_path / "none.toml"))
    app = make_app(meeting_db)
    async with run(app) as pilot:
        await pilot.press("e")
        await pilot.pause(0.3)
        assert app.screen.id == "meeting" and "Minutes written to" in notified(app)
