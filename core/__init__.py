"""Cadence's headless core: domain rules, the store and the commands the app and CLI call."""
