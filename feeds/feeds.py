"""The site's feeds, as Django syndication feeds.

- `PodcastFeed`: /feed/podcast.xml, the published episodes, for podcast apps.
- `TagPodcastFeed`, `PersonPodcastFeed`: the same, for the episodes on one topic or with one
  person (/tags/<slug>/feed.xml, /people/<slug>/feed.xml).
- `PostsFeed`: /feed/posts.xml, the editors' posts in full, as Atom.

Each answers a conditional GET (If-None-Match, If-Modified-Since) from one aggregate query,
without rendering anything, and may be kept a few minutes by any cache. Each is bounded
whatever the archive holds: FEED_PAGE_SIZE items a page (`?page=`), texts cut past the
FEED_*_MAX_CHARS settings (feeds/html.py).
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Max, QuerySet
from django.db.models.functions import Left
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape, strip_tags
from django.views.decorators.http import condition
from taggit.models import Tag

from core.versions import generation
from episodes.models import Appearance, Episode, Show
from feeds import html
from feeds.generators import FullTextAtomFeed, PodcastRssFeed
from feeds.podcast import (
    absolute,
    ensure_podcast_guid,
    episode_image,
    episode_prefetches,
    feed_chapters,
    person_image,
    podcast_feed_url,
    show_image,
)
from people.models import Person
from posts.models import Post

SITE_NAME = "The Information Bottleneck"

# Part of every ETag: change it when the feeds' markup changes, so that clients holding a
# feed from before the deploy fetch it again.
FEED_FORMAT = "feeds-2"


@dataclass(frozen=True)
class Version:
    """What a feed's content depends on, from one aggregate query: its ETag, Last-Modified
    (a datetime or None), and how many items it has in all (over its pages)."""

    etag: str
    last_modified: object
    count: int


def _version(key, count, *stamps):
    """The Version of a feed from what its content depends on (and the feeds' content
    generation, which changes with what the stamps do not see: see core/versions.py)."""
    known = [stamp for stamp in stamps if stamp is not None]
    parts = [FEED_FORMAT, settings.SITE_URL, generation(), key, str(count), *map(str, stamps)]
    etag = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return Version(f'"{etag}"', max(known) if known else None, count)


@dataclass(frozen=True)
class FeedPage:
    """Which of a feed's pages a request asks for: FEED_PAGE_SIZE items each, newest first.

    The feed's address is the first page; `?page=2` the next. The pages link each other as
    an RFC 5005 paged feed (first, previous, next, last).
    """

    number: int
    count: int  # items in the whole feed
    size: int

    @property
    def pages(self):
        return max(1, -(-self.count // self.size))

    @property
    def start(self):
        return (self.number - 1) * self.size

    @property
    def stop(self):
        return self.start + self.size

    def url(self, feed_url, number):
        return feed_url if number == 1 else f"{feed_url}?page={number}"

    def links(self, feed_url):
        """[(rel, absolute URL)] to the other pages; none for a feed of one page."""
        if self.pages == 1:
            return []
        links = [("first", self.url(feed_url, 1))]
        if self.number > 1:
            links.append(("previous", self.url(feed_url, self.number - 1)))
        if self.number < self.pages:
            links.append(("next", self.url(feed_url, self.number + 1)))
        links.append(("last", self.url(feed_url, self.pages)))
        return links


def _page_number(request):
    """The page asked for: 1 without `?page=`; 404 for anything but a whole number >= 1."""
    value = request.GET.get("page", "1")
    # The length first: int() refuses strings of more than 4,300 digits (a 500).
    if len(value) > 6 or not value.isascii() or not value.isdigit() or int(value) < 1:
        raise Http404("No such page of this feed.")
    return int(value)


class ConditionalFeed(Feed):
    """A feed that answers a conditional GET with 304 from `version()`, before rendering.

    A request names a page (`?page=`, see FeedPage); the feed object gets it as `page`. The
    feed rendered for a version is also kept in Django's cache for PUBLIC_PAGE_MAX_AGE (when
    at most FEED_CACHE_MAX_BYTES), under a key made of the version, so that the many apps
    polling without a validator do not each render it again, and any change of content
    shows at the next request.
    """

    def version(self, obj):
        """The Version of the feed for `obj`."""
        raise NotImplementedError

    def __call__(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        number = _page_number(request)
        try:
            obj = self.get_object(request, *args, **kwargs)
        except ObjectDoesNotExist:
            raise Http404("No such feed.") from None
        version = self.version(obj)
        obj.page = FeedPage(number=number, count=version.count, size=settings.FEED_PAGE_SIZE)
        if number > obj.page.pages:
            raise Http404("No such page of this feed.")
        etag = version.etag if number == 1 else f'{version.etag[:-1]}-{number}"'

        @condition(
            etag_func=lambda request: etag,
            last_modified_func=lambda request: version.last_modified,
        )
        def render(request):
            cache_key = f"feeds:{request.path}:{etag}"
            body = cache.get(cache_key)
            if body is None:
                body = self.get_feed(obj, request).writeString("utf-8").encode()
                if len(body) <= settings.FEED_CACHE_MAX_BYTES:
                    cache.set(cache_key, body, settings.PUBLIC_PAGE_MAX_AGE)
            return HttpResponse(body, content_type=self.feed_type.content_type)

        response = render(request)
        # The same for everyone (published content only), so any cache may keep it briefly.
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        return response


# Podcast feeds.


@dataclass
class PodcastSubject:
    """What one podcast feed lists and says about itself."""

    show: Show
    episodes: QuerySet  # the published episodes it lists
    key: str  # tells the feed apart from the others in its ETag
    title: str
    link: str  # absolute
    description: str
    feed_url: str  # absolute
    podcast_guid: str = ""  # only the show's own feed has one
    missing_when_empty: bool = False
    page: FeedPage | None = None  # set by ConditionalFeed


def _show():
    show = Show.objects.prefetch_related("hosts").current()
    if show is None:
        raise Show.DoesNotExist("There is no show yet.")
    return show


def _plain(text):
    """A name as channel text: no markup (tags stripped), whatever an editor or an import
    typed. A channel's description is read as HTML, so it is also escaped there."""
    return strip_tags(text).strip()


def _person_entry(person, role, url_of):
    return {
        "name": _plain(person.name),
        "role": role,
        "href": url_of(person),
        "img": person_image(person),
    }


class _UrlCache:
    """Absolute URLs of pages, each worked out once a feed (hosts come in every episode)."""

    def __init__(self):
        self._urls = {}

    def __call__(self, obj):
        key = (type(obj), obj.pk)
        if key not in self._urls:
            self._urls[key] = absolute(obj.get_absolute_url())
        return self._urls[key]


def _grouped_categories(show):
    """[("Science", ["Mathematics"]), ("Technology", [])]: sub-categories under their parent."""
    grouped = {}
    for parent, child in show.category_list():
        children = grouped.setdefault(parent, [])
        if child and child not in children:
            children.append(child)
    return list(grouped.items())


def _enclosure_owners(episodes):
    """{episode id: whether it carries its audio as enclosure}: a URL appears once a feed.

    Apps merge or reject episodes sharing an audio URL, so when two do, the older one (the
    original; a rerun comes later) keeps it.
    """
    owner = {}
    for episode in sorted(episodes, key=lambda e: (e.published_at, e.pk)):
        if episode.audio_url:
            owner.setdefault(episode.audio_url, episode.pk)
    return {e.pk: bool(e.audio_url) and owner[e.audio_url] == e.pk for e in episodes}


def _with_heads(episodes):
    """The episodes without their long texts, but with as much of each as an item may show
    (`notes_head`, `summary_head`, `transcript_head`, `music_credits_head`): a megabyte of
    notes is not read, let alone kept, for 4,000 characters of them."""
    notes = settings.FEED_NOTES_MAX_CHARS + 1  # one more: to know that there was more
    return episodes.defer("description", "summary", "transcript", "music_credits").annotate(
        notes_head=Left("description", notes),
        summary_head=Left("summary", notes),
        transcript_head=Left("transcript", 1000),
        music_credits_head=Left("music_credits", settings.FEED_ITEM_CONTENT_MAX_CHARS + 1),
    )


def _enclosure_owners_among(feed_episodes, episodes):
    """As `_enclosure_owners`, for `episodes` among all of `feed_episodes` (one query)."""
    urls = {episode.audio_url for episode in episodes if episode.audio_url}
    owner = {}
    sharing = (
        feed_episodes.filter(audio_url__in=urls)
        .order_by("published_at", "pk")
        .values_list("audio_url", "pk")
    )
    for url, pk in sharing:
        owner.setdefault(url, pk)
    return {e.pk: bool(e.audio_url) and owner[e.audio_url] == e.pk for e in episodes}


@dataclass
class PodcastItem:
    """One episode as a podcast feed's item says it."""

    episode: Episode
    url: str
    description: str  # HTML
    content: str  # HTML
    enclosure: Enclosure | None
    image: str
    people: list
    chapters_url: str
    transcript_url: str
    language: str

    @classmethod
    def of(cls, episode, show, url_of, has_enclosure):
        url = url_of(episode)
        chapters = feed_chapters(episode, url_of)
        appearances = episode.feed_appearances
        limit = settings.FEED_NOTES_MAX_CHARS
        notes_html = html.notes(episode.notes_head, episode.summary_head, limit, url)
        guests = [
            (a.person.name, url_of(a.person), a.affiliation)
            for a in appearances
            if a.role == Appearance.Role.GUEST
        ]
        return cls(
            episode=episode,
            url=url,
            description=html.description(notes_html, chapters, limit),
            content=html.cap(
                html.content(notes_html, chapters, guests, episode.music_credits_head, url),
                settings.FEED_ITEM_CONTENT_MAX_CHARS,
                url,
            ),
            enclosure=Enclosure(
                episode.audio_url, str(episode.audio_size or 0), episode.audio_type
            )
            if has_enclosure
            else None,
            image=episode_image(episode, show),
            people=[_person_entry(a.person, a.role, url_of) for a in appearances],
            chapters_url=absolute(reverse("feeds:chapters", args=[episode.slug]))
            if chapters
            else "",
            transcript_url=absolute(reverse("feeds:transcript", args=[episode.slug]))
            if episode.transcript_head.strip()
            else "",
            language=show.language,
        )


class PodcastFeed(ConditionalFeed):
    """Every published episode of the show, newest first, for podcast apps."""

    feed_type = PodcastRssFeed

    def get_object(self, request):
        show = _show()
        return PodcastSubject(
            show=show,
            episodes=Episode.objects.live().filter(show=show),
            key="podcast",
            title=show.title,
            link=absolute(reverse("home")),
            description=show.description,
            feed_url=podcast_feed_url(),
            podcast_guid=str(ensure_podcast_guid(show)),
        )

    def version(self, subject):
        stats = subject.episodes.aggregate(
            count=Count("pk"), updated=Max("updated_at"), published=Max("published_at")
        )
        if subject.missing_when_empty and not stats["count"]:
            raise Http404("No published episode is in this feed.")
        return _version(
            subject.key,
            stats["count"],
            subject.show.updated_at,
            stats["updated"],
            # A scheduled episode going live changes no updated_at, but this.
            stats["published"],
        )

    def get_feed(self, subject, request):
        feed = super().get_feed(subject, request)
        feed.feed["language"] = subject.show.language
        return feed

    # The channel.

    def title(self, subject):
        return subject.title

    def link(self, subject):
        return subject.link

    def description(self, subject):
        return subject.description

    def feed_url(self, subject):
        return subject.page.url(subject.feed_url, subject.page.number)

    def feed_copyright(self, subject):
        return subject.show.copyright or None

    def feed_extra_kwargs(self, subject):
        show = subject.show
        hosts = list(show.hosts.all())
        return {
            "image": show_image(show),
            "itunes_categories": _grouped_categories(show),
            "explicit": show.explicit,
            "itunes_author": " & ".join(host.name for host in hosts) or show.owner_name,
            "owner_name": show.owner_name,
            "owner_email": show.owner_email,
            "podcast_type": show.podcast_type,
            "podcast_guid": subject.podcast_guid,
            "locked": show.locked,
            "hosts": [_person_entry(host, "host", _UrlCache()) for host in hosts],
            "funding_url": show.funding_url,
            "funding_text": show.funding_text or "Support the show",
            "page_links": subject.page.links(subject.feed_url),
        }

    # The episodes.

    def items(self, subject):
        """The episodes of the feed's page, newest first, with what their items say worked
        out once."""
        page = subject.page
        episodes = list(
            _with_heads(subject.episodes)
            .prefetch_related(*episode_prefetches())
            .order_by("-published_at", "-pk")[page.start : page.stop]
        )
        if page.pages == 1:
            enclosures = _enclosure_owners(episodes)
        else:  # the older episode sharing an audio URL may be on another page
            enclosures = _enclosure_owners_among(subject.episodes, episodes)
        url_of = _UrlCache()
        return [
            PodcastItem.of(episode, subject.show, url_of, enclosures[episode.pk])
            for episode in episodes
        ]

    def item_title(self, item):
        return item.episode.title

    def item_link(self, item):
        return item.url

    def item_guid(self, item):
        return item.episode.guid

    item_guid_is_permalink = False

    def item_description(self, item):
        return item.description

    def item_pubdate(self, item):
        return item.episode.published_at

    def item_updateddate(self, item):
        return item.episode.updated_at

    def item_enclosures(self, item):
        return [item.enclosure] if item.enclosure else []

    def item_categories(self, item):
        return [tag.name for tag in item.episode.feed_tags]

    def item_extra_kwargs(self, item):
        episode = item.episode
        return {
            "content_encoded": item.content,
            "duration": episode.duration,
            "number": episode.number,
            "season": episode.season,
            "episode_type": episode.episode_type,
            "explicit": episode.explicit,
            "image": item.image,
            "people": item.people,
            "chapters_url": item.chapters_url,
            "transcript_url": item.transcript_url,
            "language": item.language,
        }


class TagPodcastFeed(PodcastFeed):
    """The published episodes on one topic. 404 when no published episode carries it."""

    def get_object(self, request, slug):
        tag = Tag.objects.get(slug=slug)
        show = _show()
        name = _plain(tag.name)
        return PodcastSubject(
            show=show,
            episodes=Episode.objects.live().filter(show=show, tags=tag),
            key=f"tag:{tag.pk}:{tag.name}",
            title=f"{show.title}: #{name}",
            link=absolute(reverse("tag_detail", args=[tag.slug])),
            description=escape(f"Every episode of {show.title} on {name}."),
            feed_url=absolute(reverse("feeds:tag", args=[tag.slug])),
            missing_when_empty=True,
        )


class PersonPodcastFeed(PodcastFeed):
    """Every published episode with one person, as guest or host.

    Any person's feed exists, like their page, so that a listener can follow someone before
    their first episode.
    """

    def get_object(self, request, slug):
        person = Person.objects.get(slug=slug)
        show = _show()
        name = _plain(person.name)
        return PodcastSubject(
            show=show,
            episodes=Episode.objects.live().filter(show=show).with_person(person),
            key=f"person:{person.pk}:{person.name}:{person.photo.name}",
            title=f"{show.title}: episodes with {name}",
            link=absolute(person.get_absolute_url()),
            description=escape(f"Every episode of {show.title} with {name}."),
            feed_url=absolute(reverse("feeds:person", args=[person.slug])),
        )


# The posts.


@dataclass
class PostsSubject:
    posts: QuerySet  # the published posts
    page: FeedPage | None = None  # set by ConditionalFeed


class PostsFeed(ConditionalFeed):
    """The editors' posts, newest first, in full, as Atom."""

    feed_type = FullTextAtomFeed
    title = f"{SITE_NAME}: posts"
    subtitle = "Essays by the editors of The Information Bottleneck."
    author_name = SITE_NAME
    content_template = "feeds/post_content.html"

    def get_object(self, request):
        return PostsSubject(posts=Post.objects.live())

    def version(self, subject):
        stats = subject.posts.aggregate(
            count=Count("pk"), updated=Max("updated_at"), published=Max("published_at")
        )
        return _version("posts", stats["count"], stats["updated"], stats["published"])

    def link(self):
        return absolute(reverse("posts:list"))

    def feed_url(self, subject):
        return subject.page.url(absolute(reverse("feeds:posts")), subject.page.number)

    def feed_extra_kwargs(self, subject):
        return {"page_links": subject.page.links(absolute(reverse("feeds:posts")))}

    def items(self, subject):
        page = subject.page
        return (
            subject.posts.select_related("author")
            .defer("body", "hindsight_note")
            # Only as much of the texts as the entry may show is read (one more: to know
            # that there was more).
            .annotate(
                body_head=Left("body", settings.FEED_POST_MAX_CHARS + 1),
                hindsight_head=Left("hindsight_note", settings.FEED_POST_MAX_CHARS + 1),
            )
            .prefetch_related("tags")
            .order_by("-published_at", "-pk")[page.start : page.stop]
        )

    def item_title(self, post):
        return post.title

    def item_link(self, post):
        return absolute(post.get_absolute_url())

    def item_guid(self, post):
        # A tag URI (RFC 4151) from the id, not the address: it survives a change of slug.
        host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        return f"tag:{host},{post.created_at:%Y-%m-%d}:post:{post.pk}"

    def item_description(self, post):
        return escape(post.dek) if post.dek else None  # <summary type="html">

    def item_pubdate(self, post):
        return post.published_at

    def item_updateddate(self, post):
        return post.updated_at

    def item_author_name(self, post):
        return post.author.name if post.author else None

    def item_author_link(self, post):
        return absolute(post.author.get_absolute_url()) if post.author else None

    def item_categories(self, post):
        return [tag.name for tag in post.tags.all()]

    def item_extra_kwargs(self, post):
        """The full text, cut past FEED_POST_MAX_CHARS (only that much of the Markdown is
        read and rendered)."""
        limit = settings.FEED_POST_MAX_CHARS
        url = absolute(post.get_absolute_url())
        body, cut = html.head(post.body_head, limit)
        note, note_cut = html.head(post.hindsight_head, limit)
        content = render_to_string(
            self.content_template, {"post": post, "body": body, "hindsight_note": note}
        )
        cut = cut or note_cut
        return {"content": html.cap(content, limit, url, cut=cut, label="Read it all")}
