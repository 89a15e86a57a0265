"""Credentials in text, found and blanked in one place. The store is kept in git and shared,
so no text it keeps may hold a password: a KPI field holding one is refused (core/model.py),
and what a source says — an error, a value that was not a number — has its credentials
blanked before it is shown or kept (core/sources/pull.py).

What counts as one: the password of a URL (`//user:secret@`, with or without a scheme), a
credential parameter (`password=`, `pwd=`, `token=`, `api_key=`, ...), and curl's
`-u user:secret`. A `${NAME}` in their place is a reference to the environment, not a secret."""

import re

_NOT_A_REFERENCE = r"(?!\$\{)"
_PATTERNS = (
    re.compile(r"//[^\s/@:'\"]*:" + _NOT_A_REFERENCE + r"([^\s/@'\"]+)@"),
    re.compile(r"(?i)\b(?:password|passwd|pwd|pass|secret|token|api[_-]?key|access[_-]?key)="
               + _NOT_A_REFERENCE + r"([^\s&;'\"]+)"),
    re.compile(r"(?:^|\s)(?:-u|--user)\s*['\"]?[^\s:'\"]+:" + _NOT_A_REFERENCE
               + r"([^\s'\"]+)"),
)
HIDDEN = "***"


def holds_one(text: str) -> bool:
    # Every credential has a `:` (a URL's, curl's) or an `=` (a parameter's). Checked on
    # every text field of every KPI read, it spares nearly every name, owner and unit the
    # patterns: a roll-up reading fifty stores checked 6,000 fields.
    if ":" not in text and "=" not in text:
        return False
    return any(p.search(text) for p in _PATTERNS)


def blanked(text: str) -> str:
    """`text` with each credential replaced by ***."""
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m[0][:m.start(1) - m.start(0)] + HIDDEN
                           + m[0][m.end(1) - m.start(0):], text)
    return text
