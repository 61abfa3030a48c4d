"""Checks before each incentive payment, and what happens to a payment that fails one.

Every check runs when a payment falls due, when it is put in a run, at approval and again just
before the transfer (``incentive_payment_hold_if_unpayable``): a payment failing one is held (back
to due, out of its run) with the failed checks kept as an ``IncentiveValidation``.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.employers.companies_house import NOT_TRADING_STATUSES, STATUS_LABELS
from brokerage.payments.models import (
    ClaimStatus,
    ClawbackReason,
    ClawbackStatus,
    IncentiveClawback,
    IncentiveEmployerBlock,
    IncentivePayment,
    IncentiveTransfer,
    IncentiveValidation,
    PaymentRun,
    PaymentStatus,
    RunStatus,
    StripeAccount,
    ValidationMoment,
)
from portal.accounts.models import User
from portal.accounts.permissions import recorded_actor
from portal.core.formats import govuk_datetime
from portal.core.money import pence_display

logger = logging.getLogger(__name__)

CHECKPOINT_WEEKS = {"job_starts_4w": "4-week", "sustained_13w": "13-week", "sustained_26w": "26-week"}


# --- validation -------------------------------------------------------------------------------


class Check:
    DUE_DATE = "due_date"
    EMPLOYER_VERIFIED = "employer_verified"
    PAYOUT_ACCOUNT = "payout_account"
    CHECKPOINT = "checkpoint_confirmed"
    ELIGIBLE = "participant_eligible"
    NOT_ALREADY_PAID = "not_already_paid"
    NOT_BLOCKED = "employer_not_blocked"
    NOT_PAUSED = "not_paused"
    NO_CLAWBACK_OWED = "no_clawback_owed"
    COMPANY_TRADING = "company_trading"

    LABELS = {
        DUE_DATE: "The stage's date has passed",
        EMPLOYER_VERIFIED: "Employer organisation verified",
        PAYOUT_ACCOUNT: "Employer has a payout account",
        CHECKPOINT: "Checkpoint for this stage confirmed",
        ELIGIBLE: "Participant still eligible",
        NOT_ALREADY_PAID: "Not already paid for this person and stage",
        NOT_BLOCKED: "Employer not blocked",
        NOT_PAUSED: "Payments not paused",
        NO_CLAWBACK_OWED: "Employer owes no money from a clawback",
        COMPANY_TRADING: "Company still trading (Companies House)",
    }


@dataclass(frozen=True)
class CheckResult:
    check: str
    passed: bool
    detail: str = ""

    @property
    def label(self) -> str:
        return Check.LABELS[self.check]

    def as_dict(self) -> dict:
        return {"check": self.check, "label": self.label, "passed": self.passed, "detail": self.detail}


def incentive_payment_checks(payment: IncentivePayment, *, today: datetime.date | None = None) -> list[CheckResult]:
    """Every check before a payment, in order, each passed or failed with a reason."""
    from brokerage.pipeline.models import CheckpointStatus, OutcomeKind, OutcomeRecord

    today = today or timezone.localdate()
    claim = payment.claim
    placement = claim.placement
    employer = claim.employer
    results = []

    due = payment.due_on <= today
    results.append(CheckResult(Check.DUE_DATE, due, "" if due else f"Due on {payment.due_on:%-d %B %Y}"))

    if payment.check_employer_verified:  # the stage's rule as it was when the claim was made
        ok = bool(employer.verified) and employer.merged_into_id is None
        results.append(CheckResult(Check.EMPLOYER_VERIFIED, ok, "" if ok else
                                   f"{employer.name} has not been verified by a coordinator"))
    else:
        results.append(CheckResult(Check.EMPLOYER_VERIFIED, True, "Not needed for this stage"))

    # What Companies House said when the portal last asked (brokerage/employers/companies_house.py).
    if employer.companies_house_status in NOT_TRADING_STATUSES:
        when = timezone.localtime(employer.companies_house_checked_at) \
            if employer.companies_house_checked_at else None
        results.append(CheckResult(Check.COMPANY_TRADING, False, (
            f"Companies House lists {employer.companies_house_name or employer.name} "
            f"({employer.companies_house_number}) as "
            f"{STATUS_LABELS.get(employer.companies_house_status, employer.companies_house_status)}"
            + (f" (checked {when:%-d %B %Y})" if when else "")
            + ": payments to it are held"
        )))
    else:
        results.append(CheckResult(Check.COMPANY_TRADING, True, (
            f"Companies House: {employer.companies_house_status}"
            if employer.companies_house_status else "Not checked with Companies House"
        )))

    account = StripeAccount.objects.filter(employer_id=employer.pk).first()
    ok = account is not None and account.ready
    results.append(CheckResult(Check.PAYOUT_ACCOUNT, ok, "" if ok else (
        "No payout account set up" if account is None else "Stripe still needs the employer's details"
    )))

    if payment.checkpoint_measure:
        # Still met: confirmed, the checkpoint not recorded since as missed or changed, and not
        # reversed by finance on another payment of the claim.
        outcomes = OutcomeRecord.objects.filter(
            placement_id=placement.pk, measure=payment.checkpoint_measure
        )
        met = list(outcomes.filter(kind=OutcomeKind.CHECKPOINT_MET).select_related("checkpoint"))
        ok = bool(met) and all(
            o.checkpoint is None or o.checkpoint.status == CheckpointStatus.MET for o in met
        )
        ok = ok and not outcomes.filter(kind=OutcomeKind.CHECKPOINT_MISSED).exists()
        # The evidence the scheme's stage accepts (IncentiveStage.accepted_evidence; empty: any).
        accepted = list(payment.stage.accepted_evidence or []) if payment.stage_id else []
        weak = [o.checkpoint for o in met if o.checkpoint and accepted
                and o.checkpoint.confirmed_via not in accepted]
        ok = ok and not weak
        ok = ok and not IncentiveClawback.objects.filter(
            payment__claim__placement_id=placement.pk, reason=ClawbackReason.CHECKPOINT_REVERSED,
            payment__checkpoint_measure=payment.checkpoint_measure,
        ).exists()
        weeks = CHECKPOINT_WEEKS.get(payment.checkpoint_measure, payment.checkpoint_measure)
        results.append(CheckResult(Check.CHECKPOINT, ok, "" if ok else (
            f"The {weeks} check is not confirmed" if not met
            else f"The {weeks} check was confirmed "
            f"{weak[0].get_confirmed_via_display().lower()}, which this scheme does not accept"
            if weak else f"The {weeks} check is no longer met"
        )))
    else:
        results.append(CheckResult(Check.CHECKPOINT, True, "No checkpoint needed for this stage"))

    if payment.check_participant_eligible:
        problems = []
        if placement.left_on is not None and placement.left_on < payment.due_on:
            problems.append(f"left the job on {placement.left_on:%-d %B %Y}, before this stage")
        if placement.hours_per_week < claim.min_hours:
            problems.append(f"works {placement.hours_per_week} hours a week, under the scheme's "
                            f"{claim.min_hours}")
        if claim.participant.erased_at is not None:
            problems.append("the participant's record has been erased")
        results.append(CheckResult(Check.ELIGIBLE, not problems,
                                   ("The person " + "; ".join(problems)) if problems else ""))
    else:
        results.append(CheckResult(Check.ELIGIBLE, True, "Not needed for this stage"))

    other = (
        IncentivePayment.objects.filter(
            claim__participant_id=claim.participant_id, stage_id=payment.stage_id,
            status__in=[PaymentStatus.APPROVED, PaymentStatus.PAID],
        ).exclude(pk=payment.pk).first()
    )
    already = payment.transfer_id or IncentiveTransfer.objects.filter(payment_id=payment.pk).exists()
    ok = other is None and not already
    results.append(CheckResult(Check.NOT_ALREADY_PAID, ok, "" if ok else (
        f"Already paid as {other.reference}" if other else "A transfer has already been made for this payment"
    )))

    block = IncentiveEmployerBlock.objects.filter(employer_id=employer.pk, lifted_at__isnull=True).first()
    results.append(CheckResult(Check.NOT_BLOCKED, block is None, "" if block is None else
                               f"Payments to {employer.name} are blocked ({block.reference})"))

    paused = claim.status != ClaimStatus.ACTIVE or payment.status in (PaymentStatus.PAUSED, PaymentStatus.WITHDRAWN)
    results.append(CheckResult(Check.NOT_PAUSED, not paused, "" if not paused else
                               f"The claim is {claim.get_status_display().lower()}"))

    owed = IncentiveClawback.objects.filter(
        payment__claim__employer_id=employer.pk, status=ClawbackStatus.PENDING
    ).aggregate(total=Sum("amount_pence", default=0))["total"]
    results.append(CheckResult(
        Check.NO_CLAWBACK_OWED, not owed,
        f"{employer.name} owes {pence_display(owed)} from a clawback not yet recovered or written off"
        if owed else "",
    ))
    return results


def _run_expiry_result(payment: IncentivePayment, now) -> dict | None:
    run = payment.run if payment.run_id else None
    if payment.status != PaymentStatus.APPROVED or run is None or not run.expired_at(now):
        return None
    return {"check": "run_not_expired", "label": "Run's approval still valid", "passed": False,
            "detail": f"The approval of {run.reference} expired on {govuk_datetime(run.expires_at)} "
                      "before this payment was sent; it needs a new run and approval"}


def incentive_payment_still_payable(
    payment: IncentivePayment, *, today: datetime.date | None = None, now=None
) -> list[str]:
    """Why ``payment`` may not be paid now ([] when it may): every check again (blocked employer,
    a leaver before the stage's date, the checkpoint still met, a clawback the employer owes, the
    payout account, ...) and, once approved, that the run's approval has not expired."""
    problems = [f"{r.label}: {r.detail}" if r.detail else r.label
                for r in incentive_payment_checks(payment, today=today) if not r.passed]
    expiry = _run_expiry_result(payment, now or timezone.now())
    if expiry is not None:
        problems.append(f"{expiry['label']}: {expiry['detail']}")
    return problems


def _hold(
    payment: IncentivePayment, *, results: list[dict], moment: str, actor: User | None = None
) -> IncentiveValidation:
    """Take a payment that may not be paid now out of its run, keeping why (row locked by the
    caller). It is due again: it goes into a later run once the cause is fixed."""
    run = payment.run if payment.run_id else None
    validation = IncentiveValidation.objects.create(
        payment=payment, run=run, moment=moment, passed=False, results=results,
        checked_by=recorded_actor(actor),
    )
    failed = [r for r in results if not r["passed"]]
    claim_status = payment.claim.status
    payment.status = {
        ClaimStatus.PAUSED: PaymentStatus.PAUSED, ClaimStatus.WITHDRAWN: PaymentStatus.WITHDRAWN,
    }.get(claim_status, PaymentStatus.DUE)
    payment.run = None
    payment.blocking_check = failed[0]["check"][:30] if failed else ""
    payment.last_checked_at = validation.checked_at
    payment.save(update_fields=["status", "run", "blocking_check", "last_checked_at", "updated_at"])
    when = "at approval" if moment == ValidationMoment.APPROVAL else "before sending"
    audit_event_record(
        actor=actor, action="payments.incentive_held", obj=payment,
        summary=f"{payment.reference} held {when}{f' from {run.reference}' if run else ''}: "
        + "; ".join(r["detail"] or r["label"] for r in failed),
        data={"run": run.pk if run else None, "failed": [r["check"] for r in failed]},
    )
    return validation


def incentive_payment_hold_if_unpayable(
    payment: IncentivePayment, *, moment: str = ValidationMoment.SENDING, actor: User | None = None, now=None
) -> bool:
    """Check an approved (or about to be approved) payment again, just before money moves; when it
    fails, hold it (see ``_hold``) and return True. The caller holds the payment row locked.

    A payment whose transfer is already under way (its ``IncentiveTransfer`` is recorded) is never
    held: Stripe may have made the transfer, so the only safe thing is to finish it with its key.
    """
    if payment.transfer_id or IncentiveTransfer.objects.filter(payment_id=payment.pk).exists():
        return False
    now = now or timezone.now()
    today = timezone.localdate(now)
    results = [r.as_dict() for r in incentive_payment_checks(payment, today=today)]
    expiry = _run_expiry_result(payment, now)
    if expiry is not None:
        results.append(expiry)
    if all(r["passed"] for r in results):
        return False
    run_id, amount = payment.run_id, payment.amount_pence
    _hold(payment, results=results, moment=moment, actor=actor)
    if run_id and moment == ValidationMoment.SENDING:
        PaymentRun.objects.filter(pk=run_id).update(total_pence=F("total_pence") - amount)
        if expiry is not None:
            PaymentRun.objects.filter(pk=run_id, status=RunStatus.APPROVED).update(
                status=RunStatus.EXPIRED
            )
    return True


def _validate(payment: IncentivePayment, *, run: PaymentRun | None, actor: User | None, today) -> IncentiveValidation:
    results = incentive_payment_checks(payment, today=today)
    failed = [r for r in results if not r.passed]
    validation = IncentiveValidation.objects.create(
        payment=payment, run=run, checked_by=recorded_actor(actor),
        passed=not failed, results=[r.as_dict() for r in results],
    )
    payment.blocking_check = failed[0].check if failed else ""
    payment.last_checked_at = validation.checked_at
    payment.save(update_fields=["blocking_check", "last_checked_at", "updated_at"])
    return validation


def incentive_payment_validate(
    *, payment: IncentivePayment, actor: User | None = None, today: datetime.date | None = None
) -> IncentiveValidation:
    """Check one payment now and store the result (outside any run)."""
    with transaction.atomic():
        payment = _locked_payments(IncentivePayment.objects.filter(pk=payment.pk)).get()
        return _validate(payment, run=None, actor=actor, today=today)


def _locked_payments(qs):
    return qs.select_for_update(of=("self",)).select_related(
        "claim", "claim__scheme", "claim__employer", "claim__participant", "claim__placement", "stage"
    )


def _payment_failed(payment: IncentivePayment, reason: str) -> IncentivePayment:
    payment.status = PaymentStatus.FAILED
    payment.failure_reason = reason[:500]
    payment.save(update_fields=["status", "failure_reason", "updated_at"])
    audit_event_record(actor=None, action="payments.incentive_failed", obj=payment,
                       summary=f"{payment.reference} could not be paid: {reason}")
    return payment
