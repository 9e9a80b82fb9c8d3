"""Forms of the territory pages, one module per feature; they only shape input, the services validate and write."""
