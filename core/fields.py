from django.core.validators import URLValidator
from django.db import models


class WebURLField(models.URLField):
    """A URL a browser or podcast app can open: http or https only.

    Forms assume https when the scheme is left out (the behaviour Django 6 makes default).
    """

    # Its own code: a form would replace the message of an "invalid" error with its own.
    default_validators = [
        URLValidator(
            schemes=["http", "https"],
            message="Enter an http:// or https:// URL.",
            code="invalid_scheme",
        )
    ]

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
