"""Input rules: a write's inputs declared once, and checked the same way for its form, its import and its API.

A service declares its fields (type, required, messages) and its cross-field checks in a `Rules`, and calls
`RULES.clean(data, network=..., instance=...)` with a plain dict: no request, no form. The answer is a dict of
cleaned values, or one ValidationError `{field: [errors with codes]}` that a form shows with
`core.forms.add_service_errors`, the API with `api.errors.service_errors` and an import as row errors
(`Rules.row_errors`, field -> column). Lookups are scoped to the network by the model the app passes in: `core`
imports no domain app.

Everything is used as `inputs.<name>`; the parts live in `fields` (the context and the kinds of field),
`lookups` (rows of the network) and `rules` (the declaration and the shared cross-field checks).
"""

from legami.core.inputs.fields import (
    ITALY_LATITUDE,
    ITALY_LONGITUDE,
    MISSING,
    Boolean,
    Check,
    Choice,
    Context,
    Coordinate,
    Date,
    Decimal,
    Email,
    Field,
    Integer,
    Minutes,
    Money,
    Number,
    Password,
    Phone,
    Text,
    Time,
    choose,
    model_text,
)
from legami.core.inputs.lookups import Lookup, LookupMany
from legami.core.inputs.rules import Rules, described, filled, one_of, point, refuse_unknown, unique

# The parsers live in core.parsing; they are named here too (inputs.parse_date …), where writes look for them.
from legami.core.parsing import EMPTY_VALUES, fold, parse_bool, parse_date, parse_id, parse_number, parse_time

__all__ = [
    "EMPTY_VALUES",
    "ITALY_LATITUDE",
    "ITALY_LONGITUDE",
    "MISSING",
    "Boolean",
    "Check",
    "Choice",
    "Context",
    "Coordinate",
    "Date",
    "Decimal",
    "Email",
    "Field",
    "Integer",
    "Lookup",
    "Minutes",
    "Money",
    "LookupMany",
    "Number",
    "Password",
    "Phone",
    "Rules",
    "Text",
    "Time",
    "choose",
    "described",
    "filled",
    "fold",
    "model_text",
    "one_of",
    "parse_bool",
    "parse_date",
    "parse_id",
    "parse_number",
    "parse_time",
    "point",
    "refuse_unknown",
    "unique",
]
