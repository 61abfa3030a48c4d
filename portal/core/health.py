"""Checks behind /healthz: each returns (ok, detail); and who may read the details."""

import hmac

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    except Exception as exc:  # report any failure as unhealthy
        return False, type(exc).__name__


def check_cache() -> tuple[bool, str]:
    try:
        cache.set("healthz", "ok", 10)
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        return cache.get("healthz") == "ok", backend
    except Exception as exc:
        return False, type(exc).__name__


def check_broker() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "eager (tasks run in-process)"
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, conn.transport_cls if isinstance(conn.transport_cls, str) else "connected"
    except Exception as exc:
        return False, type(exc).__name__


def check_search() -> tuple[bool, str]:
    from search.backends import get_backend

    backend = get_backend()
    try:
        ok = backend.ping()
    except Exception as exc:
        return False, type(exc).__name__
    detail = backend.name if ok else f"{backend.name} not answering"
    if getattr(backend, "keeps_index", False):
        from search.models import PendingIndexUpdate

        detail += f" ({PendingIndexUpdate.objects.count()} index updates pending)"
    return ok, detail


def details_allowed(request) -> bool:
    """May this request see each check's detail (backend names, error classes, queue sizes)?

    Signed-in portal staff, or a monitor sending ``Authorization: Bearer <HEALTHZ_TOKEN>``
    (compared in constant time; with no token configured, no token is accepted). Everyone
    else gets only the overall status.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_portal_staff:
        return True
    token = settings.HEALTHZ_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())
