from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "legami.network"
    label = "network"

    def ready(self) -> None:
        from legami.core.imports import register
        from legami.network.services.imports import PEOPLE_IMPORT

        register(PEOPLE_IMPORT)
