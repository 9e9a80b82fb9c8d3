"""Django admin for accounts: users are managed here; invitations and tokens are view-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from legami.accounts.models import Invitation, PersonalAccessToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("email", "full_name", "is_active", "is_staff", "is_superuser", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "username", "password")}),
        (_("Personal info"), {"fields": ("full_name", "preferred_language")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "username", "full_name", "password1", "password2")}),
    )
    readonly_fields = ("last_login", "date_joined")


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows written only through the services (which audit them): the admin only shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Invitation)
class InvitationAdmin(ViewOnlyAdmin):
    list_display = ("email", "network", "role", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("role", "network")
    search_fields = ("email", "full_name")
    list_select_related = ("network",)
    exclude = ("token_hash",)


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(ViewOnlyAdmin):
    list_display = ("name", "user", "hint", "created_at", "last_used_at", "expires_at", "revoked_at")
    search_fields = ("name", "user__email")
    list_select_related = ("user",)
    exclude = ("token_hash",)
