from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "legami.needs"
    label = "needs"
    verbose_name = _("Needs")

    def ready(self) -> None:
        from legami.core.imports import register
        from legami.core.setup import register_network_setup
        from legami.needs.services.areas import ensure_default_areas
        from legami.needs.services.imports import NEEDS_IMPORT

        register_network_setup(ensure_default_areas)
        register(NEEDS_IMPORT)
