"""`cadence minutes --mail-to / --post-to`: a real SMTP server on loopback receives the mail
(both parts checked), a real HTTP server on loopback receives each chat's webhook; each
failure is one line, exit 1, and the minutes file is written all the same; hostile store
text adds no header, recipient, mention, link or formatting."""

import json
from email.message import EmailMessage
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from core import display
from tests.helpers import run_cli, write_demo
from tests.hostile import HOSTILE, make_hostile
from tests.servers import PASSWORD, USER, certificate, free_port, http_server, smtp_server


def config(tmp_path: Path, text: str) -> dict[str, str]:
    """The user config holding `text`, and the environment that names it (and its secret)."""
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return {"CADENCE_CONFIG": str(path), "SMTP_PASSWORD": PASSWORD}


def smtp_config(listening: int, **fields: str) -> str:
    found = {"host": '"127.0.0.1"', "port": str(listening), "starttls": "false",
             "user": f'"{USER}"', "password": '"${SMTP_PASSWORD}"',
             "from": '"Cadence <cadence@example.org>"', **fields}
    return "[smtp]\n" + "".join(f"{k} = {v}\n" for k, v in found.items())


def mail_minutes(db: Path, tmp_path: Path, env: dict, *args: str):
    out = tmp_path / "minutes.md"
    result = run_cli("minutes", "--meeting", "m1", "-o", str(out), "--force", *args, db=db,
                     env=env)
    return result, out


# The test server asks a login without TLS (loopback; TLS has its own test).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


def parts(mail: EmailMessage) -> dict[str, str]:
    """Each part's text, line ends as written (SMTP carries them as CRLF)."""
    return {part.get_content_type(): part.get_content().replace("\r\n", "\n")
            for part in mail.iter_parts()}


def one_error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("cadence: error:")]
    assert result.returncode == 1 and len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return errors[0]


def test_the_mail_reaches_the_smtp_server_with_both_parts(db, tmp_path):
    write_demo(db)
    with smtp_server(login=True) as (port, received):
        env = config(tmp_path, smtp_config(port))
        result, out = mail_minutes(db, tmp_path, env, "--mail-to", "a@example.org",
                                   "b@example.org")
    assert result.returncode == 0, result.stderr
    assert "Minutes of m1 mailed to a@example.org, b@example.org" in result.stderr
    [(recipients, mail)] = received.mails
    assert recipients == ["a@example.org", "b@example.org"]
    assert mail["Subject"] == "Minutes: Operating review 2026-11-15 (2026-11-15)"
    assert mail["From"] == "Cadence <cadence@example.org>"
    assert mail.get_content_type() == "multipart/alternative"
    found = parts(mail)
    assert found["text/plain"] == out.read_text()                   # the Markdown minutes
    page = run_cli("minutes", "--meeting", "m1", "--format", "html", db=db).stdout
    assert found["text/html"] == page


def test_starttls_with_a_login(db, tmp_path):
    """The server takes nothing before STARTTLS; its certificate is trusted through
    SSL_CERT_FILE, as an internal CA is."""
    write_demo(db)
    made = certificate(tmp_path)
    if made is None:
        pytest.skip("no openssl to make the test's certificate")
    with smtp_server(login=True, tls=made) as (port, received):
        env = {**config(tmp_path, smtp_config(port, starttls="true")),
               "SSL_CERT_FILE": str(made[0])}
        result, _ = mail_minutes(db, tmp_path, env, "--mail-to", "a@example.org")
        untrusted = mail_minutes(db, tmp_path, {**env, "SSL_CERT_FILE": "/dev/null"},
                                 "--mail-to", "a@example.org")[0]
    assert result.returncode == 0, result.stderr
    assert len(received.mails) == 1
    assert "TLS failed" in one_error_line(untrusted)


@pytest.mark.parametrize("case", ["refused", "login", "port", "no file", "unset secret",
                                  "clear password", "no smtp", "http 500", "http refused",
                                  "no webhook", "bad format", "file url"])
def test_each_failure_is_one_line_and_the_minutes_are_written(db, tmp_path, case):
    write_demo(db)
    closed = free_port()
    with smtp_server(login=True) as (port, _), http_server() as (http, hook):
        hook.status = 500
        text = {
            "refused": smtp_config(closed),
            "login": smtp_config(port, password='"wrong"'),
            "port": smtp_config(port, port='"smtp"'),
            "unset secret": smtp_config(port, password='"${NOT_SET_HERE}"'),
            "clear password": smtp_config(25, host='"smtp.example.org"'),
            "no smtp": "[webhooks.x]\nurl = 'http://127.0.0.1:1/'\n",
            "http 500": f"[webhooks.leads]\nurl = 'http://127.0.0.1:{http}/hook'\n",
            "http refused": f"[webhooks.leads]\nurl = 'http://127.0.0.1:{closed}/hook'\n",
            "no webhook": smtp_config(port),
            "bad format": "[webhooks.leads]\nurl = 'https://x.example/'\nformat = 'irc'\n",
            "file url": "[webhooks.leads]\nurl = '${HOOK}'\n",
        }.get(case, "")
        env = config(tmp_path, text)
        if case == "no file":
            env["CADENCE_CONFIG"] = str(tmp_path / "missing.toml")
        env["HOOK"] = "file:///etc/passwd"
        posting = case in ("http 500", "http refused", "no webhook", "bad format", "file url")
        args = ("--post-to", "leads") if posting else ("--mail-to", "a@example.org")
        result, out = mail_minutes(db, tmp_path, env, *args)
    line = one_error_line(result)
    assert out.read_text().startswith("# Operating review")           # written all the same
    expected = {
        "refused": f"127.0.0.1:{closed}: cannot reach it", "login": "refused the login",
        "port": "[smtp] port must be a port number", "no file": "no user config",
        "unset secret": "needs ${NOT_SET_HERE}, which is not set",
        "clear password": "would send the password in the clear",
        "no smtp": "no [smtp] table", "http 500": "answered HTTP 500",
        "http refused": "cannot be reached", "no webhook": "no webhook [webhooks.leads]",
        "bad format": "format must be slack or teams or mattermost",
        "file url": "url must be an http or https url"}[case]
    assert expected in line, line
    assert PASSWORD not in result.stderr and "/hook" not in result.stderr     # no secret shown


def test_a_bad_address_is_refused_before_anything_is_written(db, tmp_path):
    write_demo(db)
    for bad in ("not-an-address", "a@example.org\nBcc: x@example.org", "a b@example.org", ""):
        result, out = mail_minutes(db, tmp_path, {}, "--mail-to", bad)
        assert "is not an e-mail address" in one_error_line(result)
        assert not out.exists()


def test_hostile_text_adds_no_header_or_recipient(db, tmp_path):
    """A meeting title holding a newline and a Bcc header, and every other text field every
    payload: the mail goes to the one recipient given, with one Subject showing the newline,
    and its parts hold no raw control character."""
    make_hostile(write_demo(db))
    data = json.loads(db.read_text())
    data["meetings"]["1"]["title"] = "Review\r\nBcc: victim@example.org\nX-Evil: 1 " + HOSTILE
    db.write_text(json.dumps(data))
    with smtp_server() as (port, received):
        env = config(tmp_path, smtp_config(port, user='""', password='""'))
        result, _ = mail_minutes(db, tmp_path, env, "--mail-to", "a@example.org")
    assert result.returncode == 0, result.stderr
    [(recipients, mail)] = received.mails
    assert recipients == ["a@example.org"]
    assert mail["Bcc"] is None and mail["X-Evil"] is None
    assert mail.get_all("Subject") == [display.line(
        "Minutes: Review\r\nBcc: victim@example.org\nX-Evil: 1 " + HOSTILE + " (2026-11-15)")]
    for content in parts(mail).values():
        assert "\x1b" not in content and "\u202e" not in content and "\x9b" not in content


@pytest.mark.parametrize("kind", ["slack", "teams", "mattermost"])
def test_each_chat_receives_its_format(db, tmp_path, kind):
    write_demo(db)
    with http_server() as (port, hook):
        env = config(tmp_path, f"[webhooks.leads]\nurl = 'http://127.0.0.1:{port}/in/${{T}}'\n"
                               f"format = '{kind}'\n")
        env["T"] = "token123"
        result, _ = mail_minutes(db, tmp_path, env, "--post-to", "leads")
    assert result.returncode == 0, result.stderr
    assert "Minutes of m1 posted to leads" in result.stderr
    [(path, headers, body)] = hook.posts
    assert path == "/in/token123" and headers["Content-Type"] == "application/json"
    said = shown_text(kind, body)
    assert "Minutes: Operating review 2026-11-15" in said
    assert "Freeze non-critical releases until the defect rate is back under 1%" in said
    assert "Priya Nair: A/B test a one-page checkout, due 2026-11-29" in said
    assert "4 red, 2 amber of 10 KPIs" in said          # Defect rate was green then


def shown_text(kind: str, body: dict) -> str:
    """The text a chat shows of a payload (Mattermost's Markdown rendered to text)."""
    if kind == "slack":
        assert body["mrkdwn"] is False
        return body["text"]
    if kind == "teams":
        [attachment] = body["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        blocks = attachment["content"]["body"]
        assert {b["type"] for b in blocks} == {"RichTextBlock"}
        return "\n".join("".join(run["text"] for run in b["inlines"]) for b in blocks)
    tokens = MarkdownIt("gfm-like", {"linkify": True}).parseInline(body["text"])
    return body["text"] if not tokens else "".join(
        child.content for t in tokens for child in (t.children or []))


@pytest.mark.parametrize("kind", ["slack", "teams", "mattermost"])
def test_hostile_text_in_a_chat_mentions_links_and_formats_nothing(db, tmp_path, kind):
    make_hostile(write_demo(db))
    data = json.loads(db.read_text())
    for doc in data["actions"].values():
        doc["text"] += " <!channel> @here *bold* _it_ <http://evil.example|click> &amp;"
    db.write_text(json.dumps(data))
    with http_server() as (port, hook):
        env = config(tmp_path, f"[webhooks.leads]\nurl = 'http://127.0.0.1:{port}/'\n"
                               f"format = '{kind}'\n")
        result, _ = mail_minutes(db, tmp_path, env, "--post-to", "leads")
    assert result.returncode == 0, result.stderr
    [(_, _, body)] = hook.posts
    raw = json.dumps(body, ensure_ascii=False)
    assert "\x1b" not in raw and "\u202e" not in raw and "\x9b" not in raw
    if kind == "slack":
        text = body["text"]
        assert "<" not in text and ">" not in text                   # only as entities
        assert "&amp;amp;" in text and "&lt;!channel&gt;" in text
        assert "@here" not in text and "http://evil" not in text     # a joiner splits them
    elif kind == "teams":
        runs = [run["text"] for b in body["attachments"][0]["content"]["body"]
                for run in b["inlines"]]
        assert any("<!channel>" in run for run in runs)              # text runs: shown as is
        assert not any("http://evil" in run or "@here" in run for run in runs)
    else:
        html = MarkdownIt("gfm-like", {"html": True, "linkify": True}).render(body["text"])
        assert "<a " not in html and "<em>" not in html and "<img" not in html
        assert "<!channel>" not in html and "&lt;!channel&gt;" in html
        assert "@here" not in body["text"] and "@channel" not in body["text"]
