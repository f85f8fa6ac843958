"""Ratings and reviews on the pages: the show's and an episode's reviews, and a listener's
own review written, edited or deleted.

The public pages stay the same for every anonymous visitor ("Sign in to rate", no form, no
CSRF cookie), so the page cache keeps them; a signed-in listener has a session cookie, so
the page cache never answers them and their form is rendered fresh.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from community import services
from community.forms import ReviewForm
from community.limits import RateLimited, count_post
from community.models import Rating, Review
from core.pagination import paginate
from core.versions import versioned
from episodes.models import Episode, Show

# The latest reviews the home and about pages show, and those an episode page shows (and
# the JSON-LD carries: a few, as search engines ask, not every review).
SHOWN_ON_SHOW_PAGES = 3
SHOWN_ON_EPISODE_PAGE = 5
IN_STRUCTURED_DATA = 5


@dataclass
class Reviews:
    """What a page shows of an item's reviews: its rating, the latest few, the visitor's own
    review and the form to write or edit it (signed-in visitors only)."""

    item: object
    rating: Rating
    latest: list
    own: Review | None
    form: ReviewForm | None
    list_url: str
    write_url: str
    sign_in_url: str

    @property
    def action(self):
        """Where the form posts: the listener's review to edit, or a new one."""
        return reverse("reviews:edit", args=[self.own.pk]) if self.own else self.write_url


def _list_url(item):
    if isinstance(item, Episode):
        return reverse("episodes:reviews", args=[item.slug])
    return reverse("reviews:list")


def _write_url(item):
    if isinstance(item, Episode):
        return reverse("episodes:write_review", args=[item.slug])
    return reverse("reviews:write")


def sign_in_url(request):
    """Where "Sign in to rate" goes: the sign-in page, coming back here after."""
    return f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"


def reviews_of(request, item, latest=SHOWN_ON_EPISODE_PAGE):
    """An item's reviews as a page shows them: two queries, three for a signed-in visitor."""
    if item is None:
        return None
    visible = Review.objects.visible().of(item)
    own = Review.objects.by(request.user).of(item).first() if _signed_in(request) else None
    return Reviews(
        item=item,
        rating=visible.rating(),
        latest=list(visible.latest()[:latest]),
        own=own,
        form=ReviewForm(instance=own) if _signed_in(request) else None,
        list_url=_list_url(item),
        write_url=_write_url(item),
        sign_in_url=sign_in_url(request),
    )


def _signed_in(request):
    return request.user.is_authenticated


def _review_list(request, item, template_context):
    reviews = reviews_of(request, item, latest=0)
    page = paginate(request, Review.objects.visible().of(item).latest())
    context = {"reviews": reviews, "page": page, **template_context}
    return render(request, "reviews/review_list.html", context)


@versioned
def show_reviews(request):
    """/reviews/: every review of the show, newest first, a page at a time."""
    show = Show.objects.current()
    if show is None:
        return render(request, "reviews/review_list.html", {"reviews": None, "page": None})
    return _review_list(request, show, {"title": f"Reviews of {show.title}"})


@versioned
def episode_reviews(request, slug):
    episode = get_object_or_404(Episode.objects.live().select_related("show"), slug=slug)
    return _review_list(request, episode, {"title": f"Reviews of “{episode.title}”"})


# Writing: signed-in listeners only, by POST with the CSRF token, through the services.


def _form_page(request, item, form, *, review=None, status=400, error=None):
    """The form again, with what the listener typed and what is wrong."""
    context = {
        "item": item,
        "form": form,
        "review": review,
        "error": error,
        "action": reverse("reviews:edit", args=[review.pk]) if review else _write_url(item),
        "back": _list_url(item),
    }
    return render(request, "reviews/review_form.html", context, status=status)


def _limited(request, item, form, review=None):
    """None, or the 429 page (the input kept) when this listener has posted too often."""
    try:
        count_post(request)
    except RateLimited as limit:
        response = _form_page(request, item, form, review=review, status=429, error=str(limit))
        response["Retry-After"] = str(limit.retry_after)
        return response
    return None


def _write(request, item):
    form = ReviewForm(request.POST)
    if limited := _limited(request, item, form):
        return limited
    if not form.is_valid():
        return _form_page(request, item, form)
    try:
        services.post_review(author=request.user, item=item, **form.cleaned_data)
    except services.AlreadyReviewed as already:
        # Offer their review to edit, with what they have just typed.
        return _form_page(request, item, form, review=already.existing, error=already.message)
    except ValidationError as error:
        form.add_error(None, error)
        return _form_page(request, item, form)
    messages.success(request, "Thank you: your review is published.")
    return redirect(_list_url(item) if isinstance(item, Show) else item.get_absolute_url())


@login_required
@require_POST
def write_show_review(request):
    show = Show.objects.current()
    if show is None:
        return redirect("home")
    return _write(request, show)


@login_required
@require_POST
def write_episode_review(request, slug):
    episode = get_object_or_404(Episode.objects.live(), slug=slug)
    return _write(request, episode)


def _own_review(request, pk):
    """The signed-in listener's review: someone else's is not found (404) for them."""
    return get_object_or_404(
        Review.objects.select_related("episode", "show"), pk=pk, author=request.user
    )


@login_required
def edit_review(request, pk):
    """GET: the form filled in; POST: the change saved."""
    review = _own_review(request, pk)
    item = review.item
    if request.method != "POST":
        return _form_page(request, item, ReviewForm(instance=review), review=review, status=200)
    form = ReviewForm(request.POST, instance=review)
    if limited := _limited(request, item, form, review):
        return limited
    if not form.is_valid():
        return _form_page(request, item, form, review=review)
    services.update_review(review=review, **form.cleaned_data)
    messages.success(request, "Your review is updated.")
    return redirect(review.get_absolute_url())


@login_required
@require_POST
def delete_review(request, pk):
    review = _own_review(request, pk)
    back = _list_url(review.item)
    services.delete_review(review=review)
    messages.success(request, "Your review is deleted.")
    return redirect(back)
