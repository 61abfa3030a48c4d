"""Validation before every payment, payment runs, separation of duties, Stripe, clawbacks."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from brokerage.payments.incentives import services as incentives
from brokerage.payments.incentives import transfers
from brokerage.payments.incentives.checks import Check
from brokerage.payments.incentives.selectors import payment_plain_status
from brokerage.payments.incentives.transfer_tasks import incentive_run_execute_task
from brokerage.payments.models import (
    ClawbackReason,
    ClawbackStatus,
    IncentiveClawback,
    IncentivePayment,
    IncentiveTransfer,
    IncentiveValidation,
    LedgerEntry,
    LedgerKind,
    PaymentRun,
    PaymentStatus,
    RunStatus,
    StripeAccount,
    StripeEvent,
)
from portal.accounts.roles import Role
from tests.factories.reference import UserFactory
from tests.payments.incentive_helpers import (
    checkpoint_met,
    days_ago,
    leaver,
    paid_claim,
    start_create,
    world,
)
from tests.payments.stub import event_payload, sign

pytestmark = pytest.mark.django_db


def _first_stage_ready(w):
    """A start 40 days ago whose 4-week check is confirmed: its first payment can be paid."""
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(40))
    [claim] = incentives.incentive_claim_for_placement(placement=placement)
    checkpoint_met(placement, "job_starts_4w")
    incentives.incentive_payments_mark_due()
    payment = claim.payments.get(checkpoint_measure="job_starts_4w")
    return placement, claim, payment


def _failed(payment) -> list[str]:
    return [r.check for r in incentives.incentive_payment_checks(payment) if not r.passed]


# --- validation -------------------------------------------------------------------------------


def test_a_payment_with_everything_in_place_passes_every_named_check():
    w = world()
    _, _, payment = _first_stage_ready(w)
    results = incentives.incentive_payment_checks(payment)
    assert {r.check for r in results} == set(Check.LABELS)
    assert all(r.passed for r in results)


def _unverified(w, placement, claim, payment):
    w.employer.verified = False
    w.employer.save()


def _no_account(w, placement, claim, payment):
    StripeAccount.objects.filter(employer=w.employer).delete()


def _no_checkpoint(w, placement, claim, payment):
    payment.checkpoint_measure = "sustained_26w"  # that check has not been confirmed
    payment.save()


def _left_early(w, placement, claim, payment):
    leaver(placement, placement.start_date + datetime.timedelta(days=10))


def _already_paid(w, placement, claim, payment):
    # the same person and stage paid under another claim (e.g. a duplicate start)
    twin = IncentivePayment.objects.get(pk=payment.pk)
    twin.pk = None
    twin.claim = claim.__class__.objects.create(
        scheme=claim.scheme, placement=start_create(programme=w.programme, employer=w.employer,
                                                    start_date=placement.start_date),
        employer=w.employer, participant=claim.participant, start_date=claim.start_date, age_at_start=30,
        total_pence=claim.total_pence,
    )
    twin.status = PaymentStatus.PAID
    twin.save()


def _blocked(w, placement, claim, payment):
    incentives.incentive_employer_block(employer=w.employer, actor=w.proposer, reason="Fraud referral",
                                        reference="FR-12")


def _paused(w, placement, claim, payment):
    incentives.incentive_claim_command(claim=claim, action="pause", actor=w.proposer,
                                       reason="Employer query", reference="CASE-7")


@pytest.mark.parametrize(
    ("breaks", "check"),
    [
        (_unverified, Check.EMPLOYER_VERIFIED),
        (_no_account, Check.PAYOUT_ACCOUNT),
        (_no_checkpoint, Check.CHECKPOINT),
        (_left_early, Check.ELIGIBLE),
        (_already_paid, Check.NOT_ALREADY_PAID),
        (_blocked, Check.NOT_BLOCKED),
        (_paused, Check.NOT_PAUSED),
    ],
)
def test_each_check_fails_on_its_own_and_keeps_the_payment_out_of_the_run(breaks, check):
    w = world()
    placement, claim, payment = _first_stage_ready(w)
    breaks(w, placement, claim, payment)
    payment.refresh_from_db()
    claim.refresh_from_db()
    assert _failed(IncentivePayment.objects.get(pk=payment.pk)) == [check]
    if check != Check.NOT_PAUSED:  # a paused payment is not even a candidate
        # Nothing passes, so no (empty) run is made; the checks are kept on the payment.
        with pytest.raises(ValidationError, match="no payments due that pass their checks"):
            incentives.payment_run_propose(actor=w.proposer)
        assert not PaymentRun.objects.exists()
        validation = IncentiveValidation.objects.filter(run=None, payment=payment).latest("pk")
        assert not validation.passed
        assert [r["check"] for r in validation.failed] == [check]
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.DUE and payment.run is None
        assert payment.blocking_check == check


def test_a_stage_whose_date_has_not_come_fails_only_the_date_check():
    w = world()
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(10))
    [claim] = incentives.incentive_claim_for_placement(placement=placement)
    checkpoint_met(placement, "job_starts_4w")
    assert _failed(claim.payments.get(checkpoint_measure="job_starts_4w")) == [Check.DUE_DATE]


def test_the_employer_sees_a_plain_english_status():
    w = world()
    placement, claim, payment = _first_stage_ready(w)
    later = claim.payments.get(checkpoint_measure="sustained_26w")
    assert payment_plain_status(later, account_ready=True).text.startswith("Due on ")
    later.status, later.blocking_check = PaymentStatus.DUE, Check.CHECKPOINT
    assert payment_plain_status(later, account_ready=True).text == "Waiting for the 26-week check"
    status = payment_plain_status(payment, account_ready=False)
    assert (status.text, status.action) == ("Add bank details to get paid", "payouts")
    payment.status = PaymentStatus.PAID
    assert payment_plain_status(payment, account_ready=True).text == "Paid"


# --- runs and separation of duties -------------------------------------------------------------


def test_a_proposed_run_holds_the_payments_that_pass_and_records_who_proposed_and_checked():
    w = world()
    _, _, payment = _first_stage_ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.IN_RUN and payment.run == run
    assert run.total_pence == payment.amount_pence
    assert run.requested_by == w.proposer and run.validated_by == w.proposer
    with pytest.raises(ValidationError, match="already waiting for approval"):
        incentives.payment_run_propose(actor=w.approver)


def test_whoever_proposed_or_checked_a_run_cannot_approve_it(stripe_stub):
    w = world(stub=stripe_stub)
    _first_stage_ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    with pytest.raises(ValidationError, match="You proposed this run"):
        incentives.payment_run_approve(run=run, actor=w.proposer)
    checker = UserFactory(role=Role.FINANCE_OFFICER)
    incentives.payment_run_revalidate(run=run, actor=checker)
    with pytest.raises(ValidationError, match="You checked this run"):
        incentives.payment_run_approve(run=run, actor=checker)
    coordinator = UserFactory(role=Role.COORDINATOR)
    with pytest.raises(ValidationError, match="Only a finance officer"):
        incentives.payment_run_approve(run=run, actor=coordinator)
    run.refresh_from_db()
    assert run.status == RunStatus.PROPOSED and stripe_stub.transfers == {}


def test_a_key_worker_who_recorded_the_start_cannot_approve_its_payment():
    w = world()
    placement, _, _ = _first_stage_ready(w)
    run = incentives.payment_run_propose()
    placement.created_by.groups.add(*UserFactory(role=Role.FINANCE_OFFICER).groups.all())
    assert "recorded a start" in incentives.approval_refusal(run, placement.created_by)


# --- Stripe: exactly once -----------------------------------------------------------------------


def _approved_run(w, stub, django_capture_on_commit_callbacks):
    _, _, payment = _first_stage_ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    with django_capture_on_commit_callbacks(execute=True):
        incentives.payment_run_approve(run=run, actor=w.approver)
    payment.refresh_from_db()
    return run, payment


def test_approval_pays_through_stripe_with_a_key_from_the_payment(stripe_stub, django_capture_on_commit_callbacks):
    w = world(stub=stripe_stub)
    run, payment = _approved_run(w, stripe_stub, django_capture_on_commit_callbacks)
    [request] = stripe_stub.requests_to("POST", "/v1/transfers")
    assert request.idempotency_key == f"incentive-payment-{payment.pk}"
    assert request.params["amount"] == str(payment.amount_pence)
    assert request.params["destination"] == w.employer.stripe_account.account_id
    assert payment.status == PaymentStatus.APPROVED and payment.transfer_id.startswith("tr_")
    entry = LedgerEntry.objects.get(stripe_object_id=payment.transfer_id)
    assert (entry.kind, entry.amount_pence, entry.created_by) == (
        LedgerKind.INCENTIVE_PAYMENT, payment.amount_pence, w.approver)


def test_a_double_submitted_approval_and_a_retried_task_pay_once(stripe_stub, django_capture_on_commit_callbacks):
    w = world(stub=stripe_stub)
    run, payment = _approved_run(w, stripe_stub, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        again = incentives.payment_run_approve(run=run, actor=w.approver)  # the second click
    assert again.status == RunStatus.APPROVED
    incentive_run_execute_task.delay(run.pk)  # a retried task
    transfers.incentive_payment_transfer(payment_id=payment.pk)  # a second worker
    assert len(stripe_stub.transfers) == 1
    assert IncentiveTransfer.objects.count() == 1


def test_approval_is_refused_when_the_run_changed_since_the_approver_saw_it(stripe_stub):
    w = world(stub=stripe_stub)
    _, _, payment = _first_stage_ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    with pytest.raises(ValidationError, match="changed since you opened it: it would now pay £"):
        incentives.payment_run_approve(run=run, actor=w.approver, seen_total_pence=run.total_pence + 1)
    run.refresh_from_db()
    payment.refresh_from_db()
    assert (run.status, payment.status) == (RunStatus.PROPOSED, PaymentStatus.IN_RUN)
    assert not stripe_stub.transfers


def test_a_crash_after_stripe_answered_is_retried_with_the_same_key(stripe_stub, django_capture_on_commit_callbacks):
    """The worker died after Stripe made the transfer but before the portal saved it."""
    w = world(stub=stripe_stub)
    _, _, payment = _first_stage_ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    with django_capture_on_commit_callbacks(execute=False):
        incentives.payment_run_approve(run=run, actor=w.approver)
    from brokerage.payments.stripe import gateway

    gateway.transfer_create(amount_pence=payment.amount_pence, destination=w.employer.stripe_account.account_id,
                            idempotency_key=payment.idempotency_key,
                            metadata={"portal_incentive_payment_id": str(payment.pk),
                                      "portal_claim": payment.claim.reference},
                            description=f"{payment.claim.scheme.name}: {payment.stage_name} ({payment.reference})",
                            transfer_group=f"incentive-run-{run.pk}")
    incentive_run_execute_task.delay(run.pk)
    payment.refresh_from_db()
    assert len(stripe_stub.transfers) == 1 and payment.transfer_id in stripe_stub.transfers


def test_stripe_unreachable_leaves_the_payment_approved_for_the_retry(stripe_stub):
    w = world(stub=stripe_stub)
    _, _, payment = _first_stage_ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    incentives.payment_run_approve(run=run, actor=w.approver)
    stripe_stub.fail_next(500, path_prefix="/v1/transfers")
    stripe_stub.fail_next(500, path_prefix="/v1/transfers")
    stripe_stub.fail_next(500, path_prefix="/v1/transfers")
    from brokerage.payments.stripe.gateway import PaymentProviderUnavailable

    with pytest.raises(PaymentProviderUnavailable):
        transfers.incentive_payment_transfer(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.APPROVED and payment.transfer_id == ""
    transfers.incentive_payment_transfer(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.transfer_id and len(stripe_stub.transfers) == 1


# --- webhooks -----------------------------------------------------------------------------------


def _deliver(client, capture, event_type, transfer):
    payload = event_payload(event_type, transfer)
    with capture(execute=True):
        response = client.post("/stripe/webhook/", data=payload, content_type="application/json",
                               HTTP_STRIPE_SIGNATURE=sign(payload))
    assert response.status_code == 200
    assert StripeEvent.objects.filter(type=event_type, processed_at__isnull=False).exists()


@pytest.mark.parametrize("event_type", ["transfer.paid", "transfer.created"])
def test_the_webhook_marks_the_payment_paid(client, stripe_stub, django_capture_on_commit_callbacks, event_type):
    w = world(stub=stripe_stub)
    _, payment = _approved_run(w, stripe_stub, django_capture_on_commit_callbacks)
    _deliver(client, django_capture_on_commit_callbacks, event_type, stripe_stub.transfers[payment.transfer_id])
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.paid_at is not None
    assert LedgerEntry.objects.filter(kind=LedgerKind.INCENTIVE_PAYMENT).count() == 1


def test_the_webhook_marks_a_failed_transfer(client, stripe_stub, django_capture_on_commit_callbacks):
    w = world(stub=stripe_stub)
    _, payment = _approved_run(w, stripe_stub, django_capture_on_commit_callbacks)
    _deliver(client, django_capture_on_commit_callbacks, "transfer.failed", stripe_stub.transfers[payment.transfer_id])
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    assert payment_plain_status(payment, account_ready=True).text == "Payment failed: we will contact you"


def test_a_lost_webhook_is_made_up_for_by_asking_stripe(stripe_stub, django_capture_on_commit_callbacks):
    from brokerage.payments.stripe.tasks import stripe_transfers_sweep_task

    w = world(stub=stripe_stub)
    _, payment = _approved_run(w, stripe_stub, django_capture_on_commit_callbacks)
    assert stripe_transfers_sweep_task() == 0, "a transfer made just now waits for its webhook"
    assert not stripe_stub.requests_to("GET", f"/v1/transfers/{payment.transfer_id}")

    IncentivePayment.objects.filter(pk=payment.pk).update(updated_at=timezone.now() - datetime.timedelta(hours=2))
    assert stripe_transfers_sweep_task() == 1
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.paid_at is not None
    assert len(stripe_stub.requests_to("GET", f"/v1/transfers/{payment.transfer_id}")) == 1
    assert stripe_transfers_sweep_task() == 0, "nothing is waiting any more"
    assert len(stripe_stub.transfers) == 1, "asking never pays again"


def test_a_reversal_in_stripe_is_recorded_as_a_recovered_clawback(
    client, stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    _, payment = _approved_run(w, stripe_stub, django_capture_on_commit_callbacks)
    from brokerage.payments.stripe import gateway

    gateway.transfer_reversal_create(transfer_id=payment.transfer_id, idempotency_key="dashboard-1")
    _deliver(
        client,
        django_capture_on_commit_callbacks,
        "transfer.reversed",
        stripe_stub.transfers[payment.transfer_id],
    )
    payment.refresh_from_db()
    clawback = payment.clawback
    assert (clawback.reason, clawback.status, clawback.amount_pence) == (
        ClawbackReason.STRIPE_REVERSAL,
        ClawbackStatus.RECOVERED,
        payment.amount_pence,
    )
    assert (
        LedgerEntry.objects.get(kind=LedgerKind.TRANSFER_REVERSAL).amount_pence
        == -payment.amount_pence
    )


# --- clawbacks and commands -------------------------------------------------------------------


def test_an_early_leaver_recorded_late_creates_a_clawback_without_editing_the_payment(
    stripe_stub, django_capture_on_commit_callbacks
):
    w = world(stub=stripe_stub)
    placement, claim = paid_claim(w, stripe_stub, django_capture_on_commit_callbacks)
    later = claim.payments.get(checkpoint_measure="sustained_26w")
    before = IncentivePayment.objects.filter(pk=later.pk).values().get()
    leaver(placement, placement.start_date + datetime.timedelta(days=100))  # left before 26 weeks
    assert incentives.incentive_leavers_sync() == 1
    assert incentives.incentive_leavers_sync() == 0  # once only
    clawback = IncentiveClawback.objects.get()
    assert clawback.payment == later and clawback.reason == ClawbackReason.EARLY_LEAVER
    assert clawback.amount_pence == later.amount_pence and clawback.status == ClawbackStatus.PENDING
    after = IncentivePayment.objects.filter(pk=later.pk).values().get()
    assert after["status"] == PaymentStatus.PAID and after == {**before, "updated_at": after["updated_at"]}

    incentives.incentive_clawback_recover(clawback=clawback, actor=w.approver)
    incentives.incentive_clawback_recover(clawback=clawback, actor=w.approver)  # double click
    clawback.refresh_from_db()
    assert clawback.status == ClawbackStatus.RECOVERED
    assert len(stripe_stub.requests_to("POST", f"/v1/transfers/{later.transfer_id}/reversals")) == 1
    entry = LedgerEntry.objects.get(kind=LedgerKind.CLAWBACK)
    assert entry.amount_pence == -later.amount_pence and entry.stripe_parent_id == later.transfer_id


def test_a_reversed_checkpoint_claws_back_a_paid_stage_with_a_reason(stripe_stub, django_capture_on_commit_callbacks):
    w = world(stub=stripe_stub)
    _, claim = paid_claim(w, stripe_stub, django_capture_on_commit_callbacks)
    payment = claim.payments.get(checkpoint_measure="job_starts_4w")
    with pytest.raises(ValidationError):
        incentives.incentive_checkpoint_reverse(payment=payment, actor=w.approver, reason="", reference="")
    clawback = incentives.incentive_checkpoint_reverse(
        payment=payment, actor=w.approver, reason="Payslips show the person left in week 2", reference="AUD-3")
    assert clawback.reason == ClawbackReason.CHECKPOINT_REVERSED and "AUD-3" in clawback.detail


def test_pause_resume_withdraw_reinstate_are_recorded_commands():
    w = world()
    _, claim, payment = _first_stage_ready(w)
    for action, status in [("pause", PaymentStatus.PAUSED), ("resume", PaymentStatus.DUE),
                           ("withdraw", PaymentStatus.WITHDRAWN), ("reinstate", PaymentStatus.DUE)]:
        incentives.incentive_claim_command(claim=claim, action=action, actor=w.proposer,
                                           reason=f"Reason to {action}", reference=f"REF-{action}")
        payment.refresh_from_db()
        assert payment.status == status
    assert list(claim.commands.order_by("at", "id").values_list("action", "reference")) == [
        ("pause", "REF-pause"), ("resume", "REF-resume"), ("withdraw", "REF-withdraw"), ("reinstate", "REF-reinstate"),
    ]
    with pytest.raises(ValidationError, match="Only a paused claim can be resumed"):
        incentives.incentive_claim_command(claim=claim, action="resume", actor=w.proposer, reason="x", reference="y")
    with pytest.raises(ValidationError) as exc:
        incentives.incentive_claim_command(claim=claim, action="pause", actor=w.proposer, reason=" ", reference="")
    assert set(exc.value.message_dict) == {"reason", "reference"}
    key_worker = UserFactory(role=Role.KEY_WORKER)
    with pytest.raises(ValidationError, match="finance officer or coordinator"):
        incentives.incentive_claim_command(claim=claim, action="pause", actor=key_worker, reason="x", reference="y")
    assert claim.commands.count() == 4


def test_pausing_takes_a_payment_out_of_the_waiting_run():
    w = world()
    _, claim, payment = _first_stage_ready(w)
    run = incentives.payment_run_propose(actor=w.proposer)
    incentives.incentive_claim_command(claim=claim, action="pause", actor=w.approver, reason="Query", reference="Q1")
    run.refresh_from_db()
    payment.refresh_from_db()
    assert payment.run is None and payment.status == PaymentStatus.PAUSED and run.total_pence == 0
    with pytest.raises(ValidationError, match="Nothing in this run can be paid"):
        incentives.payment_run_approve(run=run, actor=w.approver)
