"""Forms of demand aggregation, one module per feature."""
