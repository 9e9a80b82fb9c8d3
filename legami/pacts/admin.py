"""Django admin for cases: view-only, since every write goes through the audited services.

A case is the case team's: the admin lists cases by number, status and dates only, never the person's name nor
what is written about the situation.
"""

from django.contrib import admin

from legami.network.admin import ViewOnlyAdmin
from legami.pacts.models import Case


@admin.register(Case)
class CaseAdmin(ViewOnlyAdmin):
    list_display = ("pk", "network", "status", "opened_on", "closed_on", "close_reason")
    list_filter = ("status", "close_reason", "network")
    list_select_related = ("network",)
    search_fields = ("=id",)
    # The person and the situation stay in the application, where only the team and the privacy officer see them.
    exclude = ("person", "summary", "referral")
