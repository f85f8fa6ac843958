from django.conf import settings
from django.contrib.sitemaps.views import sitemap, x_robots_tag
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from taggit.models import Tag

from core.versions import versioned
from episodes.models import Episode, Show
from pages import structured_data
from pages.sitemaps import SITEMAPS, index_entries
from pages.tags import popular_tags, tag_index
from pages.views.papers import listed as listed_papers
from pages.views.people import listed as listed_people
from pages.views.reviews import IN_STRUCTURED_DATA, reviews_of
from papers.models import Paper
from people.models import Person
from posts.models import Post


def _show(positions=True):
    """The show, with its hosts (and their current positions, which the about page shows)."""
    hosts = Person.objects.with_current_positions() if positions else Person.objects.all()
    return Show.objects.prefetch_related(Prefetch("hosts", queryset=hosts)).current()


@versioned
def home(request):
    show = _show(positions=False)
    reviews = reviews_of(request, show, latest=IN_STRUCTURED_DATA)
    context = {
        "show": show,
        "reviews": reviews,
        "episodes": Episode.objects.live().for_cards()[:6],
        "posts": Post.objects.live().select_related("author")[:3],
        "tags": popular_tags(),
        "structured_data": structured_data.podcast_series(show, reviews),
    }
    return render(request, "home.html", context)


@versioned
def about(request):
    show = _show()
    reviews = reviews_of(request, show, latest=IN_STRUCTURED_DATA)
    context = {
        "show": show,
        "reviews": reviews,
        "structured_data": structured_data.podcast_series(show, reviews),
    }
    return render(request, "about.html", context)


@versioned
def tag_list(request):
    return render(request, "tags/tag_list.html", {"tags": tag_index()})


# How many items of each kind a topic page shows; the rest are a link away, in the list of
# that kind filtered by the topic. A popular topic carries thousands of papers: listed in
# full, its page was 6.5 MB and took a minute to render. Each kind shows fewer than a list
# page (PAGE_SIZE, 20), so the four together read like two list pages (about 25 KB at
# most); posts fewer still, as each card carries its standfirst and a topic has few essays.
TOPIC_PAGE_SHOWS = {"episodes": 12, "papers": 12, "posts": 6, "people": 12}


@versioned
def tag_detail(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    carrying = {
        "episodes": Episode.objects.live().filter(tags=tag).for_cards(),
        "papers": listed_papers(Paper.objects.filter(tags=tag)).order_by(
            "-episode_count", *Paper._meta.ordering
        ),
        "posts": Post.objects.live().on_topic(tag).select_related("author"),
        "people": listed_people(Person.objects.on_topic(tag)).order_by("-episode_count", "name"),
    }
    sections = [
        (kind, rows[: TOPIC_PAGE_SHOWS[kind]], rows.count()) for kind, rows in carrying.items()
    ]
    # A topic that only drafts carry is not public yet.
    if not any(count for _, _, count in sections):
        raise Http404("Nothing public carries this topic.")
    context = {"tag": tag, "sections": {kind: (items, n) for kind, items, n in sections}}
    return render(request, "tags/tag_detail.html", context)


@versioned
@require_GET
def robots_txt(request):
    sitemap = f"{settings.SITE_URL}{reverse('sitemap')}"
    lines = ["User-agent: *", "Disallow: /admin/", f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain")


@versioned
@x_robots_tag
def sitemap_index(request):
    """/sitemap.xml: where each section's sitemap pages are. Django's own index view names
    the request's host; this one names SITE_URL, as the sitemaps and canonical links do."""
    context = {"sitemaps": index_entries()}
    return TemplateResponse(request, "sitemap_index.xml", context, content_type="application/xml")


@versioned
def sitemap_section(request, section):
    """One page (`?p=`, from 1) of a section's sitemap: 404 for a page out of range."""
    return sitemap(request, sitemaps=SITEMAPS, section=section)
