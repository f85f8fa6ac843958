from django.conf import settings
from django.utils.cache import patch_cache_control, patch_vary_headers

from core.batching import batch


def cache_control(get_response):
    """Anonymous pages may be kept briefly by browsers and proxies; personal pages never.

    A page is personal when someone is signed in (editors see drafts) or when the response
    sets a cookie (a CSRF token, a session). Views that decide for themselves (the admin's
    never_cache, for one) are left alone.
    """

    def middleware(request):
        response = get_response(request)
        if request.method not in ("GET", "HEAD") or response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or response.cookies:
            patch_cache_control(response, private=True, no_cache=True)
        elif response.status_code == 200:
            patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        # A shared cache must not hand an anonymous answer to someone signed in, by session
        # (pages) or by token (the API), who may see drafts.
        patch_vary_headers(response, ["Cookie", "Authorization"])
        return response

    return middleware


def batch_deferred_work(get_response):
    """Do what a request deferred once, at its end (core.batching): an episode saved in the
    admin with its forty chapters is one update of the search index, not forty-one."""

    def middleware(request):
        with batch():
            return get_response(request)

    return middleware


def permissions_policy(get_response):
    """Permissions-Policy from settings.PERMISSIONS_POLICY: {"camera": [], "autoplay": ["self"]}.

    An empty list turns a feature off for the page and anything it embeds.
    """
    header = ", ".join(
        f"{feature}=({' '.join(allowed)})"
        for feature, allowed in settings.PERMISSIONS_POLICY.items()
    )

    def middleware(request):
        response = get_response(request)
        if header and not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = header
        return response

    return middleware
