from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "legami.territory"
    label = "territory"

    def ready(self) -> None:
        from legami.territory.usage import register_territory_uses

        register_territory_uses()
