from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "legami.exchange"
    label = "exchange"
    verbose_name = _("Community exchange")

    def ready(self) -> None:
        from legami.core.imports import register
        from legami.core.panels import PUBLIC_HOME
        from legami.core.roles import register_capabilities
        from legami.exchange import capabilities
        from legami.exchange.panels import public_home_panels
        from legami.exchange.personal_data import register_personal_data
        from legami.exchange.services.imports import OFFERS_IMPORT
        from legami.exchange.territory_uses import register_territory_uses

        register_capabilities(capabilities)
        register(OFFERS_IMPORT)
        PUBLIC_HOME.register(public_home_panels)
        register_territory_uses()
        register_personal_data()
