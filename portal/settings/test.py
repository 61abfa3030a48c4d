"""pytest entry point: the base settings with DJANGO_ENV=test."""

import os

os.environ.setdefault("DJANGO_ENV", "test")

from portal.settings.base import *  # noqa: E402,F401,F403
