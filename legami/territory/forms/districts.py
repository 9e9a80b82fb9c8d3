"""The form of a social district."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from legami.territory.selectors.municipalities import territory_links_of


class DistrictForm(forms.Form):
    """Name, code and Comuni of a social district."""

    name = forms.CharField(label=_("Name"), max_length=150)
    code = forms.CharField(
        label=_("Code"),
        max_length=30,
        required=False,
        help_text=_("The regional code of the ambito, if it has one."),
    )
    municipalities = forms.TypedMultipleChoiceField(
        label=_("Comuni of the district"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A Comune can be in only one district: those already in another one say which."),
    )

    def __init__(self, network: Any, *args: Any, district: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        initial = []
        for link in territory_links_of(network):
            label = link.municipality.name
            if link.district is not None and (district is None or link.district_id != district.pk):
                # The other district is a side note: smaller and lighter than the Comune's name.
                label = format_html(
                    '{} <small class="legami-aside">{}</small>',
                    label,
                    _("(now in %(district)s)") % {"district": link.district.name},
                )
            choices.append((link.municipality_id, label))
            if district is not None and link.district_id == district.pk:
                initial.append(link.municipality_id)
        self.fields["municipalities"].choices = choices
        if district is not None and not self.is_bound:
            self.initial.update({"name": district.name, "code": district.code, "municipalities": initial})
