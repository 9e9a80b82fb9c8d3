import pytest


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages in English (the msgids) unless a test asks otherwise; the Italian catalogue has its own tests."""
    client.defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
