from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, register_converter

from ibsite import views
from ibsite.converters import TagSlugConverter
from ibsite.sitemaps import SITEMAPS

register_converter(TagSlugConverter, "tagslug")  # before the includes below use it

admin.site.site_header = "The Information Bottleneck: editors"
admin.site.site_title = "Information Bottleneck admin"
admin.site.index_title = "Curate the show"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", include("search.urls")),
    path("about/", views.about, name="about"),
    path("episodes/", include("episodes.urls")),
    path("people/", include("people.urls")),
    path("papers/", include("papers.urls")),
    path("posts/", include("posts.urls")),
    path("tags/", views.tag_list, name="tag_list"),
    path("tags/<tagslug:slug>/", views.tag_detail, name="tag_detail"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("api/v1/", include("api.urls")),
    path("", include("feeds.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
