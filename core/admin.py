"""Admin pieces shared by everything editors publish (episodes and posts)."""

from django.contrib import admin, messages
from django.utils import timezone

from core.publishing import State


class StateFilter(admin.SimpleListFilter):
    """Live, scheduled or draft: what a visitor sees right now (core.publishing's rule)."""

    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [(State.LIVE, "Live"), (State.SCHEDULED, "Scheduled"), (State.DRAFT, "Draft")]

    def queryset(self, request, queryset):
        # Anything else in the address (a stale or mistyped link) filters nothing.
        return {
            State.LIVE: queryset.live,
            State.SCHEDULED: queryset.scheduled,
            State.DRAFT: queryset.drafts,
        }.get(self.value(), queryset.all)()


class PublishedYearFilter(admin.SimpleListFilter):
    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        dates = model_admin.model.objects.exclude(published_at=None).dates(
            "published_at", "year", order="DESC"
        )
        return [(str(date.year), str(date.year)) for date in dates]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(published_at__year=int(self.value()))
        return queryset


class PublishingActionsMixin:
    """The "state" column and the publish / unpublish actions."""

    actions = ["publish_now", "unpublish"]

    @admin.display(description="State", ordering="published_at")
    def state(self, obj):
        if obj.state == State.SCHEDULED:
            return f"Scheduled for {timezone.localtime(obj.published_at):%Y-%m-%d %H:%M}"
        return obj.state.label

    @admin.action(description="Publish now", permissions=["change"])
    def publish_now(self, request, queryset):
        changed = queryset.publish_now()
        self.message_user(request, f"Published {changed} now.", messages.SUCCESS)

    @admin.action(description="Unpublish (back to draft)", permissions=["change"])
    def unpublish(self, request, queryset):
        changed = queryset.unpublish()
        self.message_user(request, f"Moved {changed} back to draft.", messages.SUCCESS)
