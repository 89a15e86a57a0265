"""A short summary of the minutes posted to a chat's incoming webhook: Slack, Microsoft Teams
(a Workflows webhook taking an Adaptive Card) or Mattermost.

What it says: the meeting, its decisions, its actions by owner with due days, and what is
off track. Each line is pieces of our own words and of store text; each chat's renderer
writes the store's pieces through core/display.py in that chat's terms — Slack with its
formatting off and `& < >` as entities, Teams in text runs (never Markdown), Mattermost as
escaped Markdown with no mention — so a name cannot mention `@channel`, format, or become a
link. The webhook's url is a secret: an error names the webhook and its host, never the url.
"""

import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import orjson

from core import display, fmt
from core.delivery.settings import Settings, Webhook
from core.errors import CadenceError

Json = dict[str, Any]
Piece = tuple[str, bool]            # (text, whether it is the store's)
Line = list[Piece]
MOST = 8                            # items a list shows before "and N more"


def _ours(text: str) -> Piece:
    return (text, False)


def _theirs(text: object) -> Piece:
    return (str(text), True)


def _due(action: Json) -> str:
    return f", due {action['due']}" if action["due"] else ""


def _capped(lines: list[Line]) -> list[Line]:
    if len(lines) <= MOST:
        return lines
    return lines[:MOST] + [[_ours(f"… and {len(lines) - MOST} more")]]


def summary(found: Json) -> tuple[Line, list[tuple[str, list[Line]]]]:
    """The headline and the sections (heading, lines) of the minutes' summary — the one the
    minutes open with (core/minutes.py `summary`), shortened for a chat."""
    meeting, said = found["meeting"], found["summary"]
    headline = [_ours("Minutes: "), _theirs(meeting["title"]),
                _ours(f" — {meeting['date']}, {fmt.number(meeting['duration_min'])} min")]
    sections = [
        ("Decisions", _capped([[_theirs(a["text"]), _ours(" ("), _theirs(a["owner"]),
                                _ours(_due(a) + ")")] for a in said["decisions"]])),
        ("Actions by owner", _capped([
            [_theirs(person["owner"]), _ours(": ")] + [
                piece for i, a in enumerate(person["actions"])
                for piece in ([_ours("; ")] if i else []) + [_theirs(a["text"]), _ours(_due(a))]]
            for person in said["actions_by_owner"]])),
        ("Off track", _off_track(said["off_track"])),
    ]
    return headline, [(heading, lines) for heading, lines in sections if lines]


def _off_track(off: Json) -> list[Line]:
    counts = off["counts"]
    track = [[_ours(f"{counts['red']} red, {counts['amber']} amber of "
                    f"{sum(counts.values())} KPIs")]]
    for band in ("red", "amber"):
        if off[band]:
            line = [_ours(f"{band}: ")]
            for i, name in enumerate(off[band]):
                line += ([_ours(", ")] if i else []) + [_theirs(name)]
            track.append(line)
    return track


def _join(line: Line, theirs: Any) -> str:
    return "".join(theirs(text) if store else text for text, store in line)


def slack(found: Json) -> Json:
    """Plain text (`mrkdwn` off: `*x*` is not bold), store text as display.slack."""
    headline, sections = summary(found)
    lines = [_join(headline, display.slack)]
    for heading, items in sections:
        lines += ["", f"{heading}:"] + [f"• {_join(item, display.slack)}" for item in items]
    return {"text": "\n".join(lines), "mrkdwn": False}


def mattermost(found: Json) -> Json:
    """Markdown: our headings bold, store text as display.chat_markdown."""
    headline, sections = summary(found)
    lines = [f"**{_join(headline, display.chat_markdown)}**"]
    for heading, items in sections:
        lines += ["", f"**{heading}**"] + [f"- {_join(item, display.chat_markdown)}"
                                           for item in items]
    return {"text": "\n".join(lines)}


def teams(found: Json) -> Json:
    """An Adaptive Card in a message, as a Teams Workflows webhook takes it: every line a
    RichTextBlock of TextRuns, whose text is never read as Markdown."""
    headline, sections = summary(found)

    def block(line: Line, **style: Any) -> Json:
        return {"type": "RichTextBlock", "inlines": [
            {"type": "TextRun", "text": display.chat(text) if store else text, **style}
            for text, store in line]}
    body = [block(headline, weight="Bolder", size="Medium")]
    for heading, items in sections:
        body.append(block([_ours(heading)], weight="Bolder"))
        body += [block([_ours("• ")] + item) for item in items]
    card = {"type": "AdaptiveCard", "version": "1.4", "body": body,
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json"}
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]}


PAYLOADS = {"slack": slack, "teams": teams, "mattermost": mattermost}


def post(settings: Settings, name: str, found: Json) -> str:
    """Post the summary to the webhook `name`; what was done, or CadenceError in one line."""
    hook: Webhook = settings.webhook(name)
    url = settings.secret(hook.url, f"[webhooks.{name}] url")
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CadenceError(f"{settings.path}: [webhooks.{name}] url must be an http or https "
                           "url")
    body = display.json(orjson.dumps(PAYLOADS[hook.format](found)))
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": "cadence"})
    where = f"webhook {name!r} ({parts.hostname})"
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read(65536)
    except urllib.error.HTTPError as exc:
        raise CadenceError(f"not posted: {where} answered HTTP {exc.code} {exc.reason}") \
            from None
    except (urllib.error.URLError, OSError) as exc:
        why = getattr(exc, "reason", None) or exc
        why = getattr(why, "strerror", None) or why
        raise CadenceError(f"not posted: {where} cannot be reached ({why})") from None
    return f"posted to {name}"
