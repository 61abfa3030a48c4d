import pytest

from portal.accounts.roles import Role
from tests.factories.reference import UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached page fragments must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def login(client):
    """login(user) signs the test client in as that user and returns the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def make_user(db):
    """make_user(Role.KEY_WORKER, email=...)"""

    def _make(role: Role | None = None, **kwargs):
        return UserFactory(role=role, **kwargs)

    return _make
