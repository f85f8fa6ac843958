"""Admin pieces shared by everything editors publish (episodes and posts)."""

import re

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
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


# A year as an address may carry it: ASCII digits only ("²".isdigit() is true), 1 to 9999
# (what datetime.date holds; year 0 and 10000 fail inside Django's year lookup).
YEAR = re.compile(r"[0-9]{1,4}")


def year_from(value):
    """The year a filter's value names, or None for no value; IncorrectLookupParameters
    (the admin's usual "?e=1" answer) for anything that is not a year from 1 to 9999."""
    if value is None:
        return None
    if not YEAR.fullmatch(value) or int(value) < 1:
        raise IncorrectLookupParameters(f"{value!r} is not a year.")
    return int(value)


class YearFilter(admin.SimpleListFilter):
    """Filter by a year (`lookup`, e.g. "year" or "published_at__year"), offering `years()`.
    Every model's year filter is one of these, so a malformed year is refused in one place."""

    title = "year"
    parameter_name = "year"
    lookup = "year"

    def years(self, model_admin):
        raise NotImplementedError

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in self.years(model_admin)]

    def queryset(self, request, queryset):
        year = year_from(self.value())
        return queryset if year is None else queryset.filter(**{self.lookup: year})


class PublishedYearFilter(YearFilter):
    lookup = "published_at__year"

    def years(self, model_admin):
        dates = model_admin.model.objects.exclude(published_at=None).dates(
            "published_at", "year", order="DESC"
        )
        return [date.year for date in dates]


class DateHierarchyChangeList(ChangeList):
    """Django's changelist, refusing a date hierarchy year too large for a C long
    (`?published_at__year=` and thirty nines) with the usual ?e=1, as it does one too large
    for a date: Django catches the ValueError, not the OverflowError."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class DateHierarchyMixin:
    """For every ModelAdmin with a `date_hierarchy`: the changelist that refuses a year too
    large with ?e=1 rather than a 500."""

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList


class PublishingActionsMixin(DateHierarchyMixin):
    """The "state" column and the publish / unpublish actions (and the changelist their
    date hierarchy needs)."""

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
