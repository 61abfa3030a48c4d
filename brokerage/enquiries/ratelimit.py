"""A small cache-based rate limit for public forms: N hits per window per client address."""

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    """The client's address; behind our proxy, the last address it added to X-Forwarded-For."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.PRODUCTION:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


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
