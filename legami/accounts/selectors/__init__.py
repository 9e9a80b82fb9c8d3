"""Reads for the account pages, one module per feature."""
