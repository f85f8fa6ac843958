from django.contrib import admin, messages

from community import services
from community.models import Review, Status


class ItemFilter(admin.SimpleListFilter):
    """Reviews of the show as a whole, or of episodes."""

    title = "reviewed item"
    parameter_name = "item"

    def lookups(self, request, model_admin):
        return [("show", "The show"), ("episode", "An episode")]

    def queryset(self, request, queryset):
        if self.value() == "show":
            return queryset.filter(episode__isnull=True)
        if self.value() == "episode":
            return queryset.filter(episode__isnull=False)
        return queryset


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Editors moderate listeners' reviews, many at a time."""

    list_display = ["__str__", "stars", "title", "author", "episode", "status", "created_at"]
    list_filter = ["status", "stars", ItemFilter, "episode", "show"]
    list_select_related = ["author__profile", "episode", "show"]
    search_fields = [
        "title",
        "text",
        "author__username",
        "author__email",
        "author__profile__display_name",
        "episode__title",
    ]
    raw_id_fields = ["author", "episode"]
    readonly_fields = ["created_at", "updated_at"]
    actions = ["publish", "hide"]

    def _moderate(self, request, queryset, status, verb):
        changed = services.moderate(reviews=queryset, status=status)
        self.message_user(
            request, f"{changed} review{'s' if changed != 1 else ''} {verb}.", messages.SUCCESS
        )

    @admin.action(description="Publish the selected reviews", permissions=["change"])
    def publish(self, request, queryset):
        self._moderate(request, queryset, Status.PUBLISHED, "published")

    @admin.action(description="Hide the selected reviews", permissions=["change"])
    def hide(self, request, queryset):
        self._moderate(request, queryset, Status.HIDDEN, "hidden")
