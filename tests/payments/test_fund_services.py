"""Flexible fund rules: request, approval at once or by a coordinator, payment, receipt."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from brokerage.audit.models import AuditEvent
from brokerage.participants.models import ParticipantStatus
from brokerage.payments.fund import services as fund
from brokerage.payments.models import (
    FundBudget,
    FundCategory,
    FundPaymentMethod,
    FundRequest,
    FundRequestStatus,
    FundSettings,
    LedgerEntry,
    LedgerKind,
)
from brokerage.payments.stripe import gateway
from portal.accounts.roles import Role
from tests.factories.participants import ActionItemFactory, ParticipantFactory
from tests.factories.payments import FundCatalogueItemFactory, StripeAccountFactory, SupplierFactory
from tests.factories.reference import UserFactory
from tests.payments.fund_helpers import fund_world, request_kwargs, submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def world():
    return fund_world()


# --- money parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, pence",
    [("£12.50", 1250), ("12.50", 1250), ("12", 1200), ("1,250.00", 125_000), (" £0.01 ", 1), ("45.5", 4550)],
)
def test_pounds_are_parsed_to_pence(text, pence):
    assert fund.pounds_to_pence(text) == pence


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Enter the amount, for example £45.00"),
        ("-5", "The amount must be more than £0"),
        ("0", "The amount must be more than £0"),
        ("0.00", "The amount must be more than £0"),
        ("twelve", "Enter the amount in pounds and pence, for example £45.00"),
        ("12.505", "Enter the amount in pounds and pence, like 12.50"),  # issue 16: never guessed
        ("1e3", "Enter the amount in pounds and pence, for example £45.00"),
        ("NaN", "Enter the amount in pounds and pence, for example £45.00"),
        ("100000.01", "The amount must be £100,000.00 or less"),
    ],
)
def test_bad_amounts_have_a_clear_message(text, message):
    with pytest.raises(ValidationError) as exc:
        fund.pounds_to_pence(text)
    assert exc.value.messages == [message]


# --- approval at once and by a coordinator ----------------------------------------------------


def test_a_request_within_the_limit_and_budget_is_approved_at_once(world):
    participant, key_worker, _, budget, action = world
    request = submit(participant, key_worker, action=action, amount_pence=10_000)  # exactly £100
    assert request.status == FundRequestStatus.APPROVED
    assert request.auto_approved
    budget.refresh_from_db()
    assert budget.committed_pence == 10_000
    assert budget.remaining_pence == 40_000
    actions = list(AuditEvent.objects.filter(object_id=str(request.pk)).values_list("action", flat=True))
    assert "payments.fund_request_submitted" in actions and "payments.fund_request_approved" in actions


def test_a_request_over_the_limit_waits_for_a_coordinator_and_commits_nothing(world):
    participant, key_worker, _, budget, _ = world
    request = submit(participant, key_worker, amount_pence=10_001)
    assert request.status == FundRequestStatus.REQUESTED
    budget.refresh_from_db()
    assert budget.committed_pence == 0


def test_the_limit_is_set_per_programme(world):
    participant, key_worker, _, _, _ = world
    FundSettings.objects.create(programme=participant.programme, auto_approve_limit_pence=5_000)
    assert submit(participant, key_worker, amount_pence=5_000).status == FundRequestStatus.APPROVED
    assert submit(participant, key_worker, amount_pence=5_001).status == FundRequestStatus.REQUESTED


def test_a_coordinator_approves_and_the_budget_is_committed(world):
    participant, key_worker, coordinator, budget, _ = world
    request = submit(participant, key_worker, amount_pence=25_000)
    fund.fund_request_approve(fund_request=request, actor=coordinator, note="Needed for the SIA course")
    request.refresh_from_db()
    budget.refresh_from_db()
    assert request.status == FundRequestStatus.APPROVED
    assert request.decided_by == coordinator and not request.auto_approved
    assert budget.committed_pence == 25_000


def test_approval_uses_the_stored_amount(world):
    participant, key_worker, coordinator, budget, _ = world
    request = submit(participant, key_worker, amount_pence=25_000)
    stale = FundRequest.objects.get(pk=request.pk)
    stale.amount_pence = 1  # a tampered in-memory copy is not trusted
    fund.fund_request_approve(fund_request=stale, actor=coordinator)
    budget.refresh_from_db()
    assert budget.committed_pence == 25_000


def test_a_coordinator_cannot_approve_their_own_request(world):
    participant, _, coordinator, budget, _ = world
    request = submit(participant, coordinator, amount_pence=25_000)
    with pytest.raises(ValidationError, match="another coordinator must approve"):
        fund.fund_request_approve(fund_request=request, actor=coordinator)
    request.refresh_from_db()
    budget.refresh_from_db()
    assert request.status == FundRequestStatus.REQUESTED and budget.committed_pence == 0


def test_a_key_worker_cannot_approve(world):
    participant, key_worker, _, _, _ = world
    other_worker = UserFactory(role=Role.KEY_WORKER)
    request = submit(participant, key_worker, amount_pence=25_000)
    with pytest.raises(ValidationError, match="Only a coordinator"):
        fund.fund_request_approve(fund_request=request, actor=other_worker)


def test_a_second_approval_is_refused_and_commits_nothing_more(world):
    participant, key_worker, coordinator, budget, _ = world
    request = submit(participant, key_worker, amount_pence=25_000)
    fund.fund_request_approve(fund_request=request, actor=coordinator)
    with pytest.raises(fund.FundRequestAlreadyDecided, match="already been dealt with"):
        fund.fund_request_approve(fund_request=request, actor=coordinator)
    budget.refresh_from_db()
    assert budget.committed_pence == 25_000


def test_approval_is_refused_when_the_budget_has_run_down(world):
    participant, key_worker, coordinator, budget, _ = world
    big = submit(participant, key_worker, amount_pence=40_000)
    submit(participant, key_worker, amount_pence=10_000)  # approved at once: 40,000 left
    FundBudget.objects.filter(pk=budget.pk).update(committed_pence=45_000)
    with pytest.raises(ValidationError, match="not enough for £400.00"):
        fund.fund_request_approve(fund_request=big, actor=coordinator)
    big.refresh_from_db()
    assert big.status == FundRequestStatus.REQUESTED


def test_refusal_needs_a_reason(world):
    participant, key_worker, coordinator, _, _ = world
    request = submit(participant, key_worker, amount_pence=25_000)
    with pytest.raises(ValidationError, match="Enter why the request is refused"):
        fund.fund_request_refuse(fund_request=request, actor=coordinator, reason=" ")
    fund.fund_request_refuse(fund_request=request, actor=coordinator, reason="Available from the college bursary")
    request.refresh_from_db()
    assert request.status == FundRequestStatus.REFUSED


def test_cancelling_an_approved_request_returns_the_money_to_the_budget(world):
    participant, key_worker, _, budget, _ = world
    request = submit(participant, key_worker, amount_pence=6_000)
    fund.fund_request_cancel(fund_request=request, actor=key_worker)
    budget.refresh_from_db()
    assert budget.committed_pence == 0


# --- every rule on its own --------------------------------------------------------------------


def _only_error(participant, actor, **overrides) -> dict:
    before = FundRequest.objects.count()
    with pytest.raises(ValidationError) as exc:
        submit(participant, actor, **overrides)
    assert FundRequest.objects.count() == before, "nothing is saved"
    return exc.value.message_dict


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"amount_pence": 0}, "amount", "The amount must be more than £0"),
        ({"amount_pence": -500}, "amount", "The amount must be more than £0"),
        ({"amount_pence": "60"}, "amount", "The amount must be more than £0"),
        ({"category": "holiday"}, "category", "Select what the money is for"),
        ({"barrier": ""}, "barrier", "Select the barrier this removes"),
        ({"description": "  "}, "description", "Enter what the money is for"),
        ({"category": FundCategory.OTHER, "justification": ""}, "justification",
         "Explain why this is needed to remove a barrier to work"),
        ({"not_available_elsewhere": ""}, "not_available_elsewhere",
         "Explain why this is not available from another service or fund"),
        ({"payment_method": "cash"}, "payment_method", "Select how it will be paid"),
        ({"payment_method": FundPaymentMethod.SUPPLIER}, "supplier", "Select the registered supplier to pay"),
        ({"amount_pence": 60_000}, "amount", "The flexible fund has £500.00 left for this programme and area, "
                                             "not enough for £600.00. Ask your coordinator."),
    ],
)
def test_each_rule_fails_on_its_own_with_a_clear_message(world, overrides, field, message):
    participant, key_worker, _, _, _ = world
    assert _only_error(participant, key_worker, **overrides) == {field: [message]}


def test_other_with_a_justification_is_accepted(world):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker, category=FundCategory.OTHER,
                     justification="Replacement birth certificate needed for right-to-work checks")
    assert request.status == FundRequestStatus.APPROVED


def test_a_catalogue_item_limits_the_amount_and_must_match_the_category(world):
    participant, key_worker, _, _, _ = world
    cscs = FundCatalogueItemFactory()  # licences, up to £150
    errors = _only_error(participant, key_worker, item=cscs, category=FundCategory.LICENCES, amount_pence=15_001)
    assert errors == {"amount": ["CSCS card and test can be funded up to £150.00"]}
    errors = _only_error(participant, key_worker, item=cscs)  # category travel
    assert errors == {"item": ["CSCS card and test is not in the category you chose"]}


def test_the_action_must_be_a_barrier_action_of_this_participant(world):
    participant, key_worker, _, _, _ = world
    someone_elses = ActionItemFactory(participant=ParticipantFactory(), kind="barrier", barrier="transport")
    errors = _only_error(participant, key_worker, action=someone_elses)
    assert errors == {"action": ["Choose a barrier action from this participant's action plan"]}


def test_a_supplier_must_have_a_ready_payout_account(world):
    participant, key_worker, _, _, _ = world
    supplier = SupplierFactory(name="Teesside Workwear Ltd")
    errors = _only_error(participant, key_worker, payment_method=FundPaymentMethod.SUPPLIER, supplier=supplier)
    assert errors == {"supplier": ["Teesside Workwear Ltd cannot be paid yet: their payout account is not ready"]}


def test_no_budget_for_today_is_a_clear_refusal(world):
    participant, key_worker, _, budget, _ = world
    FundBudget.objects.filter(pk=budget.pk).delete()
    with pytest.raises(ValidationError, match="There is no flexible fund budget for"):
        submit(participant, key_worker)
    assert FundRequest.objects.count() == 0


def test_an_area_budget_is_used_before_the_programme_budget(world):
    participant, key_worker, _, programme_budget, _ = world
    from tests.factories.payments import FundBudgetFactory

    area_budget = FundBudgetFactory(programme=participant.programme, area=participant.area, amount_pence=20_000)
    assert submit(participant, key_worker).budget == area_budget
    programme_budget.refresh_from_db()
    assert programme_budget.committed_pence == 0


def test_closed_participants_and_other_roles_cannot_use_the_fund(world):
    participant, key_worker, _, _, _ = world
    with pytest.raises(ValidationError, match="Only key workers and coordinators"):
        submit(participant, UserFactory(role=Role.FINANCE_OFFICER))
    participant.status = ParticipantStatus.CLOSED
    participant.save()
    assert _only_error(participant, key_worker) == {
        "__all__": ["The fund cannot be used for a participant whose record is closed."]
    }


# --- payment ----------------------------------------------------------------------------------


def test_an_approved_card_request_issues_one_limited_card_however_often_it_is_paid(world, stripe_stub):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker, amount_pence=6_000)
    fund.fund_request_pay(fund_request=request, actor=key_worker)
    fund.fund_request_pay(fund_request=request, actor=key_worker)  # a retried task / double click
    request.refresh_from_db()
    assert request.status == FundRequestStatus.PAID
    assert len(stripe_stub.cards) == 1
    card = stripe_stub.cards[request.card_id]
    assert card["spending_controls"]["spending_limits"] == [{"amount": 6_000, "interval": "all_time"}]
    assert card["metadata"]["fund_request_id"] == str(request.pk)
    assert len(stripe_stub.cardholders) == 1
    posts = stripe_stub.requests_to("POST", "/v1/issuing/cards")
    assert posts[0].idempotency_key == f"fund-request-{request.pk}-card"
    # No money has moved yet: the ledger records the purchase, not the card.
    assert LedgerEntry.objects.count() == 0


def test_paying_again_after_a_lost_response_sends_the_same_key(world, stripe_stub):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker, amount_pence=6_000)
    fund._cardholder_for(key_worker)
    # Stripe made the card but the portal never heard back (simulated by a replayed key).
    FundRequest.objects.filter(pk=request.pk).update(status=FundRequestStatus.APPROVED)
    fund.fund_request_pay(fund_request=request)
    FundRequest.objects.filter(pk=request.pk).update(status=FundRequestStatus.APPROVED, card_id="")
    fund.fund_request_pay(fund_request=request)
    assert len(stripe_stub.cards) == 1


def test_a_supplier_request_is_paid_by_one_transfer_and_ledgered(world, stripe_stub):
    participant, key_worker, _, _, _ = world
    supplier = SupplierFactory(name="Teesside Workwear Ltd")
    account = stripe_stub.add_account(payouts_enabled=True, details_submitted=True)
    StripeAccountFactory(employer=None, supplier=supplier, account_id=account["id"])
    request = submit(participant, key_worker, payment_method=FundPaymentMethod.SUPPLIER, supplier=supplier,
                     category=FundCategory.CLOTHING, description="Interview suit", amount_pence=8_500)
    fund.fund_request_pay(fund_request=request, actor=key_worker)
    fund.fund_request_pay(fund_request=request, actor=key_worker)
    request.refresh_from_db()
    assert len(stripe_stub.transfers) == 1
    transfer = stripe_stub.transfers[request.transfer_id]
    assert transfer["amount"] == 8_500 and transfer["destination"] == account["id"]
    assert stripe_stub.requests_to("POST", "/v1/transfers")[0].idempotency_key == f"fund-request-{request.pk}-transfer"
    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount_pence, entry.stripe_object_id) == (LedgerKind.FUND_TRANSFER, 8_500, transfer["id"])
    assert entry.source_id == str(request.pk)
    assert request.spent_pence == 8_500


def test_a_stripe_failure_leaves_the_request_approved_with_a_message(world, stripe_stub):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker, amount_pence=6_000)
    stripe_stub.fail_next(400, type="invalid_request_error", message="Issuing is not enabled",
                          path_prefix="/v1/issuing/cards")
    with pytest.raises(gateway.PaymentProviderError):
        fund.fund_request_pay(fund_request=request)
    request.refresh_from_db()
    assert request.status == FundRequestStatus.APPROVED
    assert "Issuing is not enabled" in request.payment_error
    fund.fund_request_pay(fund_request=request)
    request.refresh_from_db()
    assert request.status == FundRequestStatus.PAID and len(stripe_stub.cards) == 1


# --- receipts ---------------------------------------------------------------------------------


def test_a_receipt_is_recorded_once_paid(world, stripe_stub):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker)
    with pytest.raises(ValidationError, match="once the request has been paid"):
        fund.fund_receipt_record(fund_request=request, actor=key_worker,
                                 upload=SimpleUploadedFile("receipt.pdf", PDF))
    fund.fund_request_pay(fund_request=request)
    fund.fund_receipt_record(fund_request=request, actor=key_worker, upload=SimpleUploadedFile("Receipt.PDF", PDF))
    request.refresh_from_db()
    assert request.status == FundRequestStatus.RECEIPTED
    # Stored under a random name (not the reference or what was uploaded), keeping the extension.
    assert re.fullmatch(r"fund-receipts/[0-9a-f]{32}\.pdf", request.receipt.name)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("receipt.exe", b"MZ\x90\x00", "The receipt must be a PDF, JPG or PNG"),
        ("receipt.pdf", b"<html>not a pdf</html>", "The receipt must be a PDF, JPG or PNG"),
        ("receipt.png", b"", "The selected file is empty"),
        ("receipt.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024), "The receipt must be smaller than 10MB"),
    ],
)
def test_bad_receipts_are_refused(name, content, message):
    with pytest.raises(ValidationError) as exc:
        fund.receipt_validate(SimpleUploadedFile(name, content))
    assert exc.value.messages == [message]


def test_request_kwargs_helper_is_valid(world):
    assert submit(world[0], world[1], **request_kwargs(amount_pence=100)).amount_pence == 100


def test_the_payment_task_run_twice_makes_one_card(world, stripe_stub):
    from brokerage.payments.fund.tasks import fund_request_pay_task

    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker, amount_pence=6_000)
    fund_request_pay_task(request.pk)
    fund_request_pay_task(request.pk)
    fund_request_pay_task(999_999)  # gone: nothing happens
    assert len(stripe_stub.cards) == 1
    assert len(stripe_stub.requests_to("POST", "/v1/issuing/cards")) == 1
