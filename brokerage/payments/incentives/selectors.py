"""Reads of employer incentives, scoped to who may see them, with plain-English statuses."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from brokerage.employers.selectors import memberships_for_user
from brokerage.payments.access import can_see_finance
from brokerage.payments.incentives.checks import CHECKPOINT_WEEKS, Check
from brokerage.payments.incentives.services import stage_amounts
from brokerage.payments.models import (
    ClawbackStatus,
    IncentiveClaim,
    IncentivePayment,
    IncentiveScheme,
    IncentiveValidation,
    PaymentRun,
    PaymentRunCheck,
    PaymentStatus,
    RunStatus,
    StripeAccount,
    ValidationMoment,
)
from brokerage.reference.programme_admin import for_programmes_of
from portal.accounts.roles import Role

# --- plain-English status for employers -----------------------------------------------------


@dataclass(frozen=True)
class PlainStatus:
    text: str
    colour: str  # a govuk-tag modifier
    action: str = ""  # "payouts" when the employer can fix it by setting up their payout account


def payment_plain_status(payment: IncentivePayment, *, account_ready: bool) -> PlainStatus:
    """What a payment's state means for the employer, in words they would use."""
    try:
        clawback = payment.clawback
    except IncentivePayment.clawback.RelatedObjectDoesNotExist:
        clawback = None
    if clawback is not None:
        if clawback.status == ClawbackStatus.RECOVERED:
            return PlainStatus("Paid back", "govuk-tag--grey")
        if clawback.status == ClawbackStatus.PENDING:
            return PlainStatus("To be paid back: the person left early", "govuk-tag--red")
    status = payment.status
    if status == PaymentStatus.PAID:
        return PlainStatus("Paid", "govuk-tag--green")
    if status == PaymentStatus.APPROVED:
        return PlainStatus("Approved: being paid", "govuk-tag--blue")
    if status == PaymentStatus.IN_RUN:
        return PlainStatus("Checked: waiting for approval", "govuk-tag--blue")
    if status == PaymentStatus.FAILED:
        return PlainStatus("Payment failed: we will contact you", "govuk-tag--red")
    if status == PaymentStatus.PAUSED:
        return PlainStatus("On hold", "govuk-tag--yellow")
    if status == PaymentStatus.WITHDRAWN:
        return PlainStatus("Withdrawn", "govuk-tag--grey")
    weeks = CHECKPOINT_WEEKS.get(payment.checkpoint_measure, "")
    blocking = payment.blocking_check
    if not account_ready and blocking in ("", Check.PAYOUT_ACCOUNT, Check.DUE_DATE):
        return PlainStatus("Add bank details to get paid", "govuk-tag--yellow", action="payouts")
    if status == PaymentStatus.PENDING:
        return PlainStatus(f"Due on {payment.due_on:%-d %B %Y}", "govuk-tag--grey")
    messages = {
        Check.CHECKPOINT: f"Waiting for the {weeks} check" if weeks else "Waiting for a check",
        Check.EMPLOYER_VERIFIED: "Waiting for us to verify your organisation",
        Check.PAYOUT_ACCOUNT: "Add bank details to get paid",
        Check.ELIGIBLE: "Not payable: the person did not stay in the job",
        Check.NOT_ALREADY_PAID: "Already paid",
        Check.NOT_BLOCKED: "On hold: contact the programme team",
        Check.NOT_PAUSED: "On hold",
        Check.NO_CLAWBACK_OWED: "On hold: money to pay back first",
        Check.COMPANY_TRADING: "On hold: Companies House says the company is not trading",
    }
    if blocking in messages:
        return PlainStatus(messages[blocking], "govuk-tag--yellow" if blocking != Check.ELIGIBLE else "govuk-tag--grey",
                           action="payouts" if blocking == Check.PAYOUT_ACCOUNT else "")
    if payment.last_checked_at is None:
        return PlainStatus("Being checked", "govuk-tag--blue")
    return PlainStatus("Checked: waiting for the next payment run", "govuk-tag--blue")


# --- employer side ------------------------------------------------------------------------------


@dataclass
class EmployerClaimRow:
    claim: IncentiveClaim
    payments: list[tuple[IncentivePayment, PlainStatus]] = field(default_factory=list)


@dataclass
class EmployerIncentives:
    employers: list
    rows: list[EmployerClaimRow]

    @property
    def needs_payouts(self) -> bool:
        return any(status.action == "payouts" for row in self.rows for _, status in row.payments)


def _claims():
    return IncentiveClaim.objects.select_related("scheme", "employer", "participant", "placement").prefetch_related(
        Prefetch("payments", queryset=IncentivePayment.objects.select_related("clawback").order_by("due_on", "pk"))
    )


def employer_incentives(user) -> EmployerIncentives:
    """The claims of every organisation the user belongs to, with each payment's status."""
    employers = [m.employer for m in memberships_for_user(user)]
    employer_ids = [e.pk for e in employers]
    ready = {
        a.employer_id: a.ready for a in StripeAccount.objects.filter(employer_id__in=employer_ids)
    }
    rows = []
    for claim in _claims().filter(employer_id__in=employer_ids).order_by("-start_date", "-pk"):
        account_ready = ready.get(claim.employer_id, False)
        rows.append(EmployerClaimRow(claim, [
            (p, payment_plain_status(p, account_ready=account_ready)) for p in claim.payments.all()
        ]))
    return EmployerIncentives(employers=employers, rows=rows)


@dataclass
class StageExplained:
    name: str
    day_offset: int
    share_percent: int
    checkpoint: str  # e.g. "4-week"
    employer_verified: bool
    still_eligible: bool
    amounts: list[tuple[object, int]]  # (age band, pence)


@dataclass
class SchemeExplained:
    scheme: IncentiveScheme
    stages: list[StageExplained]


def schemes_explained(*, today=None) -> list[SchemeExplained]:
    """Active schemes open to new starts, each stage with its amount for every age band."""
    today = today or timezone.localdate()
    schemes = (
        IncentiveScheme.objects.filter(active=True)
        .filter(Q(starts_until__isnull=True) | Q(starts_until__gte=today))
        .select_related("programme")
        .prefetch_related("age_bands", "stages")
    )
    explained = []
    for scheme in schemes:
        bands = sorted(scheme.age_bands.all(), key=lambda b: (b.sort_order or 0, b.min_age))
        stages = sorted(scheme.stages.all(), key=lambda s: (s.day_offset, s.sort_order or 0, s.pk))
        by_band = [(band, stage_amounts(stages, band.amount_pence)) for band in bands]
        explained.append(SchemeExplained(scheme, [
            StageExplained(
                name=stage.name, day_offset=stage.day_offset, share_percent=stage.share_percent,
                checkpoint=CHECKPOINT_WEEKS.get(stage.checkpoint_measure, ""),
                employer_verified=stage.check_employer_verified,
                still_eligible=stage.check_participant_eligible,
                amounts=[(band, amounts[stage.pk]) for band, amounts in by_band],
            )
            for stage in stages
        ]))
    return explained


# --- finance side -------------------------------------------------------------------------------


def runs(user) -> QuerySet[PaymentRun]:
    """Finance officers see every run (they pay for every programme); a coordinator only runs
    that pay incentives on their programmes."""
    if not can_see_finance(user):
        return PaymentRun.objects.none()
    qs = PaymentRun.objects.all()
    if not user.has_role(Role.FINANCE_OFFICER):
        mine = for_programmes_of(user, IncentivePayment.objects.all(), "claim__scheme__programme")
        qs = qs.filter(pk__in=mine.values("run"))
    return qs.select_related("requested_by", "validated_by", "approved_by").order_by("-requested_at", "-pk")


def waiting_run(user) -> PaymentRun | None:
    return runs(user).filter(status=RunStatus.PROPOSED).first()


def run_for_user_or_404(user, pk: int) -> PaymentRun:
    run = runs(user).filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


@dataclass
class EmployerLine:
    employer: object
    payments: list[IncentivePayment]

    @property
    def total_pence(self) -> int:
        return sum(p.amount_pence for p in self.payments)


@dataclass
class RunView:
    run: PaymentRun
    lines: list[EmployerLine]
    failed: list[IncentiveValidation]
    # Every check of the run (proposal and each check again), oldest first: who and when.
    checks: list[PaymentRunCheck] = field(default_factory=list)
    # Payments taken out of the run at approval or just before sending, with why.
    held: list[IncentiveValidation] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(line.payments) for line in self.lines)


def run_view(run: PaymentRun) -> RunView:
    """Per-employer lines of the run and, for a run waiting for approval, the failed checks."""
    payments = (
        IncentivePayment.objects.filter(run=run)
        .select_related("claim", "claim__employer", "claim__participant", "claim__scheme")
        .order_by("claim__employer__name", "due_on", "pk")
    )
    lines: dict[int, EmployerLine] = {}
    for payment in payments:
        employer = payment.claim.employer
        lines.setdefault(employer.pk, EmployerLine(employer, [])).payments.append(payment)
    failed = []
    if run.status == RunStatus.PROPOSED:
        failed = list(
            IncentiveValidation.objects.filter(
                run=run, payment__run__isnull=True, moment=ValidationMoment.CHECK
            )
            .select_related("payment", "payment__claim", "payment__claim__employer", "payment__claim__participant")
            .order_by("payment__claim__employer__name", "payment__due_on", "payment_id", "-checked_at", "-pk")
        )
        seen, unique = set(), []
        for validation in failed:  # the latest check of each payment only
            if validation.payment_id not in seen:
                seen.add(validation.payment_id)
                if not validation.passed:
                    unique.append(validation)
        failed = unique
    held = list(
        IncentiveValidation.objects.filter(
            run=run, moment__in=[ValidationMoment.APPROVAL, ValidationMoment.SENDING], passed=False,
        )
        .select_related("payment", "payment__claim", "payment__claim__employer")
        .order_by("checked_at", "pk")
    )
    checks = list(
        PaymentRunCheck.objects.filter(run=run).select_related("checked_by")
        .order_by("checked_at", "pk")
    )
    return RunView(run=run, lines=list(lines.values()), failed=failed, checks=checks, held=held)


def claims_for_finance(user) -> QuerySet[IncentiveClaim]:
    """Every claim for finance officers; a coordinator limited to programmes sees theirs only."""
    if not can_see_finance(user):
        return IncentiveClaim.objects.none()
    claims = IncentiveClaim.objects.select_related("scheme", "employer").order_by("-start_date", "-pk")
    return for_programmes_of(user, claims, "scheme__programme")


def claim_for_finance_or_404(user, pk: int) -> IncentiveClaim:
    if not can_see_finance(user):
        raise Http404
    claim = (
        for_programmes_of(user, _claims(), "scheme__programme")
        .prefetch_related("commands__actor")
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        raise Http404
    return claim
