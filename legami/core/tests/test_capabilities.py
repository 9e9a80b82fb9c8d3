"""Declared capabilities: the declaration, the registry that collects them, and the start-up check."""

import copy
import pickle
import types

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

from legami.core import checks
from legami.core.capabilities import VIEW_AUDIT
from legami.core.roles import ALL_ROLES, CAPABILITIES, Capability, CapabilityRegistry, Role, registry


def _registry(*capabilities: Capability) -> CapabilityRegistry:
    test_registry = CapabilityRegistry()
    test_registry.register(*capabilities)
    return test_registry


def test_a_capability_is_its_name_with_a_label_and_roles():
    capability = Capability("demo.view_things", "See things", roles=["coordinator", Role.FUNDER])
    assert capability == "demo.view_things"
    assert {capability: 1}["demo.view_things"] == 1
    assert capability.roles == {Role.COORDINATOR, Role.FUNDER}
    assert capability.label == "See things"


def test_a_capability_survives_copy_and_pickle():
    for clone in (copy.deepcopy(VIEW_AUDIT), pickle.loads(pickle.dumps(VIEW_AUDIT))):
        assert clone == VIEW_AUDIT
        assert clone.roles == VIEW_AUDIT.roles
        assert str(clone.label) == str(VIEW_AUDIT.label)


@pytest.mark.parametrize("name", ["view_things", "Demo.view_things", "demo.view things", "demo.", ".view", "a.b.c"])
def test_a_badly_named_capability_is_refused(name):
    with pytest.raises(ImproperlyConfigured, match="<app>.<verb>_<thing>"):
        Capability(name, "x", roles=ALL_ROLES)


def test_a_capability_of_an_unknown_role_is_refused():
    with pytest.raises(ValueError):
        Capability("demo.view_things", "x", roles=["mayor"])


def test_the_registry_collects_a_module_and_answers_with_its_roles():
    view = Capability("demo.view_things", "See things", roles=ALL_ROLES)
    change = Capability("demo.change_things", "Change things", roles={Role.COORDINATOR})
    module = types.SimpleNamespace(VIEW=view, CHANGE=change, OTHER="demo.not_a_capability")
    test_registry = CapabilityRegistry()
    assert test_registry.register_module(module) == [view, change]  # type: ignore[arg-type]
    assert test_registry.roles_for("demo.change_things") == {Role.COORDINATOR}
    assert "demo.view_things" in test_registry and "demo.not_a_capability" not in test_registry
    assert list(test_registry) == [view, change]
    test_registry.register(view)  # the same declaration again (a second ready()) is harmless


def test_the_registry_refuses_a_second_different_declaration_and_a_bare_string():
    test_registry = _registry(Capability("demo.view_things", "See things", roles=ALL_ROLES))
    with pytest.raises(ImproperlyConfigured, match="declared twice"):
        test_registry.register(Capability("demo.view_things", "See things", roles={Role.COORDINATOR}))
    with pytest.raises(ImproperlyConfigured, match="is not a Capability"):
        test_registry.register("demo.change_things")  # type: ignore[arg-type]


def test_the_registry_fails_loudly_on_an_undeclared_capability():
    with pytest.raises(ImproperlyConfigured, match="'demo.view_thngs' is not declared"):
        _registry().roles_for("demo.view_thngs")


def test_every_app_registered_its_capabilities():
    apps_declaring = {str(capability).split(".")[0] for capability in registry}
    assert apps_declaring == {
        "core",
        "network",
        "territory",
        "needs",
        "aggregation",
        "participation",
        "responses",
        "exchange",
        "activities",
        "referrals",
        "pacts",
    }
    assert CAPABILITIES == {str(c): c.roles for c in registry}


# --- the system check ----------------------------------------------------------------------------


def test_check_refuses_a_capability_used_in_a_template_but_not_declared(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "page.html").write_text(
        "{% if caps|has:\"demo.view_things\" %}x{% endif %}\n{% if caps|has: 'demo.view_thngs' %}y{% endif %}\n"
    )
    used = checks.template_capabilities([tmp_path])
    assert used == {
        "demo.view_things": [f"{tmp_path / 'app' / 'page.html'}:1"],
        "demo.view_thngs": [f"{tmp_path / 'app' / 'page.html'}:2"],
    }
    errors = checks.capability_errors(_registry(Capability("demo.view_things", "x", roles=ALL_ROLES)), used)
    assert [(e.id, e.obj) for e in errors] == [("legami.E020", "demo.view_thngs")]
    assert "page.html:2" in errors[0].msg


def test_check_refuses_a_capability_no_role_holds():
    held = Capability("demo.view_things", "x", roles=ALL_ROLES)
    orphan = Capability("demo.change_things", "y", roles=())
    errors = checks.capability_errors(_registry(held, orphan), used={"demo.view_things": ["page.html:1"]})
    assert [(e.id, e.obj) for e in errors] == [("legami.E021", "demo.change_things")]


def test_the_project_passes_the_check_and_its_templates_name_only_declared_capabilities():
    used = checks.template_capabilities(checks.project_template_dirs())
    assert "network.view_people" in used  # the scan does read the project's templates
    assert checks.capability_errors(registry, used) == []
    assert [m for m in run_checks() if m.id in {"legami.E020", "legami.E021"}] == []
