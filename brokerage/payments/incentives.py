"""Employer incentive services: claims from starts, validation, payment runs, Stripe, clawbacks.

Every function that changes state owns its transaction and writes an audit event. Money is
never paid twice: a payment is moved to ``approved`` only inside the run approval (run row and
payment rows locked), its transfer is made with the row locked and the Stripe idempotency key
``incentive-payment-<id>``, and ``IncentiveTransfer`` is unique on the payment.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.payments import stripe_gateway as gateway
from brokerage.payments.models import (
    UNPAID_STATUSES,
    ClaimAction,
    ClaimStatus,
    ClawbackReason,
    ClawbackStatus,
    IncentiveClaim,
    IncentiveClaimCommand,
    IncentiveClawback,
    IncentiveEmployerBlock,
    IncentivePayment,
    IncentiveScheme,
    IncentiveStage,
    IncentiveTransfer,
    IncentiveValidation,
    LedgerKind,
    PaymentRun,
    PaymentStatus,
    RunStatus,
    StripeAccount,
)
from brokerage.payments.services import ledger_entry_record
from portal.accounts.roles import Role
from portal.core.templatetags.portal_tags import pence

logger = logging.getLogger(__name__)

CHECKPOINT_WEEKS = {"job_starts_4w": "4-week", "sustained_13w": "13-week", "sustained_26w": "26-week"}


# --- schemes and claims -----------------------------------------------------------------------


def stage_amounts(stages: list[IncentiveStage], total_pence: int) -> dict[int, int]:
    """Each stage's share of ``total_pence`` in whole pence; the last stage takes the rounding
    so that, when the shares add up to 100%, the stages add up to the total exactly."""
    ordered = sorted(stages, key=lambda s: (s.day_offset, s.sort_order or 0, s.pk))
    amounts = {s.pk: total_pence * s.share_percent // 100 for s in ordered}
    if ordered and sum(s.share_percent for s in ordered) == 100:
        last = ordered[-1]
        amounts[last.pk] = total_pence - sum(v for k, v in amounts.items() if k != last.pk)
    return amounts


def schemes_for_start(*, programme_id: int, start_date: datetime.date):
    return (
        IncentiveScheme.objects.filter(programme_id=programme_id, active=True, starts_from__lte=start_date)
        .filter(Q(starts_until__isnull=True) | Q(starts_until__gte=start_date))
        .prefetch_related("age_bands", "stages")
    )


def incentive_claim_for_placement(*, placement, actor=None) -> list[IncentiveClaim]:
    """The placement's claims under every active scheme it qualifies for; made once each.

    A start qualifies when it is a job start (not an unpaid placement) in the scheme's window,
    at the scheme's minimum hours or more, and the participant's age at the start date falls in
    one of its age bands. Safe to call again: existing claims are returned, never duplicated.
    """
    from brokerage.pipeline.models import OutcomeKind, OutcomeRecord

    if not OutcomeRecord.objects.filter(placement=placement, kind=OutcomeKind.START).exists():
        return []
    participant = placement.participant
    age = participant.age_on(placement.start_date)
    claims = []
    for scheme in schemes_for_start(programme_id=placement.programme_id, start_date=placement.start_date):
        existing = IncentiveClaim.objects.filter(placement=placement, scheme=scheme).first()
        if existing is not None:
            claims.append(existing)
            continue
        if placement.hours_per_week < scheme.min_hours or age is None:
            continue
        band = next((b for b in scheme.age_bands.all() if b.covers(age)), None)
        stages = list(scheme.stages.all())
        if band is None or not stages:
            continue
        with transaction.atomic():
            claim, created = IncentiveClaim.objects.get_or_create(
                placement=placement, scheme=scheme,
                defaults={
                    "employer_id": placement.employer_id, "participant": participant,
                    "start_date": placement.start_date, "age_at_start": age,
                    "total_pence": band.amount_pence,
                },
            )
            if created:
                amounts = stage_amounts(stages, band.amount_pence)
                for stage in stages:
                    if amounts[stage.pk] <= 0:
                        continue
                    IncentivePayment.objects.create(
                        claim=claim, stage=stage, stage_name=stage.name,
                        checkpoint_measure=stage.checkpoint_measure,
                        due_on=placement.start_date + datetime.timedelta(days=stage.day_offset),
                        amount_pence=amounts[stage.pk],
                    )
                audit_event_record(
                    actor=actor, action="payments.incentive_claim_created", obj=claim,
                    summary=f"Incentive claim {claim.reference} under {scheme.name}: "
                    f"{band.amount_pence} pence in {len(stages)} stages",
                    data={"placement": placement.pk, "age_at_start": age},
                    acting_for=placement.employer.name,
                )
        claims.append(claim)
    return claims


def incentive_claims_sync(*, limit: int = 500) -> int:
    """Make claims for recorded job starts that have none yet (what the beat task runs)."""
    from brokerage.pipeline.models import OutcomeKind, OutcomeRecord, Placement

    schemes = IncentiveScheme.objects.filter(active=True)
    if not schemes.exists():
        return 0
    earliest = min(s.starts_from for s in schemes)
    placement_ids = (
        OutcomeRecord.objects.filter(kind=OutcomeKind.START, occurred_on__gte=earliest,
                                     programme__incentive_schemes__active=True)
        .exclude(placement__incentive_claims__isnull=False)
        .values_list("placement_id", flat=True).distinct()[:limit]
    )
    made = 0
    for placement in Placement.objects.filter(pk__in=list(placement_ids)).select_related(
        "participant", "employer"
    ):
        made += len(incentive_claim_for_placement(placement=placement))
    return made


def incentive_payments_mark_due(*, today: datetime.date | None = None) -> int:
    """Pending payments of active claims whose date has come are now due."""
    today = today or timezone.localdate()
    with transaction.atomic():
        return IncentivePayment.objects.filter(
            status=PaymentStatus.PENDING, due_on__lte=today, claim__status=ClaimStatus.ACTIVE
        ).update(status=PaymentStatus.DUE)


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

    LABELS = {
        DUE_DATE: "The stage's date has passed",
        EMPLOYER_VERIFIED: "Employer organisation verified",
        PAYOUT_ACCOUNT: "Employer has a payout account",
        CHECKPOINT: "Checkpoint for this stage confirmed",
        ELIGIBLE: "Participant still eligible",
        NOT_ALREADY_PAID: "Not already paid for this person and stage",
        NOT_BLOCKED: "Employer not blocked",
        NOT_PAUSED: "Payments not paused",
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
    from brokerage.pipeline.models import OutcomeKind, OutcomeRecord

    today = today or timezone.localdate()
    claim = payment.claim
    stage = payment.stage
    placement = claim.placement
    employer = claim.employer
    results = []

    due = payment.due_on <= today
    results.append(CheckResult(Check.DUE_DATE, due, "" if due else f"Due on {payment.due_on:%-d %B %Y}"))

    if stage.check_employer_verified:
        ok = bool(employer.verified) and employer.merged_into_id is None
        results.append(CheckResult(Check.EMPLOYER_VERIFIED, ok, "" if ok else
                                   f"{employer.name} has not been verified by a coordinator"))
    else:
        results.append(CheckResult(Check.EMPLOYER_VERIFIED, True, "Not needed for this stage"))

    account = StripeAccount.objects.filter(employer_id=employer.pk).first()
    ok = account is not None and account.ready
    results.append(CheckResult(Check.PAYOUT_ACCOUNT, ok, "" if ok else (
        "No payout account set up" if account is None else "Stripe still needs the employer's details"
    )))

    if payment.checkpoint_measure:
        ok = OutcomeRecord.objects.filter(
            placement_id=placement.pk, kind=OutcomeKind.CHECKPOINT_MET, measure=payment.checkpoint_measure
        ).exists()
        weeks = CHECKPOINT_WEEKS.get(payment.checkpoint_measure, payment.checkpoint_measure)
        results.append(CheckResult(Check.CHECKPOINT, ok, "" if ok else f"The {weeks} check is not confirmed"))
    else:
        results.append(CheckResult(Check.CHECKPOINT, True, "No checkpoint needed for this stage"))

    if stage.check_participant_eligible:
        problems = []
        if placement.left_on is not None and placement.left_on < payment.due_on:
            problems.append(f"left the job on {placement.left_on:%-d %B %Y}, before this stage")
        if placement.hours_per_week < claim.scheme.min_hours:
            problems.append(f"works {placement.hours_per_week} hours a week, under the scheme's "
                            f"{claim.scheme.min_hours}")
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
    return results


def _validate(payment: IncentivePayment, *, run: PaymentRun | None, actor, today) -> IncentiveValidation:
    results = incentive_payment_checks(payment, today=today)
    failed = [r for r in results if not r.passed]
    validation = IncentiveValidation.objects.create(
        payment=payment, run=run, checked_by=actor if getattr(actor, "is_authenticated", False) else None,
        passed=not failed, results=[r.as_dict() for r in results],
    )
    payment.blocking_check = failed[0].check if failed else ""
    payment.last_checked_at = validation.checked_at
    payment.save(update_fields=["blocking_check", "last_checked_at", "updated_at"])
    return validation


def incentive_payment_validate(
    *, payment: IncentivePayment, actor=None, today: datetime.date | None = None
) -> IncentiveValidation:
    """Check one payment now and store the result (outside any run)."""
    with transaction.atomic():
        payment = _locked_payments(IncentivePayment.objects.filter(pk=payment.pk)).get()
        return _validate(payment, run=None, actor=actor, today=today)


def incentive_payments_check_due(*, today: datetime.date | None = None) -> int:
    """Mark due, then check every due payment so employers see an up-to-date status."""
    incentive_payments_mark_due(today=today)
    ids = list(IncentivePayment.objects.filter(status=PaymentStatus.DUE).values_list("pk", flat=True))
    for pk in ids:
        incentive_payment_validate(payment=IncentivePayment(pk=pk), today=today)
    return len(ids)


def _locked_payments(qs):
    return qs.select_for_update(of=("self",)).select_related(
        "claim", "claim__scheme", "claim__employer", "claim__participant", "claim__placement", "stage"
    )


# --- payment runs -----------------------------------------------------------------------------


def is_finance_officer(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.FINANCE_OFFICER))


def _require_finance(actor) -> None:
    if not is_finance_officer(actor):
        raise ValidationError("Only a finance officer can do this.")


def _fill_run(run: PaymentRun, *, actor, today) -> None:
    """Check the run's payments and every due payment; keep those that pass. Rows locked."""
    candidates = _locked_payments(
        IncentivePayment.objects.filter(
            Q(run=run, status=PaymentStatus.IN_RUN) | Q(status=PaymentStatus.DUE, claim__status=ClaimStatus.ACTIVE)
        )
    ).order_by("claim__employer__name", "due_on", "pk")
    for payment in candidates:
        validation = _validate(payment, run=run, actor=actor, today=today)
        if validation.passed:
            payment.status, payment.run = PaymentStatus.IN_RUN, run
        else:
            payment.status, payment.run = PaymentStatus.DUE, None
        payment.save(update_fields=["status", "run", "updated_at"])
    run.total_pence = _run_total(run)
    run.validated_by = actor if getattr(actor, "is_authenticated", False) else None
    run.validated_at = timezone.now()
    run.save()


def _run_total(run: PaymentRun) -> int:
    return IncentivePayment.objects.filter(run=run).aggregate(t=Sum("amount_pence", default=0))["t"]


def payment_run_propose(*, actor=None, today: datetime.date | None = None) -> PaymentRun:
    """Put every due payment that passes its checks in a new run waiting for approval.

    ``actor`` is None when the weekly task proposes the run. There is at most one run waiting.
    """
    if actor is not None:
        _require_finance(actor)
    today = today or timezone.localdate()
    incentive_payments_mark_due(today=today)
    with transaction.atomic():
        waiting = PaymentRun.objects.select_for_update(of=("self",)).filter(status=RunStatus.PROPOSED).first()
        if waiting is not None:
            if actor is None:
                return waiting
            raise ValidationError(
                f"Payment run {waiting.reference} is already waiting for approval. Approve or cancel it first."
            )
        run = PaymentRun.objects.create(requested_by=actor)
        _fill_run(run, actor=actor, today=today)
        audit_event_record(
            actor=actor, action="payments.run_proposed", obj=run,
            summary=f"Payment run {run.reference} proposed: {run.total_pence} pence",
            data={"payments": list(run.payments.values_list("pk", flat=True))},
        )
    return run


def payment_run_revalidate(*, run: PaymentRun, actor, today: datetime.date | None = None) -> PaymentRun:
    """Check the run again (e.g. after an employer finished setting up payouts)."""
    _require_finance(actor)
    with transaction.atomic():
        run = PaymentRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
        if run.status != RunStatus.PROPOSED:
            raise ValidationError("Only a run waiting for approval can be checked again.")
        _fill_run(run, actor=actor, today=today or timezone.localdate())
        audit_event_record(actor=actor, action="payments.run_validated", obj=run,
                           summary=f"Payment run {run.reference} checked again: {run.total_pence} pence")
    return run


def payment_run_cancel(*, run: PaymentRun, actor) -> PaymentRun:
    _require_finance(actor)
    with transaction.atomic():
        run = PaymentRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
        if run.status != RunStatus.PROPOSED:
            raise ValidationError("Only a run waiting for approval can be cancelled.")
        IncentivePayment.objects.filter(run=run, status=PaymentStatus.IN_RUN).update(
            status=PaymentStatus.DUE, run=None
        )
        run.status = RunStatus.CANCELLED
        run.total_pence = 0
        run.save()
        audit_event_record(actor=actor, action="payments.run_cancelled", obj=run,
                           summary=f"Payment run {run.reference} cancelled")
    return run


def approval_refusal(run: PaymentRun, actor) -> str:
    """Why ``actor`` may not approve ``run`` ("" when they may)."""
    if not is_finance_officer(actor):
        return "Only a finance officer can approve a payment run."
    if run.requested_by_id == actor.pk:
        return "You proposed this run, so another finance officer must approve it."
    if run.validated_by_id == actor.pk:
        return "You checked this run, so another finance officer must approve it."
    if IncentivePayment.objects.filter(run=run, claim__placement__created_by=actor).exists():
        return "You recorded a start in this run, so another finance officer must approve it."
    return ""


def payment_run_approve(*, run: PaymentRun, actor, seen_total_pence: int | None = None) -> PaymentRun:
    """Approve a run and queue its transfers. Approving an approved run again does nothing.

    ``seen_total_pence`` is the total the approver was shown: if the run has changed since (it
    was checked again, or a claim paused), nothing is approved and they are asked to look again.
    """
    from brokerage.payments.incentive_tasks import incentive_run_execute_task

    with transaction.atomic():
        run = PaymentRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
        if run.status == RunStatus.APPROVED:
            return run  # a double-submitted form or a retried request: already done
        if run.status != RunStatus.PROPOSED:
            raise ValidationError("This payment run was cancelled, so it cannot be approved.")
        refusal = approval_refusal(run, actor)
        if refusal:
            raise ValidationError(refusal)
        payments = list(_locked_payments(IncentivePayment.objects.filter(run=run, status=PaymentStatus.IN_RUN)))
        if not payments:
            raise ValidationError("Nothing in this run can be paid. Check it again or cancel it.")
        total = sum(p.amount_pence for p in payments)
        if seen_total_pence is not None and seen_total_pence != total:
            raise ValidationError(
                f"This run has changed since you opened it: it would now pay {pence(total)}. "
                "Check the payments below and approve again."
            )
        for payment in payments:
            payment.status = PaymentStatus.APPROVED
            payment.save(update_fields=["status", "updated_at"])
        run.status = RunStatus.APPROVED
        run.approved_by = actor
        run.approved_at = timezone.now()
        run.total_pence = total
        run.save()
        audit_event_record(
            actor=actor, action="payments.run_approved", obj=run,
            summary=f"Payment run {run.reference} approved: {len(payments)} payments, {run.total_pence} pence",
            data={"payments": [p.pk for p in payments]},
        )
        transaction.on_commit(lambda: incentive_run_execute_task.delay(run.pk), robust=True)
    return run


def incentive_run_execute(*, run_id: int) -> int:
    """Make the transfers of an approved run; safe to run again or at the same time."""
    ids = list(
        IncentivePayment.objects.filter(run_id=run_id, status=PaymentStatus.APPROVED, transfer_id="")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        incentive_payment_transfer(payment_id=pk)
    return len(ids)


def incentive_payment_transfer(*, payment_id: int) -> IncentivePayment | None:
    """Pay one approved payment through Stripe, once.

    The payment row is locked for the whole call, so a second worker waits and then finds the
    transfer recorded. If this process dies after Stripe answered, the retry sends the same
    idempotency key and Stripe returns the same transfer.
    """
    with transaction.atomic():
        payment = _locked_payments(IncentivePayment.objects.filter(pk=payment_id)).first()
        if payment is None or payment.status != PaymentStatus.APPROVED or payment.transfer_id:
            return payment
        employer = payment.claim.employer
        account = StripeAccount.objects.filter(employer=employer).first()
        if account is None or not account.ready:
            return _payment_failed(payment, "The employer's payout account is not ready.")
        record, _ = IncentiveTransfer.objects.get_or_create(
            payment=payment,
            defaults={"idempotency_key": payment.idempotency_key, "destination": account.account_id,
                      "amount_pence": payment.amount_pence},
        )
        try:
            transfer = gateway.transfer_create(
                amount_pence=record.amount_pence, destination=record.destination,
                idempotency_key=record.idempotency_key,
                metadata={"portal_incentive_payment_id": str(payment.pk), "portal_claim": payment.claim.reference},
                description=f"{payment.claim.scheme.name}: {payment.stage_name} ({payment.reference})",
                transfer_group=f"incentive-run-{payment.run_id}",
            )
        except gateway.PaymentProviderUnavailable:
            raise  # nothing recorded; the task retries with the same key
        except gateway.PaymentProviderError as exc:
            return _payment_failed(payment, str(exc))
        record.transfer_id = transfer.id
        record.save(update_fields=["transfer_id"])
        payment.transfer_id = transfer.id
        payment.failure_reason = ""
        payment.save(update_fields=["transfer_id", "failure_reason", "updated_at"])
        ledger_entry_record(
            kind=LedgerKind.INCENTIVE_PAYMENT, amount_pence=payment.amount_pence, source=payment,
            stripe_object_id=transfer.id,
            description=f"{payment.claim.reference} {payment.stage_name} to {employer.name}",
            actor=payment.run.approved_by if payment.run_id else None,
        )
        audit_event_record(
            actor=None, action="payments.incentive_transferred", obj=payment,
            summary=f"{payment.reference}: {payment.amount_pence} pence sent to {employer.name} ({transfer.id})",
            acting_for=employer.name,
        )
    return payment


def _payment_failed(payment: IncentivePayment, reason: str) -> IncentivePayment:
    payment.status = PaymentStatus.FAILED
    payment.failure_reason = reason[:500]
    payment.save(update_fields=["status", "failure_reason", "updated_at"])
    audit_event_record(actor=None, action="payments.incentive_failed", obj=payment,
                       summary=f"{payment.reference} could not be paid: {reason}")
    return payment


# --- webhooks (called by services._transfer_event, inside its transaction) ---------------------


def incentive_transfer_event_apply(*, event_type: str, snapshot: gateway.Transfer) -> None:
    """Mark the incentive payment a transfer event is about: paid, failed or reversed."""
    qs = IncentivePayment.objects.filter(transfer_id=snapshot.id)
    payment_ref = snapshot.metadata.get("portal_incentive_payment_id", "")
    if payment_ref.isdigit():
        qs = IncentivePayment.objects.filter(Q(transfer_id=snapshot.id) | Q(pk=int(payment_ref), transfer_id=""))
    payment = _locked_payments(qs).first()
    if payment is None:
        return
    if not payment.transfer_id:
        payment.transfer_id = snapshot.id
    if event_type == "transfer.failed":
        if payment.status != PaymentStatus.PAID:
            payment.status = PaymentStatus.FAILED
            payment.failure_reason = "Stripe reported that the transfer failed."
        payment.save()
        audit_event_record(actor=None, action="payments.incentive_failed", obj=payment,
                           summary=f"Stripe reported transfer {snapshot.id} failed")
        return
    if payment.status in (PaymentStatus.APPROVED, PaymentStatus.FAILED) and event_type != "transfer.failed":
        payment.status = PaymentStatus.PAID
        payment.paid_at = payment.paid_at or timezone.now()
        audit_event_record(actor=None, action="payments.incentive_paid", obj=payment,
                           summary=f"{payment.reference} paid ({snapshot.id})")
    payment.save()
    if snapshot.amount_reversed_pence > 0:
        _reversal_seen(payment, snapshot)


def _reversal_seen(payment: IncentivePayment, snapshot: gateway.Transfer) -> None:
    clawback = IncentiveClawback.objects.select_for_update(of=("self",)).filter(payment=payment).first()
    reversal_id = snapshot.reversals[0].id if snapshot.reversals else ""
    if clawback is None:
        clawback = IncentiveClawback.objects.create(
            payment=payment, reason=ClawbackReason.STRIPE_REVERSAL, amount_pence=snapshot.amount_reversed_pence,
            detail="Reversed in the Stripe dashboard", status=ClawbackStatus.RECOVERED,
            reversal_id=reversal_id, resolved_at=timezone.now(),
        )
        audit_event_record(actor=None, action="payments.clawback_recorded", obj=clawback,
                           summary=f"Stripe reversed {snapshot.amount_reversed_pence} pence of {payment.reference}")
    elif clawback.status == ClawbackStatus.PENDING and snapshot.amount_reversed_pence >= clawback.amount_pence:
        clawback.status = ClawbackStatus.RECOVERED
        clawback.reversal_id = clawback.reversal_id or reversal_id
        clawback.resolved_at = timezone.now()
        clawback.save()


# --- clawbacks --------------------------------------------------------------------------------


def _clawback_create(payment, *, reason: str, detail: str, actor) -> IncentiveClawback | None:
    clawback, created = IncentiveClawback.objects.get_or_create(
        payment=payment,
        defaults={"reason": reason, "detail": detail[:2000], "amount_pence": payment.amount_pence,
                  "created_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    if created:
        audit_event_record(
            actor=actor, action="payments.clawback_created", obj=clawback,
            summary=f"Clawback of {payment.amount_pence} pence for {payment.reference}: {clawback.get_reason_display()}",
            data={"payment": payment.pk, "detail": detail},
        )
    return clawback if created else None


def incentive_leaver_apply(*, placement, actor=None) -> list[IncentiveClawback]:
    """A leaver before a paid stage's date: a clawback for each such payment (made once)."""
    if placement.left_on is None:
        return []
    made = []
    with transaction.atomic():
        for payment in _locked_payments(IncentivePayment.objects.filter(
            claim__placement=placement, due_on__gt=placement.left_on,
        )):
            if payment.money_sent:
                clawback = _clawback_create(
                    payment, reason=ClawbackReason.EARLY_LEAVER, actor=actor,
                    detail=f"Left on {placement.left_on:%-d %B %Y}; the stage was due on {payment.due_on:%-d %B %Y}",
                )
                if clawback:
                    made.append(clawback)
    return made


def incentive_leavers_sync(*, limit: int = 500) -> int:
    """Clawbacks for leavers recorded after a later stage was paid (what the beat task runs)."""
    from brokerage.pipeline.models import OutcomeKind, OutcomeRecord, Placement

    placement_ids = (
        OutcomeRecord.objects.filter(kind=OutcomeKind.LEAVER, placement__incentive_claims__isnull=False)
        .values_list("placement_id", flat=True).distinct()[:limit]
    )
    made = 0
    for placement in Placement.objects.filter(pk__in=list(placement_ids)):
        made += len(incentive_leaver_apply(placement=placement))
    return made


def incentive_checkpoint_reverse(*, payment: IncentivePayment, actor, reason: str, reference: str) -> IncentiveClawback:
    """The checkpoint a paid stage relied on turned out to be wrong: claw the payment back."""
    _require_finance_or_coordinator(actor)
    _require_reason(reason, reference)
    with transaction.atomic():
        payment = _locked_payments(IncentivePayment.objects.filter(pk=payment.pk)).get()
        if not payment.money_sent:
            raise ValidationError("Only a paid payment can be clawed back. Pause or withdraw the claim instead.")
        clawback = _clawback_create(
            payment, reason=ClawbackReason.CHECKPOINT_REVERSED, actor=actor,
            detail=f"{reason.strip()} (reference {reference.strip()})",
        )
        if clawback is None:
            raise ValidationError("There is already a clawback for this payment.")
    return clawback


def incentive_clawback_recover(*, clawback: IncentiveClawback, actor) -> IncentiveClawback:
    """Take the money back by reversing the payment's transfer, once."""
    _require_finance(actor)
    with transaction.atomic():
        clawback = IncentiveClawback.objects.select_for_update(of=("self",)).select_related("payment").get(pk=clawback.pk)
        if clawback.status != ClawbackStatus.PENDING:
            return clawback
        payment = clawback.payment
        reversal = gateway.transfer_reversal_create(
            transfer_id=payment.transfer_id, idempotency_key=clawback.idempotency_key,
            amount_pence=clawback.amount_pence,
            metadata={"portal_incentive_payment_id": str(payment.pk), "portal_clawback_id": str(clawback.pk)},
        )
        clawback.status = ClawbackStatus.RECOVERED
        clawback.reversal_id = reversal.id
        clawback.resolved_at = timezone.now()
        clawback.resolved_by = actor
        clawback.save()
        ledger_entry_record(
            kind=LedgerKind.CLAWBACK, amount_pence=-reversal.amount_pence, source=payment,
            stripe_object_id=reversal.id, stripe_parent_id=payment.transfer_id,
            description=f"Clawback of {payment.reference}: {clawback.get_reason_display()}", actor=actor,
        )
        audit_event_record(actor=actor, action="payments.clawback_recovered", obj=clawback,
                           summary=f"{reversal.amount_pence} pence recovered for {payment.reference}")
    return clawback


def incentive_clawback_write_off(*, clawback: IncentiveClawback, actor, reason: str) -> IncentiveClawback:
    _require_finance(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the money will not be recovered"})
    with transaction.atomic():
        clawback = IncentiveClawback.objects.select_for_update(of=("self",)).get(pk=clawback.pk)
        if clawback.status != ClawbackStatus.PENDING:
            raise ValidationError("This clawback has already been resolved.")
        clawback.status = ClawbackStatus.WRITTEN_OFF
        clawback.resolution_note = reason.strip()
        clawback.resolved_at = timezone.now()
        clawback.resolved_by = actor
        clawback.save()
        audit_event_record(actor=actor, action="payments.clawback_written_off", obj=clawback,
                           summary=f"Clawback of {clawback.amount_pence} pence written off", data={"reason": reason})
    return clawback


# --- claim commands ---------------------------------------------------------------------------


def _require_finance_or_coordinator(actor) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.has_role(Role.FINANCE_OFFICER, Role.COORDINATOR)):
        raise ValidationError("Only a finance officer or coordinator can do this.")


def _require_reason(reason: str, reference: str) -> None:
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Enter the reason"
    if not (reference or "").strip():
        errors["reference"] = "Enter a reference, for example a case or ticket number"
    if errors:
        raise ValidationError(errors)


# action -> (statuses it may start from, status it leads to)
_COMMANDS = {
    ClaimAction.PAUSE: ((ClaimStatus.ACTIVE,), ClaimStatus.PAUSED),
    ClaimAction.RESUME: ((ClaimStatus.PAUSED,), ClaimStatus.ACTIVE),
    ClaimAction.WITHDRAW: ((ClaimStatus.ACTIVE, ClaimStatus.PAUSED), ClaimStatus.WITHDRAWN),
    ClaimAction.REINSTATE: ((ClaimStatus.WITHDRAWN,), ClaimStatus.ACTIVE),
}


def claim_actions_allowed(status: str) -> list[str]:
    """The commands a claim in ``status`` accepts, in the order offered."""
    return [action for action, (allowed, _) in _COMMANDS.items() if status in allowed]


_REFUSALS = {
    ClaimAction.PAUSE: "Only an active claim can be paused.",
    ClaimAction.RESUME: "Only a paused claim can be resumed.",
    ClaimAction.WITHDRAW: "This claim has already been withdrawn.",
    ClaimAction.REINSTATE: "Only a withdrawn claim can be reinstated.",
}


def incentive_claim_command(
    *, claim: IncentiveClaim, action: str, actor, reason: str, reference: str, today: datetime.date | None = None
) -> IncentiveClaimCommand:
    """Pause, resume, withdraw or reinstate a claim. Payments already approved or paid are
    never touched; unpaid ones follow the claim (and leave a run waiting for approval)."""
    _require_finance_or_coordinator(actor)
    _require_reason(reason, reference)
    if action not in _COMMANDS:
        raise ValidationError("Choose pause, resume, withdraw or reinstate.")
    allowed, to_status = _COMMANDS[action]
    today = today or timezone.localdate()
    with transaction.atomic():
        claim = IncentiveClaim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
        if claim.status not in allowed:
            raise ValidationError(_REFUSALS[action])
        claim.status = to_status
        claim.save(update_fields=["status"])
        payments = list(_locked_payments(claim.payments.all()))
        runs = {p.run_id for p in payments if p.run_id and p.status == PaymentStatus.IN_RUN}
        for payment in payments:
            if to_status == ClaimStatus.PAUSED and payment.status in UNPAID_STATUSES:
                payment.status, payment.run = PaymentStatus.PAUSED, None
            elif to_status == ClaimStatus.WITHDRAWN and payment.status in (*UNPAID_STATUSES, PaymentStatus.PAUSED):
                payment.status, payment.run = PaymentStatus.WITHDRAWN, None
            elif to_status == ClaimStatus.ACTIVE and payment.status in (PaymentStatus.PAUSED, PaymentStatus.WITHDRAWN):
                payment.status = PaymentStatus.DUE if payment.due_on <= today else PaymentStatus.PENDING
            else:
                continue
            payment.save(update_fields=["status", "run", "updated_at"])
        for run in PaymentRun.objects.select_for_update(of=("self",)).filter(pk__in=runs, status=RunStatus.PROPOSED):
            run.total_pence = _run_total(run)
            run.save(update_fields=["total_pence"])
        command = IncentiveClaimCommand.objects.create(
            claim=claim, action=action, reason=reason.strip(), reference=reference.strip(), actor=actor
        )
        audit_event_record(
            actor=actor, action=f"payments.incentive_claim_{action}", obj=claim,
            summary=f"Claim {claim.reference} {command.get_action_display().lower()}: {reason.strip()}",
            data={"reference": reference.strip()},
        )
    return command


def incentive_employer_block(*, employer, actor, reason: str, reference: str) -> IncentiveEmployerBlock:
    """Stop incentive payments to an employer until the block is lifted."""
    _require_finance_or_coordinator(actor)
    _require_reason(reason, reference)
    already = ValidationError(f"Payments to {employer.name} are already blocked.")
    if IncentiveEmployerBlock.objects.filter(employer=employer, lifted_at__isnull=True).exists():
        raise already
    with transaction.atomic():
        try:
            with transaction.atomic():
                block = IncentiveEmployerBlock.objects.create(
                    employer=employer, reason=reason.strip(), reference=reference.strip(), blocked_by=actor
                )
        except IntegrityError:  # blocked by someone else a moment ago (one open block per employer)
            raise already from None
        audit_event_record(actor=actor, action="payments.incentive_employer_blocked", obj=block,
                           summary=f"Incentive payments to {employer.name} blocked", data={"reference": reference})
    return block


def incentive_employer_unblock(*, employer, actor, reason: str) -> IncentiveEmployerBlock:
    _require_finance_or_coordinator(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason"})
    with transaction.atomic():
        block = IncentiveEmployerBlock.objects.select_for_update(of=("self",)).filter(
            employer=employer, lifted_at__isnull=True
        ).first()
        if block is None:
            raise ValidationError(f"Payments to {employer.name} are not blocked.")
        block.lifted_at, block.lifted_by, block.lift_reason = timezone.now(), actor, reason.strip()
        block.save()
        audit_event_record(actor=actor, action="payments.incentive_employer_unblocked", obj=block,
                           summary=f"Incentive payments to {employer.name} unblocked")
    return block
