"""Cadence's headless core: domain rules, the store and the services the app and CLI call."""
