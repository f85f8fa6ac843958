import io
import itertools
import re

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# A JSON string (possessive, so an unterminated one costs one pass), and the brackets left.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def nesting_depth(body: bytes) -> int:
    """How deep the arrays and objects of a JSON text go (0 for a scalar), in one pass over
    the text with no recursion. Brackets inside strings do not count."""
    brackets = _BRACKETS.findall(_STRING.sub(b"", body))
    steps = (_STEP[bracket[0]] for bracket in brackets)
    return max(itertools.accumulate(steps, initial=0))


class JSONParser(parsers.JSONParser):
    """JSON bodies, no larger than DATA_UPLOAD_MAX_MEMORY_SIZE and no deeper than
    API_MAX_JSON_DEPTH.

    DRF reads the request stream itself, past the limit Django applies to forms; reading
    the body through Django raises RequestDataTooBig (413) for a body over it. Python's
    json module recurses once per level, so `[` a hundred thousand times would end in a
    RecursionError (a 500): the depth is measured first, without recursion, and a body
    too deep is a 400 that says so.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        if request is not None:
            body = request._request.body
            limit = settings.API_MAX_JSON_DEPTH
            if nesting_depth(body) > limit:
                raise ParseError(
                    f"JSON parse error - the body nests arrays and objects more than "
                    f"{limit} levels deep; send at most {limit}."
                )
            stream = io.BytesIO(body)
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body nests too deeply.") from None
