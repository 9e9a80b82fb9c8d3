"""The input rules (core.inputs): each field type with good and bad input, scoped lookups, one error shape."""

import datetime
import decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from legami.core import inputs
from legami.core.tests import factories as f
from legami.territory.models import Municipality, Neighbourhood, Place

CTX = inputs.Context()


class Colour(models.TextChoices):
    RED = "red", "Red"
    DARK_BLUE = "dark_blue", "Dark blue"


class Level(models.IntegerChoices):
    LOW = 1, "Low"
    HIGH = 2, "High"


def codes(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return {name: [e.code for e in errors] for name, errors in exc.value.error_dict.items()}


def refused(field: inputs.Field, value, ctx=CTX) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        field.clean(value, ctx)
    return exc.value


# --- the parsers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["31/12/2025", "31-12-2025", "31.12.2025", "2025-12-31", " 2025-12-31 "])
def test_one_date_parser_reads_italian_and_iso_dates(text):
    assert inputs.parse_date(text) == datetime.date(2025, 12, 31)


def test_date_parser_takes_dates_and_datetimes_and_empty():
    assert inputs.parse_date(datetime.datetime(2025, 1, 2, 10, 0)) == datetime.date(2025, 1, 2)
    assert inputs.parse_date(datetime.date(2025, 1, 2)) == datetime.date(2025, 1, 2)
    assert inputs.parse_date("") is None and inputs.parse_date(None) is None


@pytest.mark.parametrize("text", ["30/02/2025", "12/31/2025x", "2025/12/31", "ieri", "31/12/25", 20251231])
def test_date_parser_refuses_what_is_not_a_date(text):
    with pytest.raises(ValueError):
        inputs.parse_date(text)


@given(st.dates(min_value=datetime.date(1000, 1, 1)))
def test_every_date_reads_back_in_each_written_form(day):
    for text in (day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%d-%m-%Y")):
        assert inputs.parse_date(text) == day


@pytest.mark.parametrize(
    ("text", "number"),
    [("1234.5", "1234.5"), ("1234,5", "1234.5"), ("1.234,5", "1234.5"), ("1,234.5", "1234.5"), ("1.234.567", "1234567"),
     (" -45,13 ", "-45.13"), (7, "7"), (0.1, "0.1")],
)  # fmt: skip
def test_numbers_in_italian_and_english_style(text, number):
    assert inputs.parse_number(text) == decimal.Decimal(number)


@pytest.mark.parametrize("text", ["abc", "1,2,3.4.5", "NaN", "Infinity", True, "1 . 2 , 3x"])
def test_number_parser_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        inputs.parse_number(text)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**9), max_value=10**9))
def test_numbers_read_back_with_a_comma_or_a_dot(number):
    assert inputs.parse_number(str(number)) == number
    assert inputs.parse_number(str(number).replace(".", ",")) == number


@pytest.mark.parametrize(("text", "answer"), [("sì", True), ("Si", True), ("yes", True), ("1", True), (1, True),
                                              ("no", False), ("falso", False), ("OFF", False), (0, False)])  # fmt: skip
def test_booleans_in_italian_and_english_words(text, answer):
    assert inputs.parse_bool(text) is answer


@pytest.mark.parametrize("text", ["forse", 2, "maybe"])
def test_boolean_parser_refuses_other_words(text):
    with pytest.raises(ValueError):
        inputs.parse_bool(text)


@pytest.mark.parametrize(("text", "time"), [("16:30", (16, 30)), ("16.30", (16, 30)), ("9", (9, 0))])
def test_times(text, time):
    assert inputs.parse_time(text) == datetime.time(*time)


@pytest.mark.parametrize("text", ["25:00", "16:75", "le quattro"])
def test_time_parser_refuses_what_is_not_a_time(text):
    with pytest.raises(ValueError):
        inputs.parse_time(text)


# --- the fields ---------------------------------------------------------------------------------------------


def test_text_is_stripped_bounded_and_refuses_nul_bytes():
    field = inputs.Text(max_length=5, required=True)
    assert field.clean("  ciao ", CTX) == "ciao"
    assert refused(field, "troppo lungo").code == "max_length"
    assert refused(field, "a\x00b").code == "null_characters"
    assert refused(field, None).code == "required"
    blank = refused(inputs.Text(required=True, messages={"blank": "Say something."}), "   ")
    assert (blank.code, blank.message) == ("required", "Say something.")
    assert inputs.Text().clean(None, CTX) == ""


@given(st.text(max_size=30).filter(lambda t: "\x00" not in t))
def test_text_keeps_what_fits(text):
    assert inputs.Text(max_length=30).clean(text, CTX) == text.strip()


def test_choice_takes_values_and_with_labels_the_words_of_both_languages():
    assert inputs.Choice(Colour).clean(" red ", CTX) == "red"
    assert refused(inputs.Choice(Colour), "green").code == "invalid_choice"
    picked = inputs.choose(Colour, "Choose a colour.")
    for bad in ("", None, "green"):
        error = refused(picked, bad, inputs.Context(complete=True))
        assert (error.code, error.message) == ("invalid_choice", "Choose a colour.")
    assert inputs.Choice(Colour, labels=True).clean("DARK BLUE", CTX) == "dark_blue"
    assert inputs.Choice(Level).clean("2", CTX) == 2 and inputs.Choice(Level).clean(1, CTX) == 1
    assert refused(inputs.Choice(Level), "3").code == "invalid_choice"


def test_integer_and_decimal_with_bounds():
    count = inputs.Integer(min_value=1, max_value=2000)
    assert count.clean("1.234", CTX) == 1234 and count.clean(" 7 ", CTX) == 7
    assert refused(count, "1,5").code == "invalid"
    assert refused(count, "0").code == "min_value"
    assert refused(count, 2001).code == "max_value"
    one_code = inputs.Integer(min_value=1, range_code="invalid", messages={"invalid": "From 1."})
    assert (refused(one_code, 0).code, refused(one_code, 0).message) == ("invalid", "From 1.")
    assert inputs.Decimal(places=2).clean("1.234,567", CTX) == decimal.Decimal("1234.57")
    assert refused(inputs.Decimal(), "dieci").code == "invalid"


def test_coordinates_must_be_in_italy():
    latitude = inputs.Coordinate(inputs.ITALY_LATITUDE)
    assert latitude.clean("45,1334567", CTX) == decimal.Decimal("45.133457")
    outside = refused(latitude, "52.5")
    assert outside.code == "out_of_italy" and outside.params["low"] == inputs.ITALY_LATITUDE[0]


def test_boolean_field_with_the_writes_own_words():
    field = inputs.Boolean(true_words=("espresso",), false_words=("rilevato",))
    assert field.clean("Espresso", CTX) is True and field.clean("rilevato", CTX) is False
    assert field.clean("sì", CTX) is True
    assert refused(field, "boh").code == "invalid"


def test_date_field_refuses_a_future_date_when_asked():
    field = inputs.Date(past=True)
    assert field.clean("01/02/2020", CTX) == datetime.date(2020, 2, 1)
    assert refused(field, "2999-01-01").code == "future"
    bad = refused(field, "31/02/2020")
    assert (bad.code, str(bad.message)) == ("invalid", "Enter a valid date.")


def test_time_email_and_phone():
    assert inputs.Time().clean("9.15", CTX) == datetime.time(9, 15)
    assert refused(inputs.Time(), "mezzogiorno").code == "invalid"
    assert inputs.Email(lower=True).clean(" Anna@Example.org ", CTX) == "anna@example.org"
    assert refused(inputs.Email(), "anna@").code == "invalid"
    assert inputs.Phone().clean(" +39 333   1234567 ", CTX) == "+39 333 1234567"
    assert refused(inputs.Phone(), "chiamami").code == "invalid_phone"


def _password_codes(field: inputs.Field, value, ctx=CTX) -> list[str]:
    return [error.code for error in refused(field, value, ctx).error_list]


def test_password_is_kept_as_typed_and_checked_by_the_sites_validators():
    from django.contrib.auth import get_user_model

    def account(ctx):
        return get_user_model()(email=ctx.extra["email"], username=ctx.extra["email"])

    field = inputs.Password(account=account)
    ctx = inputs.Context(extra={"email": "anna.rossi@example.org"})
    assert field.clean(" una password robusta 42 ", ctx) == " una password robusta 42 "
    assert _password_codes(field, "corta", ctx) == ["password_too_short"]
    assert "password_entirely_numeric" in _password_codes(field, "8301957264", ctx)
    assert "password_too_common" in _password_codes(field, "password123", ctx)
    assert "password_too_similar" in _password_codes(field, "anna.rossi@example.org", ctx)
    # Without `required`, an empty password is one the validators refuse, with their own message.
    assert _password_codes(inputs.Password(), "") == ["password_too_short"]
    assert _password_codes(inputs.Password(), None) == ["password_too_short"]
    missing = refused(inputs.Password(required=True), "", inputs.Context(complete=True))
    assert (missing.code, str(missing.message)) == ("required", "This field is required.")


# --- scoped lookups -----------------------------------------------------------------------------------------


def _in_territory(queryset, network):
    return queryset.filter(network_links__network=network)


def test_lookup_finds_the_networks_rows_by_instance_pk_or_natural_key(cast, django_assert_num_queries):
    cremona = cast.municipalities[0]
    here = f.NeighbourhoodFactory(network=cast.network, municipality=cremona, name="Centro")
    field = inputs.Lookup(Neighbourhood, by=("pk", "name"))
    ctx = inputs.Context(network=cast.network)
    with django_assert_num_queries(0):
        assert field.clean(here, ctx) == here
    assert field.clean(str(here.pk), ctx) == here
    assert field.clean("centro", ctx) == here


@pytest.mark.parametrize("value", ["²", "-²", "٣"])
def test_a_numeric_choice_refuses_digits_int_cannot_read(value):
    assert refused(inputs.Choice(Level), value).code == "invalid_choice"


@pytest.mark.parametrize("value", ["²", "٣", str(2**63), 2**63, -1, True, "1.0", " "])
def test_a_lookup_by_number_refuses_what_is_not_a_database_id(cast, value):
    """Unicode digits that int() cannot read, ids beyond a bigint and booleans are not found, never a crash."""
    f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Centro")
    field = inputs.Lookup(Neighbourhood, by=("pk",))
    assert refused(field, value, inputs.Context(network=cast.network)).code in ("invalid_choice", "required")
    many = inputs.LookupMany(Neighbourhood, by=("pk",))
    assert refused(many, [value], inputs.Context(network=cast.network)).code in ("invalid_choice", "required")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12", 12), (" 7 ", 7), (0, 0), (2**63 - 1, 2**63 - 1), ("²", None), ("٣", None), (str(2**63), None)]
    + [(-3, None), ("-3", None), (True, None), (None, None), ("", None), ("1e3", None)],
)
def test_parse_id(value, expected):
    assert inputs.parse_id(value) == expected


def test_lookup_refuses_another_networks_rows_as_if_they_did_not_exist(cast):
    cremona = cast.municipalities[0]
    theirs = f.NeighbourhoodFactory(network=cast.other_network, municipality=cremona, name="Loro")
    field = inputs.Lookup(Neighbourhood, by=("pk", "name"), messages={"invalid_choice": "Not here."})
    ctx = inputs.Context(network=cast.network)
    for value in (theirs, theirs.pk, "Loro", "999999"):
        error = refused(field, value, ctx)
        assert (error.code, error.message) == ("invalid_choice", "Not here.")
    place = f.PlaceFactory(network=cast.other_network, municipality=cremona)
    assert refused(inputs.Lookup(Place, scope="network"), place, ctx).code == "invalid_choice"


def test_a_comune_by_istat_code_or_name_among_the_networks_only(cast):
    field = inputs.Lookup(Municipality, scope=_in_territory, by=("istat_code", "name"), outside_code="not_in_territory")
    ctx = inputs.Context(network=cast.network)
    assert field.clean("019036", ctx).name == "Cremona"
    assert field.clean("CREMA", ctx).istat_code == "019035"
    elsewhere = f.MunicipalityFactory(istat_code="015146", name="Milano")
    assert refused(field, "015146", ctx).code == "not_in_territory"
    assert refused(field, elsewhere, ctx).code == "not_in_territory"
    assert refused(field, "Atlantide", ctx).code == "invalid_choice"


def test_a_value_on_file_stays_valid_and_an_unusable_row_is_refused(cast):
    cremona = cast.municipalities[0]
    old = f.NeighbourhoodFactory(network=cast.network, municipality=cremona, name="Vecchio")
    rules = inputs.Rules({"neighbourhood": inputs.Lookup(Neighbourhood, usable=lambda n: n.name != "Vecchio")})
    with pytest.raises(ValidationError) as exc:
        rules.clean({"neighbourhood": old}, network=cast.network)
    assert codes(exc) == {"neighbourhood": ["inactive"]}
    on_file = f.PersonFactory(network=cast.network, municipality=cremona, neighbourhood=old)
    assert rules.clean({"neighbourhood": old}, network=cast.network, instance=on_file) == {"neighbourhood": old}


def test_validators_run_on_the_parsed_value_all_of_them_with_their_own_messages():
    from django.core.validators import MaxLengthValidator, URLValidator, validate_email

    email = inputs.Text(validators=(validate_email, MaxLengthValidator(20)))
    assert email.clean(" anna@example.org ", CTX) == "anna@example.org"
    assert email.clean("", CTX) == ""  # an empty value is not validated
    both = refused(inputs.Text(validators=(validate_email, MaxLengthValidator(5))), "not-an-address")
    assert [e.code for e in both.error_list] == ["invalid", "max_length"]
    assert both.messages[0] == str(validate_email.message)
    assert [e.code for e in refused(inputs.Text(validators=(URLValidator(),)), "not a url").error_list] == ["invalid"]
    assert inputs.Text(validators=(URLValidator(),)).clean("https://example.org", CTX) == "https://example.org"


def test_a_write_can_keep_its_own_codes_and_its_own_empty_value():
    date = inputs.Date(codes={"invalid": "invalid_date"}, messages={"invalid": "Not a date."})
    error = refused(date, "ieri")
    assert (error.code, error.message) == ("invalid_date", "Not a date.")
    blank = refused(inputs.Text(required=True, codes={"required": "missing"}), "  ")
    assert blank.code == "missing"
    flag = inputs.Boolean(empty=False)
    assert flag.clean(None, CTX) is False and flag.clean("", CTX) is False and flag.clean("sì", CTX) is True
    assert inputs.Boolean().clean(None, CTX) is None
    assert inputs.Choice(Level, empty=Level.HIGH).clean("", CTX) == Level.HIGH
    assert inputs.Choice(Level).clean("", CTX) is None


def test_a_strict_field_takes_only_values_of_its_own_type_never_text():
    days = inputs.Integer(strict=True, min_value=1)
    assert days.clean(30, CTX) == 30 and days.clean(None, CTX) is None
    for bad in ("30", "", True, 30.0, decimal.Decimal(30)):
        assert refused(days, bad).code == "invalid"
    assert refused(days, 0).code == "min_value"
    flag = inputs.Boolean(strict=True, required=True, empty_code="invalid")
    assert flag.clean(False, CTX) is False
    for bad in ("yes", "sì", 1, 0, "", None):
        assert refused(flag, bad, inputs.Context(complete=True)).code == "invalid"
    assert inputs.Decimal(strict=True).clean(2.5, CTX) == decimal.Decimal("2.5")
    assert refused(inputs.Decimal(strict=True), "2,5").code == "invalid"
    assert inputs.Date(strict=True).clean(datetime.date(2025, 1, 2), CTX) == datetime.date(2025, 1, 2)
    assert refused(inputs.Date(strict=True), "2025-01-02").code == "invalid"
    assert refused(inputs.Text(strict=True), 12).code == "invalid"
    # Not the text it would read: the field's own message for a wrong value.
    assert refused(inputs.Integer(strict=True, messages={"invalid": "Days."}), "3").message == "Days."
    with pytest.raises(TypeError):
        inputs.Choice(Colour, strict=True)


# --- lookups for a file: the rows loaded once ----------------------------------------------------------------


def test_with_a_cache_a_lookup_loads_its_rows_once_and_matches_without_case_or_accents(cast, django_assert_num_queries):
    cremona = cast.municipalities[0]
    here = f.NeighbourhoodFactory(network=cast.network, municipality=cremona, name="Città Alta")
    f.NeighbourhoodFactory(network=cast.other_network, municipality=cremona, name="Loro")
    field = inputs.Lookup(Neighbourhood, by=("name",), messages={"invalid_choice": "Not here."})
    ctx = inputs.Context(network=cast.network, cache={})
    with django_assert_num_queries(1):
        for value in ("Città Alta", "citta alta", " CITTÀ  ALTA "):
            assert field.clean(value, ctx) == here
        for value in ("Loro", "Nowhere", True):
            error = refused(field, value, ctx)
            assert (error.code, error.message) == ("invalid_choice", "Not here.")


def test_with_a_cache_a_value_outside_the_scope_costs_one_query_once(cast, django_assert_num_queries):
    f.MunicipalityFactory(istat_code="015146", name="Milano")
    field = inputs.Lookup(Municipality, scope=_in_territory, by=("istat_code", "name"), outside_code="not_in_territory")
    ctx = inputs.Context(network=cast.network, cache={})
    assert field.clean("cremona", ctx).istat_code == "019036"
    with django_assert_num_queries(1):
        assert refused(field, "015146", ctx).code == "not_in_territory"
        assert refused(field, "015146", ctx).code == "not_in_territory"
    with django_assert_num_queries(1):
        assert refused(field, "Atlantide", ctx).code == "invalid_choice"


def test_within_picks_the_row_of_the_parent_when_a_name_repeats(cast):
    cremona, crema = cast.municipalities
    in_cremona = f.NeighbourhoodFactory(network=cast.network, municipality=cremona, name="Centro")
    in_crema = f.NeighbourhoodFactory(network=cast.network, municipality=crema, name="Centro")
    rules = inputs.Rules(
        {
            "municipality": inputs.Lookup(Municipality, scope=_in_territory, by=("istat_code",)),
            "neighbourhood": inputs.Lookup(Neighbourhood, by=("name",), within="municipality"),
        }
    )
    for cache in ({}, None):
        found = rules.clean({"municipality": "019035", "neighbourhood": "centro"}, network=cast.network, cache=cache)
        assert found["neighbourhood"] == in_crema
        found = rules.clean({"municipality": "019036", "neighbourhood": "Centro"}, network=cast.network, cache=cache)
        assert found["neighbourhood"] == in_cremona
    # Without the parent, the name is ambiguous.
    with pytest.raises(ValidationError) as exc:
        rules.clean({"neighbourhood": "Centro"}, network=cast.network, cache={})
    assert codes(exc) == {"neighbourhood": ["invalid_choice"]}


# --- several rows at once -------------------------------------------------------------------------------------


def test_lookup_many_finds_each_row_once_in_one_query_in_the_scopes_order(cast, django_assert_num_queries):
    cremona, crema = cast.municipalities
    rules = inputs.Rules({"municipalities": inputs.LookupMany(Municipality, scope=None, by=("istat_code",))})
    with django_assert_num_queries(1):
        found = rules.clean({"municipalities": [cremona, crema.pk, " 019036 ", "019035"]})
    assert found == {"municipalities": [crema, cremona]}  # by name, the model's ordering
    assert rules.clean({"municipalities": "019035"}) == {"municipalities": [crema]}
    for empty in (None, "", [], ()):
        assert rules.clean({"municipalities": empty}) == {"municipalities": []}
    here = f.NeighbourhoodFactory(network=cast.network, municipality=cremona, name="Centro")
    by_pk_or_name = inputs.LookupMany(Neighbourhood, by=("pk", "name"))
    assert by_pk_or_name.clean([str(here.pk), "CENTRO"], inputs.Context(network=cast.network)) == [here]


def test_lookup_many_names_every_value_it_does_not_find_in_one_error(cast):
    cremona = cast.municipalities[0]
    f.MunicipalityFactory(istat_code="015146", name="Milano")
    theirs = f.NeighbourhoodFactory(network=cast.other_network, municipality=cremona, name="Loro")
    rules = inputs.Rules(
        {
            "municipalities": inputs.LookupMany(
                Municipality,
                scope=_in_territory,
                by=("istat_code",),
                messages={"invalid_choice": "Not here: %(values)s."},
                codes={"invalid_choice": "unknown_municipality"},
            ),
            "neighbourhoods": inputs.LookupMany(Neighbourhood, by=("name",)),
        }
    )
    with pytest.raises(ValidationError) as exc:
        rules.clean(
            {
                "municipalities": [cremona, "015146", "Atlantide", 10**30, True, "015146", "²"],
                "neighbourhoods": [theirs, "Loro"],
            },
            network=cast.network,
        )
    assert codes(exc) == {"municipalities": ["unknown_municipality"], "neighbourhoods": ["invalid_choice"]}
    assert exc.value.message_dict["municipalities"] == [f"Not here: 015146, Atlantide, {10**30}, True, ²."]
    required = inputs.LookupMany(Municipality, scope=None, required=True, messages={"required": "At least one."})
    assert (refused(required, []).code, refused(required, None).message) == ("required", "At least one.")
    with pytest.raises(TypeError):
        inputs.LookupMany(Municipality, outside_code="not_in_territory")


def test_but_copies_a_field_with_its_messages_and_leaves_the_original_alone():
    original = inputs.Choice(Colour, messages={"invalid_choice": "No such colour."})
    labelled = original.but(labels=True)
    assert labelled.clean("DARK BLUE", CTX) == Colour.DARK_BLUE
    assert refused(original, "DARK BLUE").message == "No such colour."
    assert refused(labelled, "green").message == "No such colour."
    with pytest.raises(AttributeError):
        original.but(colour="red")


def test_a_choice_with_labels_takes_its_values_in_any_case_and_the_writes_own_words():
    field = inputs.Choice(Colour, labels=True, words={"rosso": Colour.RED})
    for value, expected in (("RED", "red"), ("dark_blue", "dark_blue"), ("Dark Blue", "dark_blue"), ("Rosso", "red")):
        assert field.clean(value, CTX) == expected
    assert refused(field, "verde").code == "invalid_choice"


def test_extend_can_drop_checks():
    def always(ctx):
        ctx.add_error("name", "Never.", "never")

    rules = inputs.Rules({"name": inputs.Text()}, checks=(always,))
    with pytest.raises(ValidationError):
        rules.clean({"name": "x"})
    assert rules.extend(drop_checks=(always,)).clean({"name": "x"}) == {"name": "x"}


# --- the declaration ----------------------------------------------------------------------------------------

CONTACT = inputs.Rules(
    {
        "name": inputs.Text(required=True, max_length=20),
        "email": inputs.Email(),
        "phone": inputs.Phone(),
        "colour": inputs.Choice(Colour, default=Colour.RED),
        "latitude": inputs.Coordinate(inputs.ITALY_LATITUDE),
        "longitude": inputs.Coordinate(inputs.ITALY_LONGITUDE),
    },
    checks=(
        inputs.one_of("email", "phone", on="email", message="An e-mail or a phone.", code="contact_required"),
        inputs.point(message="Both or neither."),
    ),
)


def test_a_new_row_gets_defaults_and_every_error_at_once_in_one_dict():
    assert CONTACT.clean({"name": " Anna ", "phone": "333 1234567"}) == {
        "name": "Anna",
        "email": "",
        "phone": "333 1234567",
        "colour": "red",
        "latitude": None,
        "longitude": None,
    }
    with pytest.raises(ValidationError) as exc:
        CONTACT.clean({"name": "", "email": "", "colour": "green", "latitude": "45.1"})
    assert codes(exc) == {
        "name": ["required"],
        "colour": ["invalid_choice"],
        "email": ["contact_required"],
        "longitude": ["point_incomplete"],
    }


def test_unknown_keys_are_refused_on_the_key_or_on_the_whole_input():
    with pytest.raises(ValidationError) as exc:
        CONTACT.clean({"name": "Anna", "age": 3})
    assert codes(exc) == {"age": ["unknown"]}
    on_all = CONTACT.extend()
    on_all.unknown_on_all = True
    with pytest.raises(ValidationError) as exc:
        on_all.clean({"age": 3})
    assert codes(exc) == {NON_FIELD_ERRORS: ["unknown"]}


def test_an_edit_checks_only_the_given_fields_against_the_instance():
    class Row:
        name, email, phone, colour, latitude, longitude = "Anna", "", "333 1234567", "red", None, None

    assert CONTACT.clean({"latitude": "45.1", "longitude": "10"}, instance=Row()) == {
        "latitude": decimal.Decimal("45.100000"),
        "longitude": decimal.Decimal("10.000000"),
    }
    with pytest.raises(ValidationError) as exc:
        CONTACT.clean({"phone": ""}, instance=Row())
    assert codes(exc) == {"email": ["contact_required"]}


def test_cross_field_checks_alone_for_a_form_and_errors_by_column_for_an_import():
    assert CONTACT.check({"name": "Anna", "email": "anna@example.org", "phone": ""}) == {}
    errors = CONTACT.check({"email": "", "phone": ""})
    assert [e.code for e in errors["email"]] == ["contact_required"]
    with pytest.raises(ValidationError) as exc:
        CONTACT.clean({"name": "", "phone": "x"})
    assert sorted(inputs.Rules.row_errors(exc.value, {"name": "nome", "phone": "telefono"})) == [
        ("nome", "This field is required."),
        ("telefono", "Enter an Italian phone number: digits and spaces, optionally starting with +39."),
    ]


def test_unique_check_ignores_the_row_being_edited(cast):
    cremona = cast.municipalities[0]
    place = f.PlaceFactory(network=cast.network, municipality=cremona, name="Casa")
    rules = inputs.Rules(
        {"name": inputs.Text()}, checks=(inputs.unique(Place, "name", lookup="iexact", message="Taken."),)
    )
    with pytest.raises(ValidationError) as exc:
        rules.clean({"name": "CASA"}, network=cast.network)
    assert codes(exc) == {"name": ["unique"]}
    assert rules.clean({"name": "casa"}, network=cast.network, instance=place) == {"name": "casa"}
    assert rules.clean({"name": "Casa"}, network=cast.other_network) == {"name": "Casa"}


def test_apply_sets_a_new_rows_values_and_checks_a_saved_row_whole(cast):
    cremona = cast.municipalities[0]
    rules = inputs.Rules(
        {"name": inputs.Text(required=True), "description": inputs.Text()},
        checks=(inputs.filled("description", message="Describe it."),),
    )
    place = Place(network=cast.network, municipality=cremona)
    rules.apply(place, {"name": " Casa ", "description": "Una casa"}, network=cast.network)
    assert (place.name, place.description) == ("Casa", "Una casa")
    with pytest.raises(ValidationError) as exc:
        rules.apply(Place(network=cast.network), {"description": "x"}, network=cast.network)
    assert codes(exc) == {"name": ["required"]}

    saved = f.PlaceFactory(network=cast.network, municipality=cremona, name="Sala", description="")
    # Only the name is given, but the row is checked whole: the description on file is empty.
    with pytest.raises(ValidationError) as exc:
        rules.apply(saved, {"name": "Sala grande"}, network=cast.network)
    assert codes(exc) == {"description": ["required"]}
    assert saved.name == "Sala"  # nothing set when refused
    saved.description = "Per le riunioni"
    rules.apply(saved, {"name": "Sala grande"}, network=cast.network)
    assert saved.name == "Sala grande"
    with pytest.raises(ValidationError) as exc:
        rules.apply(saved, {"colour": "red"}, network=cast.network)
    assert codes(exc) == {"colour": ["unknown"]}


# --- money ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("50,00", "50.00"),
        ("1.200,50", "1200.50"),
        ("1.200", "1200.00"),  # Italian thousands, not one euro and twenty
        ("1,200.50", "1200.50"),
        ("1200.5", "1200.50"),
        ("7", "7.00"),
        (7, "7.00"),
        (decimal.Decimal("0.1") + decimal.Decimal("0.2"), "0.30"),
        ("99999999,99", "99999999.99"),
    ],
)
def test_money_reads_italian_and_english_amounts_exactly(typed, amount):
    value = inputs.Money().clean(typed, CTX)
    assert value == decimal.Decimal(amount) and value.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("12,345", "decimal_places"),
        ("0,001", "decimal_places"),
        ("dieci", "invalid"),
        (1.5, "invalid"),
        ("100000000", "max_value"),
    ],
)
def test_money_refuses_floats_a_third_decimal_and_what_is_no_amount(typed, code):
    with pytest.raises(ValidationError) as refused:
        inputs.Money().clean(typed, CTX)
    assert refused.value.code == code
