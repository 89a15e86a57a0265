"""Names as people mean them. Two KPI names that read the same are one name: "Revenue",
"revenue", "Ｒｅｖｅｎｕｅ" (fullwidth), "Re\u200bvenue" (a zero-width space), "Net  revenue"
(two spaces) and an NFD "Café" against an NFC one. Compared any other way, a CSV saved by
another tool, or a name pasted from a chat, would silently become a second KPI.

And a name is plain text: one holding a control character (an escape sequence, a bidi
override that makes it read as something else) is refused where it is typed or imported.
Text already in the store is never refused for it: every output shows it neutralised.
"""

import unicodedata
from collections.abc import Mapping

from core.errors import ValidationError


def name_key(name: str) -> str:
    """The form names are compared in: invisible (format) characters removed, compatibility
    forms unified (NFKC: fullwidth, ligatures, NFD), case folded, runs of spaces as one."""
    if name.isascii() and name.isprintable():     # nearly every name: nothing to normalise
        return " ".join(name.lower().split())
    from core.display import has_control, line
    if has_control(name):       # a hostile store's name, as the screen shows it: a name the
        name = line(name)       # person picked there (a form's About) names it back
    if name.isascii():
        return " ".join(name.lower().split())
    visible = "".join(c for c in name if unicodedata.category(c) != "Cf")
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", visible).casefold())
    return " ".join(folded.split())


def require_plain(text: str, field: str, entity: str = "") -> None:
    """Refuse a name holding a control character (C0 including newline, DEL, C1, bidi)."""
    from core.display import CONTROLS, has_control   # only where names come in: reading
    if has_control(text):                             # (status, the app's launch) needs none
        found = next(c for c in text if ord(c) in CONTROLS)
        raise ValidationError(field, f"holds the control character U+{ord(found):04X}; a name "
                              "is plain text", entity)


def require_plain_fields(fields: Mapping[str, object], names: tuple[str, ...],
                         entity: str = "") -> None:
    """`require_plain` for each of `names` that `fields` holds as text."""
    for name in names:
        value = fields.get(name)
        if isinstance(value, str):
            require_plain(value, name, entity)
