"""How often a listener may post: counted in the shared cache, per account and per address.

Both count, so neither many accounts from one address nor one account from many addresses
gets past the limit. The window is the current hour of the clock (a fixed window: simple,
and at most twice the limit across a boundary).
"""

import time

from django.conf import settings
from django.core.cache import cache

from core.net import client_ip

WINDOW_SECONDS = 3600


class RateLimited(Exception):
    """Past the limit; the message says so and when to come back."""

    def __init__(self, retry_after):
        self.retry_after = retry_after
        minutes = max(1, round(retry_after / 60))
        super().__init__(
            f"You have posted {settings.REVIEW_POSTS_PER_HOUR} times this hour, the most we "
            f"allow; try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )


def count_post(request):
    """Count one post by this request's account and address; RateLimited past the limit."""
    limit = settings.REVIEW_POSTS_PER_HOUR
    now = int(time.time())
    window = now // WINDOW_SECONDS
    keys = [f"community:posts:ip:{client_ip(request)}:{window}"]
    if request.user.is_authenticated:
        keys.append(f"community:posts:user:{request.user.pk}:{window}")
    over = False
    for key in keys:
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)
            count = 1
        over = over or count > limit
    if over:
        raise RateLimited(retry_after=WINDOW_SECONDS - now % WINDOW_SECONDS)
