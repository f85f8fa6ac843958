"""Sign-in lockout (django-axes): one answer for every locked-out attempt."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string


def lockout_message():
    minutes = settings.AXES_COOLOFF_MINUTES
    return f"Too many failed sign-ins; try again in {minutes} minute{'s' if minutes != 1 else ''}."


def locked_out(request, original_response=None, credentials=None):
    """429 with the same message whether the account exists or not (no enumeration).

    JSON for the API, the site's small page elsewhere (the admin's sign-in included).
    """
    message = lockout_message()
    retry_after = str(settings.AXES_COOLOFF_MINUTES * 60)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        body = render_to_string("locked_out.html", {"message": message})
        response = HttpResponse(body, status=429)
    response["Retry-After"] = retry_after
    return response
