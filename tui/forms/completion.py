"""Completion as a field is typed: the names already in the store (people, KPIs), so "Lena"
offers "Lena Fischer" rather than starting a second person. Textual's suggester: the rest of
the name shows dimmed, `right` (or `end`) takes it."""

from textual.suggester import Suggester


class Completion(Suggester):
    """Completes the name being typed, in any case, from `names`; in a comma-separated list
    (`many`), the name after the last comma."""

    def __init__(self, names: tuple[str, ...], many: bool = False):
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = sorted(names, key=str.casefold)
        self.many = many

    async def get_suggestion(self, value: str) -> str | None:
        typed = value.rpartition(",")[2].lstrip() if self.many else value
        if not typed.strip():
            return None
        wanted = typed.casefold()
        found = next((n for n in self.names
                      if n.casefold().startswith(wanted) and len(n) > len(typed)), None)
        return None if found is None else value[:len(value) - len(typed)] + found
