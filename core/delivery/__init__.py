"""The minutes delivered: by mail through the user's SMTP server (core/delivery/mail.py),
and as a short summary to chat webhooks (core/delivery/chat.py), as the user config says
(core/delivery/settings.py). Used by `cadence minutes --mail-to/--post-to` and by the app's
export. Each delivery is tried on its own: one failing does not stop the others, and none
of them touches the minutes file, written before."""

from typing import Any

import msgspec

from core.errors import CadenceError
from core.store import Store

Json = dict[str, Any]


class Outcome(msgspec.Struct, frozen=True):
    done: tuple[str, ...] = ()              # "mailed to a@x.org", "posted to leads"
    failed: tuple[str, ...] = ()            # one line each
    warnings: tuple[str, ...] = ()


def deliver(store: Store, found: Json, mail_to: list[str], post_to: list[str],
            scope: Any = None) -> Outcome:
    """Send the minutes `found` (the JSON document) to each address, post their summary to
    each webhook named. `scope`: what the meeting reviewed (core/minutes.py: Scope; None: the
    store's own), for the charts of the mail's page."""
    from core.delivery import chat, mail, settings
    try:
        config = settings.load()
    except CadenceError as exc:
        return Outcome(failed=(str(exc),))
    done, failed = [], []
    if mail_to:
        try:
            done.append(mail.send(config, found, *_pages(store, found, scope), mail_to))
        except CadenceError as exc:
            failed.append(str(exc))
    for name in post_to:
        try:
            done.append(chat.post(config, name, found))
        except CadenceError as exc:
            failed.append(str(exc))
    return Outcome(tuple(done), tuple(failed), config.warnings)


def _pages(store: Store, found: Json, scope: Any = None) -> tuple[str, str]:
    """The minutes as Markdown (the mail's text part) and HTML (its rich part)."""
    from core import minutes_html
    from core.minutes_md import render
    return render(found), minutes_html.render(found, minutes_html.pictures(store, found,
                                                                           scope))
