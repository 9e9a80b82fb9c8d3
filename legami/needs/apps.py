from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "legami.needs"
    label = "needs"
    verbose_name = _("Needs")

    def ready(self) -> None:
        from legami.core.panels import DASHBOARD, PUBLIC_HOME
        from legami.core.setup import register_network_setup
        from legami.needs.panels import dashboard_panels, public_home_panels
        from legami.needs.services.areas import ensure_default_areas

        register_network_setup(ensure_default_areas)
        DASHBOARD.register(dashboard_panels)
        PUBLIC_HOME.register(public_home_panels)
