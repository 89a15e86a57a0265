"""The five agenda stages, one view each, in meeting order."""
