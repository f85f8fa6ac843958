from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from api import views

app_name = "api"

router = DefaultRouter()
router.register("episodes", views.EpisodeViewSet, basename="episode")
router.register("people", views.PersonViewSet, basename="person")
router.register("papers", views.PaperViewSet, basename="paper")
router.register("posts", views.PostViewSet, basename="post")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("tags", views.TagViewSet, basename="tag")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("search", views.SearchViewSet, basename="search")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI's start-up script served as a file (?script), not inline: the CSP allows no
    # inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    path("", include(router.urls)),
    # Anything else under /api/v1/ is a JSON 404, like an unknown slug, not the site's page.
    re_path(r"^", views.not_found),
]
