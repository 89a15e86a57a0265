"""Arithmetic the rules share. statistics.fmean would do, but importing `statistics` pulls in
decimal, fractions and random (~3 ms on every start) and it is 5x slower on short lists."""


def mean(values: list[float]) -> float:
    return sum(values) / len(values)
