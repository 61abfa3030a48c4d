"""Checks behind /healthz: each returns (ok, detail)."""

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
        return cache.get("healthz") == "ok", settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
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
