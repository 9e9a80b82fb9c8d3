"""Writes on accounts, one module per feature."""
