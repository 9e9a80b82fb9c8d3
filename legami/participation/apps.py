from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "legami.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from legami.core.roles import register_capabilities
        from legami.participation import capabilities

        register_capabilities(capabilities)
        from legami.core.panels import DASHBOARD, PUBLIC_HOME
        from legami.participation.panels import process_panels

        PUBLIC_HOME.register(process_panels)
        DASHBOARD.register(process_panels)
        from legami.participation.territory_uses import register_territory_uses

        register_territory_uses()
        from legami.participation.personal_data import register_personal_data

        register_personal_data()
