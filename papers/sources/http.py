"""The HTTP client the metadata sources share: timeouts, a polite User-Agent, one retry.

Scholarly APIs ask callers to say who they are: the User-Agent names the site and, when the
CONTACT_EMAIL setting is set, gives a mailto (Crossref serves such callers from its "polite"
pool). A request that fails quickly (no connection, HTTP 429 or 5xx) is tried once more; a
timeout is not, since it has already cost the whole wait.
"""

import time

import httpx
from django.conf import settings

from papers.sources.base import BadResponse, SourceUnavailable

DEFAULT_TIMEOUT = 10.0  # seconds, for each of connecting and reading
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_PAUSE = 5.0  # seconds; a longer Retry-After is not worth waiting for


def user_agent():
    contact = getattr(settings, "CONTACT_EMAIL", "")
    parts = [settings.SITE_URL, f"mailto:{contact}" if contact else ""]
    details = "; ".join(part for part in parts if part)
    return f"TheInformationBottleneck/1.0 ({details})"


def make_client(*, timeout=DEFAULT_TIMEOUT, transport=None):
    """An httpx client for the sources. Tests pass a transport serving recorded responses."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        headers={"User-Agent": user_agent()},
        follow_redirects=True,
        transport=transport,
    )


def _seconds(timeout):
    return f"{timeout:g} s"


def _retry_pause(response, default):
    try:
        pause = float(response.headers.get("Retry-After", default))
    except ValueError:  # an HTTP date: not worth parsing for a pause we cap anyway
        pause = default
    return min(max(pause, 0.0), MAX_RETRY_PAUSE)


def get(client, url, *, service, params=None, headers=None, retry_pause=1.0, sleep=time.sleep):
    """GET `url` and return the response, whatever its status but 429 and 5xx.

    Raises SourceUnavailable when `service` (a name for messages, like "arXiv") cannot be
    reached, does not answer in time, or keeps failing; BadResponse on a redirect loop.
    """
    for attempt in (1, 2):
        try:
            response = client.get(url, params=params, headers=headers)
        except httpx.TimeoutException as error:
            raise SourceUnavailable(
                f"{service} did not answer within {_seconds(client.timeout.read)}, try again "
                "in a minute."
            ) from error
        except httpx.TooManyRedirects as error:
            raise BadResponse(
                f"{service} sent us round in circles (too many redirects); try again later."
            ) from error
        except httpx.TransportError as error:
            if attempt == 1:
                sleep(retry_pause)
                continue
            raise SourceUnavailable(
                f"Could not reach {service} ({error or type(error).__name__}). Check the "
                "network connection, then try again."
            ) from error
        if response.status_code not in RETRY_STATUSES:
            return response
        if attempt == 1:
            sleep(_retry_pause(response, retry_pause))
            continue
        busy = "is busy" if response.status_code == 429 else "is having trouble"
        raise SourceUnavailable(
            f"{service} {busy} (HTTP {response.status_code}, twice); try again in a few minutes."
        )
    raise AssertionError("unreachable")  # pragma: no cover
