"""Reads of demand aggregation, one module per feature."""
