"""Two partners, each with an employer it acts for, an opportunity, an enquiry, a participant
on its caseload and an outcome; each partner admin holds read-write and read-only tokens."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from brokerage.api.services import api_token_create
from brokerage.pipeline.models import OutcomeKind, Placement, ProposalStatus
from brokerage.pipeline.services.outcomes import outcome_write
from portal.accounts.roles import Role
from tests.factories.employers import EmployerSiteFactory, PartnerRelationshipFactory
from tests.factories.enquiries import EnquiryItemFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.participants import ParticipantFactory, tees_programme
from tests.factories.pipeline import ProposalFactory
from tests.factories.reference import PartnerFactory, UserFactory


def make_partner_admin(partner, **kwargs):
    user = UserFactory(role=Role.PARTNER_STAFF, partner=partner, **kwargs)
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get_or_create(name=Role.KEY_WORKER.label)[0])
    user.user_permissions.add(Permission.objects.get(codename="manage_api_tokens"))
    return type(user).objects.get(pk=user.pk)  # fresh: no cached roles or permissions


def issue(user, scope="read_write", days=30) -> str:
    return api_token_create(
        actor=user, name=f"{scope} token", scope=scope,
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
    )[1]


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@dataclass
class Side:
    partner: object
    admin: object
    employer: object
    site: object
    opportunity: object
    item: object
    participant: object
    outcome: object
    rw: str
    ro: str

    @property
    def client(self) -> Client:
        return bearer(self.rw)

    @property
    def read_client(self) -> Client:
        return bearer(self.ro)


def _side(programme, name: str) -> Side:
    partner = PartnerFactory(name=name)
    admin = make_partner_admin(partner)
    relationship = PartnerRelationshipFactory(partner=partner, requires_employer_signoff=False)
    employer = relationship.employer
    site = EmployerSiteFactory(employer=employer)
    opportunity = OpportunityFactory(employer=employer, acting_partner=partner)
    item = EnquiryItemFactory(partner=partner)
    participant = ParticipantFactory(programme=programme, key_worker=admin)
    live = OpportunityFactory(employer=employer, programme=programme, status="live")
    proposal = ProposalFactory(participant=participant, opportunity=live, status=ProposalStatus.STARTED)
    start = timezone.localdate() - datetime.timedelta(days=10)
    placement = Placement.objects.create(
        proposal=proposal, participant=participant, employer=employer, opportunity=live,
        programme=programme, job_title="Warehouse operative", start_date=start,
        hours_per_week=Decimal("30"), contract_type="permanent", created_by=admin,
    )
    # As the pipeline writes it: with its context (enrolment, area, opportunity type).
    outcome = outcome_write(
        key=f"start:{placement.pk}", kind=OutcomeKind.START, measure="starts",
        placement=placement, occurred_on=start, hours_per_week=Decimal("30"),
    )
    return Side(partner, admin, employer, site, opportunity, item, participant, outcome,
                rw=issue(admin), ro=issue(admin, scope="read"))


@dataclass
class World:
    programme: object
    a: Side
    b: Side


@pytest.fixture
def world(db) -> World:
    programme = tees_programme()
    programme.start_date = datetime.date(2024, 1, 1)
    programme.end_date = datetime.date(2030, 12, 31)
    programme.save()
    return World(programme, _side(programme, "Tees Works"), _side(programme, "Hartlepool Routes"))
