from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PactsConfig(AppConfig):
    name = "legami.pacts"
    label = "pacts"
    verbose_name = _("Cases and generative pacts")

    def ready(self) -> None:
        from legami.core.roles import register_capabilities
        from legami.pacts import capabilities
        from legami.pacts.personal_data import register_personal_data

        register_capabilities(capabilities)
        register_personal_data()
        from legami.core.panels import DASHBOARD
        from legami.pacts.panels import dashboard_panels

        DASHBOARD.register(dashboard_panels)
