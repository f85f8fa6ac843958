"""Writing reviews: every entry point (the pages, the API, the admin's actions, the demo)
goes through these, each in one transaction."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from community.models import Review, Status, _is_episode
from core.signals import content_changed


class AlreadyReviewed(ValidationError):
    """The listener has reviewed this item already: `existing` is that review."""

    def __init__(self, existing):
        self.existing = existing
        what = "this episode" if existing is not None and existing.episode_id else "the show"
        super().__init__(
            f"You have already reviewed {what}: edit your review instead.", code="unique"
        )


def _item_fields(item):
    return {"episode": item, "show": None} if _is_episode(item) else {"show": item}


@transaction.atomic
def post_review(*, author, item, stars, title="", text=""):
    """A new review of `item` (the show or an episode) by `author`.

    AlreadyReviewed when they have one: the database refuses a second (its unique
    constraints), checked first for the kind message and caught for the race."""
    existing = Review.objects.filter(author=author, **_item_fields(item)).first()
    if existing is not None:
        raise AlreadyReviewed(existing)
    review = Review(author=author, stars=stars, title=title, text=text, **_item_fields(item))
    review.full_clean(exclude=["author", "show", "episode"], validate_constraints=False)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        # Two posts at once: the other one won.
        existing = Review.objects.filter(author=author, **_item_fields(item)).first()
        raise AlreadyReviewed(existing) from None
    return review


@transaction.atomic
def update_review(*, review, stars, title="", text=""):
    """The author's new stars and words for their review."""
    review.stars, review.title, review.text = stars, title, text
    review.full_clean(exclude=["author", "show", "episode"], validate_constraints=False)
    review.save(update_fields=["stars", "title", "text", "updated_at"])
    return review


@transaction.atomic
def delete_review(*, review):
    review.delete()


@transaction.atomic
def moderate(*, reviews, status):
    """Set the status of many reviews at once (editors, from the admin): how many changed."""
    if status not in Status.values:
        raise ValidationError(f"{status!r} is not a review status.")
    pks = list(reviews.exclude(status=status).values_list("pk", flat=True))
    changed = Review.objects.filter(pk__in=pks).update(status=status)
    # A bulk update sends no model signal: the pages' content version must still change.
    content_changed.send(sender=Review, pks=pks)
    return changed


@transaction.atomic
def delete_reviews_by(*, user):
    """A listener deleting their account takes their reviews with it (the policy
    accounts.services.delete_account announces with `account_deleting`): how many went."""
    pks = list(Review.objects.filter(author=user).values_list("pk", flat=True))
    Review.objects.filter(pk__in=pks).delete()
    content_changed.send(sender=Review, pks=pks)
    return len(pks)


def _on_account_deleting(sender, user, **kwargs):
    delete_reviews_by(user=user)
