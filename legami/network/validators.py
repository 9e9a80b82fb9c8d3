"""Validation of Italian identifiers used across the registry."""

from __future__ import annotations

from typing import Any

from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from legami.core import inputs


def normalize_tax_code(value: str | None) -> str:
    """Upper-case, no spaces: the form in which codici fiscali are stored and compared."""
    return "".join((value or "").split()).upper()


def validate_tax_code(value: str | None) -> str:
    """Return the normalised codice fiscale, '' when empty, or raise ValidationError saying why."""
    code = normalize_tax_code(value)
    if not code:
        return ""
    if len(code) != 16:
        raise ValidationError(
            _("A codice fiscale has 16 characters; this one has %(n)d."),
            code="tax_code_length",
            params={"n": len(code)},
        )
    if not codicefiscale.is_valid(code):
        raise ValidationError(
            _("This codice fiscale is not valid (check the characters and the last letter)."), code="tax_code_invalid"
        )
    return code


def tax_code_validator(value: str) -> None:
    """Django field validator wrapper around validate_tax_code."""
    validate_tax_code(value)


class TaxCodeField(inputs.Text):
    """A codice fiscale input: normalised, '' when empty, refused with validate_tax_code's reason."""

    def parse(self, value: Any, ctx: inputs.Context) -> str:
        return validate_tax_code(super().parse(value, ctx))
