from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "legami.exchange"
    label = "exchange"
    verbose_name = _("Community exchange")

    def ready(self) -> None:
        from legami.core.imports import register
        from legami.core.roles import register_capabilities
        from legami.exchange import capabilities
        from legami.exchange.services.imports import OFFERS_IMPORT

        register_capabilities(capabilities)
        register(OFFERS_IMPORT)
