"""The OpenAPI document says what the endpoints really do, errors included.

drf-spectacular describes the successful responses; this adds what it cannot know: reads
need no credentials, every error status the API answers with (and its JSON shape), and
that an empty query parameter is the same as none.
"""

from drf_spectacular import openapi
from rest_framework.permissions import SAFE_METHODS

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": 'Each field in error with its reasons, like {"title": ["This field is '
    'required."]}; nested lists and objects name the item in error. Or {"detail": "..."} '
    "when the request as a whole is wrong (malformed JSON).",
    "additionalProperties": True,
}

ERRORS = {
    "400": ("Invalid input: the fields in error and why.", FIELD_ERRORS),
    "401": ("No credentials, or a token that is not valid.", DETAIL),
    "403": ("Signed in, but without the editors' permission for this.", DETAIL),
    "404": ("No such object (or not published yet), or no such page.", DETAIL),
    "409": (
        "A duplicate slug, GUID or other unique value (the field and why), or something "
        "else still refers to what was to be deleted. Nothing was saved.",
        FIELD_ERRORS,
    ),
    "413": ("The request body is larger than the server accepts.", DETAIL),
    "414": (
        "The query string is longer than the server accepts (QUERY_STRING_MAX_LENGTH), "
        "though each value is within its own limit.",
        DETAIL,
    ),
    "415": ("The body is not JSON (send Content-Type: application/json).", DETAIL),
    "429": (
        "Too many requests from this address (or, for a review, posts from this account); "
        "see Retry-After.",
        DETAIL,
    ),
}


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        # Anyone reads; credentials only add what editors may see (drafts).
        if self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        for parameter in (operation or {}).get("parameters", []):
            if parameter["in"] == "query":
                # ?tag= (empty) filters nothing, like leaving the parameter out.
                parameter["allowEmptyValue"] = True
        return operation

    def _error_codes(self):
        if self.method in SAFE_METHODS:
            # Reads: bad filters or a value too long, an unknown slug or page, a wrong token,
            # a query string too long, throttling.
            return ["400", "401", "404", "414", "429"]
        codes = ["401", "403"]
        if self.method != "POST":
            codes.append("404")
        if self.method != "DELETE":
            codes += ["400", "413", "415"]
        # A view may answer more (the reviews' posting limit, 429).
        return [*codes, "409", *getattr(self.view, "write_error_codes", ())]

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response":
            for code in sorted(self._error_codes()):
                description, schema = ERRORS[code]
                responses.setdefault(
                    code,
                    {
                        "content": {"application/json": {"schema": schema}},
                        "description": description,
                    },
                )
        return responses
