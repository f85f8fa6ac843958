from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.template.response import TemplateResponse
from django.urls import path

from core.admin import PublishedYearFilter, PublishingActionsMixin, StateFilter
from episodes.importers.admin_page import import_feed_view
from episodes.models import Appearance, Chapter, Discussion, Episode, Show
from episodes.services import chapters_from_description, check_appearances


@admin.register(Show)
class ShowAdmin(admin.ModelAdmin):
    ordering = ["title"]
    list_display = ["title", "language", "owner_name", "episode_count"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["hosts"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "subtitle", "description", "hosts", "artwork"]}),
        (
            "For podcast apps",
            {
                "fields": [
                    "language",
                    "categories",
                    "explicit",
                    "copyright",
                    "owner_name",
                    "owner_email",
                    "website",
                    "podcast_type",
                    "locked",
                    "funding_url",
                    "funding_text",
                    "podcast_guid",
                ]
            },
        ),
        ("Importing", {"fields": ["import_url"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Podcast apps know the show by its GUID: once set, it must never change.
        if obj is not None and obj.podcast_guid:
            return ["podcast_guid"]
        return []

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(episode_total=Count("episodes"))

    @admin.display(description="Episodes", ordering="episode_total")
    def episode_count(self, show):
        return show.episode_total


class AppearanceFormSet(forms.BaseInlineFormSet):
    """One appearance per person per role, said as the API and the importers say it."""

    def clean(self):
        appearances = [
            form.cleaned_data
            for form in self.forms
            if getattr(form, "cleaned_data", {}).get("person")
            and not self._should_delete_form(form)
        ]
        try:
            check_appearances(appearances=appearances)
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        super().clean()


class AppearanceInline(admin.TabularInline):
    model = Appearance
    formset = AppearanceFormSet
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "role", "affiliation", "order"]


class ChapterInline(admin.TabularInline):
    model = Chapter
    extra = 0
    autocomplete_fields = ["paper", "person"]
    fields = ["start", "title", "paper", "person"]


class DiscussionInline(admin.TabularInline):
    model = Discussion
    extra = 0
    autocomplete_fields = ["paper"]
    fields = ["paper", "chapter", "note"]
    verbose_name = "paper discussed"
    verbose_name_plural = "papers discussed"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only this episode's chapters, not every chapter of the show.
        if db_field.name == "chapter":
            episode_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Chapter.objects.filter(episode_id=episode_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Episode)
class EpisodeAdmin(PublishingActionsMixin, admin.ModelAdmin):
    ordering = ["-published_at", "-pk"]
    list_display = [
        "title",
        "number",
        "state",
        "published_at",
        "duration_display",
        "guest_names",
        "chapter_count",
    ]
    list_display_links = ["title"]
    list_filter = [StateFilter, "show", PublishedYearFilter, "tags"]
    search_fields = ["title", "summary", "description", "appearances__person__name", "guid"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AppearanceInline, ChapterInline, DiscussionInline]
    actions = [*PublishingActionsMixin.actions, "reparse_chapters"]
    # Adds "Import a podcast feed" beside "Add episode".
    change_list_template = "admin/episodes/episode/change_list.html"
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["show", "title", "slug", ("number", "season", "episode_type")]}),
        ("Publishing", {"fields": ["is_draft", "published_at", "guid"]}),
        (
            "Audio",
            {"fields": ["audio_url", ("audio_size", "audio_type"), "duration", "explicit"]},
        ),
        (
            "Show notes",
            {"fields": ["summary", "description", "music_credits", "tags", "artwork"]},
        ),
        ("Transcript", {"fields": ["transcript"], "classes": ["collapse"]}),
        ("History", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_urls(self):
        import_feed = self.admin_site.admin_view(lambda request: import_feed_view(self, request))
        return [
            path("import-feed/", import_feed, name="episodes_episode_import_feed"),
            *super().get_urls(),
        ]

    def get_queryset(self, request):
        guests = Appearance.objects.filter(role=Appearance.Role.GUEST).select_related("person")
        return (
            super()
            .get_queryset(request)
            .select_related("show")
            .annotate(chapter_total=Count("chapters", distinct=True))
            .prefetch_related(Prefetch("appearances", queryset=guests, to_attr="guest_list"))
        )

    @admin.display(description="Duration", ordering="duration")
    def duration_display(self, episode):
        return episode.duration_display()

    @admin.display(description="Guests")
    def guest_names(self, episode):
        return ", ".join(appearance.person.name for appearance in episode.guest_list)

    @admin.display(description="Chapters", ordering="chapter_total")
    def chapter_count(self, episode):
        return episode.chapter_total

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        episode = form.instance
        # A timeline pasted into a new episode's description becomes its chapters.
        if not episode.chapters.exists():
            sync = chapters_from_description(episode=episode)
            if sync.found:
                self.message_user(
                    request,
                    f"Made {len(sync.chapters)} chapters from the timeline in the description.",
                    messages.SUCCESS,
                )
            for reason in sync.skipped:
                self.message_user(request, reason, messages.WARNING)

    @admin.action(description="Re-parse chapters from the description", permissions=["change"])
    def reparse_chapters(self, request, queryset):
        results = [(episode, chapters_from_description(episode=episode)) for episode in queryset]
        context = {
            **self.admin_site.each_context(request),
            "title": "Chapters parsed from the descriptions",
            "opts": self.model._meta,
            "results": results,
        }
        return TemplateResponse(request, "admin/episodes/episode/reparse_result.html", context)
