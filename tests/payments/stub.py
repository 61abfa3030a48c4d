"""The tests' handle on the Stripe stand-in: the same module development and the demo use
(``portal/standins/stripe.py``), so the tests and the running portal share one contract."""

from portal.standins.stripe import (  # noqa: F401 (re-exported for the tests)
    STANDIN_SECRET_KEY,
    TEST_SECRET_KEY,
    TEST_WEBHOOK_SECRET,
    RecordedRequest,
    StripeStub,
    StubServer,
    decode_form,
    event_payload,
    serve,
    sign,
)
