"""The meeting app over a roll-up (core/rollup.py): the same shell and stages, fed by the
roll-up's board — every team's KPIs and objectives, known as `growth:Revenue` — and writing
only to the roll-up's own store (its meeting, decisions, actions, interventions, verdicts,
ratings). A key that would change a team's data (a value, a check-in, a re-rank, a KPI or an
objective, a pull: keys.TEAM_ACTIONS) says so in one line instead: team stores are only
read, and each team records its own numbers in its own meeting."""

from rich.text import Text

from core import board as boards
from core import rollup
from core import since as changes
from core.errors import CadenceError
from core.meeting import MeetingClock
from core.session import Session
from tui import keys, text
from tui.controller import Facilitating, Following


def teams_line(board: rollup.RollupBoard) -> Text:
    """What the health stage says of the teams: how many were read, and each that was not,
    with why (the whole line is also `cadence status --rollup`'s)."""
    read = sum(1 for t in board.teams if t.board is not None)
    said = [Text(f"{read} of {len(board.teams)} teams read", style="dim")]
    said += [text.plain(f"not read: {problem}", text.STYLE["warning"])
             for problem in board.problems]
    return text.join(*said, sep=" · ")


class Reviewing:
    """What a roll-up's controllers add to a store's: the minutes' scope, the refusal of
    team changes, and since-last-meeting across teams."""

    review: rollup.Review
    _since: tuple[object, changes.Since | None]

    def reviewing(self, review: rollup.Review) -> None:
        self.review = review
        self.scope = rollup.MinutesScope(review)
        self._since = (None, None)

    def offers(self, action: str) -> bool:
        return action.split("(")[0] not in keys.TEAM_ACTIONS

    def refuses(self, action: str, selected: str | None) -> str | None:
        if action not in keys.TEAM_ACTIONS:
            return None
        key = keys.lookup(action)
        shown = key.shown if key is not None else action
        team = rollup.team_of(selected)
        if team is None:
            return (f"{shown}: a roll-up only reads its teams' stores — do it in the team's "
                    "own meeting.")
        name = self.board().name_of(selected) or selected
        return (f"{shown}: {name} is in {team}'s store, which a roll-up only reads — record "
                f"it in {team}'s own meeting.")

    def since_ready(self) -> bool:
        return self._since[0] is self.board()

    def since(self) -> changes.Since | None:
        """What changed since the last leadership meeting ended, in the roll-up's store and
        in every team's (core/rollup.py since_last), once per version of the board."""
        board = self.board()
        if self._since[0] is not board:
            try:
                assert isinstance(board, rollup.RollupBoard)
                found = rollup.since_last(board, self.store, boards.load(self.store,
                                                                         board.today))
            except CadenceError:
                found = None                # a store that cannot be read as it stood then
            self._since = (board, found)
        return self._since[1]


class RollupFacilitating(Reviewing, Facilitating):
    def __init__(self, session: Session, clock: MeetingClock, review: rollup.Review):
        super().__init__(session, clock)
        self.reviewing(review)

    def pull(self) -> None:
        """`P` pulls sources into a store: a team's, which the roll-up only reads."""
        self.ui.notify(self.refuses("pull", None), severity="warning")


class RollupFollowing(Reviewing, Following):
    def __init__(self, session: Session, review: rollup.Review):
        super().__init__(session)
        self.reviewing(review)
