"""The demo data set, installed as the package core.data (see pyproject.toml): a wheel holds
it, and core.demo reads it with importlib.resources wherever the package is."""
