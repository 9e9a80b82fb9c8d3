from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AggregationConfig(AppConfig):
    name = "legami.aggregation"
    label = "aggregation"
    verbose_name = _("Demand aggregation")

    def ready(self) -> None:
        from legami.aggregation import capabilities
        from legami.core.roles import register_capabilities

        register_capabilities(capabilities)
        from legami.aggregation.panels import dashboard_panels
        from legami.core.panels import DASHBOARD

        DASHBOARD.register(dashboard_panels)
