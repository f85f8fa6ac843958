"""Keeping the search index current: which entries each change touches.

An entry holds text from other rows (an episode's guests and chapters, a paper's authors, a
person's organizations), so a change to one of those rewrites the entries that show it.
Deleting a source deletes its own entry by cascade; the handlers below rewrite the entries
that showed it.
`bulk_create()` and `update()` send no signals: code that uses them (the apps' services)
sends `core.signals.content_changed` instead, and `content_changed` below rewrites the entries.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from taggit.models import Tag, TaggedItem

from core import signals
from episodes.models import Appearance, Chapter, Episode
from papers.models import Authorship, Paper
from people.models import Affiliation, Organization, Person
from posts.models import Post
from search import index


def depends_on_episode(instance):
    """Its entry and its chapters'; its topics, public from their first public use."""
    return {"episodes": [instance.pk], "tags": instance.tags.values_list("pk", flat=True)}


def depends_on_part_of_episode(instance):
    """A chapter or an appearance."""
    return {"episodes": [instance.episode_id]}


def depends_on_person(instance):
    """A person's name shows in the entries of their episodes (as a guest, and in the
    chapters about them), papers and posts."""
    episodes = Episode.objects.filter(
        Q(appearances__person=instance) | Q(chapters__person=instance)
    ).values_list("pk", flat=True)
    return {
        "people": [instance.pk],
        "episodes": episodes.order_by().distinct(),
        "papers": Authorship.objects.filter(person=instance).values_list("paper", flat=True),
        "posts": Post.objects.filter(author=instance).values_list("pk", flat=True),
    }


def depends_on_affiliation(instance):
    return {"people": [instance.person_id]}


def depends_on_organization(instance):
    people = Affiliation.objects.filter(organization=instance).values_list("person", flat=True)
    return {"people": people}


def depends_on_paper(instance):
    """A paper's title shows in the entries of the chapters that discuss it."""
    episodes = Chapter.objects.filter(paper=instance).values_list("episode", flat=True)
    return {"papers": [instance.pk], "episodes": episodes}


def depends_on_authorship(instance):
    return {"papers": [instance.paper_id]}


def depends_on_post(instance):
    return {"posts": [instance.pk], "tags": instance.tags.values_list("pk", flat=True)}


def depends_on_tag(instance):
    """A topic's name shows in the keywords of what it tags."""
    dependents = {"tags": [instance.pk]}
    tagged = TaggedItem.objects.filter(tag=instance).values_list("content_type", "object_id")
    for content_type, object_id in tagged:
        kind = TAGGED_KINDS.get(ContentType.objects.get_for_id(content_type).model_class())
        if kind:
            dependents.setdefault(kind, []).append(object_id)
    return dependents


# Tags are part of the tagged object's keywords.
TAGGED_KINDS = {Episode: "episodes", Person: "people", Paper: "papers", Post: "posts"}


def depends_on_tagged_item(instance):
    """A TaggedItem saved or deleted directly (the admin's tag inlines, a cascade)."""
    kind = TAGGED_KINDS.get(instance.content_type.model_class())
    return {kind: [instance.object_id], "tags": [instance.tag_id]} if kind else {}


DEPENDENTS = {
    Episode: depends_on_episode,
    Chapter: depends_on_part_of_episode,
    Appearance: depends_on_part_of_episode,
    Person: depends_on_person,
    Affiliation: depends_on_affiliation,
    Organization: depends_on_organization,
    Paper: depends_on_paper,
    Authorship: depends_on_authorship,
    Post: depends_on_post,
    Tag: depends_on_tag,
    TaggedItem: depends_on_tagged_item,
}


def saved(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: `rebuild_search_index` afterwards
        index.update(**DEPENDENTS[sender](instance))


def deleting(sender, instance, **kwargs):
    """Before a delete, while the rows that show this one can still be found (a cascade or
    SET_NULL will have changed them, without signals, by the time post_delete comes)."""
    instance._search_dependents = {
        kind: list(ids) for kind, ids in DEPENDENTS[sender](instance).items()
    }


def deleted(sender, instance, **kwargs):
    index.update(**getattr(instance, "_search_dependents", {}))


def tags_changed(instance, action, reverse, pk_set, **kwargs):
    """django-taggit's add/remove/clear/set, which it announces as m2m_changed."""
    kind = TAGGED_KINDS.get(type(instance))
    if action.startswith("post_") and not reverse and kind:
        index.update(**{kind: [instance.pk], "tags": pk_set or []})


def people_of_episode_changed(instance, action, reverse, pk_set, **kwargs):
    """episode.people.add() and the like, which create appearances without saving them."""
    if not action.startswith("post_"):
        return
    if reverse:  # person.episodes.add(...): the instance is the person
        index.update(episodes=pk_set or [], people=[instance.pk])
    else:
        index.update(episodes=[instance.pk])


def authors_of_paper_changed(instance, action, reverse, pk_set, **kwargs):
    if action.startswith("post_"):
        index.update(papers=(pk_set or []) if reverse else [instance.pk])


def content_changed(sender, pks, **kwargs):
    """A write that model signals do not announce (core.signals.content_changed)."""
    kind = TAGGED_KINDS.get(sender)
    if kind:
        tags = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(sender), object_id__in=pks
        ).values_list("tag", flat=True)
        index.update(**{kind: pks, "tags": tags})


def connect():
    for model in DEPENDENTS:
        uid = f"search-{model._meta.label}"
        post_save.connect(saved, sender=model, dispatch_uid=uid)
        pre_delete.connect(deleting, sender=model, dispatch_uid=uid)
        post_delete.connect(deleted, sender=model, dispatch_uid=uid)
    m2m_changed.connect(tags_changed, sender=TaggedItem, dispatch_uid="search-tags")
    signals.content_changed.connect(content_changed, dispatch_uid="search-content")
    m2m_changed.connect(
        people_of_episode_changed, sender=Episode.people.through, dispatch_uid="search-people"
    )
    m2m_changed.connect(
        authors_of_paper_changed, sender=Paper.authors.through, dispatch_uid="search-authors"
    )
