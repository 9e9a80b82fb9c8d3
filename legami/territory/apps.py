from django.apps import AppConfig


class TerritoryConfig(AppConfig):
    name = "legami.territory"
    label = "territory"

    def ready(self) -> None:
        from legami.core.roles import register_capabilities
        from legami.territory import capabilities
        from legami.territory.usage import register_territory_uses

        register_capabilities(capabilities)
        register_territory_uses()
