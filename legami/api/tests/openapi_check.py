"""Validate an API response against the committed-to-be OpenAPI document (path, method, status, body)."""

import functools
import json
import re

from jsonschema import Draft202012Validator

from legami.api.openapi import openapi_document


@functools.cache
def document() -> dict:
    return openapi_document()


@functools.cache
def _path_patterns() -> list[tuple[re.Pattern, str]]:
    patterns = []
    for template in document()["paths"]:
        parts = re.split(r"(\{[^}/]+\})", template)
        regex = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
        patterns.append((re.compile(f"^{regex}$"), template))
    return patterns


def find_operation(path: str, method: str) -> tuple[str, dict]:
    """The documented path template and operation for a concrete path and method; fails if there is none."""
    matches = [template for pattern, template in _path_patterns() if pattern.match(path)]
    assert matches, f"{path} is not a documented path"
    # The most literal template that documents the method wins when several match (e.g. /networks/{slug}/ vs a
    # fixed segment; PUT …/rows/party/{key}/ vs DELETE …/rows/{kind}/{key}/).
    documenting = [t for t in matches if method.lower() in document()["paths"][t]] or matches
    template = min(documenting, key=lambda t: t.count("{"))
    operation = document()["paths"][template].get(method.lower())
    assert operation is not None, f"{method.upper()} {template} is not documented"
    return template, operation


def schema_errors(instance, schema: dict) -> list[str]:
    """The reasons `instance` does not match `schema` ($refs resolved within the document's components)."""
    validator = Draft202012Validator({**schema, "components": document()["components"]})
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(instance)]


def assert_matches_schema(response) -> None:
    """Fail unless the response's status is documented for its operation and its body matches that schema."""
    path = response.request["PATH_INFO"]
    method = response.request["REQUEST_METHOD"]
    template, operation = find_operation(path, method)
    status = str(response.status_code)
    documented = operation["responses"]
    assert status in documented, (
        f"{method} {path} answered {status}, which the schema of {template} does not document "
        f"(documented: {sorted(documented)}); body: {response.content[:500]!r}"
    )
    content = documented[status].get("content")
    if not content:
        assert response.content == b"", f"{method} {path} {status} should have no body"
        return
    media_type = response["Content-Type"].split(";")[0].strip()
    assert media_type in content, f"{method} {path} {status} answered {media_type}, documented {sorted(content)}"
    errors = schema_errors(json.loads(response.content), content[media_type]["schema"])
    assert not errors, f"{method} {path} {status} does not match its schema:\n" + "\n".join(errors)
