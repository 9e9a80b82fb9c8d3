"""Fixtures for API tests: clients authenticated as the cast's personas, by token or by session."""

import pytest
from django.test import Client

from legami.api.tests.helpers import ApiClient, make_token


@pytest.fixture
def api_as(cast):
    """`api_as(user)`: an API client authenticated with a fresh token of `user` (None: no token)."""

    def _api_as(user, **token_options):
        raw = make_token(user, **token_options) if user is not None else None
        return ApiClient(Client(), raw)

    return _api_as


@pytest.fixture
def api_session(login):
    """`api_session(user)`: an API client authenticated by a logged-in session, without a token."""

    def _api_session(user):
        return ApiClient(login(user))

    return _api_session
