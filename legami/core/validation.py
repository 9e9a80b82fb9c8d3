"""Small validation helpers shared by the services."""

from django.db import models


def max_length_of(model: type[models.Model], field_name: str) -> int:
    """The max_length of a text field of `model` (the services check lengths before writing)."""
    field = model._meta.get_field(field_name)
    limit = getattr(field, "max_length", None)
    if not isinstance(limit, int):
        raise TypeError(f"{model.__name__}.{field_name} has no max_length")
    return limit
