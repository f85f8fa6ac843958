"""/sitemap.xml: every public page, from the same published() rules as the pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from episodes.models import Episode
from ibsite.tags import tags_with_counts
from papers.models import Paper
from people.models import Person
from posts.models import Post


class EpisodeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return Episode.objects.published().order_by("-published_at")

    def lastmod(self, episode):
        return episode.updated_at


class PostSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Post.objects.published().order_by("-published_at")

    def lastmod(self, post):
        return post.updated_at


class PersonSitemap(Sitemap):
    def items(self):
        return Person.objects.order_by("name")


class PaperSitemap(Sitemap):
    def items(self):
        return Paper.objects.order_by(*Paper._meta.ordering)

    def lastmod(self, paper):
        return paper.updated_at


class TagSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return tags_with_counts()

    def location(self, tag):
        return reverse("tag_detail", args=[tag.slug])


PAGES = ["home", "episodes:list", "people:list", "papers:list", "posts:list", "tag_list", "about"]


class PageSitemap(Sitemap):
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
