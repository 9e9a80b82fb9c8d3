"""Forms of the account pages, one module per feature."""
