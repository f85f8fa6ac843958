"""The API's endpoints: one ViewSet per resource, looked up by slug.

Permissions, pagination, filtering, throttling and errors are set once in REST_FRAMEWORK
(ibsite/settings.py); the viewsets only say what each resource lists and how.
"""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, JsonResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.pagination import PageNumberPagination

from api.filters import EpisodeAPIFilter, PaperFilter, PersonFilter
from api.serializers.episodes import EpisodeSerializer, EpisodeWriteSerializer, episodes_as_read
from api.serializers.papers import PaperDetailSerializer, PaperSerializer
from api.serializers.people import OrganizationSerializer, PersonDetailSerializer, PersonSerializer
from api.serializers.posts import PostSerializer
from api.serializers.search import SearchParamsSerializer, SearchResultSerializer
from api.serializers.tags import TagSerializer
from episodes.models import Episode
from pages.tags import tags_with_counts
from papers.models import Paper
from people.models import Organization, Person
from posts.models import Post
from search.models import Entry, Kind
from search.results import CAP, Search


def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found: see /api/v1/ for the endpoints."}, status=404)


class BySlug:
    """Objects are found by slug; any slug reaches the view, so an unknown one is a JSON 404."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"

    def get_object(self):
        if "\x00" in self.kwargs[self.lookup_field]:
            # No slug holds a NUL, and PostgreSQL refuses one in a query (a 500).
            name = self.get_queryset().model._meta.object_name
            raise Http404(f"No {name} matches the given query.")
        return super().get_object()


class Versioned:
    """Anonymous reads (list, retrieve) follow from the site's content version: the page
    cache (core.middleware.page_cache) may answer them with a 304 or a stored copy, by
    address and Accept header (the browsable API, when on, is another answer)."""

    versioned = True
    versioned_vary = ("HTTP_ACCEPT",)

    @classmethod
    def admit_cached(cls, request):
        """An answer from the cache still counts against the anonymous limit; past it, the
        view runs and answers 429 as usual."""
        client = SimpleNamespace(META=request.META, headers=request.headers, user=AnonymousUser())
        return all(throttle().allow_request(client, None) for throttle in cls.throttle_classes)


# Editors write an episode with person slugs and answer with the episode as it is read.
WRITE_EPISODE = extend_schema(request=EpisodeWriteSerializer, responses=EpisodeSerializer)


@extend_schema_view(create=WRITE_EPISODE, update=WRITE_EPISODE, partial_update=WRITE_EPISODE)
class EpisodeViewSet(Versioned, BySlug, viewsets.ModelViewSet):
    """Episodes, newest first. Anonymous clients see published ones only."""

    filterset_class = EpisodeAPIFilter
    search_fields = ["title", "summary", "description", "appearances__person__name"]
    ordering_fields = ["published_at", "title", "duration", "number"]
    ordering = ["-published_at", "-pk"]

    def get_queryset(self):
        return episodes_as_read(Episode.objects.visible_to(self.request.user))

    def get_serializer_class(self):
        if self.action in {"create", "update", "partial_update"}:
            return EpisodeWriteSerializer
        return EpisodeSerializer


class PersonViewSet(Versioned, BySlug, viewsets.ModelViewSet):
    """Hosts, guests and authors."""

    filterset_class = PersonFilter
    search_fields = ["name", "bio", "affiliations__organization__name"]
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return Person.objects.with_profile()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PersonDetailSerializer
        return PersonSerializer


class PaperViewSet(Versioned, BySlug, viewsets.ModelViewSet):
    """Papers with their authors in byline order."""

    filterset_class = PaperFilter
    search_fields = ["title", "abstract", "summary", "authorships__person__name"]
    ordering_fields = ["year", "title"]
    ordering = ["-year", "title"]

    def get_queryset(self):
        return Paper.objects.with_authors()

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PaperDetailSerializer
        return PaperSerializer


class PostViewSet(Versioned, BySlug, viewsets.ModelViewSet):
    """Editorial essays, with their hindsight verdicts."""

    serializer_class = PostSerializer
    search_fields = ["title", "dek", "body"]
    ordering_fields = ["published_at", "title"]
    ordering = ["-published_at", "-pk"]

    def get_queryset(self):
        return (
            Post.objects.visible_to(self.request.user)
            .select_related("author")
            .prefetch_related("papers", "tags")
        )


class OrganizationViewSet(Versioned, BySlug, viewsets.ModelViewSet):
    serializer_class = OrganizationSerializer
    queryset = Organization.objects.all()
    search_fields = ["name"]
    ordering_fields = ["name"]
    ordering = ["name"]


class TagViewSet(Versioned, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every topic in use, with how many episodes, papers, posts and people carry it."""

    serializer_class = TagSerializer
    search_fields = ["name"]
    ordering_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self):
        return tags_with_counts()


class SearchPagination(PageNumberPagination):
    """Pages of results, with the number of matches of every kind and the query as run."""

    def paginate_search(self, search, kind, request, view):
        self.search, self.kind = search, kind
        self.counts = search.counts()
        return self.paginate_queryset(search.ranked(kind or None), request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {"query": self.search.terms, "counts": self.counts, **response.data}
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"] = {
            "query": {
                "type": "string",
                "description": "The query as searched (control characters dropped, spaces "
                "collapsed, at most 200 characters).",
            },
            "counts": {
                "type": "object",
                "description": "How many results of each kind there are, whatever ?kind= says. "
                f"At most {CAP}: {CAP} means {CAP} or more (a very common word ranks the "
                f"{CAP} newest matches of each kind).",
                "properties": {kind: {"type": "integer"} for kind in Kind.values},
                "required": list(Kind.values),
            },
            **schema["properties"],
        }
        schema["required"] = ["query", "counts", *schema.get("required", [])]
        return schema


@extend_schema(parameters=[SearchParamsSerializer])
class SearchViewSet(Versioned, viewsets.GenericViewSet):
    """Ranked full-text search over episodes, chapters (moments of an episode), people,
    papers, posts and topics: the results of the site's /search/ page. Published content
    only, best first; each result has its title and a snippet with the matched words marked.
    """

    serializer_class = SearchResultSerializer
    pagination_class = SearchPagination
    # Searching is public and there is nothing to write: any other method is a 405 for
    # everyone, editors included (the model permissions would have answered them 403).
    permission_classes = [permissions.AllowAny]
    filter_backends = []  # ?q= and ?kind= are the whole interface
    queryset = Entry.objects.none()  # for the schema; list() asks search.results

    def list(self, request):
        params = SearchParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        search = Search(params.validated_data["q"])
        kind = params.validated_data.get("kind", "")
        page = self.paginator.paginate_search(search, kind, request, self)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
