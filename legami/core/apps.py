from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "legami.core"
    label = "core"

    def ready(self) -> None:
        from legami.core import capabilities, checks  # noqa: F401  (checks: registers the system checks)
        from legami.core.navigation import autodiscover
        from legami.core.roles import register_capabilities

        register_capabilities(capabilities)
        # Every app's navigation.py adds its pages to the menu; the apps' models are all loaded by now.
        autodiscover()
