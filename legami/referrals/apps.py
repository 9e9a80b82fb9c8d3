from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "legami.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from legami.core.roles import register_capabilities
        from legami.referrals import capabilities

        register_capabilities(capabilities)
