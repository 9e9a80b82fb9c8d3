"""Django admin for the needs app: view-only, since every write goes through the audited services."""

from django.contrib import admin

from legami.needs.models import Need, NeedArea
from legami.network.admin import ViewOnlyAdmin


@admin.register(NeedArea)
class NeedAreaAdmin(ViewOnlyAdmin):
    list_display = ("name", "code", "network", "position", "is_active")
    list_filter = ("is_active", "network")
    search_fields = ("name", "code")


@admin.register(Need)
class NeedAdmin(ViewOnlyAdmin):
    # No description, person or contacts in the list: they are personal (or case) data.
    list_display = ("pk", "network", "area", "target_group", "municipality", "status", "observed_on")
    list_filter = ("status", "target_group", "channel", "expressed", "privacy_level")
    list_select_related = ("network", "area", "municipality")
    # The description is encrypted and may be case data: the admin does not show it.
    # The external id is the need's number in another system (a case file): it goes with the need, not here.
    exclude = ("description", "contact_name", "contact_email", "contact_phone", "external_id", "languages")
    raw_id_fields = ("person", "household", "survey_response", "reported_by")
