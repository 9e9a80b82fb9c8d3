from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "legami.core"
    label = "core"

    def ready(self) -> None:
        from legami.core import checks  # noqa: F401  (registers the system checks)
