from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "legami.activities"
    label = "activities"
    verbose_name = _("Civic Center activities")

    def ready(self) -> None:
        from legami.activities import capabilities
        from legami.core.roles import register_capabilities

        register_capabilities(capabilities)
        from legami.activities.services.imports import ACTIVITIES_IMPORT, ENROLLMENTS_IMPORT
        from legami.core.imports import register

        register(ACTIVITIES_IMPORT)
        register(ENROLLMENTS_IMPORT)
        from legami.activities.territory_uses import register_territory_uses

        register_territory_uses()
        from legami.activities.personal_data import register_personal_data

        register_personal_data()
