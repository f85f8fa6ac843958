"""The metadata sources on the site's HTTP client (core.http): their timeout, their messages.

core.http does the work (a polite User-Agent with a mailto, timeouts, redirects, one retry on
a refused connection, HTTP 429 or 5xx); here a failure becomes a SourceError that says, for
someone adding a paper, which service failed and what to do.
"""

import time

from core import http
from papers.sources.base import BadResponse, SourceUnavailable

DEFAULT_TIMEOUT = 10.0  # seconds, for each of connecting and reading


def make_client(*, timeout=DEFAULT_TIMEOUT, transport=None):
    """The sources' client. Tests pass a transport serving recorded responses."""
    return http.Client(timeout=timeout, transport=transport)


def get(client, url, *, service, params=None, headers=None, retry_pause=1.0, sleep=time.sleep):
    """GET `url` and return the core.http.Response, whatever its status but 429 and 5xx.

    Raises SourceUnavailable when `service` (a name for messages, like "arXiv") cannot be
    reached, does not answer in time, or keeps failing; BadResponse when its answer can't
    be used (a redirect loop, far too long).
    """
    try:
        return client.get(
            url, params=params, headers=headers, retry_pause=retry_pause, sleep=sleep
        )
    except http.TooSlow as error:
        raise SourceUnavailable(
            f"{service} did not answer within {error.seconds:g} s, try again in a minute."
        ) from error
    except http.Refused as error:
        raise BadResponse(
            f"{service} sent us to an address we do not fetch. {http.REFUSED}"
        ) from error
    except http.TooManyRedirects as error:
        raise BadResponse(
            f"{service} sent us round in circles (too many redirects); try again later."
        ) from error
    except http.Unavailable as error:
        if error.status_code is None:
            raise SourceUnavailable(
                f"Could not reach {service} ({error.reason}). Check the network connection, "
                "then try again."
            ) from error
        busy = "is busy" if error.status_code == 429 else "is having trouble"
        raise SourceUnavailable(
            f"{service} {busy} (HTTP {error.status_code}, twice); try again in a few minutes."
        ) from error
    except http.TooLarge as error:
        raise BadResponse(
            f"{service} sent far more than a paper's description (over "
            f"{error.limit // (1024 * 1024)} MB); try again later."
        ) from error
    except http.FetchError as error:
        raise BadResponse(
            f"{service} sent an answer we cannot read ({error.reason}); try again later."
        ) from error
