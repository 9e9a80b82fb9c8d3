"""Reads of the ISTAT territory and of each network's own geography, one module per feature."""
