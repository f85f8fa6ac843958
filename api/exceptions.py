"""Every API error is JSON that says which field and why, with the right status, never a 500.

- validation errors: 400 with {field: [reasons]}; a duplicate slug or GUID: 409 (Conflict);
- malformed JSON: 400; unknown slug: 404; a body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413;
- a database rule the validation did not foresee (a race, two chapters at one start): 409,
  after the transaction has undone everything the request wrote;
- deleting what other content still refers to (a person with appearances): 409.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.template.defaultfilters import filesizeformat
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def _codes(codes):
    if isinstance(codes, dict):
        for value in codes.values():
            yield from _codes(value)
    elif isinstance(codes, list):
        for value in codes:
            yield from _codes(value)
    else:
        yield codes


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return Response(
            {"detail": f"The request body is too large. Send at most {limit}."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, ProtectedError):
        return Response(
            {"detail": "Other content still refers to this; remove those links first."},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, IntegrityError):
        return Response(
            {"detail": "This conflicts with data already stored. Nothing was saved."},
            status=status.HTTP_409_CONFLICT,
        )
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and isinstance(exc, exceptions.ValidationError)
        and "unique" in set(_codes(exc.get_codes()))
    ):
        response.status_code = status.HTTP_409_CONFLICT
    return response
