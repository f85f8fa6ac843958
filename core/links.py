"""Addresses on the site: paths worked out once, and absolute addresses for feeds, JSON-LD,
the API and e-mails."""

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse


def path_to(viewname, *args):
    """reverse(viewname, args=args), worked out once per process for each address.

    A list page names hundreds of addresses (each card links its episode, guests and
    topics); reversing each took about a tenth of a miss's time. The answer depends only
    on the URL configuration and the script prefix, both part of the key.
    """
    return _reversed(get_script_prefix(), settings.ROOT_URLCONF, viewname, args)


@functools.lru_cache(maxsize=100_000)
def _reversed(prefix, urlconf, viewname, args):
    return reverse(viewname, args=args)


@receiver(setting_changed)
def _forget_paths(setting, **kwargs):
    # Tests change the URL configuration's contents under the same name.
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()


def absolute(url):
    """`url` (like "/episodes/x/") on the site's public address, SITE_URL.

    An address that is absolute already (storage backends may give one) is kept as it is.
    """
    if not url or url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"
