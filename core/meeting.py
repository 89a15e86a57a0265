"""The meeting clock: time spent per agenda stage against its timebox, pausable.

Pure and injectable (`now` is a monotonic-seconds function), so the rules are tested without
waiting; the app ticks it and shows it, the store keeps what it measured.
"""

import time
from collections.abc import Callable
from enum import StrEnum

import msgspec

from core.model import DEFAULT_STAGES, Stage

OVER_AMBER, OVER_RED = 1.0, 1.5          # share of the timebox: over it, then 50% over it


class TimeboxState(StrEnum):
    OK = "ok"               # within the timebox
    AMBER = "amber"         # over it
    RED = "red"             # 50% over it


def timebox_state(spent_s: float, timebox_min: int) -> TimeboxState:
    share = spent_s / (timebox_min * 60) if timebox_min else 0.0
    if share > OVER_RED:
        return TimeboxState.RED
    return TimeboxState.AMBER if share > OVER_AMBER else TimeboxState.OK


def clock_text(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class MeetingClock(msgspec.Struct):
    stages: list[Stage] = msgspec.field(default_factory=lambda: list(DEFAULT_STAGES))
    now: Callable[[], float] = time.monotonic
    current: int = 0
    paused: bool = False
    _meeting_s: float = 0.0
    _since: float | None = None

    def __post_init__(self) -> None:
        self._since = self.now()

    @classmethod
    def resume(cls, stages: tuple[Stage, ...], current: int, paused: bool, meeting_s: float,
               age_s: float = 0.0, now: Callable[[], float] = time.monotonic) -> "MeetingClock":
        """A clock that goes on from a published state, `age_s` seconds old (a follower's view,
        or a facilitator taking a meeting over)."""
        clock = cls(list(stages) or list(DEFAULT_STAGES), now, current, paused, meeting_s)
        clock._since = clock.now() - max(0.0, age_s)
        return clock

    def _settle(self) -> None:
        """Book the time since the last event to the meeting and the current stage."""
        now = self.now()
        if not self.paused and self._since is not None:
            spent = now - self._since
            self._meeting_s += spent
            stage = self.stages[self.current]
            self.stages[self.current] = stage.evolve(spent_s=stage.spent_s + spent)
        self._since = now

    def switch(self, index: int) -> None:
        self._settle()
        self.current = index
        stage = self.stages[index]
        if stage.skipped:                       # coming back to a skipped stage un-skips it
            self.stages[index] = stage.evolve(skipped=False)

    def toggle_pause(self) -> bool:
        self._settle()
        self.paused = not self.paused
        return self.paused

    def skip(self, index: int) -> None:
        self.stages[index] = self.stages[index].evolve(skipped=True)

    def meeting_s(self) -> float:
        self._settle()
        return self._meeting_s

    def stage_s(self, index: int | None = None) -> float:
        self._settle()
        return self.stages[self.current if index is None else index].spent_s

    def state(self, index: int | None = None) -> TimeboxState:
        index = self.current if index is None else index
        return timebox_state(self.stage_s(index), self.stages[index].timebox_min)

    def snapshot(self) -> tuple[Stage, ...]:
        self._settle()
        return tuple(self.stages)
