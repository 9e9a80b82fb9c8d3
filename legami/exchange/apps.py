from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "legami.exchange"
    label = "exchange"
    verbose_name = _("Community exchange")

    def ready(self) -> None:
        from legami.core.roles import register_capabilities
        from legami.exchange import capabilities

        register_capabilities(capabilities)
