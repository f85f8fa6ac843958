from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers

from core.batching import batch
from core.errors import is_api


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
    admin with its forty chapters is one update of the search index, not forty-one.

    The request's writes are committed by then: deferred work that fails is logged (the
    search index is repaired by `rebuild_search_index`), never a 500 for a saved write."""

    def middleware(request):
        with batch(log_failures=True):
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


def limit_query_string(get_response):
    """Refuse an address no visitor writes, before any view reads it.

    - a parameter whose name or value (decoded) is longer than QUERY_VALUE_MAX_LENGTH
      characters: 400, naming it. Each reader still cuts its own value further (a search at
      200 characters), but none has to fear a value of kilobytes: the filters, the slugs and
      the page numbers are parsed, and some matched by the database, as they come;
    - then a query string longer than QUERY_STRING_MAX_LENGTH: 414 (URI Too Long), for
      values each within their limit but too many or too long together (UTF-8 takes up to
      12 characters a character, percent-encoded);
    - more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS: 400 (Django's own check, which
      reading request.GET makes here);
    - a NUL character in the admin's query string: 400. The admin's filters and search
      hand any value to the database, and PostgreSQL refuses NUL in text (a 500); the
      public pages and the API clean their parameters themselves.

    The answer is plain text, and JSON ({"detail": ...}) under /api/, like the API's other
    errors.
    """

    def refuse(request, status, message):
        if is_api(request):
            return JsonResponse({"detail": message}, status=status)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")

    def admin_prefix():
        try:
            return reverse("admin:index")
        except NoReverseMatch:
            return None

    def middleware(request):
        query = request.META.get("QUERY_STRING", "")
        if not query:
            return get_response(request)
        limit = settings.QUERY_VALUE_MAX_LENGTH
        for key, values in request.GET.lists():
            if len(key) > limit:
                return refuse(
                    request,
                    400,
                    f"A query parameter's name is too long: at most {limit} characters.",
                )
            if any(len(value) > limit for value in values):
                return refuse(
                    request,
                    400,
                    f"The query parameter {key!r} is too long: at most {limit} characters.",
                )
        limit = settings.QUERY_STRING_MAX_LENGTH
        if len(query) > limit:
            return refuse(
                request, 414, f"The query string is too long: at most {limit} characters."
            )
        prefix = admin_prefix()
        if prefix is not None and request.path.startswith(prefix):
            for key, values in request.GET.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return refuse(request, 400, f"The parameter {key!r} holds a NUL character.")
        return get_response(request)

    return middleware
