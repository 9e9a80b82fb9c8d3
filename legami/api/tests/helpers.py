"""Helpers for API tests: tokens, URLs, and a client whose every response is checked against the schema."""

import json

from django.test import Client

from legami.accounts.models import PersonalAccessToken
from legami.api.tests.openapi_check import assert_matches_schema

BASE = "/api/v1/networks/"


def make_token(user, *, name="test", expires_at=None, revoked_at=None) -> str:
    """Create a personal access token for `user` and return its secret."""
    raw, token_hash, hint = PersonalAccessToken.new_token()
    PersonalAccessToken.objects.create(
        user=user, name=name, token_hash=token_hash, hint=hint, expires_at=expires_at, revoked_at=revoked_at
    )
    return raw


class ApiClient:
    """A test client for the API: sends the bearer token (if any) and validates every response."""

    def __init__(self, client: Client, raw_token: str | None = None):
        self.client = client
        self.raw_token = raw_token

    def _headers(self, headers):
        # English messages, so assertions on them survive the Italian catalogue; a test may ask for "it".
        merged = {"Accept-Language": "en", **(headers or {})}
        if self.raw_token is not None:
            merged.setdefault("Authorization", f"Bearer {self.raw_token}")
        return merged

    def request(self, method: str, path: str, data=None, *, headers=None, raw_body: str | None = None):
        call = getattr(self.client, method)
        kwargs = {"headers": self._headers(headers)}
        if method == "get":
            response = call(path, data or {}, **kwargs)
        elif raw_body is not None:
            response = call(path, raw_body, content_type="application/json", **kwargs)
        elif data is not None:
            response = call(path, json.dumps(data), content_type="application/json", **kwargs)
        else:
            response = call(path, **kwargs)
        assert_matches_schema(response)
        return response

    def post_form(self, path, data, *, headers=None):
        """POST `data` as multipart/form-data (files as Django's SimpleUploadedFile), the answer checked too."""
        response = self.client.post(path, data, headers=self._headers(headers))
        assert_matches_schema(response)
        return response

    def get(self, path, params=None, **kwargs):
        return self.request("get", path, params, **kwargs)

    def post(self, path, data=None, **kwargs):
        return self.request("post", path, data, **kwargs)

    def put(self, path, data=None, **kwargs):
        return self.request("put", path, data, **kwargs)

    def patch(self, path, data=None, **kwargs):
        return self.request("patch", path, data, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("delete", path, **kwargs)


def network_url(network, *parts) -> str:
    """/api/v1/networks/<slug>/<parts>/."""
    tail = "".join(f"{part}/" for part in parts)
    return f"{BASE}{network.slug}/{tail}"


def field_errors(response) -> set[tuple[str, str]]:
    """A 422's problems as (the field, the code), the field being the last part of `loc`."""
    return {(str(item["loc"][-1]), item["type"]) for item in response.json()["detail"]}


def assert_refused(api_as, cast, method, path, data, *, forbidden=(), not_found=()) -> None:
    """`method` on `path` answers 403 to the `forbidden` personas of `cast`, and 404 to the `not_found` ones and to
    the outsider (a case outside one's team does not exist)."""
    for persona in forbidden:
        response = getattr(api_as(getattr(cast, persona)), method)(path, data)
        assert response.status_code == 403, (persona, response.content)
    for persona in (*not_found, "outsider"):
        response = getattr(api_as(getattr(cast, persona)), method)(path, data)
        assert response.status_code == 404, (persona, response.content)
