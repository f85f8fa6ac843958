import io

from rest_framework import parsers


class JSONParser(parsers.JSONParser):
    """JSON bodies, no larger than DATA_UPLOAD_MAX_MEMORY_SIZE.

    DRF reads the request stream itself, past the limit Django applies to forms; reading
    the body through Django raises RequestDataTooBig (413) for a body over it.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        if request is not None:
            stream = io.BytesIO(request._request.body)
        return super().parse(stream, media_type, parser_context)
