from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from ibsite import views

admin.site.site_header = "The Information Bottleneck: editors"
admin.site.site_title = "Information Bottleneck admin"
admin.site.index_title = "Curate the show"

urlpatterns = [
    path("", views.home, name="home"),
    path("episodes/", include("episodes.urls")),
    path("people/", include("people.urls")),
    path("papers/", include("papers.urls")),
    path("posts/", include("posts.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
