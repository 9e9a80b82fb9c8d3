from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "legami.network"
    label = "network"

    def ready(self) -> None:
        from legami.core.panels import DASHBOARD
        from legami.network.panels import dashboard_panels

        DASHBOARD.register(dashboard_panels)
