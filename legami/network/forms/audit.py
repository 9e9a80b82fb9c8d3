"""The filters of the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from legami.core.models import AuditEvent, DataClass
from legami.network.forms.organizations import DateInput


class AuditFilterForm(forms.Form):
    """Filters of the audit log; a field with a bad value is reported and left out of the filter."""

    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditEvent.Action.choices]
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    actor = forms.CharField(label=_("Actor e-mail"), required=False, max_length=200)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    data_class = forms.ChoiceField(
        label=_("Data class"), required=False, choices=[("", _("All classes")), *DataClass.choices]
    )

    def __init__(self, *args, object_types: Sequence[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        # The object types are those present in this network's log (value, readable name), known only per request.
        field = cast(forms.ChoiceField, self.fields["object_type"])
        field.choices = [("", _("All types")), *object_types]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data

    def filters(self) -> dict:
        """The valid filters as keyword arguments of audit_events_for()."""
        self.is_valid()  # fills cleaned_data with the valid fields only
        data = self.cleaned_data
        return {
            "action": data.get("action", ""),
            "object_type": data.get("object_type", ""),
            "object_id": (data.get("object_id") or "").strip(),
            "actor_email": data.get("actor", ""),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "data_class": data.get("data_class", ""),
        }
