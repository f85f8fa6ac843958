"""factory_boy factories: one per model, each building a valid object with the least fuss."""

import datetime

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from community.models import Review
from episodes.models import Appearance, Chapter, Discussion, Episode, Show
from ibsite.editors import EDITORS_GROUP
from papers.models import Authorship, Citation, Paper
from people.models import Affiliation, Organization, Person
from posts.models import Post


def add_tags(obj, create, extracted, **kwargs):
    """`tags=["a", "b"]` on any factory of a model with a TaggableManager."""
    if create and extracted:
        obj.tags.add(*extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class EditorFactory(UserFactory):
    """A staff member in the Editors group, as editors are set up in production."""

    username = factory.Sequence(lambda n: f"editor{n}")
    is_staff = True

    @factory.post_generation
    def editors_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name=EDITORS_GROUP))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    kind = Organization.Kind.UNIVERSITY


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = "Professor"


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    title = factory.Sequence(lambda n: f"A Paper on Representations, Part {n}")
    year = 2024


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    paper = factory.SubFactory(PaperFactory)
    person = factory.SubFactory(PersonFactory)
    order = factory.Sequence(lambda n: n + 1)


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    citing = factory.SubFactory(PaperFactory)
    cited = factory.SubFactory(PaperFactory)


class ShowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Show
        django_get_or_create = ["slug"]

    title = "The Information Bottleneck"
    slug = "the-information-bottleneck"
    description = "Two AI researchers interview the people whose papers shape ML."


class EpisodeFactory(factory.django.DjangoModelFactory):
    """A published episode, an hour long, with audio."""

    class Meta:
        model = Episode
        skip_postgeneration_save = True

    show = factory.SubFactory(ShowFactory)
    title = factory.Sequence(lambda n: f"Episode {n}")
    slug = factory.Sequence(lambda n: f"episode-{n}")
    is_draft = False
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    duration = 3600
    audio_url = factory.LazyAttribute(lambda e: f"https://media.example.com/{e.slug}.mp3")
    audio_size = 1_000_000

    tags = factory.PostGeneration(add_tags)

    class Params:
        draft = factory.Trait(is_draft=True, published_at=None)
        scheduled = factory.Trait(
            is_draft=False,
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7)),
        )


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter

    episode = factory.SubFactory(EpisodeFactory)
    start = factory.Sequence(lambda n: n * 60)
    title = factory.Sequence(lambda n: f"Chapter {n}")


class AppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appearance

    episode = factory.SubFactory(EpisodeFactory)
    person = factory.SubFactory(PersonFactory)
    role = Appearance.Role.GUEST
    affiliation = "NYU/Meta"


class DiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discussion

    episode = factory.SubFactory(EpisodeFactory)
    paper = factory.SubFactory(PaperFactory)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Post {n}")
    slug = factory.Sequence(lambda n: f"post-{n}")
    body = "Everything is converging to the same thing."
    tags = factory.PostGeneration(add_tags)

    @factory.post_generation
    def papers(post, create, extracted, **kwargs):
        if create and extracted:
            post.papers.set(extracted)

    is_draft = False
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    class Params:
        draft = factory.Trait(is_draft=True, published_at=None)


def author(person, *papers):
    """Make `person` an author of each of `papers`."""
    for paper in papers:
        AuthorshipFactory(person=person, paper=paper)


class ProfileFactory(factory.django.DjangoModelFactory):
    """A listener's profile, with its account (verified e-mail address, usable password)."""

    class Meta:
        model = "accounts.Profile"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    handle = factory.Sequence(lambda n: f"listener-{n}")
    display_name = factory.Sequence(lambda n: f"Listener {n}")

    @factory.post_generation
    def verified_email(profile, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(
                user=profile.user,
                email=profile.user.email,
                defaults={"verified": True, "primary": True},
            )


class ShowReviewFactory(factory.django.DjangoModelFactory):
    """A listener's published review of the show."""

    class Meta:
        model = Review

    show = factory.SubFactory(ShowFactory)
    episode = None
    author = factory.SubFactory(UserFactory)
    stars = 5
    title = factory.Sequence(lambda n: f"Review {n}")
    text = "Thoughtful interviews."


class EpisodeReviewFactory(ShowReviewFactory):
    """A listener's published review of an episode."""

    show = None
    episode = factory.SubFactory(EpisodeFactory)
