"""The register of processings pages: access, list, create and edit."""

import pytest
from django.urls import reverse

from legami.core.models import AuditEvent, Processing
from legami.core.tests import factories as f

MANAGERS = ["coordinator", "privacy_officer"]
ALL = MANAGERS + [
    "case_manager",
    "community_worker",
    "district_case_manager",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "outsider",
    "platform_admin",
    "anonymous",
]


def url(name, cast, *args):
    return reverse(f"network:{name}", args=[cast.network.slug, *args])


def expected(persona):
    if persona == "anonymous":
        return 302
    if persona in ("outsider", "platform_admin"):
        return 404
    return 200 if persona in MANAGERS else 403


@pytest.mark.parametrize("persona", ALL)
def test_access(cast, login, persona):
    processing = f.ProcessingFactory(network=cast.network)
    client = login(getattr(cast, persona))
    for name, args in [("processings", ()), ("processing_create", ()), ("processing_update", (processing.pk,))]:
        assert client.get(url(name, cast, *args)).status_code == expected(persona), name
    response = client.post(url("processing_update", cast, processing.pk), {"name": "Changed"})
    assert response.status_code == (200 if persona in MANAGERS else expected(persona))
    processing.refresh_from_db()
    assert processing.name != "Changed"


def test_list_shows_basis_condition_retention_and_consent_counts(cast, login):
    newsletter = f.ProcessingFactory(network=cast.network, name="Newsletter", legal_basis="consent", retention="2 anni")
    f.ProcessingFactory(
        network=cast.network,
        name="Presa in carico",
        legal_basis="public_task",
        special_category_condition="health_social_care",
    )
    f.ProcessingFactory(network=cast.other_network, name="Altrove")
    for given in (True, True, False):
        f.ConsentFactory(person=f.PersonFactory(network=cast.network), processing=newsletter, given=given)
    response = login(cast.privacy_officer).get(url("processings", cast))
    rows = list(response.context["processings"])
    assert [p.name for p in rows] == ["Newsletter", "Presa in carico"]
    assert (rows[0].given_count, rows[0].withdrawn_count) == (2, 1)
    page = response.content.decode()
    assert "2 anni" in page and "Altrove" not in page
    assert str(rows[1].get_special_category_condition_display()) in page


def test_create(cast, login):
    response = login(cast.coordinator).post(
        url("processing_create", cast),
        {
            "code": "newsletter",
            "name": "Newsletter",
            "purpose": "Informare",
            "legal_basis": "consent",
            "special_category_condition": "",
            "retention": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("processings", cast)
    assert Processing.objects.get().network == cast.network


def test_create_bad_input_and_duplicate_code(cast, login):
    f.ProcessingFactory(network=cast.network, code="newsletter")
    client = login(cast.coordinator)
    base = {"code": "newsletter", "name": "N", "purpose": "P", "legal_basis": "consent"}
    response = client.post(url("processing_create", cast), base)
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    response = client.post(url("processing_create", cast), {**base, "code": "other", "legal_basis": ""})
    assert "legal_basis" in response.context["form"].errors
    assert Processing.objects.count() == 1
    assert AuditEvent.objects.count() == 0


def test_update_keeps_the_code(cast, login):
    processing = f.ProcessingFactory(network=cast.network, code="newsletter", legal_basis="consent")
    client = login(cast.privacy_officer)
    assert "code" not in client.get(url("processing_update", cast, processing.pk)).context["form"].fields
    response = client.post(
        url("processing_update", cast, processing.pk),
        {"code": "hacked", "name": "Newsletter", "purpose": "Informare", "legal_basis": "legitimate_interests"},
    )
    assert response.status_code == 302
    processing.refresh_from_db()
    assert (processing.code, processing.legal_basis) == ("newsletter", "legitimate_interests")


def test_another_networks_processing_is_404(cast, login):
    elsewhere = f.ProcessingFactory(network=cast.other_network)
    assert login(cast.coordinator).get(url("processing_update", cast, elsewhere.pk)).status_code == 404
