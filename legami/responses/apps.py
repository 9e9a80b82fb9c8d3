from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "legami.responses"
    label = "responses"
    verbose_name = _("Responses and co-design")

    def ready(self) -> None:
        from legami.core.imports import register
        from legami.core.roles import register_capabilities
        from legami.responses import capabilities
        from legami.responses.services.imports import COPRODUCTION_IMPORT

        register_capabilities(capabilities)
        register(COPRODUCTION_IMPORT)
