"""What the podcast feed points apps to, beside the audio: chapters and transcripts."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from episodes.models import Episode
from feeds.podcast import chapters_document, episode_prefetches

CHAPTERS_TYPE = "application/json+chapters"


def _public(response):
    # Web players fetch these from other sites; they are public, like the feed.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def chapters_json(request, slug):
    """The episode's chapters as Podcasting 2.0 JSON chapters. 404 unless published."""
    episode = get_object_or_404(
        Episode.objects.live().select_related("show").prefetch_related(*episode_prefetches()),
        slug=slug,
    )
    return _public(
        JsonResponse(
            chapters_document(episode, episode.show),
            content_type=f"{CHAPTERS_TYPE}; charset=utf-8",
            json_dumps_params={"ensure_ascii": False},
        )
    )


@require_safe
def transcript_txt(request, slug):
    """The episode's transcript as plain text. 404 unless published and transcribed."""
    episode = get_object_or_404(Episode.objects.live().only("transcript"), slug=slug)
    if not episode.transcript.strip():
        raise Http404("This episode has no transcript.")
    return _public(HttpResponse(episode.transcript, content_type="text/plain; charset=utf-8"))
