"""Cadence's benchmarks: speed measured against floors taken in the same run, never asserted
in the test suite."""
