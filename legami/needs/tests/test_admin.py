"""The admin site shows the platform admin no need's case data: not its text, contacts nor external id."""

from django.urls import reverse

from legami.needs.models import PrivacyLevel
from legami.needs.tests.factories import NeedFactory


def test_a_need_in_the_admin_has_no_text_contacts_or_external_id(cast, login):
    need = NeedFactory(
        network=cast.network,
        municipality=cast.municipalities[0],
        privacy_level=PrivacyLevel.CASE_TEAM,
        description="Diagnosi riservata",
        contact_name="Maria Riservata",
        external_id="CARTELLA-4711",
    )
    client = login(cast.platform_admin)
    for url in (reverse("admin:needs_need_changelist"), reverse("admin:needs_need_change", args=[need.pk])):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        for secret in ("Diagnosi riservata", "Maria Riservata", "CARTELLA-4711"):
            assert secret not in html, (url, secret)
