"""Absolute addresses on the site, for feeds, JSON-LD, the API and e-mails."""

from django.conf import settings


def absolute(url):
    """`url` (like "/episodes/x/") on the site's public address, SITE_URL.

    An address that is absolute already (storage backends may give one) is kept as it is.
    """
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"
