"""The minutes by mail: one multipart message (text/plain: the Markdown minutes; text/html:
the HTML minutes) sent through the SMTP server of the user config.

The subject holds the meeting's title, text from the store: it goes through `display.line`
(a newline shows as ␊), so a title cannot add a header (`Bcc:`) or end them; Python's
email package then encodes what is not ASCII. A password is never sent in the clear: a login
needs STARTTLS or TLS unless the server is on this machine.
"""

import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from core import display
from core.delivery.settings import Settings, Smtp
from core.errors import CadenceError

Json = dict[str, Any]


def check_address(text: str) -> str:
    """An address given on the command line or in the config (`--mail-to`), as it is sent;
    anything else is refused naming it."""
    address = text.strip()
    if not address or display.has_control(address) or any(c.isspace() for c in address):
        raise CadenceError(f"{text!r} is not an e-mail address")
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError):
        raise CadenceError(f"{text!r} is not an e-mail address") from None
    if not parsed.domain or not parsed.username:
        raise CadenceError(f"{text!r} is not an e-mail address")
    return address


def subject(found: Json) -> str:
    meeting = found["meeting"]
    return display.line(f"Minutes: {meeting['title']} ({meeting['date']})")


def message(found: Json, markdown: str, html: str, sender: str, to: list[str]) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = subject(found)
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain="cadence.invalid")
    mail.set_content(markdown, subtype="plain", charset="utf-8")
    mail.add_alternative(html, subtype="html", charset="utf-8")
    return mail


def _loopback(host: str) -> bool:
    import ipaddress
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _said(reply: object) -> str:
    """A server's reply, short (it is shown in one line, through display.line)."""
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:200]


def send(settings: Settings, found: Json, markdown: str, html: str, to: list[str]) -> str:
    """Send the minutes to `to`; what was done, or CadenceError in one line."""
    smtp = settings.smtp
    if smtp is None:
        raise CadenceError(f"{settings.path}: no [smtp] table (host, port, user, password)")
    user = settings.secret(smtp.user, "[smtp] user")
    password = settings.secret(smtp.password, "[smtp] password")
    if user and not (smtp.tls or smtp.starttls) and not _loopback(smtp.host):
        raise CadenceError(f"{settings.path}: [smtp] would send the password in the clear "
                           "(set starttls = true, or tls = true)")
    try:
        check_address(_spec(smtp.sender))
        mail = message(found, markdown, html, smtp.sender, to)
    except (CadenceError, ValueError) as exc:
        raise CadenceError(f"{settings.path}: [smtp] from: {exc}") from None
    try:
        _deliver(smtp, user, password, mail)
    except CadenceError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise _failed(smtp, f"the server refused the login of {user!r} "
                            f"({exc.smtp_code} {_said(exc.smtp_error)})") from None
    except smtplib.SMTPRecipientsRefused as exc:
        raise _failed(smtp, "the server refused " + ", ".join(exc.recipients)) from None
    except smtplib.SMTPResponseException as exc:
        raise _failed(smtp, f"{exc.smtp_code} {_said(exc.smtp_error)}") from None
    except smtplib.SMTPNotSupportedError:
        raise _failed(smtp, "the server offers no STARTTLS (set tls = true for port 465; "
                            "starttls = false only to a server on this machine)") from None
    except ssl.SSLError as exc:
        raise _failed(smtp, f"TLS failed ({exc.reason or exc})") from None
    except (smtplib.SMTPException, OSError) as exc:
        why = getattr(exc, "strerror", None) or _said(exc) or type(exc).__name__
        raise _failed(smtp, f"cannot reach it ({why})") from None
    return f"mailed to {', '.join(to)}"


def _spec(sender: str) -> str:
    """The address in `Name <a@b>` or `a@b`."""
    from email.utils import parseaddr
    return parseaddr(sender)[1] or sender


def _failed(smtp: Smtp, why: str) -> CadenceError:
    return CadenceError(f"mail not sent: {smtp.host}:{smtp.port}: {why}")


def _deliver(smtp: Smtp, user: str, password: str, mail: EmailMessage) -> None:
    context = ssl.create_default_context()      # honours SSL_CERT_FILE (an internal CA)
    client: smtplib.SMTP
    if smtp.tls:
        client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    with client:
        if smtp.starttls:
            client.starttls(context=context)
        if user:
            client.login(user, password)
        client.send_message(mail)
