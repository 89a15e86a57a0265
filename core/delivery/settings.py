"""The user config: how the minutes are delivered. `config.toml` in the user config folder
(beside connections.toml), or the file CADENCE_CONFIG names; outside the store, which teams
keep in git. `${NAME}` in a password, a user or a webhook's url is read from the environment
when it is used, so the file need hold no secret:

    [smtp]
    host = "smtp.example.com"
    port = 587                     # default: 465 with tls, else 587
    starttls = true                # default true: upgrade the connection before the login
    tls = false                    # TLS from the first byte instead (port 465)
    user = "cadence@example.com"
    password = "${SMTP_PASSWORD}"
    from = "Cadence <cadence@example.com>"      # default: the user

    [webhooks.leads]               # `--post-to leads`
    url = "${LEADS_WEBHOOK}"
    format = "slack"               # slack, teams or mattermost

    [delivery]                     # what the app offers to send when it exports the minutes
    mail_to = ["leads@example.com"]
    post_to = ["leads"]

Every problem is one line naming the file, the table and the field.
"""

import os
import tomllib
from pathlib import Path
from typing import Any

import msgspec

from core.errors import CadenceError
from core.sources.connections import expand, from_environment, readable_by_others

ENVIRONMENT = "CADENCE_CONFIG"
FORMATS = ("slack", "teams", "mattermost")


class Smtp(msgspec.Struct, frozen=True):
    host: str
    port: int
    starttls: bool
    tls: bool
    user: str                     # as written: ${NAME} still in it (`secret` reads it)
    password: str
    sender: str
    timeout: float = 30.0


class Webhook(msgspec.Struct, frozen=True):
    name: str
    url: str                      # as written; the url of an incoming webhook is a secret
    format: str


class Settings(msgspec.Struct, frozen=True):
    path: Path
    smtp: Smtp | None
    webhooks: dict[str, Webhook]
    mail_to: tuple[str, ...] = ()
    post_to: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def offers(self) -> bool:
        """Whether the app's export offers to send the minutes."""
        return bool(self.mail_to or self.post_to)

    def webhook(self, name: str) -> Webhook:
        if name not in self.webhooks:
            raise CadenceError(f"{self.path}: no webhook [webhooks.{name}] (a table with its "
                               "url and format)")
        return self.webhooks[name]

    def secret(self, text: str, what: str) -> str:
        """A value with each ${NAME} read from the environment."""
        return expand(text, f"{self.path}: {what}")


def path() -> Path:
    """CADENCE_CONFIG, else config.toml in the user config folder."""
    chosen = os.environ.get(ENVIRONMENT, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    from platformdirs import user_config_path
    return user_config_path("cadence", appauthor=False) / "config.toml"


def load(where: Path | None = None, required: bool = True) -> Settings:
    """The user config. Missing: an error when `required` (delivery was asked for), else
    empty settings (the app only looks whether to offer)."""
    where = path() if where is None else where
    try:
        raw = where.read_bytes()
    except FileNotFoundError:
        if not required:
            return Settings(where, None, {})
        raise CadenceError(f"{where}: no user config (README: Delivering the minutes says what "
                           "goes in it)") from None
    except OSError as exc:
        raise CadenceError(f"{where}: cannot be read ({exc.strerror})") from None
    try:
        tables = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CadenceError(f"{where}: not a readable TOML file ({exc})") from None
    read = _Reader(where)
    smtp = _smtp(read, tables["smtp"]) if "smtp" in tables else None
    hooks = read.table(tables, "webhooks")
    webhooks = {name: _webhook(read, name, read.table(hooks, name, "webhooks."))
                for name in hooks}
    delivery = read.table(tables, "delivery")
    found = Settings(where, smtp, webhooks, read.texts(delivery, "delivery", "mail_to"),
                     read.texts(delivery, "delivery", "post_to"))
    for name in found.post_to:
        found.webhook(name)
    if found.mail_to and smtp is None:
        raise CadenceError(f"{where}: [delivery] mail_to needs an [smtp] table")
    return msgspec.structs.replace(found, warnings=_warnings(where, found))


class _Reader:
    """Fields of the file, each checked, each problem naming the table and the field."""

    def __init__(self, where: Path):
        self.where = where

    def fail(self, table: str, field: str, wanted: str) -> CadenceError:
        return CadenceError(f"{self.where}: [{table}] {field} must be {wanted}")

    def table(self, tables: dict[str, Any], name: str, prefix: str = "") -> dict[str, Any]:
        found = tables.get(name, {})
        if not isinstance(found, dict):
            raise CadenceError(f"{self.where}: [{prefix}{name}] must be a table")
        return found

    def text(self, table: dict[str, Any], name: str, field: str, default: str | None = None,
             ) -> str:
        value = table.get(field, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(name, field, "text" if field in table else "given")
        return value.strip()

    def flag(self, table: dict[str, Any], name: str, field: str, default: bool) -> bool:
        value = table.get(field, default)
        if not isinstance(value, bool):
            raise self.fail(name, field, "true or false")
        return value

    def texts(self, table: dict[str, Any], name: str, field: str) -> tuple[str, ...]:
        value = table.get(field, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            raise self.fail(name, field, "a list of texts")
        return tuple(v.strip() for v in value)


def _smtp(read: _Reader, table: object) -> Smtp:
    if not isinstance(table, dict):
        raise CadenceError(f"{read.where}: [smtp] must be a table")
    tls = read.flag(table, "smtp", "tls", False)
    starttls = read.flag(table, "smtp", "starttls", not tls)
    if tls and starttls:
        raise read.fail("smtp", "starttls", "false with tls = true (TLS from the first byte)")
    port = table.get("port", 465 if tls else 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        raise read.fail("smtp", "port", "a port number (1-65535)")
    timeout = table.get("timeout", 30)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise read.fail("smtp", "timeout", "a number of seconds")
    user = read.text(table, "smtp", "user", "")
    password = read.text(table, "smtp", "password", "")
    if password and not user:
        raise read.fail("smtp", "user", "given with a password")
    sender = read.text(table, "smtp", "from", user if "@" in user else None)
    return Smtp(read.text(table, "smtp", "host"), port, starttls, tls, user, password, sender,
                float(timeout))


def _webhook(read: _Reader, name: str, table: dict[str, Any]) -> Webhook:
    where = f"webhooks.{name}"
    url = read.text(table, where, "url")
    if not url.lower().startswith(("https://", "http://", "${")):
        raise read.fail(where, "url", "an http or https url")
    found = read.text(table, where, "format", "slack").lower()
    if found not in FORMATS:
        raise read.fail(where, "format", " or ".join(FORMATS))
    return Webhook(name, url, found)


def _warnings(where: Path, found: Settings) -> tuple[str, ...]:
    """A file others can read that holds a secret written out (a password, a webhook's url):
    say so (not an error: the team may share the machine on purpose), and how to fix it."""
    if not readable_by_others(where):
        return ()
    secrets = [("[smtp] password", found.smtp.password)] if found.smtp else []
    secrets += [(f"[webhooks.{w.name}] url", w.url) for w in found.webhooks.values()]
    return tuple(f"{where}: {what} is written out and the file is readable by others (chmod "
                 "600 it, or read it from the environment: ${NAME})"
                 for what, value in secrets if value and not from_environment(value))
