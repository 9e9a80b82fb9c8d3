"""The territory pages, one module per feature; legami/territory/urls.py routes them."""
