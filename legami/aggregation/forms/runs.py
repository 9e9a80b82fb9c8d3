"""Forms of demand aggregation: the settings of a run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from legami.aggregation.services.runs import MAX_COHESION, MAX_GROUP, MIN_COHESION, MIN_GROUP


class RunForm(forms.Form):
    """The settings of an aggregation run."""

    distance_km = forms.DecimalField(
        label=_("Distance (km)"),
        min_value=0.1,
        max_value=50,
        decimal_places=1,
        help_text=_("Needs with a point on the map are grouped when they are at most this far apart."),
    )
    min_group_size = forms.IntegerField(
        label=_("Smallest group"),
        min_value=MIN_GROUP,
        max_value=MAX_GROUP,
        help_text=_("How many similar needs make a candidate demand."),
    )
    min_cohesion = forms.IntegerField(
        label=_("Minimum cohesion (%)"),
        required=False,  # empty: the site's default
        min_value=MIN_COHESION,
        max_value=MAX_COHESION,
        help_text=_(
            "How alike the descriptions of a group must be on average for it to be proposed: "
            "groups under this figure are not proposed."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["distance_km"].initial = settings.LEGAMI_AGGREGATION_DISTANCE_KM
        self.fields["min_group_size"].initial = settings.LEGAMI_AGGREGATION_MIN_GROUP_SIZE
        self.fields["min_cohesion"].initial = settings.LEGAMI_AGGREGATION_MIN_COHESION
