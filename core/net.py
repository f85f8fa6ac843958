"""Who is asking: the client's address, as far as the site's own proxies vouch for it."""

from django.conf import settings


def client_ip(request):
    """The client's IP address: REMOTE_ADDR, or the address our NUM_PROXIES proxies saw.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For,
    so with N proxies the client is the N-th entry from the right; whatever the client put
    before that is ignored. With NUM_PROXIES=0 (the default) the header is not read at all.
    The same rule as Django REST framework's throttles with REST_FRAMEWORK["NUM_PROXIES"].
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    num_proxies = settings.NUM_PROXIES
    if num_proxies > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
        if addresses:
            return addresses[-min(num_proxies, len(addresses))]
    return remote_addr
