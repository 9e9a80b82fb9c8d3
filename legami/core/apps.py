from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "legami.core"
    label = "core"

    def ready(self) -> None:
        from legami.core import capabilities, checks  # noqa: F401  (checks: registers the system checks)
        from legami.core.roles import register_capabilities

        register_capabilities(capabilities)
