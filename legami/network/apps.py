from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "legami.network"
    label = "network"

    def ready(self) -> None:
        from legami.core.imports import register
        from legami.core.roles import register_capabilities
        from legami.network import capabilities
        from legami.network.personal_data import register_personal_data
        from legami.network.services.imports import PEOPLE_IMPORT
        from legami.network.territory_uses import register_territory_uses

        register_capabilities(capabilities)
        register_territory_uses()
        register_personal_data()
        register(PEOPLE_IMPORT)
        from legami.core.panels import DASHBOARD
        from legami.network.panels import dashboard_panels

        DASHBOARD.register(dashboard_panels)
