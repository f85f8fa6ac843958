from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from pages import urls as pages

admin.site.site_header = "The Information Bottleneck: editors"
admin.site.site_title = "Information Bottleneck admin"
admin.site.index_title = "Curate the show"


urlpatterns = [
    *pages.site_patterns,
    path("search/", include("search.urls")),
    path("episodes/", include(pages.episode_patterns)),
    path("people/", include(pages.person_patterns)),
    path("papers/", include(pages.paper_patterns)),
    path("posts/", include(pages.post_patterns)),
    path("reviews/", include(pages.review_patterns)),
    path("api/v1/", include("api.urls")),
    path("", include("feeds.urls")),
    path("admin/", admin.site.urls),
    # Listener accounts: allauth's sign-up, sign-in, e-mail and password pages under account/,
    # beside the settings page (account/), deleting (account/delete/) and profiles (listeners/).
    path("account/", include("allauth.urls")),
    path("", include("accounts.urls")),
]

# 503 with Retry-After when the database is down, JSON under /api/ (core.errors).
handler500 = "core.errors.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
