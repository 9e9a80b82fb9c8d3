from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "legami.network"
    label = "network"

    def ready(self) -> None:
        from legami.network.territory_uses import register_territory_uses

        register_territory_uses()
