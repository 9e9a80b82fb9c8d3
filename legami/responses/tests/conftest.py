import pytest


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages in English (the msgids) unless a test asks otherwise; the Italian catalogue has its own tests."""
    client.defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
