"""Pages of the accounts app, one module per feature."""
