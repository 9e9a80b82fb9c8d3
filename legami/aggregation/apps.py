from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AggregationConfig(AppConfig):
    name = "legami.aggregation"
    label = "aggregation"
    verbose_name = _("Demand aggregation")
