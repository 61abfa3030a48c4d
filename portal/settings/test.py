"""pytest entry point: the base settings with DJANGO_ENV=test."""

import os

os.environ.setdefault("DJANGO_ENV", "test")

from portal.settings.base import *  # noqa: E402,F401,F403

# Matching and staff search read the database unless a test asks for Elasticsearch (the
# ``elasticsearch_search`` fixture, which indexes that test's rows): a test's rows live in a
# transaction that is never committed, so no after-commit index sync would see them.
# Wagtail's page search stays on Elasticsearch when ELASTICSEARCH_URL is set.
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "database")  # a worker started by a test may ask
