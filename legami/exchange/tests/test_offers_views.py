"""Offers through the client: the list and its filters (constant queries), the forms with bad input, the status
buttons, the public form (stamp, honeypot, contact), the import and the export that round-trips into it."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legami.core.tests import stamps
from legami.exchange.models import Offer, OfferStatus
from legami.exchange.services.imports import OFFERS_IMPORT_COLUMNS, import_offers_file
from legami.exchange.tests.factories_offers import area, offer

pytestmark = pytest.mark.django_db

_SALT = "legami.exchange.offer"


def _url(cast, name, *args):
    return reverse(f"exchange:{name}", args=[cast.network.slug, *args])


def _post_data(cast, **overrides):
    return {
        "title": "Ripetizioni di matematica",
        "kind": "skill",
        "areas": [area(cast, "scuola").pk],
        "municipality": cast.municipalities[0].pk,
        "radius_km": "3",
        "capacity": "2",
        "time_windows": "lun e mer 15-17",
        "languages": "italiano",
    } | overrides


def test_the_list_shows_offers_with_filters_in_a_constant_number_of_queries(cast, login):
    casa, scuola = area(cast, "casa"), area(cast, "scuola")
    client = login(cast.coordinator)
    offer(cast, [casa], title="Spesa a domicilio")
    with CaptureQueriesContext(connection) as few:
        body = client.get(_url(cast, "offers")).content.decode()
    assert "Spesa a domicilio" in body
    for n in range(12):
        offer(cast, [casa, scuola], title=f"Offerta {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(_url(cast, "offers"))
    assert len(many) == len(few)
    body = client.get(_url(cast, "offers"), {"area": scuola.pk, "q": "Offerta 1"}).content.decode()
    assert "Offerta 1" in body and "Spesa a domicilio" not in body
    # a bad filter is ignored, not an error page
    assert client.get(_url(cast, "offers"), {"area": "x", "status": "nope"}).status_code == 200


def test_a_citizen_lists_only_their_own_offers(cast, login):
    casa = area(cast)
    offer(cast, [casa], title="Offerta della rete")
    offer(cast, [casa], title="La mia offerta", submitted_by=cast.citizen)
    body = login(cast.citizen).get(_url(cast, "offers")).content.decode()
    assert "La mia offerta" in body and "Offerta della rete" not in body


def test_an_operator_records_an_offer_and_bad_input_is_shown_on_its_field(cast, login):
    client = login(cast.community_worker)
    response = client.post(_url(cast, "offer_create"), _post_data(cast, capacity="0"))
    assert response.status_code == 400 and "capacity" in response.context["form"].errors
    # the service's own rule, shown on its field
    response = client.post(_url(cast, "offer_create"), _post_data(cast, time_windows="boh"))
    assert response.status_code == 400 and "time_windows" in response.context["form"].errors
    assert not Offer.objects.exists()
    response = client.post(_url(cast, "offer_create"), _post_data(cast))
    made = Offer.objects.get()
    assert response.status_code == 302 and response.url == _url(cast, "offer_detail", made.pk)
    assert made.status == OfferStatus.OPEN and made.capacity == 2 and made.languages == ["it"]


def test_a_citizen_records_their_offer_to_be_checked_and_edits_it(cast, login):
    client = login(cast.citizen)
    form = client.get(_url(cast, "offer_create")).context["form"]
    assert "person" not in form.fields and "contact_email" not in form.fields
    client.post(_url(cast, "offer_create"), _post_data(cast))
    made = Offer.objects.get()
    assert made.status == OfferStatus.PENDING and made.submitted_by == cast.citizen
    response = client.post(_url(cast, "offer_update", made.pk), _post_data(cast, title="Ripetizioni di inglese"))
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.title == "Ripetizioni di inglese"


def test_the_status_buttons_move_the_offer(cast, login):
    made = offer(cast, [area(cast)], status=OfferStatus.PENDING)
    client = login(cast.coordinator)
    body = client.get(_url(cast, "offer_detail", made.pk)).content.decode()
    assert "Checked: open it" in body
    client.post(_url(cast, "offer_status", made.pk), {"to_status": "open"})
    made.refresh_from_db()
    assert made.status == OfferStatus.OPEN
    response = client.post(_url(cast, "offer_status", made.pk), {"to_status": "pending"}, follow=True)
    assert "cannot go from" in response.content.decode()
    made.refresh_from_db()
    assert made.status == OfferStatus.OPEN


def test_contacts_are_shown_to_operators_only(cast, login):
    made = offer(cast, [area(cast)], contact_email="lucia@example.org", submitted_by=cast.citizen)
    assert "lucia@example.org" in login(cast.coordinator).get(_url(cast, "offer_detail", made.pk)).content.decode()
    body = login(cast.citizen).get(_url(cast, "offer_detail", made.pk)).content.decode()
    assert "lucia@example.org" not in body


# --- the public form ------------------------------------------------------------------------------------


def _public_data(cast, **overrides):
    return (
        _post_data(cast)
        | {
            "contact_name": "Lucia Ferri",
            "contact_email": "lucia@example.org",
            "privacy": "on",
            "stamp": stamps.stamp_from(_SALT, 60),
        }
        | overrides
    )


def test_the_public_form_records_a_pending_offer(cast, client):
    response = client.post(_url(cast, "offer_public"), _public_data(cast))
    assert response.status_code == 302 and response.url == _url(cast, "offer_thanks")
    made = Offer.objects.get()
    assert made.status == OfferStatus.PENDING and made.contact_name == "Lucia Ferri" and made.consent_at


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact_name": ""}, "contact_name"),
        ({"contact_email": "", "contact_phone": ""}, "contact_email"),
        ({"privacy": ""}, "privacy"),
        ({"areas": []}, "areas"),
        ({"title": ""}, "title"),
        ({"radius_km": "lontano"}, "radius_km"),
    ],
)
def test_the_public_form_shows_what_to_fix_and_keeps_nothing(cast, client, overrides, field):
    response = client.post(_url(cast, "offer_public"), _public_data(cast, **overrides))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not Offer.objects.exists()


def test_the_public_form_refuses_bots(cast, client):
    response = client.post(_url(cast, "offer_public"), _public_data(cast, website="http://spam.example"))
    assert response.status_code == 400 and not Offer.objects.exists()
    response = client.post(_url(cast, "offer_public"), _public_data(cast, stamp=stamps.stamp_from(_SALT, 0)))
    assert response.status_code == 400 and not Offer.objects.exists()
    stamp = stamps.stamp_from(_SALT, 60)
    assert client.post(_url(cast, "offer_public"), _public_data(cast, stamp=stamp)).status_code == 302
    assert client.post(_url(cast, "offer_public"), _public_data(cast, stamp=stamp)).status_code == 400
    assert Offer.objects.count() == 1


def test_user_text_is_escaped(cast, login):
    made = offer(cast, [area(cast)], title="<script>alert(1)</script>", description="<b>grassetto</b>")
    body = login(cast.coordinator).get(_url(cast, "offer_detail", made.pk)).content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert "<b>grassetto</b>" not in body


# --- import and export -----------------------------------------------------------------------------------


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(OFFERS_IMPORT_COLUMNS)
    writer.writerows(rows)
    return io.BytesIO(out.getvalue().encode())


def _row(**cells):
    row = dict.fromkeys(OFFERS_IMPORT_COLUMNS, "")
    row.update({"titolo": "Spesa", "tipo": "tempo", "aree": "Casa", "comune": "019036"} | cells)
    return [row[name] for name in OFFERS_IMPORT_COLUMNS]


def test_an_offers_file_is_imported_all_or_nothing(cast):
    area(cast, "casa")
    area(cast, "scuola")
    bad = import_offers_file(
        actor=cast.coordinator,
        network=cast.network,
        file=_csv([_row(), _row(tipo="lezioni", capacita="0"), _row(aree="Casa; Giardinaggio")]),
        file_name="offerte.csv",
    )
    assert not bad.ok and not Offer.objects.exists()
    problems = {(p.row, p.column) for p in bad.errors}
    assert {(3, "tipo"), (3, "capacita"), (4, "aree")} <= problems
    good = import_offers_file(
        actor=cast.coordinator,
        network=cast.network,
        file=_csv([_row(), _row(titolo="Ripetizioni", tipo="competenza", aree="Casa; Scuola", raggio_km="2,5")]),
        file_name="offerte.csv",
    )
    assert good.ok and good.created == 2
    taught = Offer.objects.get(title="Ripetizioni")
    assert sorted(a.code for a in taught.areas.all()) == ["casa", "scuola"] and str(taught.radius_km) == "2.5"


def test_the_export_reimports_as_it_is(cast, login):
    casa = area(cast, "casa")
    offer(
        cast,
        [casa],
        title="Spesa",
        time_windows=[{"day": 1, "start": "16:00", "end": "18:00"}],
        languages=["it", "ar"],
        external_id="OF-7",
    )
    response = login(cast.coordinator).get(_url(cast, "offers_export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert tuple(rows[0]) == OFFERS_IMPORT_COLUMNS
    Offer.objects.all().delete()
    outcome = import_offers_file(
        actor=cast.coordinator, network=cast.network, file=io.BytesIO(content), file_name="export.csv"
    )
    assert outcome.ok, outcome.errors
    again = Offer.objects.get()
    assert again.title == "Spesa" and again.languages == ["it", "ar"] and again.external_id == "OF-7"
    assert again.time_windows == [{"day": 1, "start": "16:00", "end": "18:00"}]


def test_the_public_home_invites_anyone_to_offer_help(cast, client):
    body = client.get(reverse("network:home", args=[cast.network.slug])).content.decode()
    assert f'href="{_url(cast, "offer_public")}"' in body
