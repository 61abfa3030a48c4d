import pytest

from brokerage.messaging.backends import local_standin


@pytest.fixture
def notify(settings):
    """Email and texts through GOV.UK Notify, answered by the local stand-in (emptied)."""
    settings.MESSAGING_EMAIL_BACKEND = "notify"
    settings.NOTIFY_BASE_URL = ""
    settings.NOTIFY_STANDIN_RECEIPTS = False
    running = local_standin()
    running.standin.reset()
    yield running.standin
    running.standin.reset()


@pytest.fixture
def callback(client, settings):
    """callback(name, payload, token=...) posts as Notify does to one of the portal's callbacks."""

    def _post(name: str, payload: dict, token: str | None = None):
        from django.urls import reverse

        token = settings.NOTIFY_CALLBACK_TOKEN if token is None else token
        return client.post(
            reverse(f"messaging:{name}"), payload, content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    return _post
