from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "legami.needs"
    label = "needs"
    verbose_name = _("Needs")

    def ready(self) -> None:
        from legami.core.imports import register
        from legami.core.panels import DASHBOARD, PUBLIC_HOME
        from legami.core.roles import register_capabilities
        from legami.core.setup import register_network_setup
        from legami.needs import capabilities
        from legami.needs.panels import dashboard_panels, public_home_panels
        from legami.needs.personal_data import register_personal_data
        from legami.needs.services.areas import ensure_default_areas
        from legami.needs.services.imports import NEEDS_IMPORT

        register_capabilities(capabilities)
        register_personal_data()
        register_network_setup(ensure_default_areas)
        register(NEEDS_IMPORT)
        DASHBOARD.register(dashboard_panels)
        PUBLIC_HOME.register(public_home_panels)
