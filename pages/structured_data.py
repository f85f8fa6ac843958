"""schema.org descriptions of the site's pages, as JSON-LD for search engines and apps.

Each function returns a plain dict; the `jsonld` template filter writes it into the page.
URLs are absolute, built from SITE_URL.
"""

from django.templatetags.static import static
from django.urls import reverse

from core.links import absolute
from core.markdown import plain_text

CONTEXT = "https://schema.org"


def iso_duration(seconds):
    """ISO 8601 duration: 4500 -> "PT1H15M"."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours}H" if hours else "",
        f"{minutes}M" if minutes else "",
        f"{secs}S" if secs else "",
    ]
    return "PT" + ("".join(parts) or "0S")


def _compact(data):
    """Leave out empty values: validators flag empty strings and lists."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def default_image():
    """The show's cover art shipped with the site, for anything without its own image."""
    return absolute(static("img/cover.png"))


def show_organization():
    """The show as an organization: the publisher of everything on the site."""
    return {
        "@type": "Organization",
        "name": "The Information Bottleneck",
        "url": absolute(reverse("home")),
        "logo": {"@type": "ImageObject", "url": default_image()},
    }


def person_ref(person):
    return _compact(
        {"@type": "Person", "name": person.name, "url": absolute(person.get_absolute_url())}
    )


def _ratings(reviews):
    """`aggregateRating` and `review` (the latest few) of a page's `Reviews`: nothing
    without a rating (an aggregate of none is an error to validators)."""
    if not reviews or not reviews.rating:
        return {}
    rating = reviews.rating
    return {
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": float(rating.average),
            "ratingCount": rating.count,
            "reviewCount": rating.count,
            "bestRating": 5,
            "worstRating": 1,
        },
        "review": [
            _compact(
                {
                    "@type": "Review",
                    "author": {"@type": "Person", "name": review.author_name},
                    "datePublished": review.created_at.date().isoformat(),
                    "name": review.title,
                    "reviewBody": plain_text(review.text),
                    "reviewRating": {
                        "@type": "Rating",
                        "ratingValue": review.stars,
                        "bestRating": 5,
                        "worstRating": 1,
                    },
                }
            )
            for review in reviews.latest
        ],
    }


def podcast_series(show, reviews=None):
    if show is None:
        return None
    return _compact(
        {
            **_ratings(reviews),
            "@context": CONTEXT,
            "@type": "PodcastSeries",
            "name": show.title,
            "description": show.description,
            "url": absolute(reverse("home")),
            "inLanguage": show.language,
            "image": absolute(show.artwork.url) if show.artwork else default_image(),
            "author": [person_ref(host) for host in show.hosts.all()],
        }
    )


def podcast_episode(episode, reviews=None):
    data = {
        **_ratings(reviews),
        "@context": CONTEXT,
        "@type": "PodcastEpisode",
        "name": episode.title,
        "url": absolute(episode.get_absolute_url()),
        "description": episode.summary or episode.description[:300],
        "image": absolute(episode.artwork.url) if episode.artwork else default_image(),
        "datePublished": episode.published_at.date().isoformat() if episode.published_at else "",
        "episodeNumber": episode.number,
        "timeRequired": iso_duration(episode.duration) if episode.duration else "",
        "partOfSeries": {
            "@type": "PodcastSeries",
            "name": episode.show.title,
            "url": absolute(reverse("home")),
        },
        "actor": [person_ref(a.person) for a in episode.appearances.all()],
        "keywords": ", ".join(tag.name for tag in episode.tags.all()),
    }
    if episode.audio_url:
        data["associatedMedia"] = _compact(
            {
                "@type": "MediaObject",
                "contentUrl": episode.audio_url,
                "encodingFormat": episode.audio_type,
                "duration": iso_duration(episode.duration) if episode.duration else "",
            }
        )
    return _compact(data)


def person(person, affiliations=()):
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "Person",
            "name": person.name,
            "url": absolute(person.get_absolute_url()),
            "description": person.bio,
            "sameAs": [url for _, url in person.external_links()],
            "affiliation": [
                {"@type": "Organization", "name": a.organization.name}
                for a in affiliations
                if a.is_current
            ],
        }
    )


def scholarly_article(paper, authors=()):
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "ScholarlyArticle",
            "headline": paper.title[:110],
            "name": paper.title,
            "url": absolute(paper.get_absolute_url()),
            "author": [person_ref(author) for author in authors],
            "datePublished": paper.published_on.isoformat()
            if paper.published_on
            else (str(paper.year) if paper.year else ""),
            "abstract": paper.abstract or paper.summary,
            "sameAs": [url for _, url in paper.links()],
            "keywords": ", ".join(tag.name for tag in paper.tags.all()),
        }
    )


def blog_posting(post):
    return _compact(
        {
            "@context": CONTEXT,
            "@type": "BlogPosting",
            "headline": post.title[:110],
            "description": post.dek,
            "url": absolute(post.get_absolute_url()),
            "mainEntityOfPage": absolute(post.get_absolute_url()),
            "datePublished": post.published_at.isoformat() if post.published_at else "",
            "dateModified": post.updated_at.isoformat() if post.updated_at else "",
            # Search engines want an author; an unsigned essay is the show's.
            "author": person_ref(post.author) if post.author else show_organization(),
            "publisher": show_organization(),
            "image": default_image(),
            "wordCount": post.word_count(),
            "keywords": ", ".join(tag.name for tag in post.tags.all()),
        }
    )
