import pytest

from tests.payments.stub import TEST_SECRET_KEY, TEST_WEBHOOK_SECRET, StripeStub, serve


@pytest.fixture(scope="session")
def _stripe_stub_server():
    server = serve()
    yield server
    server.stop()


@pytest.fixture
def stripe_stub(_stripe_stub_server, settings) -> StripeStub:
    """The local Stripe API stub, empty, with the portal pointed at it."""
    settings.STRIPE_API_BASE = _stripe_stub_server.url
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
    stub = _stripe_stub_server.stub
    stub.reset()
    yield stub
    stub.reset()


@pytest.fixture(autouse=True)
def _no_real_stripe(settings):
    """Even a test that forgets the stub never reaches api.stripe.com."""
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    settings.STRIPE_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET
