"""The search interface. Views call ``get_backend()`` and never branch on which one it is.

The database backend is the default (SQLite and PostgreSQL); the Elasticsearch backend is
used when ``ELASTICSEARCH_URL`` is set. When Elasticsearch cannot be reached, its methods raise
``SearchUnavailable``: reads fall back to the database backend (``search.selectors``, which
says so on the page) and index updates stay pending until it is back (``search.tasks``).
"""

from functools import cache

from django.conf import settings

from search.backends.base import SearchBackend


@cache
def _backend_for(name: str) -> SearchBackend:
    if name == "elasticsearch":
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(url=settings.ELASTICSEARCH_URL, prefix=settings.SEARCH_INDEX_PREFIX)
    from search.backends.database import DatabaseBackend

    return DatabaseBackend()


def get_backend() -> SearchBackend:
    return _backend_for(settings.SEARCH_BACKEND)


def database_backend() -> SearchBackend:
    """The backend that always answers: the database itself."""
    return _backend_for("database")
