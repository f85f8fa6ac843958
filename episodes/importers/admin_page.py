"""The admin's "Import a podcast feed" page: a URL or an uploaded file, queued as a job.

The page only queues the import (`episodes.jobs`) and sends the editor to the job's page,
which shows its progress and then the summary: the import itself, the code behind
`manage.py import_feed`, runs in the worker. It needs the permission to add episodes.
`EpisodeAdmin` puts it at /admin/episodes/episode/import-feed/ and links to it from the
episode list.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from core.text import size_text
from episodes.jobs import queue_feed_import
from episodes.models import Show

PERMISSION = "episodes.add_episode"


class ImportFeedForm(forms.Form):
    url = forms.URLField(
        label="Feed URL",
        required=False,
        max_length=2000,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(attrs={"size": 80, "placeholder": "https://"}),
        help_text="The address of the show's RSS feed.",
    )
    file = forms.FileField(
        label="or a feed file",
        required=False,
        help_text="An RSS file saved from the podcast host.",
    )
    show = forms.ModelChoiceField(
        Show.objects.all(),
        required=False,
        empty_label="The feed's show (found by its title, or created)",
        help_text="Only needed when there are several shows. A show's empty fields are "
        "filled in from the feed; what is already written is kept.",
    )
    dry_run = forms.BooleanField(
        label="Preview only: say what would change, save nothing",
        label_suffix="",
        required=False,
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        limit = settings.FEED_MAX_BYTES
        if file and file.size > limit:
            raise ValidationError(
                f"This file is {size_text(file.size)}, larger than {size_text(limit)}: too "
                "large for a podcast feed."
            )
        return file

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        if bool(cleaned.get("url")) == bool(cleaned.get("file")):
            raise ValidationError("Give the feed's URL or upload the feed file (one of the two).")
        return cleaned


def import_feed_view(model_admin, request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if request.method == "POST":
        form = ImportFeedForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            job = queue_feed_import(
                user=request.user,
                url=data["url"],
                file=data["file"],
                show=data["show"],
                dry_run=data["dry_run"],
            )
            return redirect(job.get_absolute_url())
    else:
        form = ImportFeedForm()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Import a podcast feed",
        "opts": model_admin.model._meta,
        "form": form,
    }
    return TemplateResponse(request, "admin/episodes/episode/import_feed.html", context)
