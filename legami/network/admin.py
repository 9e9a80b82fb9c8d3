"""Django admin for the network app: view-only, since every write goes through the audited services."""

from django.contrib import admin

from legami.network.models import Household, Membership, Network, Organization, Partnership, Person, Tie


class ViewOnlyAdmin(admin.ModelAdmin):
    """Platform admins can inspect rows here; changes are made in the application, where they are audited."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Network)
class NetworkAdmin(ViewOnlyAdmin):
    list_display = ("name", "slug", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")


@admin.register(Organization)
class OrganizationAdmin(ViewOnlyAdmin):
    list_display = ("name", "network", "kind", "municipality")
    list_filter = ("kind", "network")
    search_fields = ("name", "tax_code")
    list_select_related = ("network", "municipality")


@admin.register(Partnership)
class PartnershipAdmin(ViewOnlyAdmin):
    list_display = ("organization", "network", "role", "since", "until")
    list_filter = ("role", "network")
    search_fields = ("organization__name",)
    list_select_related = ("organization", "network")


@admin.register(Membership)
class MembershipAdmin(ViewOnlyAdmin):
    list_display = ("user", "network", "role", "organization", "district", "is_active", "created_at")
    list_filter = ("role", "is_active", "network")
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "network", "organization", "district")


@admin.register(Household)
class HouseholdAdmin(ViewOnlyAdmin):
    list_display = ("name", "network", "municipality")
    list_filter = ("network",)
    search_fields = ("name",)
    list_select_related = ("network", "municipality")


@admin.register(Person)
class PersonAdmin(ViewOnlyAdmin):
    # Notes may hold sensitive remarks: never in the list, never searchable.
    list_display = ("last_name", "first_name", "network", "municipality", "household")
    list_filter = ("network",)
    search_fields = ("last_name", "first_name", "email")
    list_select_related = ("network", "municipality", "household")
    exclude = ("notes",)


@admin.register(Tie)
class TieAdmin(ViewOnlyAdmin):
    list_display = ("id", "network", "kind", "direction", "since", "until")
    list_filter = ("kind", "network")
    list_select_related = ("network",)
    # What operators write about two people's relation (a care arrangement…) stays in the application.
    exclude = ("note",)
