from django.conf import settings
from django.utils.functional import SimpleLazyObject

from core import versions


def site(request):
    """What every page needs to know about the site itself.

    CONTENT_VERSION, the site's content version (core.versions), keys the fragments that
    templates cache (`{% cache 86400 name CONTENT_VERSION ... %}`): any edit renews it, so a
    fragment is never older than the content. Read only by a template that uses it.
    """
    return {
        "SITE_URL": settings.SITE_URL,
        "CONTENT_VERSION": SimpleLazyObject(versions.generation),
    }
