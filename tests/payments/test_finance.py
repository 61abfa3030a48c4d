"""The finance home: the ledger, its CSV export and reconciliation against Stripe."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from brokerage.payments.models import LedgerKind
from brokerage.payments.stripe import gateway
from portal.accounts.roles import Role
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.payments import LedgerEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance(login, make_user):
    return login(make_user(Role.FINANCE_OFFICER))


def _this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


@pytest.mark.parametrize("role", [Role.KEY_WORKER, Role.PARTNER_STAFF, Role.EMPLOYER])
def test_only_finance_officers_and_coordinators_see_the_ledger(login, make_user, role):
    LedgerEntryFactory()
    client = login(make_user(role))
    for name in ("home", "ledger_csv", "reconciliation"):
        assert client.get(reverse(f"payments:{name}")).status_code == 403


def test_signed_out_people_are_asked_to_sign_in(client):
    response = client.get(reverse("payments:home"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("role", [Role.FINANCE_OFFICER, Role.COORDINATOR])
def test_the_ledger_lists_entries_in_pounds(login, make_user, role):
    LedgerEntryFactory(amount_pence=150_000, description="Start payment for Acme")
    LedgerEntryFactory(kind=LedgerKind.CLAWBACK, amount_pence=-50_000, description="Left early")
    response = login(make_user(role)).get(reverse("payments:home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Start payment for Acme" in content and "£1,500.00" in content
    assert "-£500.00" in content and "£1,000.00" in content  # the net


def test_the_empty_ledger_says_what_happens_next(finance):
    content = finance.get(reverse("payments:home")).content.decode()
    assert "No money has moved yet" in content


def test_the_ledger_filters_by_kind_and_paginates(finance):
    for _ in range(55):
        LedgerEntryFactory(description="Incentive")
    LedgerEntryFactory(kind=LedgerKind.CLAWBACK, amount_pence=-100, description="Clawed back")

    page = finance.get(reverse("payments:home"), {"kind": LedgerKind.CLAWBACK}).content.decode()
    assert "Clawed back" in page and "Incentive" not in page

    page = finance.get(reverse("payments:home")).content.decode()
    assert 'aria-label="Pagination"' in page and "of 56 results" in page

    page = finance.get(reverse("payments:home"), {"month": _this_month()}).content.decode()
    assert "of 56 results" in page


def test_a_bad_filter_gets_a_clear_message(finance):
    LedgerEntryFactory()
    content = finance.get(reverse("payments:home"), {"month": "1999-01"}).content.decode()
    assert "There is a problem" in content and "Choose a month from the list" in content


def test_csv_export_has_pence_and_pounds(finance, make_user):
    LedgerEntryFactory(amount_pence=123_456, description="=HYPERLINK(\"evil\")", stripe_object_id="tr_1")
    LedgerEntryFactory(kind=LedgerKind.CLAWBACK, amount_pence=-5, stripe_object_id="trr_1")
    response = finance.get(reverse("payments:ledger_csv"), {"kind": ""})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_id = {row["stripe_object_id"]: row for row in rows}
    assert by_id["tr_1"]["amount_pence"] == "123456" and by_id["tr_1"]["amount_pounds"] == "1234.56"
    assert by_id["trr_1"]["amount_pence"] == "-5" and by_id["trr_1"]["amount_pounds"] == "-0.05"
    assert by_id["tr_1"]["description"].startswith("'=")  # no formula injection
    assert by_id["tr_1"]["currency"] == "GBP"


def test_csv_export_respects_the_filters(finance):
    LedgerEntryFactory(stripe_object_id="tr_keep")
    LedgerEntryFactory(kind=LedgerKind.CLAWBACK, amount_pence=-5, stripe_object_id="trr_drop")
    response = finance.get(reverse("payments:ledger_csv"), {"kind": LedgerKind.INCENTIVE_PAYMENT})
    ids = [row["stripe_object_id"] for row in csv.DictReader(io.StringIO(response.content.decode()))]
    assert ids == ["tr_keep"]


def test_reconciliation_compares_each_entry_with_stripe(finance, stripe_stub):
    account = stripe_stub.add_account()
    good = gateway.transfer_create(amount_pence=50_000, destination=account["id"], idempotency_key="a")
    wrong = gateway.transfer_create(amount_pence=70_000, destination=account["id"], idempotency_key="b")
    reversal = gateway.transfer_reversal_create(transfer_id=good.id, amount_pence=1_000, idempotency_key="c")
    LedgerEntryFactory(stripe_object_id=good.id, amount_pence=50_000)
    LedgerEntryFactory(stripe_object_id=wrong.id, amount_pence=75_000, description="Typed wrong")
    LedgerEntryFactory(stripe_object_id="tr_ghost", amount_pence=10_000, description="Never sent")
    LedgerEntryFactory(
        kind=LedgerKind.TRANSFER_REVERSAL, amount_pence=-1_000, stripe_object_id=reversal.id,
        stripe_parent_id=good.id,
    )

    response = finance.get(reverse("payments:reconciliation"), {"month": _this_month()})
    assert response.status_code == 200
    report = response.context["report"]
    results = {row.entry.stripe_object_id: row.result for row in report.rows}
    assert results == {
        good.id: "matched", wrong.id: "amount_differs", "tr_ghost": "missing", reversal.id: "matched",
    }
    content = response.content.decode()
    assert "Amount differs" in content and "Missing in Stripe" in content
    assert "£700.00" in content and "£750.00" in content


def test_reconciliation_of_a_clean_month(finance, stripe_stub):
    account = stripe_stub.add_account()
    transfer = gateway.transfer_create(amount_pence=500, destination=account["id"], idempotency_key="z")
    LedgerEntryFactory(stripe_object_id=transfer.id, amount_pence=500)
    content = finance.get(reverse("payments:reconciliation")).content.decode()  # latest month by default
    assert "Everything matches" in content


def test_reconciliation_when_stripe_cannot_be_reached(finance, stripe_stub):
    LedgerEntryFactory(stripe_object_id="tr_x", amount_pence=500)
    stripe_stub.fail_next(401, type="invalid_request_error", message="bad key")
    response = finance.get(reverse("payments:reconciliation"))
    assert [row.result for row in response.context["report"].rows] == ["unchecked"]
    assert "Could not check" in response.content.decode()


def test_reconciliation_with_no_entries_says_so(finance):
    content = finance.get(reverse("payments:reconciliation")).content.decode()
    assert "There is nothing to check yet" in content


def test_an_employer_admin_cannot_see_the_ledger(login):
    admin = EmployerMembershipFactory()
    assert login(admin.user).get(reverse("payments:home")).status_code == 403
