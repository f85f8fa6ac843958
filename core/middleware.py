import logging

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import DatabaseError
from django.http import HttpResponse, JsonResponse
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from core import versions
from core.batching import batch
from core.errors import is_api

logger = logging.getLogger(__name__)


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


def page_cache(get_response):
    """Answer anonymous visitors from the content version (core.versions), before any view
    runs, for the views marked `versioned` (the public pages, the API's reads):

    - the ETag and Last-Modified follow from the version, the address and the headers the
      view varies on, so a matching If-None-Match (or If-Modified-Since) is a 304 with
      nothing rendered and no query (one when a scheduled time has just passed);
    - otherwise the answer is read from the shared cache, kept under the same version for
      PAGE_CACHE_SECONDS (0: never kept, the validators stay), or rendered and kept.

    Any write renews the version, so the next request gets the new content. Never cached:
    requests with a session, a messages cookie or an Authorization header (signed-in
    people get fresh, private pages), other methods, unmarked views (the admin, chapters
    and transcripts), and answers that are not a public 200 without cookies (`cache_control`
    below marks them; a view marking itself private stays out).
    """

    def middleware(request):
        if request.method not in ("GET", "HEAD") or _personal(request):
            return get_response(request)
        view = _versioned_view(request)
        if view is None:
            return get_response(request)
        # A view may have its say before it is answered for (the API counts the request
        # against its anonymous limit): refused, the view runs and answers for itself.
        admit = getattr(view, "admit_cached", lambda request: True)
        vary = getattr(view, "versioned_vary", ())
        try:
            version = versions.for_request(request, vary)
        except DatabaseError:
            # The version's query failed (the database is down, or not migrated yet): no
            # validators and no page cache, and the view answers as well as it can (a page
            # needing no database, robots.txt, still serves; the others are 503s).
            logger.warning("No content version for %s: answered uncached.", request.path)
            return get_response(request)
        if version is None:  # a cache that keeps nothing
            return get_response(request)
        validators = _validated(HttpResponse(), version, vary)
        not_modified = get_conditional_response(
            request,
            etag=version.etag,
            last_modified=int(version.last_modified.timestamp()),
            response=validators,
        )
        if not_modified.status_code == 304 and admit(request):
            return not_modified
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds and not_modified.status_code != 304:
            stored = versions.versioned_cache().get(version.key)
            if stored is not None and admit(request):
                return _thawed(stored)
        response = get_response(request)
        if _public(request, response):
            _validated(response, version, vary)
            if seconds and len(response.content) <= settings.PAGE_CACHE_MAX_BYTES:
                versions.versioned_cache().set(version.key, _frozen(response), seconds)
        return response

    return middleware


def _personal(request):
    """Someone signed in (or who may be: a session), or with messages waiting."""
    return (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or CookieStorage.cookie_name in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    )


def _versioned_view(request):
    """The view marked by core.versions.versioned() that will answer, or None. A DRF
    viewset is marked on its class, for its reads (list, retrieve) only."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    func = match.func
    if getattr(func, "versioned", False):
        return func
    view_class = getattr(func, "cls", None)
    actions = getattr(func, "actions", None) or {}
    if getattr(view_class, "versioned", False) and actions.get("get") in ("list", "retrieve"):
        return view_class
    return None


def _validated(response, version, vary):
    """`response` with the version's validators and the headers of a public answer."""
    response["ETag"] = version.etag
    response["Last-Modified"] = http_date(version.last_modified.timestamp())
    if not response.has_header("Cache-Control"):
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
    headers = [name.removeprefix("HTTP_").replace("_", "-").title() for name in vary]
    patch_vary_headers(response, ["Cookie", "Authorization", *headers])
    return response


def _public(request, response):
    """An answer anyone may be given: a 200, public, no cookie set, nobody signed in."""
    user = getattr(request, "user", None)
    directives = {
        part.split("=", 1)[0].strip().lower()
        for part in response.get("Cache-Control", "").split(",")
    }
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (user is not None and user.is_authenticated)
        and "public" in directives
        and not directives & {"private", "no-store", "no-cache"}
    )


def _frozen(response):
    return (response.status_code, list(response.items()), response.content)


def _thawed(stored):
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


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
