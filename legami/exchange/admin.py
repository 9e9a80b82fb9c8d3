"""Django admin for the exchange app: view-only, since every write goes through the audited services.

The time bank is a ledger: a transfer and its movements are never changed nor deleted, here or anywhere (a mistake
is corrected by a reversal transfer, in the application). What people wrote (an offer's title and description, a
match's feedback, what hours were for, what a space was booked for) and their contacts stay out of the admin; an
offer, a match or a booking is named by its number, since its name is its title.
"""

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from legami.exchange.models import (
    Booking,
    BookingSeries,
    Match,
    MatchingRun,
    Movement,
    Offer,
    Space,
    TimeAccount,
    TimeBankPolicy,
    Transfer,
)
from legami.network.admin import ViewOnlyAdmin


class _Numbered:
    """A row as the admin's headings and breadcrumbs show it: its kind and number, never its title."""

    def __init__(self, obj: Any) -> None:
        self._obj = obj

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, name)

    def __str__(self) -> str:
        return f"{self._obj._meta.verbose_name} #{self._obj.pk}"


class ByNumberAdmin(ViewOnlyAdmin):
    """A view-only admin for rows whose name is something a person wrote: its pages name the row by number."""

    def change_view(self, request: Any, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None)  # a TemplateResponse, not rendered yet
        if context and context.get("original") is not None:
            numbered = _Numbered(context["original"])
            context.update(original=numbered, subtitle=str(numbered))
        return response

    def history_view(self, request: Any, object_id: str, extra_context: Any = None) -> Any:
        response = super().history_view(request, object_id, extra_context)
        context = getattr(response, "context_data", None)
        if context and context.get("object") is not None:
            numbered = _Numbered(context["object"])
            context.update(object=numbered, title=_("Change history: %s") % numbered)
        return response


def _number(related: Any) -> str:
    return f"#{related}" if related is not None else "—"


@admin.register(Offer)
class OfferAdmin(ByNumberAdmin):
    list_display = ("pk", "network", "kind", "status", "municipality", "capacity", "created_at")
    list_filter = ("status", "kind", "network")
    list_select_related = ("network", "municipality")
    # What is offered and how to reach who offers it (encrypted) stay in the application.
    exclude = (
        "title",
        "description",
        "contact_name",
        "contact_email",
        "contact_phone",
        "accessibility_notes",
        "external_id",
    )


@admin.register(MatchingRun)
class MatchingRunAdmin(ViewOnlyAdmin):
    list_display = (
        "pk",
        "network",
        "created_at",
        "needs_considered",
        "offers_considered",
        "compatible_pairs",
        "proposed",
        "seconds",
    )
    list_filter = ("network",)
    list_select_related = ("network",)


@admin.register(Match)
class MatchAdmin(ByNumberAdmin):
    list_display = ("pk", "network", "status", "origin", "created_at", "started_on", "ended_on")
    list_filter = ("status", "origin", "network")
    list_select_related = ("network",)
    # The need and the offer by number (an offer's name is its title); the feedback (encrypted) stays out.
    exclude = ("need", "offer", "feedback")
    readonly_fields = ("need_number", "offer_number")

    @admin.display(description=_("need"))
    def need_number(self, match: Match) -> str:
        return _number(match.need_id)

    @admin.display(description=_("offer"))
    def offer_number(self, match: Match) -> str:
        return _number(match.offer_id)


@admin.register(TimeBankPolicy)
class TimeBankPolicyAdmin(ViewOnlyAdmin):
    list_display = ("network", "soft_limit_minutes", "hard_limit_minutes", "updated_by", "updated_at")
    list_select_related = ("network", "updated_by")


@admin.register(TimeAccount)
class TimeAccountAdmin(ViewOnlyAdmin):
    # The balance is the sum of the account's posted movements: it moves only with a transfer.
    list_display = ("pk", "__str__", "network", "kind", "balance_minutes", "overdraft_limit_minutes", "is_active")
    list_filter = ("kind", "is_active", "network")
    list_select_related = ("network", "person", "organization")


class MovementInline(admin.TabularInline):
    model = Movement
    extra = 0
    fields = ("account", "minutes", "posted_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Transfer)
class TransferAdmin(ViewOnlyAdmin):
    """A transfer and its legs, read only: the ledger is corrected by a reversal transfer, never by an edit."""

    list_display = ("pk", "network", "status", "total_minutes", "posted_at", "created_at")
    list_filter = ("status", "network")
    list_select_related = ("network",)
    # What the hours were for stays in the application; the match by number (its name is the offer's title).
    exclude = ("reason", "match")
    readonly_fields = ("match_number",)
    inlines = [MovementInline]

    @admin.display(description=_("match"))
    def match_number(self, transfer: Transfer) -> str:
        return _number(transfer.match_id)


@admin.register(Space)
class SpaceAdmin(ViewOnlyAdmin):
    list_display = ("name", "network", "place", "manager_organization", "manager", "capacity", "is_active")
    list_filter = ("is_active", "is_public", "network")
    search_fields = ("name",)
    list_select_related = ("network", "place", "manager_organization", "manager")
    # The key of the private calendar feed is for the space's managers only.
    exclude = ("feed_token",)


@admin.register(BookingSeries)
class BookingSeriesAdmin(ViewOnlyAdmin):
    list_display = ("pk", "space", "network", "weekday", "start_time", "end_time", "starts_on", "until")
    list_filter = ("network",)
    list_select_related = ("space", "network")


@admin.register(Booking)
class BookingAdmin(ByNumberAdmin):
    list_display = ("pk", "space", "network", "starts_at", "ends_at", "status", "people")
    list_filter = ("status", "network")
    list_select_related = ("space", "network")
    # What the space is for and who to call (encrypted) stay in the application.
    exclude = ("title", "contact_name", "contact_phone")
