"""Records for the role × object access matrix (tests/test_object_access_matrix.py).

``seed_demo`` leaves some kinds of record out (a care request, an invitation, a payment run…),
so no demo page would link to their pages and the matrix could not try them. ``insider_records``
adds one of each, held by the demo users, before the insiders' crawl: the crawl then finds the
links as those users would. ``outsiders`` makes, after the crawl, the people who must be refused:
in every role, each tied to records of their own that are not the demo insiders' (another
employer and its admin, a key worker on the same programme with their own caseload, staff of
another programme…), so a view that only asks "does this user hold any record?" is caught too.

Records are made with the factories (tests/factories) or directly, in the state the page
needs; the services are not called, so no email, task or Stripe call is made.
"""

import datetime
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone

from brokerage.employers.models import (
    Employer,
    EmployerInvitation,
    EmployerJoinRequest,
    MembershipRole,
)
from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.participants.models import (
    CareRequest,
    CareRequestKind,
    ImportStatus,
    Participant,
    ReferralImport,
)
from brokerage.payments.models import (
    ClawbackReason,
    FundRequest,
    FundRequestStatus,
    IncentiveClawback,
    IncentivePayment,
    PaymentRun,
    PaymentStatus,
    RunStatus,
)
from brokerage.pipeline.models import (
    MentoringAgreement,
    MentorProfile,
    ProposalQuestion,
    ProposalStatus,
)
from brokerage.reference.choices import Sector
from brokerage.reference.models import Programme
from portal.accounts.models import User
from portal.accounts.roles import Role
from search.models import ArchivedMatch, Direction, SavedSearch
from tests.factories.employers import (
    EmployerFactory,
    EmployerMembershipFactory,
    PartnerRelationshipFactory,
)
from tests.factories.opportunities import OpportunityFactory
from tests.factories.participants import ParticipantFactory
from tests.factories.pipeline import MentorProfileFactory, ProposalFactory
from tests.factories.reference import PartnerFactory, ProgrammeFactory, UserFactory

DEMO_EMPLOYER = "Tees Components Ltd"
DEMO_PROGRAMME = "Routes to Work"
OTHER_PROGRAMME = "Ambition SCR"  # a demo programme none of the demo insiders works on
SUBMITTED_TITLE = "Quality inspector (waiting for moderation)"
CLOSED_TITLE = "Stores assistant (closed)"


def demo_user(email: str) -> User:
    return User.objects.get(email=email)


def demo_employer() -> Employer:
    return Employer.objects.get(name=DEMO_EMPLOYER)


def demo_participant() -> Participant:
    """The demo key worker's first person on their caseload (by name): the records below hang
    on them, so the key worker's crawl opens their pages first."""
    caseload = Participant.objects.filter(
        key_worker__email="keyworker@example.org", erased_at__isnull=True
    )
    return caseload.order_by("last_name", "first_name", "id").first()


def insider_records() -> None:
    """One record of each kind seed_demo does not make, held by the demo insiders."""
    employer_admin = demo_user("employer@example.org")
    key_worker = demo_user("keyworker@example.org")
    coordinator = demo_user("coordinator@example.org")
    finance = demo_user("finance@example.org")
    employer = demo_employer()
    person = demo_participant()
    programme = person.programme
    now, today = timezone.now(), timezone.localdate()
    live = Opportunity.objects.filter(employer=employer, status=OpportunityStatus.LIVE)
    live = live.order_by("id")

    # the employer admin: a second organisation (so payouts ask which one), an invitation, a join
    # request; an opportunity waiting for moderation and one closed (to reopen); a mentee
    second = EmployerFactory(name="Tees Components Trading Ltd")
    EmployerMembershipFactory(employer=second, user=employer_admin, role=MembershipRole.ADMIN)
    EmployerInvitation.objects.create(
        employer=employer, email="new.starter@teescomponents.co.uk", invited_by=employer_admin
    )
    EmployerJoinRequest.objects.create(
        employer=employer,
        user=UserFactory(role=Role.EMPLOYER, email="asks.to.join@teescomponents.co.uk"),
    )
    OpportunityFactory(employer=employer, title=SUBMITTED_TITLE, status=OpportunityStatus.SUBMITTED,
                       submitted_at=now)
    OpportunityFactory(employer=employer, title=CLOSED_TITLE, status=OpportunityStatus.CLOSED,
                       submitted_at=now, approved_at=now, closed_at=now)
    MentoringAgreement.objects.create(
        mentor=MentorProfile.objects.get(user=employer_admin), mentee=person,
        sector=Sector.MANUFACTURING, contact_method="Phone and email",
        place="Tees Components, Stockton", frequency="Every two weeks",
        covers="CVs and interview practice", does_not_cover="Money or housing advice",
        starts_on=today - datetime.timedelta(days=20), ends_on=today + datetime.timedelta(days=160),
        created_by=key_worker,
    )

    # the key worker: an accepted offer to record the start of, with the employer's question
    # waiting for an answer; an archived match; a saved search; a paid fund request's receipt
    accepted = ProposalFactory(participant=person, opportunity=live[0],
                               status=ProposalStatus.ACCEPTED, proposed_by=key_worker)
    ProposalQuestion.objects.create(proposal=accepted, question="Can they start on early shifts?",
                                    asked_by=employer_admin)
    ArchivedMatch.objects.create(participant=person, opportunity=live[1], archived_by=key_worker,
                                 reason="Too far to travel")
    SavedSearch.objects.create(owner=key_worker, name="Manufacturing near Stockton",
                               direction=Direction.OPPORTUNITIES, subject=person.reference,
                               filters={"sector": Sector.MANUFACTURING})
    paid = FundRequest.objects.filter(participant__key_worker=key_worker).order_by("id").first()
    paid.receipt.save("receipt.pdf", ContentFile(b"%PDF-1.4\n% a receipt\n"), save=False)
    paid.status, paid.paid_at = FundRequestStatus.RECEIPTED, now
    paid.receipt_uploaded_at, paid.receipt_uploaded_by = now, key_worker
    paid.save()

    # the coordinator: a key worker on another team asking for the person; a referral import
    CareRequest.objects.create(
        participant=person, kind=CareRequestKind.TRANSFER, reason="Moved to my area",
        requested_by=UserFactory(role=Role.KEY_WORKER, email="asks.for.care@example.org"),
    )
    ReferralImport.objects.create(
        uploaded_by=coordinator, programme=programme, filename="referrals.csv",
        content="first_name,last_name\nSam,Example\n", status=ImportStatus.VALIDATED,
        total_rows=1, processed_rows=1, valid_rows=1,
    )

    # finance: a run waiting for approval, a paid payment to claw back, a clawback to recover, a
    # payment Stripe refused (the demo's two claims for the employer have two payments each)
    payments = list(IncentivePayment.objects.filter(claim__employer=employer).order_by("id"))
    run = PaymentRun.objects.create(  # proposed by a colleague, so finance@ may approve it
        status=RunStatus.PROPOSED, total_pence=payments[0].amount_pence,
        requested_by=UserFactory(role=Role.FINANCE_OFFICER, email="proposed.the.run@example.org"),
    )
    IncentivePayment.objects.filter(pk=payments[0].pk).update(status=PaymentStatus.IN_RUN, run=run)
    for payment, transfer in ((payments[1], "tr_matrix_paid"), (payments[2], "tr_matrix_clawback")):
        IncentivePayment.objects.filter(pk=payment.pk).update(
            status=PaymentStatus.PAID, transfer_id=transfer, paid_at=now
        )
    IncentivePayment.objects.filter(pk=payments[3].pk).update(
        status=PaymentStatus.FAILED,
        failure_reason="The employer's Stripe account cannot receive payouts",
    )
    IncentiveClawback.objects.create(
        payment=payments[2], reason=ClawbackReason.EARLY_LEAVER,
        amount_pence=payments[2].amount_pence, detail="Left in week 3", created_by=finance,
    )
    # a Stripe event about the paid payment that did not match it (the "needs attention" page)
    from brokerage.payments.models import AttentionCode, MoneyAttention

    MoneyAttention.objects.create(
        code=AttentionCode.EVENT_MISMATCH, reference="evt_matrix_mismatch", payment=payments[1],
        amount_pence=payments[1].amount_pence,
        reason="Transfer tr_matrix_other names the payment, but it went to another account.",
    )


@dataclass(frozen=True)
class Outsider:
    label: str  # who they are, in the failure message and in OPEN_TO
    role: Role | None
    user: User | None


ANONYMOUS = Outsider("anonymous", None, None)


def outsiders() -> list[Outsider]:
    """People with no tie to the demo insiders' records, each holding records of their own."""
    home = Programme.objects.get(name=DEMO_PROGRAMME)
    other = ProgrammeFactory(name=OTHER_PROGRAMME)  # the demo's, or a new one

    employer_admin = UserFactory(role=Role.EMPLOYER)
    bakery = EmployerFactory(name="Unrelated Bakery Ltd")
    EmployerMembershipFactory(employer=bakery, user=employer_admin, role=MembershipRole.ADMIN)
    OpportunityFactory(employer=bakery, status=OpportunityStatus.LIVE)
    MentorProfileFactory(user=employer_admin, employer=bakery)

    partner = PartnerFactory(name="Unrelated Partner")
    partner_staff = UserFactory(role=Role.PARTNER_STAFF, partner=partner)
    PartnerRelationshipFactory(partner=partner, employer=bakery)

    def staff(role: Role, programme: Programme | None) -> User:
        user = UserFactory(role=role)
        if programme is not None:
            user.programmes.add(programme)
        return user

    neighbour = staff(Role.KEY_WORKER, home)  # same programme, not on the demo team
    ParticipantFactory(programme=home, key_worker=neighbour)
    far_key_worker = staff(Role.KEY_WORKER, other)
    ParticipantFactory(programme=other, key_worker=far_key_worker)
    far_coordinator = staff(Role.COORDINATOR, other)
    far_finance = staff(Role.FINANCE_OFFICER, other)
    every_finance = staff(Role.FINANCE_OFFICER, None)  # not limited: every programme

    return [
        ANONYMOUS,
        Outsider("employer admin of another organisation", Role.EMPLOYER, employer_admin),
        Outsider("staff of another partner", Role.PARTNER_STAFF, partner_staff),
        Outsider("key worker on the same programme, own caseload", Role.KEY_WORKER, neighbour),
        Outsider("key worker on another programme", Role.KEY_WORKER, far_key_worker),
        Outsider("coordinator of another programme", Role.COORDINATOR, far_coordinator),
        Outsider("finance officer of another programme", Role.FINANCE_OFFICER, far_finance),
        Outsider("finance officer for every programme", Role.FINANCE_OFFICER, every_finance),
        Outsider("editor", Role.EDITOR, staff(Role.EDITOR, None)),
    ]
