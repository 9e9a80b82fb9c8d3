"""Small validation helpers shared by the services."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def max_length_of(model: type[models.Model], field_name: str) -> int:
    """The max_length of a text field of `model` (the services check lengths before writing)."""
    field = model._meta.get_field(field_name)
    limit = getattr(field, "max_length", None)
    if not isinstance(limit, int):
        raise TypeError(f"{model.__name__}.{field_name} has no max_length")
    return limit


def length_error(model: type[models.Model], field_name: str, value: Any) -> ValidationError | None:
    """A ValidationError when `value` is longer than the field allows, else None."""
    limit = max_length_of(model, field_name)
    if value is not None and len(str(value)) > limit:
        return ValidationError(_("At most %(limit)d characters."), code="max_length", params={"limit": limit})
    return None
