"""Cadence's face: the Textual meeting app and the `cadence` command line."""
