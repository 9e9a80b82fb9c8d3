"""Permission before validation: under /networks/{slug}/ the caller's membership and capability are checked
before the path, the query or the body is read, so a refused caller never sees a 422 that names fields.

Parametrised over every operation of the generated schema: a new operation that forgets `auth=requires(...)`
answers an outsider's bad input with a 422 and fails here.
"""

import json
import re

import pytest

from legami.activities.capabilities import ENROLL_OWN
from legami.api.auth import capability_of
from legami.api.tests.openapi_check import document
from legami.api.urls import api
from legami.core.roles import Role
from legami.network.capabilities import VIEW_DASHBOARD, VIEW_ORGANIZATIONS
from legami.participation.capabilities import TAKE_PART

EVERY_ROLES = {VIEW_DASHBOARD, VIEW_ORGANIZATIONS, TAKE_PART, ENROLL_OWN}
# A name no field has: the bad body also carries it, so an allowed caller's 422 names it.
BOGUS = "campo_inventato"


def _operations() -> dict[str, object]:
    """operationId -> django-ninja's operation."""
    found = {}
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                found[operation.operation_id] = operation
    return found


def _scoped() -> list[tuple[str, str, str, dict]]:
    """(operationId, method, path template, operation) of every documented operation under /networks/{slug}/."""
    return [
        (operation["operationId"], method, path, operation)
        for path, item in sorted(document()["paths"].items())
        for method, operation in sorted(item.items())
        if "{slug}" in path
    ]


SCOPED = _scoped()
IDS = [operation_id for operation_id, *_ in SCOPED]


def _bad_value(schema: dict) -> str:
    """A query value the parameter's schema refuses."""
    schema = schema.get("anyOf", [schema])[0]
    if schema.get("type") == "integer":
        return "zero"
    if "enum" in schema:
        return "__none_of_these__"
    if "maxLength" in schema:
        return "x" * (schema["maxLength"] + 1)
    if "pattern" in schema:
        return "!"
    if schema.get("type") == "boolean":
        return "forse"
    if schema.get("format") == "date":
        return "ieri"
    return "x"


def bad_request(network, method: str, path: str, operation: dict) -> tuple[str, dict | None, set[str]]:
    """A URL (and body) for the operation whose every input is wrong, and the names of the wrong inputs."""
    url = path.replace("{slug}", network.slug)
    names = {name for name in re.findall(r"\{(\w+)\}", url)}  # ids ({id}, {milestone} …) start from 1
    url = re.sub(r"\{\w+\}", "0", url)
    query = {p["name"]: _bad_value(p.get("schema", {})) for p in operation.get("parameters", []) if p["in"] == "query"}
    names |= set(query)
    if query:
        url += "?" + "&".join(f"{name}={value}" for name, value in query.items())
    body = None
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = {BOGUS: ["?"]}  # an unknown field, and every required one missing
        reference = content["application/json"]["schema"]["$ref"]
        component = document()["components"]["schemas"][reference.rsplit("/", 1)[-1]]
        names |= {BOGUS, *component.get("required", ())}
    elif "multipart/form-data" in content:
        body = Multipart({BOGUS: "?"})  # the same, as a form without its file
        names |= {BOGUS, *content["multipart/form-data"]["schema"].get("required", ())}
    return url, body, names


class Multipart(dict):
    """A body sent as multipart/form-data."""


def _send(api_as, user, method: str, url: str, body):
    client = api_as(user).client
    headers = {"Authorization": f"Bearer {api_as(user).raw_token}", "Accept-Language": "en"}
    if body is None:
        return getattr(client, method)(url, headers=headers)
    if isinstance(body, Multipart):
        return getattr(client, method)(url, dict(body), headers=headers)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", headers=headers)


def _refused_quietly(response, status: int, names: set[str]) -> None:
    assert response.status_code == status, response.content
    answer = response.json()
    assert set(answer) == {"detail"} and isinstance(answer["detail"], str), answer
    text = response.content.decode()
    assert not [name for name in names if f'"{name}"' in text or f"'{name}'" in text], text


def test_every_scoped_operation_declares_its_capability():
    operations = _operations()
    assert set(IDS) <= set(operations)
    for operation_id in IDS:
        capability = capability_of(operations[operation_id])
        assert capability, f"{operation_id} has no auth=requires(CAPABILITY)"


def test_the_schema_names_each_operations_capability():
    operations = _operations()
    for operation_id, _method, _path, operation in SCOPED:
        assert operation["x-capability"] == capability_of(operations[operation_id])


@pytest.mark.parametrize(("operation_id", "method", "path", "operation"), SCOPED, ids=IDS)
def test_an_outsider_gets_404_whatever_the_input(api_as, cast, operation_id, method, path, operation):
    url, body, names = bad_request(cast.network, method, path, operation)
    _refused_quietly(_send(api_as, cast.outsider, method, url, body), 404, names)
    # A network that does not exist answers the same.
    url = url.replace(cast.network.slug, "nessuna-rete", 1)
    _refused_quietly(_send(api_as, cast.coordinator, method, url, body), 404, names)


def _personas(capability, *, holding: bool) -> list[str]:
    """The cast's members (each persona is named after its role) who hold, or do not hold, `capability`."""
    return [role.value for role in Role if (role in capability.roles) == holding]


@pytest.mark.parametrize(("operation_id", "method", "path", "operation"), SCOPED, ids=IDS)
def test_a_member_without_the_capability_gets_403_whatever_the_input(
    api_as, cast, operation_id, method, path, operation
):
    capability = capability_of(_operations()[operation_id])
    refused = _personas(capability, holding=False)
    if not refused:
        # Seeing the network, its organisations and its processes is every role's: there is no member to refuse.
        assert capability in EVERY_ROLES, f"{operation_id}: {capability} is held by every role"
        return
    url, body, names = bad_request(cast.network, method, path, operation)
    for persona in refused:
        _refused_quietly(_send(api_as, getattr(cast, persona), method, url, body), 403, names)


@pytest.mark.parametrize(("operation_id", "method", "path", "operation"), SCOPED, ids=IDS)
def test_allowed_roles_still_get_their_422(api_as, cast, operation_id, method, path, operation):
    capability = capability_of(_operations()[operation_id])
    url, body, names = bad_request(cast.network, method, path, operation)
    for persona in _personas(capability, holding=True):
        response = _send(api_as, getattr(cast, persona), method, url, body)
        if not names:
            # Nothing to get wrong but the network's name: the answer is the data.
            assert response.status_code == 200, (persona, response.content)
            continue
        assert response.status_code == 422, (persona, response.content)
        named = {str(item["loc"][-1]) for item in response.json()["detail"]}
        assert named and named <= names | {"payload"}, (persona, named, names)
