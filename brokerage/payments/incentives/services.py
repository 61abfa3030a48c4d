"""Employer incentive services: claims from starts, validation, payment runs, Stripe, clawbacks.

Every function that changes state owns its transaction and writes an audit event. Money is
never paid twice: a payment is moved to ``approved`` only inside the run approval (run row and
payment rows locked), its transfer is made with the row locked and the Stripe idempotency key
``incentive-payment-<id>``, and ``IncentiveTransfer`` is unique on the payment.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.payments.access import is_finance_officer
from brokerage.payments.incentives.checks import (
    _locked_payments,
    _validate,
    incentive_payment_checks,
    incentive_payment_hold_if_unpayable,
    incentive_payment_validate,
)
from brokerage.payments.incentives.transfer_tasks import incentive_run_execute_task
from brokerage.payments.ledger.services import ledger_entry_record
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
    IncentivePaymentRetry,
    IncentiveScheme,
    IncentiveStage,
    IncentiveTransfer,
    IncentiveValidation,
    LedgerKind,
    PaymentRun,
    PaymentRunCheck,
    PaymentStatus,
    RunStatus,
    StripeTransfer,
    ValidationMoment,
)
from brokerage.payments.stripe import events, gateway
from brokerage.reference.dates import incentive_stage_due_on
from portal.accounts.models import User
from portal.accounts.permissions import is_signed_in, recorded_actor
from portal.accounts.roles import Role
from portal.core.money import pence_display

logger = logging.getLogger(__name__)

# --- schemes and claims -----------------------------------------------------------------------


def programme_age_range(programme) -> tuple[int, int | None] | None:
    """The ages a programme takes, from its active age eligibility rules (None when it has none)."""
    from brokerage.participants.models import EligibilityRule, RuleKind

    rules = EligibilityRule.objects.filter(programme=programme, kind=RuleKind.AGE, active=True)
    lows = [r.minimum for r in rules if r.minimum is not None]
    highs = [r.maximum for r in rules if r.maximum is not None]
    if not lows and not highs:
        return None
    return (max(lows) if lows else 16, min(highs) if highs else None)


def _band_label(low: int, high: int | None) -> str:
    return f"{low} and over" if high is None else f"{low} to {high}"


def incentive_scheme_problems(*, programme, age_bands: list[tuple[int, int | None]],
                              stages: list[tuple[str, int, str]]) -> list[str]:
    """What is wrong with a scheme's age bands and stages, in words a coordinator would use.

    ``age_bands`` are (youngest, oldest or None); ``stages`` are (name, share %, checkpoint).
    The stages' shares must add up to 100% (so the stages pay exactly the claim's total), each
    stage must name the checkpoint it waits for, and the bands must not overlap and must cover
    every age the programme takes (its age eligibility rules). Used by the admin form and by the
    claim service, so a scheme broken some other way never makes a claim.
    """
    problems = []
    if not age_bands:
        problems.append("Add at least one age band")
    if not stages:
        problems.append("Add at least one payment stage")
    for name, _, checkpoint in stages:
        if not checkpoint:
            problems.append(
                f"Choose the checkpoint that must be confirmed before \"{name}\" is paid"
            )
    total = sum(share or 0 for _, share, _ in stages)
    if stages and total != 100:
        problems.append(
            f"The stages' shares add up to {total}%. They must add up to 100%, so that the "
            "stages pay the whole incentive and no more"
        )
    ordered = sorted((low, high) for low, high in age_bands if low is not None)
    for (low, high), (next_low, next_high) in zip(ordered, ordered[1:], strict=False):
        if high is None or next_low <= high:
            problems.append(
                f"The age bands {_band_label(low, high)} and "
                f"{_band_label(next_low, next_high)} overlap: each age must be in one band only"
            )
    ages = programme_age_range(programme) if programme is not None else None
    if ages is not None and ordered:
        youngest, oldest = ages
        age = youngest
        while oldest is None or age <= oldest:
            band = next(
                ((lo, hi) for lo, hi in ordered if lo <= age and (hi is None or age <= hi)), None
            )
            if band is None:
                problems.append(
                    f"No age band covers people aged {age}, but {programme} takes people aged "
                    f"{_band_label(youngest, oldest)}"
                )
                break
            if band[1] is None:
                break
            age = band[1] + 1
    return problems


def incentive_scheme_validate(scheme: IncentiveScheme) -> None:
    """Raise ``ValidationError`` listing what is wrong with a saved scheme (nothing when sound)."""
    problems = incentive_scheme_problems(
        programme=scheme.programme,
        age_bands=[(b.min_age, b.max_age) for b in scheme.age_bands.all()],
        stages=[(s.name, s.share_percent, s.checkpoint_measure) for s in scheme.stages.all()],
    )
    if problems:
        raise ValidationError(problems)


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


def incentive_claim_for_placement(*, placement, actor: User | None = None) -> list[IncentiveClaim]:
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
        try:
            incentive_scheme_validate(scheme)
        except ValidationError as exc:
            # Never promise money under a broken scheme; the sync makes the claim once it is fixed.
            logger.warning(
                "Incentive scheme %s is not valid, so no claim was made for placement %s: %s",
                scheme.pk, placement.pk, "; ".join(exc.messages),
            )
            continue
        amounts = stage_amounts(stages, band.amount_pence)
        if sum(amounts.values()) != band.amount_pence:  # cannot happen once the shares total 100%
            continue
        with transaction.atomic():
            claim, created = IncentiveClaim.objects.get_or_create(
                placement=placement, scheme=scheme,
                defaults={
                    "employer_id": placement.employer_id, "participant": participant,
                    "start_date": placement.start_date, "age_at_start": age,
                    "total_pence": band.amount_pence, "min_hours": scheme.min_hours,
                },
            )
            if created:
                for stage in stages:
                    if amounts[stage.pk] <= 0:
                        continue
                    IncentivePayment.objects.create(
                        claim=claim, stage=stage, stage_name=stage.name,
                        checkpoint_measure=stage.checkpoint_measure,
                        due_on=incentive_stage_due_on(placement.start_date, day_offset=stage.day_offset),
                        amount_pence=amounts[stage.pk],
                        check_employer_verified=stage.check_employer_verified,
                        check_participant_eligible=stage.check_participant_eligible,
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


def incentive_payments_check_due(*, today: datetime.date | None = None) -> int:
    """Hold the unsent payments of expired approvals, mark due, then check every due payment so
    employers see an up-to-date status (what the daily task runs)."""
    payment_runs_expire()
    incentive_payments_mark_due(today=today)
    ids = list(IncentivePayment.objects.filter(status=PaymentStatus.DUE).values_list("pk", flat=True))
    for pk in ids:
        incentive_payment_validate(payment=IncentivePayment(pk=pk), today=today)
    return len(ids)


def _require_finance(actor: User) -> None:
    if not is_finance_officer(actor):
        raise ValidationError("Only a finance officer can do this.")


def _fill_run(run: PaymentRun, *, actor: User | None, today, proposal: bool = False) -> None:
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
    checker = recorded_actor(actor)
    # Each check is its own record (who, when); the run's fields show only the latest.
    check = PaymentRunCheck.objects.create(
        run=run, checked_by=checker, proposal=proposal, total_pence=run.total_pence,
        payment_count=IncentivePayment.objects.filter(run=run).count(),
    )
    run.validated_by = checker
    run.validated_at = check.checked_at
    run.save()


def _run_total(run: PaymentRun) -> int:
    return IncentivePayment.objects.filter(run=run).aggregate(t=Sum("amount_pence", default=0))["t"]


#: Why no run is made when nothing can go in it.
EMPTY_RUN_REFUSAL = (
    "There are no payments due that pass their checks, so there is nothing to put in a payment "
    "run. Payments show on the claims page when they fall due."
)


def payment_run_propose(*, actor: User | None = None, today: datetime.date | None = None) -> PaymentRun | None:
    """Put every due payment that passes its checks in a new run waiting for approval.

    ``actor`` is None when the weekly task proposes the run. There is at most one run waiting.
    A run with nothing in it is never made: a person is told why (``ValidationError``); the
    weekly task gets None.
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
        _fill_run(run, actor=actor, today=today, proposal=True)
        empty = not run.payments.exists()
        if empty:
            # No empty run is kept; what the checks found stays on each payment (as a daily
            # re-check would have recorded it), so finance and employers still see why.
            IncentiveValidation.objects.filter(run=run).update(run=None)
            PaymentRunCheck.objects.filter(run=run).delete()
            run.delete()
        else:
            audit_event_record(
                actor=actor, action="payments.run_proposed", obj=run,
                summary=f"Payment run {run.reference} proposed: {run.total_pence} pence",
                data={"payments": list(run.payments.values_list("pk", flat=True))},
            )
    if empty:
        if actor is None:
            return None
        raise ValidationError(EMPTY_RUN_REFUSAL)
    return run


def payment_run_revalidate(*, run: PaymentRun, actor: User, today: datetime.date | None = None) -> PaymentRun:
    """Check the run again (e.g. after an employer finished setting up payouts)."""
    _require_finance(actor)
    with transaction.atomic():
        run = PaymentRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
        if run.status != RunStatus.PROPOSED:
            raise ValidationError("Only a run waiting for approval can be checked again.")
        refusal = recheck_refusal(run, actor)
        if refusal:
            raise ValidationError(refusal)
        _fill_run(run, actor=actor, today=today or timezone.localdate())
        audit_event_record(actor=actor, action="payments.run_validated", obj=run,
                           summary=f"Payment run {run.reference} checked again: {run.total_pence} pence")
    return run


def payment_run_cancel(*, run: PaymentRun, actor: User) -> PaymentRun:
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


def run_checkers(run: PaymentRun) -> set[int]:
    """Everyone who checked the run again after it was proposed (the proposal's own check is the
    proposer's)."""
    return set(
        PaymentRunCheck.objects.filter(run=run, proposal=False, checked_by__isnull=False)
        .values_list("checked_by_id", flat=True)
    )


def recheck_refusal(run: PaymentRun, actor: User) -> str:
    """Why ``actor`` may not check ``run`` again ("" when they may): the proposer, each person
    who checks it and the approver are different people."""
    if not is_finance_officer(actor):
        return "Only a finance officer can check a payment run again."
    if run.requested_by_id == actor.pk:
        return "You proposed this run, so another finance officer must check it again."
    return ""


def approval_refusal(run: PaymentRun, actor: User) -> str:
    """Why ``actor`` may not approve ``run`` ("" when they may).

    The proposer, everyone who checked the run and the approver are different people; a run the
    weekly task proposed must first be checked again by a finance officer, and approved by another.
    """
    if not is_finance_officer(actor):
        return "Only a finance officer can approve a payment run."
    if run.requested_by_id == actor.pk:
        return "You proposed this run, so another finance officer must approve it."
    checkers = run_checkers(run)
    if actor.pk in checkers:
        return "You checked this run, so another finance officer must approve it."
    if IncentivePayment.objects.filter(run=run, claim__placement__created_by=actor).exists():
        return "You recorded a start in this run, so another finance officer must approve it."
    if run.requested_by_id is None and not checkers:
        return ("The weekly task proposed this run, so a finance officer must check the payments "
                "again before another finance officer approves it.")
    return ""


def payment_run_approve(*, run: PaymentRun, actor: User, seen_total_pence: int | None = None) -> PaymentRun:
    """Approve a run and queue its transfers. Approving an approved run again does nothing.

    ``seen_total_pence`` is the total the approver was shown: if the run has changed since (it
    was checked again, or a claim paused), nothing is approved and they are asked to look again.
    """

    all_held = False
    with transaction.atomic():
        run = PaymentRun.objects.select_for_update(of=("self",)).get(pk=run.pk)
        if run.status == RunStatus.APPROVED:
            return run  # a double-submitted form or a retried request: already done
        if run.status == RunStatus.EXPIRED:
            raise ValidationError(
                "This payment run's approval has expired. Its unsent payments are due again."
            )
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
                f"This run has changed since you opened it: it would now pay {pence_display(total)}. "
                "Check the payments below and approve again."
            )
        # Every check again, now: what fails is held with its reason; the rest are approved.
        now = timezone.now()
        held = [
            p for p in payments
            if incentive_payment_hold_if_unpayable(
                p, moment=ValidationMoment.APPROVAL, actor=actor, now=now
            )
        ]
        payments = [p for p in payments if p not in held]
        if not payments:
            run.total_pence = 0
            run.save(update_fields=["total_pence"])
            all_held = True
        else:
            for payment in payments:
                payment.status = PaymentStatus.APPROVED
                payment.save(update_fields=["status", "updated_at"])
            run.status = RunStatus.APPROVED
            run.approved_by = actor
            run.approved_at = now
            run.expires_at = now + datetime.timedelta(days=run.expiry_days)
            run.total_pence = sum(p.amount_pence for p in payments)
            run.save()
            audit_event_record(
                actor=actor, action="payments.run_approved", obj=run,
                summary=f"Payment run {run.reference} approved: {len(payments)} payments, "
                f"{run.total_pence} pence"
                + (f"; {len(held)} held because they no longer pass their checks" if held else ""),
                data={"payments": [p.pk for p in payments], "held": [p.pk for p in held],
                      "expires_at": run.expires_at.isoformat()},
            )
            transaction.on_commit(lambda: incentive_run_execute_task.delay(run.pk), robust=True)
    if all_held:  # the holds are kept (committed above); nothing was approved
        raise ValidationError(
            "Nothing was approved: every payment in this run failed its checks again just now. "
            "The reasons are below. Cancel the run, or check it again once the causes are fixed."
        )
    return run


def payment_runs_expire(*, now=None) -> int:
    """Hold the unsent payments of approved runs whose approval has expired (the runs are marked
    expired); payments whose transfer is under way are left to finish. Safe to run again."""
    now = now or timezone.now()
    run_ids = (
        PaymentRun.objects.filter(status=RunStatus.APPROVED, expires_at__lte=now,
                                  payments__status=PaymentStatus.APPROVED, payments__transfer_id="")
        .values_list("pk", flat=True).distinct()
    )
    held = 0
    for run_id in list(run_ids):
        with transaction.atomic():
            run = PaymentRun.objects.select_for_update(of=("self",)).get(pk=run_id)
            if run.status != RunStatus.APPROVED:
                continue
            count = sum(
                incentive_payment_hold_if_unpayable(payment, now=now)
                for payment in _locked_payments(IncentivePayment.objects.filter(
                    run=run, status=PaymentStatus.APPROVED, transfer_id=""))
            )
            if count:
                audit_event_record(
                    actor=None, action="payments.run_expired", obj=run,
                    summary=f"Payment run {run.reference}: approval expired; {count} unsent "
                    "payments are due again",
                )
            held += count
    return held


def incentive_payment_retry(*, payment: IncentivePayment, actor: User, reason: str, reference: str,
                            today: datetime.date | None = None) -> IncentivePayment:
    """Finance send a failed payment again once its cause is fixed (e.g. the platform balance was
    topped up, or the employer finished their payout account).

    Every check runs again first; if one still fails nothing changes and the reasons are given.
    If a Stripe transfer was made for the failed attempt, Stripe is asked and the payment is sent
    again only if that transfer's money came back (so a false "failed" report never pays twice).
    The payment goes back to due, with a new attempt number (and so a new Stripe key): it is paid
    in the next run, approved by two finance officers like any other. Audited; the failed
    attempt's details are kept as an ``IncentivePaymentRetry``.
    """
    _require_finance(actor)
    _require_reason(reason, reference)
    with transaction.atomic():
        payment = _locked_payments(IncentivePayment.objects.filter(pk=payment.pk)).get()
        if payment.status != PaymentStatus.FAILED:
            raise ValidationError("Only a failed payment can be sent again.")
        record = IncentiveTransfer.objects.filter(payment=payment).first()
        transfer_id = payment.transfer_id or (record.transfer_id if record else "")
        if transfer_id:
            # The money came back: the transfer failed (as recorded from Stripe), or Stripe shows it
            # reversed in full. Otherwise the employer may have the money: never send it twice.
            mirror = StripeTransfer.objects.filter(transfer_id=transfer_id).first()
            came_back = mirror is not None and mirror.failed
            if not came_back:
                sent = gateway.transfer_retrieve(transfer_id)
                came_back = sent.amount_reversed_pence >= sent.amount_pence
            if not came_back:
                raise ValidationError(
                    f"Stripe shows that transfer {transfer_id} reached the employer and has not "
                    "been reversed, so this payment may already have been paid. Check it in Stripe "
                    "before sending it again."
                )
        retry = IncentivePaymentRetry.objects.create(
            payment=payment, attempt=payment.attempt + 1, reason=reason.strip(),
            reference=reference.strip(), actor=actor,
            previous_failure_reason=payment.failure_reason,
            previous_idempotency_key=record.idempotency_key if record else "",
            previous_transfer_id=transfer_id, previous_run=payment.run if payment.run_id else None,
        )
        if record is not None:
            record.delete()  # kept on the retry record; the next attempt has its own key
        payment.transfer_id = ""
        results = incentive_payment_checks(payment, today=today)
        failed = [r for r in results if not r.passed]
        if failed:
            raise ValidationError(
                [f"{payment.reference} still cannot be paid, so it has not been sent again:"]
                + [f"{r.label}: {r.detail}" if r.detail else r.label for r in failed]
            )
        payment.attempt = retry.attempt
        payment.status = PaymentStatus.DUE
        payment.run = None
        payment.failure_reason = ""
        payment.blocking_check = ""
        validation = IncentiveValidation.objects.create(
            payment=payment, run=None, moment=ValidationMoment.RETRY, passed=True, checked_by=actor,
            results=[r.as_dict() for r in results],
        )
        payment.last_checked_at = validation.checked_at
        payment.save()
        audit_event_record(
            actor=actor, action="payments.incentive_retried", obj=payment,
            summary=f"{payment.reference} to be sent again (attempt {retry.attempt}) after: "
            f"{retry.previous_failure_reason or 'a failure'}. {reason.strip()}",
            data={"reference": reference.strip(), "previous_transfer_id": transfer_id,
                  "previous_idempotency_key": retry.previous_idempotency_key},
        )
    return payment


# --- webhooks (called by stripe.webhooks._transfer_apply, inside its transaction) ---------------------


def incentive_transfer_event_apply(
    *, event_type: str, snapshot: gateway.Transfer, failed: bool = False
) -> None:
    """Mark the incentive payment a transfer is recorded for: paid, failed or reversed.

    Only the transfer recorded on the payment counts. ``outbox.transfer_learned`` records it
    first (after ``outbox.transfer_event_problem`` checked a webhook against the portal's own
    intent), so an event that merely names a payment in its metadata changes nothing here.
    ``failed`` is what the portal knows of the transfer (a failure is final, whatever arrives next).
    """
    payment = _locked_payments(IncentivePayment.objects.filter(transfer_id=snapshot.id)).first()
    if payment is None:
        return
    if failed or event_type == events.TRANSFER_FAILED:
        if payment.status != PaymentStatus.FAILED:
            payment.status = PaymentStatus.FAILED
            payment.failure_reason = (
                "Stripe reported that the transfer failed; the money came back to the programme."
            )
            payment.save()
            audit_event_record(actor=None, action="payments.incentive_failed", obj=payment,
                               summary=f"Stripe reported transfer {snapshot.id} failed")
        return
    if payment.status in (PaymentStatus.APPROVED, PaymentStatus.FAILED):
        payment.status = PaymentStatus.PAID
        payment.paid_at = payment.paid_at or timezone.now()
        audit_event_record(actor=None, action="payments.incentive_paid", obj=payment,
                           summary=f"{payment.reference} paid ({snapshot.id})")
    payment.save()
    if snapshot.amount_reversed_pence > 0:
        _reversal_seen(payment, snapshot)


def _reversal_seen(payment: IncentivePayment, snapshot: gateway.Transfer) -> None:
    """What Stripe has reversed of the payment's transfer, in total: partial reversals add up."""
    clawback = IncentiveClawback.objects.select_for_update(of=("self",)).filter(payment=payment).first()
    total = min(snapshot.amount_reversed_pence, payment.amount_pence)
    reversal_id = snapshot.reversals[0].id if snapshot.reversals else ""  # the newest
    if clawback is None:
        clawback = IncentiveClawback.objects.create(
            payment=payment, reason=ClawbackReason.STRIPE_REVERSAL, amount_pence=total,
            detail="Reversed in the Stripe dashboard", status=ClawbackStatus.RECOVERED,
            reversal_id=reversal_id, resolved_at=timezone.now(),
        )
        audit_event_record(actor=None, action="payments.clawback_recorded", obj=clawback,
                           summary=f"Stripe reversed {total} pence of {payment.reference}")
    elif clawback.reason == ClawbackReason.STRIPE_REVERSAL and total > clawback.amount_pence:
        # Another partial reversal: the clawback shows what has come back in all.
        before = clawback.amount_pence
        clawback.amount_pence = total
        clawback.reversal_id = reversal_id or clawback.reversal_id
        clawback.save(update_fields=["amount_pence", "reversal_id"])
        audit_event_record(
            actor=None, action="payments.clawback_recorded", obj=clawback,
            summary=f"Stripe reversed {total - before} pence more of {payment.reference}: "
            f"{total} pence in all", data={"reversal_id": reversal_id},
        )
    elif clawback.status == ClawbackStatus.PENDING and total >= clawback.amount_pence:
        clawback.status = ClawbackStatus.RECOVERED
        clawback.reversal_id = clawback.reversal_id or reversal_id
        clawback.resolved_at = timezone.now()
        clawback.save()


# --- clawbacks --------------------------------------------------------------------------------


def _clawback_create(payment, *, reason: str, detail: str, actor: User | None) -> IncentiveClawback | None:
    clawback, created = IncentiveClawback.objects.get_or_create(
        payment=payment,
        defaults={"reason": reason, "detail": detail[:2000], "amount_pence": payment.amount_pence,
                  "created_by": recorded_actor(actor)},
    )
    if created:
        audit_event_record(
            actor=actor,
            action="payments.clawback_created",
            obj=clawback,
            summary=(
                f"Clawback of {payment.amount_pence} pence for {payment.reference}: "
                f"{clawback.get_reason_display()}"
            ),
            data={"payment": payment.pk, "detail": detail},
        )
    return clawback if created else None


def incentive_leaver_apply(*, placement, actor: User | None = None) -> list[IncentiveClawback]:
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


def incentive_checkpoint_reverse(
    *, payment: IncentivePayment, actor: User, reason: str, reference: str
) -> IncentiveClawback:
    """The checkpoint a paid stage relied on turned out to be wrong: claw the payment back."""
    _require_finance_or_coordinator(actor)
    _require_reason(reason, reference)
    with transaction.atomic():
        payment = _locked_payments(IncentivePayment.objects.filter(pk=payment.pk)).get()
        if not payment.money_sent:
            raise ValidationError(
                "Only a paid payment can be clawed back. Pause or withdraw the claim instead."
            )
        clawback = _clawback_create(
            payment,
            reason=ClawbackReason.CHECKPOINT_REVERSED,
            actor=actor,
            detail=f"{reason.strip()} (reference {reference.strip()})",
        )
        if clawback is None:
            raise ValidationError("There is already a clawback for this payment.")
    return clawback


def incentive_clawback_recover(*, clawback: IncentiveClawback, actor: User) -> IncentiveClawback:
    """Take the money back by reversing the payment's transfer, once."""
    _require_finance(actor)
    with transaction.atomic():
        clawback = (
            IncentiveClawback.objects.select_for_update(of=("self",))
            .select_related("payment")
            .get(pk=clawback.pk)
        )
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


def incentive_clawback_write_off(*, clawback: IncentiveClawback, actor: User, reason: str) -> IncentiveClawback:
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


def _require_finance_or_coordinator(actor: User) -> None:
    if not (is_signed_in(actor) and actor.has_role(Role.FINANCE_OFFICER, Role.COORDINATOR)):
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
    *, claim: IncentiveClaim, action: str, actor: User, reason: str, reference: str, today: datetime.date | None = None
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


def incentive_employer_block(*, employer, actor: User, reason: str, reference: str) -> IncentiveEmployerBlock:
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


def incentive_employer_unblock(*, employer, actor: User, reason: str) -> IncentiveEmployerBlock:
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
