"""A small cache-based rate limit for public forms: N hits per window per client address."""

from django.conf import settings
from django.core.cache import cache
from ipware import get_client_ip


class _ForwardedByOurProxies:
    """All django-ipware reads of a request (``META``), holding only what our proxies wrote."""

    def __init__(self, hops: list[str]):
        self.META = {"HTTP_X_FORWARDED_FOR": ", ".join(hops)}


def client_address(request) -> str:
    """The client's address, trusting only the proxies we run.

    With ``TRUSTED_PROXY_COUNT`` = 0 (nothing in front of the portal) it is the connection's
    address and X-Forwarded-For is ignored: anyone can send that header. With N proxies in
    front, each appending the address it was connected from, the client is the N-th address
    from the right of X-Forwarded-For. Only those last N entries are handed to django-ipware,
    so nothing a client wrote to their left (more addresses, a stray quote) can move or hide
    them. django-ipware counts the proxies whose addresses are in the header (all but the
    nearest, whose address is REMOTE_ADDR), hence N - 1.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",")][-proxies:] if proxies > 0 else []
    if forwarded and len(hops) == proxies > 0:
        address, _routable = get_client_ip(
            _ForwardedByOurProxies(hops),
            proxy_order="left-most",
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=True,
        )
        if address:
            return address
    # No proxy, or a request that did not come through all of them.
    return request.META.get("REMOTE_ADDR") or "unknown"


def limit_exceeded(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Count this request; True when the client has gone over ``limit`` in the window."""
    key = f"ratelimit:{scope}:{client_address(request)}"
    if cache.add(key, 1, timeout=window_seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        return False
    return count > limit
