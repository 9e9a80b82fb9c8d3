"""Writes on the ISTAT reference data and on each network's territory, one module per feature."""
