"""The admin site shows the platform admin no encrypted or free-text remark about people: notes of a tie."""

from django.urls import reverse

from legami.core.tests import factories as f


def test_a_tie_in_the_admin_has_no_note(cast, login):
    cremona = cast.municipalities[0]
    first = f.PersonFactory(network=cast.network, municipality=cremona)
    second = f.PersonFactory(network=cast.network, municipality=cremona)
    tie = f.TieFactory(
        network=cast.network, source_person=first, target_person=second, note="Lo accompagna alla dialisi"
    )
    client = login(cast.platform_admin)
    for url in (reverse("admin:network_tie_changelist"), reverse("admin:network_tie_change", args=[tie.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "dialisi" not in response.content.decode()


def test_a_person_in_the_admin_has_no_notes(cast, login):
    person = f.PersonFactory(network=cast.network, notes="Ha la talassemia")
    response = login(cast.platform_admin).get(reverse("admin:network_person_change", args=[person.pk]))
    assert response.status_code == 200 and "talassemia" not in response.content.decode()
