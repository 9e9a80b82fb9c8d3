"""The OpenAPI document of the API, rendered the way it is committed in docs/api/openapi.json."""

import json

from django.utils import translation

from legami.api.urls import api

SCHEMA_PATH = "docs/api/openapi.json"


def openapi_document() -> dict:
    """The API's OpenAPI schema as plain JSON data."""
    # Without an active language, so the committed file does not depend on who regenerates it.
    with translation.override(None):
        return json.loads(json.dumps(api.get_openapi_schema()))


def render_openapi() -> str:
    """The schema as sorted, indented JSON with a final newline: stable, so diffs show real changes."""
    return json.dumps(openapi_document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
