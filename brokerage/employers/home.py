"""The employer's home: what needs doing, read once per section, scoped to the user.

Each section reads through the selector that owns it (pipeline, payments, opportunities,
employers), so the home shows exactly what the pages it links to show. The number of queries
does not grow with the number of rows (``tests/test_query_budgets.py``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from brokerage.employers.models import EmployerMembership, MembershipRole
from brokerage.employers.selectors import employer_partner_activity
from brokerage.opportunities.models import OpportunityStatus
from brokerage.opportunities.selectors import PledgeRow, employer_opportunities, employer_pledges
from brokerage.payments.incentives.selectors import EmployerIncentives, PlainStatus
from brokerage.payments.incentives.selectors import employer_incentives as incentives_for_user
from brokerage.payments.models import IncentivePayment, PaymentStatus, StripeAccount
from brokerage.payments.stripe.selectors import PayoutStatus, payout_status
from brokerage.pipeline.models import Checkpoint, Proposal, ProposalStatus
from brokerage.pipeline.selectors import employer_checkpoints_due, proposals_for_employer

#: How many rows of each list the home shows before "see all".
HOME_ROWS = 5

#: Payments whose story is over: nothing to tell the employer on the home.
_FINISHED = {PaymentStatus.PAID, PaymentStatus.WITHDRAWN}


@dataclass
class InterviewRow:
    proposal: Proposal
    date: datetime.date | None
    past: bool  # the interview has happened: record the outcome

    @property
    def interviewed(self) -> bool:
        """Recorded as interviewed: the employer's next step is to offer the job or decline."""
        return self.proposal.status == ProposalStatus.INTERVIEWED

    @property
    def outcome_due(self) -> bool:
        return self.past or self.interviewed


@dataclass
class OfferRow:
    """A job offered: what happens next, and who does it (the employer waits for the answer)."""

    proposal: Proposal

    @property
    def next_step(self) -> str:
        if self.proposal.status == ProposalStatus.OFFERED:
            return ("Offered. Next: the candidate answers through their key worker, who records "
                    "it here. We email you when they do.")
        return ("Offer accepted. Next: agree a start date with their key worker, who records the "
                "start. We then ask you at set times to confirm they still work for you.")


@dataclass
class PaymentRow:
    payment: IncentivePayment
    status: PlainStatus
    job_title: str
    employer_name: str


@dataclass
class PayoutRow:
    membership: EmployerMembership
    status: PayoutStatus

    @property
    def is_admin(self) -> bool:
        return self.membership.role == MembershipRole.ADMIN


@dataclass
class EmployerHome:
    memberships: list[EmployerMembership]
    candidates: list[Proposal]
    candidates_count: int
    interviews: list[InterviewRow]
    offers: list[OfferRow]
    checkpoints: list[Checkpoint]
    payments: list[PaymentRow]
    incentives: EmployerIncentives
    payouts: list[PayoutRow]
    opportunities_by_status: list[tuple[str, str, int]]
    pledges: list[PledgeRow]
    activity: list[tuple[object, object]] = field(default_factory=list)  # (employer, event)

    @property
    def payments_missing(self) -> list[PaymentRow]:
        """Payments held up by something the employer can fix (their payout account)."""
        return [row for row in self.payments if row.status.action == "payouts"]

    @property
    def next_payment(self) -> PaymentRow | None:
        dated = [row for row in self.payments if row.payment.due_on]
        return min(dated, key=lambda row: row.payment.due_on) if dated else None

    @property
    def opportunities_total(self) -> int:
        return sum(count for _, _, count in self.opportunities_by_status)

    @property
    def payouts_need_attention(self) -> list[PayoutRow]:
        return [row for row in self.payouts if row.status.key != "ready"]

    @property
    def nothing_yet(self) -> bool:
        """A new organisation: no opportunity, candidate or claim yet."""
        return not (self.opportunities_total or self.candidates_count or self.incentives.rows
                    or self.interviews or self.offers or self.pledges)

    @property
    def outcomes_due(self) -> int:
        """Interviews that have happened whose outcome the employer has not recorded."""
        return sum(1 for row in self.interviews if row.outcome_due)


def _interviews(user, today: datetime.date) -> list[InterviewRow]:
    rows = []
    for proposal in proposals_for_employer(user, show="interviews"):
        interviews = list(proposal.interviews.all())  # prefetched, newest first
        date = interviews[0].date if interviews else None
        rows.append(InterviewRow(proposal, date, past=date is not None and date <= today))
    # Interviews that have happened first (their outcome is due), then the next ones.
    rows.sort(key=lambda r: (not r.outcome_due, r.date or datetime.date.max, r.proposal.pk))
    return rows


def _payments(data: EmployerIncentives) -> list[PaymentRow]:
    rows = []
    for row in data.rows:
        for payment, status in row.payments:
            if payment.status in _FINISHED and not status.text.startswith("To be paid back"):
                continue
            rows.append(PaymentRow(payment, status, row.claim.placement.job_title,
                                   row.claim.employer.name))
    rows.sort(key=lambda r: (r.payment.due_on, r.payment.pk))
    return rows


def _opportunities_by_status(user) -> list[tuple[str, str, int]]:
    counts = dict(
        employer_opportunities(user).order_by().values_list("status").annotate(n=Count("pk"))
    )
    return [(value, label, counts[value]) for value, label in OpportunityStatus.choices
            if counts.get(value)]


def employer_home(user, memberships: list[EmployerMembership], *,
                  today: datetime.date | None = None) -> EmployerHome:
    """Everything the employer's home shows, for every organisation the user belongs to."""
    today = today or timezone.localdate()
    new = proposals_for_employer(user, show="new")
    incentives = incentives_for_user(user)
    employers = [m.employer for m in memberships]
    accounts = {
        account.employer_id: account
        for account in StripeAccount.objects.filter(employer__in=employers)
    }
    activity = []
    for employer in employers:
        activity += [(employer, event) for event in employer_partner_activity(employer)[:HOME_ROWS]]
    activity.sort(key=lambda pair: pair[1].created_at, reverse=True)
    return EmployerHome(
        memberships=memberships,
        candidates=list(new[:HOME_ROWS]),
        candidates_count=new.count(),
        interviews=_interviews(user, today),
        offers=[OfferRow(p) for p in proposals_for_employer(user, show="offers")[:HOME_ROWS]],
        checkpoints=list(employer_checkpoints_due(user, today=today)),
        payments=_payments(incentives),
        incentives=incentives,
        payouts=[PayoutRow(m, payout_status(accounts.get(m.employer_id))) for m in memberships],
        opportunities_by_status=_opportunities_by_status(user),
        pledges=employer_pledges(user),
        activity=activity[:HOME_ROWS],
    )

