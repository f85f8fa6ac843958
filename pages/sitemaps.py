"""The sitemaps, from the same public rules as the pages: /sitemap.xml is an index of one
sitemap per section (/sitemap-<section>.xml), each cut into pages of PAGE_SIZE addresses.

The items are plain rows (`values()`): a page of thousands needs only slugs and dates, not
model objects with their long texts. Each page costs two queries (a count and the page),
the index two per section (a count and the latest change), whatever the number of items.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import Max
from django.db.models.functions import Greatest
from django.urls import reverse

from episodes.models import Episode
from pages.tags import tags_in_use
from papers.models import Paper
from people.models import Person
from posts.models import Post

# Addresses per sitemap file. The protocol allows 50,000 (and 50 MB), which the papers alone
# exceed at scale. At 5,000 the largest page (episodes, dated) weighs 0.75 MB: under
# PAGE_CACHE_MAX_BYTES, so the page cache keeps it, and a miss renders in about 0.3 s (the
# one file of 127,000 addresses took 7 s, and was too large to keep).
PAGE_SIZE = 5_000


class SiteSitemap(Sitemap):
    """Addresses on SITE_URL, as the canonical links say, whatever host the request used."""

    url_name = None  # the detail page's URL name, reversed with each item's slug

    @property
    def limit(self):
        return PAGE_SIZE  # read on each use, so that a test may make it small

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def absolute(self, path):
        return f"{self.get_protocol()}://{self.get_domain()}{path}"

    def location(self, item):
        return reverse(self.url_name, args=[item["slug"]])


class PublishedSitemap(SiteSitemap):
    """Episodes and posts: live ones, newest first. An item's last change is its last edit
    or its publication, whichever came later: a scheduled item appears with no edit."""

    changefreq = "monthly"
    model = None

    def _live(self):
        return self.model.objects.live().annotate(
            last_change=Greatest("updated_at", "published_at")
        )

    def items(self):
        return self._live().order_by("-published_at", "-pk").values("slug", "last_change")

    def lastmod(self, item):
        return item["last_change"]

    def get_latest_lastmod(self):
        return self._live().aggregate(latest=Max("last_change"))["latest"]


class EpisodeSitemap(PublishedSitemap):
    model = Episode
    url_name = "episodes:detail"
    priority = 0.8


class PostSitemap(PublishedSitemap):
    model = Post
    url_name = "posts:detail"


class PersonSitemap(SiteSitemap):
    url_name = "people:detail"

    def items(self):
        # By slug: unique and indexed, so each page is a range of the index and no two
        # pages share an item.
        return Person.objects.order_by("slug").values("slug")


class PaperSitemap(SiteSitemap):
    url_name = "papers:detail"

    def items(self):
        return Paper.objects.order_by("slug").values("slug", "updated_at")

    def lastmod(self, item):
        return item["updated_at"]

    def get_latest_lastmod(self):
        return Paper.objects.aggregate(latest=Max("updated_at"))["latest"]


class TagSitemap(SiteSitemap):
    """The topics carried by something public, as a topic page requires."""

    changefreq = "weekly"
    url_name = "tag_detail"

    def items(self):
        # Not tags_with_counts(): counting every tagged row per kind is slow at scale.
        return tags_in_use().order_by("slug").values("slug")


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


def index_entries():
    """Every page of every section's sitemap, with the section's latest change where it
    has one (all its items dated), for the sitemap index."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        location = sitemap.absolute(reverse("sitemap_section", args=[section]))
        lastmod = sitemap.get_latest_lastmod()
        for page in range(1, sitemap.paginator.num_pages + 1):
            address = location if page == 1 else f"{location}?p={page}"
            entries.append(SitemapIndexItem(address, lastmod))
    return entries
