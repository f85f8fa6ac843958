"""The site's answer to an unexpected error: 503 when a dependency is down, 500 otherwise.

Django calls `server_error` (ibsite.urls' handler500) for any exception a view or a
middleware let through, while the exception is still being handled. When the database
refuses or drops connections (OperationalError, InterfaceError: connection refused, timed
out, a statement cancelled by statement_timeout), or the shared cache (Redis) is out of
reach, the visitor is told to come back: 503 with Retry-After, rather than a 500 that says
the site is broken. Under /api/ the answer is JSON, like every other API error; elsewhere a
small page of the site's own, rendered without the database.
"""

import sys

import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

# The database, or the shared cache (Redis: the API's throttle, feeds), out of reach.
UNAVAILABLE = (OperationalError, InterfaceError, redis.ConnectionError, redis.TimeoutError)


def is_api(request):
    return request.path_info.startswith("/api/")


def dependency_down(exc):
    return isinstance(exc, UNAVAILABLE)


@requires_csrf_token
def server_error(request):
    exc = sys.exception()
    if dependency_down(exc):
        retry_after = settings.RETRY_AFTER
        if is_api(request):
            response = JsonResponse(
                {"detail": "The service is unavailable for a moment. Try again shortly."},
                status=503,
            )
        else:
            body = render_to_string("503.html", {"retry_after": retry_after})
            response = HttpResponse(body, status=503)
        response["Retry-After"] = str(retry_after)
        return response
    if is_api(request):
        return JsonResponse({"detail": "Something went wrong on our side."}, status=500)
    return HttpResponse(render_to_string("500.html"), status=500)
