from django.contrib import admin

from core.admin import PublishedYearFilter, PublishingActionsMixin, StateFilter
from posts.models import Post


@admin.register(Post)
class PostAdmin(PublishingActionsMixin, admin.ModelAdmin):
    list_display = ["title", "author", "state", "published_at", "reading", "hindsight_verdict"]
    list_filter = [StateFilter, PublishedYearFilter, "hindsight_verdict", "tags"]
    list_select_related = ["author"]
    search_fields = ["title", "dek", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "papers"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "dek", "body", "tags", "papers"]}),
        ("Publishing", {"fields": ["is_draft", "published_at"]}),
        (
            "Hindsight",
            {
                "fields": ["hindsight_verdict", "hindsight_note", "hindsight_date"],
                "description": "A verdict added later: did the essay hold up?",
            },
        ),
    ]

    @admin.display(description="Reading")
    def reading(self, post):
        return f"{post.reading_time()} min, {post.word_count()} words"
