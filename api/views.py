"""The API's endpoints: one ViewSet per resource, looked up by slug.

Permissions, pagination, filtering, throttling and errors are set once in REST_FRAMEWORK
(ibsite/settings.py); the viewsets only say what each resource lists and how.
"""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from api.filters import EpisodeAPIFilter, PaperFilter, PersonFilter, ReviewFilter
from api.permissions import OwnReviews
from api.serializers.episodes import EpisodeSerializer, EpisodeWriteSerializer, episodes_as_read
from api.serializers.papers import PaperDetailSerializer, PaperSerializer
from api.serializers.people import OrganizationSerializer, PersonDetailSerializer, PersonSerializer
from api.serializers.posts import PostSerializer
from api.serializers.reviews import RatingSerializer, ReviewSerializer
from api.serializers.search import SearchParamsSerializer, SearchResultSerializer
from api.serializers.tags import TagSerializer
from community import services as reviews
from community.limits import RateLimited, count_post
from community.models import Review, rating_annotations
from episodes.models import Episode, Show
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
        episodes = Episode.objects.visible_to(self.request.user).annotate(**rating_annotations())
        return episodes_as_read(episodes)

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


class ReviewViewSet(Versioned, viewsets.ModelViewSet):
    """Listeners' reviews of the show and its episodes, newest first: the published ones
    (and a signed-in listener's own). A signed-in listener (session or token) writes one
    review per item and changes or deletes their own; posts are limited per account and
    address (REVIEW_POSTS_PER_HOUR)."""

    serializer_class = ReviewSerializer
    permission_classes = [OwnReviews]
    filterset_class = ReviewFilter
    ordering_fields = ["created_at", "stars"]
    ordering = ["-created_at", "-pk"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    write_error_codes = ("429",)

    def get_queryset(self):
        return Review.objects.visible_to(self.request.user).select_related(
            "author__profile", "episode", "show"
        )

    def _count_post(self):
        try:
            count_post(self.request)
        except RateLimited as limit:
            raise exceptions.Throttled(wait=limit.retry_after, detail=str(limit)) from None

    def create(self, request, *args, **kwargs):
        self._count_post()
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self.get_object()  # someone else's review: 403 before it counts against the limit
        self._count_post()
        return super().update(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = serializer.validated_data
        item = data.get("episode") or Show.objects.current()
        if item is None:
            raise serializers.ValidationError({"episode": ["There is no show to review yet."]})
        try:
            serializer.instance = reviews.post_review(
                author=self.request.user,
                item=item,
                stars=data["stars"],
                title=data.get("title", ""),
                text=data.get("text", ""),
            )
        except reviews.AlreadyReviewed as already:
            raise serializer.already(already.existing) from None
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None

    def perform_update(self, serializer):
        review, data = serializer.instance, serializer.validated_data
        try:
            reviews.update_review(
                review=review,
                stars=data.get("stars", review.stars),
                title=data.get("title", review.title),
                text=data.get("text", review.text),
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(serializers.as_serializer_error(error)) from None

    def perform_destroy(self, review):
        reviews.delete_review(review=review)

    @extend_schema(
        responses=RatingSerializer,
        parameters=[
            OpenApiParameter(
                "episode",
                type={"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"},
                description="The episode's slug; left out, the show's rating.",
            )
        ],
    )
    @action(detail=False, pagination_class=None)
    def rating(self, request):
        """The rating of the show (by default) or of one episode (?episode=<slug>): the
        average of its published reviews, to one decimal (null without any), and their count."""
        rated = self.filter_queryset(Review.objects.visible())
        if not request.query_params.get("episode"):
            rated = rated.filter(episode__isnull=True)
        return Response(RatingSerializer(rated.rating()).data)


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
