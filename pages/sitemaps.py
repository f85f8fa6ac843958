"""/sitemap.xml: every public page, from the same live() rule as the pages."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from episodes.models import Episode
from pages.tags import tags_with_counts
from papers.models import Paper
from people.models import Person
from posts.models import Post


class SiteSitemap(Sitemap):
    """Addresses on SITE_URL, as the canonical links say, whatever host the request used."""

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme


class EpisodeSitemap(SiteSitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Episode.objects.live().order_by("-published_at")

    def lastmod(self, episode):
        return episode.updated_at


class PostSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return Post.objects.live().order_by("-published_at")

    def lastmod(self, post):
        return post.updated_at


class PersonSitemap(SiteSitemap):
    def items(self):
        return Person.objects.order_by("name")


class PaperSitemap(SiteSitemap):
    def items(self):
        return Paper.objects.order_by(*Paper._meta.ordering)

    def lastmod(self, paper):
        return paper.updated_at


class TagSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self):
        return tags_with_counts()

    def location(self, tag):
        return reverse("tag_detail", args=[tag.slug])


PAGES = ["home", "episodes:list", "people:list", "papers:list", "posts:list", "tag_list", "about"]


class PageSitemap(SiteSitemap):
    changefreq = "weekly"
    priority = 0.9

    def items(self):
        return [
            "home",
            "episodes:list",
            "people:list",
            "papers:list",
            "posts:list",
            "tag_list",
            "about",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "episodes": EpisodeSitemap,
    "people": PersonSitemap,
    "papers": PaperSitemap,
    "posts": PostSitemap,
    "tags": TagSitemap,
}
