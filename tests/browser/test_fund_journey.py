"""M2: a key worker requests £45 of the flexible fund; it is approved at once, a single-use
virtual card is issued (Stripe stub), and the receipt is uploaded. axe-core on every page."""

from pathlib import Path

import pytest

from brokerage.payments.models import FundRequest, FundRequestStatus
from tests.browser.helpers import assert_accessible
from tests.payments.conftest import _stripe_stub_server, stripe_stub  # noqa: F401 (fixtures)
from tests.payments.fund_helpers import fund_world

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def test_request_approved_at_once_card_issued_receipt_uploaded(page, browser_login, live_server, stripe_stub, tmp_path):  # noqa: F811
    participant, key_worker, _, _, _ = fund_world()
    browser_login(key_worker)

    page.goto(f"/participants/{participant.reference}/fund/")
    page.get_by_role("heading", name="Flexible fund").wait_for()
    assert page.get_by_text("No money has been requested").is_visible()
    assert_accessible(page, context="participant's fund page")

    page.get_by_role("link", name="Request money from the fund").click()
    page.get_by_role("heading", name="Request money from the flexible fund").wait_for()
    assert_accessible(page, context="request form")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page, context="request form with errors")
    assert FundRequest.objects.count() == 0

    page.get_by_label("Travel", exact=True).check()
    page.get_by_label("Describe what you will buy").fill("Four-week bus pass to get to interviews")
    page.get_by_label("Amount").fill("£45.00")
    page.get_by_label("Which barrier to work does this remove?").select_option("transport")
    page.get_by_label("Why is this not available from another service or fund?").fill(
        "Not eligible for the Jobcentre's Flexible Support Fund"
    )
    page.get_by_label("Single-use virtual card for the key worker").check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Check your request before sending it").wait_for()
    assert page.get_by_text("£45.00").is_visible()
    assert_accessible(page, context="check your request")
    assert FundRequest.objects.count() == 0
    page.get_by_role("button", name="Send request").click()

    page.get_by_role("heading", name="Virtual card issued").wait_for()
    request = FundRequest.objects.get()
    assert request.status == FundRequestStatus.PAID and request.amount_pence == 4_500
    assert page.get_by_text(f"Card ending {request.card_last4}, for up to £45.00").is_visible()
    assert len(stripe_stub.cards) == 1
    assert_accessible(page, context="card issued")

    receipt = tmp_path / "bus-pass.pdf"
    receipt.write_bytes(PDF)
    page.get_by_label("Upload the receipt").set_input_files(str(receipt))
    page.get_by_role("button", name="Upload receipt").click()
    page.get_by_text("Receipt recorded", exact=True).first.wait_for()
    assert_accessible(page, context="receipt recorded")
    request.refresh_from_db()
    assert request.status == FundRequestStatus.RECEIPTED
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download the receipt for {request.reference}").click()
    assert download.value.suggested_filename == f"{request.reference}-receipt.pdf"
    assert Path(download.value.path()).read_bytes() == PDF
