"""Admin of aggregated demands: read-mostly, for support (the review happens in the application)."""

from django.contrib import admin

from legami.aggregation.models import AggregatedDemand, DemandEvent, DemandItem


class DemandItemInline(admin.TabularInline):
    model = DemandItem
    extra = 0
    fields = ("need", "source", "similarity", "added_by", "created_at")
    readonly_fields = fields
    can_delete = False


class DemandEventInline(admin.TabularInline):
    model = DemandEvent
    extra = 0
    fields = ("from_status", "to_status", "actor", "note", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(AggregatedDemand)
class AggregatedDemandAdmin(admin.ModelAdmin):
    list_display = ("title", "network", "status", "area", "target_group", "need_count", "people_count")
    list_filter = ("status", "target_group", "network")
    search_fields = ("title",)
    readonly_fields = ("network", "area", "job", "reviewed_by", "reviewed_at", "need_count", "people_count", "cohesion")
    inlines = [DemandItemInline, DemandEventInline]
