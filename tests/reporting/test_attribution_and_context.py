"""Who counts where (issue 18, item 3) and facts that keep their context (issue 20, item 3)."""

import datetime
import importlib
import io
from contextlib import redirect_stdout
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.pipeline.models import Checkpoint, OutcomeContext, OutcomeKind, OutcomeRecord
from brokerage.pipeline.services.placements import checkpoint_confirm, placement_start
from brokerage.pipeline.services.proposals import proposal_create
from brokerage.reference.models import Measure
from brokerage.reporting import reports, selectors
from brokerage.reporting.fixtures import OutcomeCounts, outcomes_bulk_create
from portal.accounts.roles import Role
from tests.factories.employers import EmployerFactory, EmployerMembershipFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.participants import ParticipantFactory, tees_programme
from tests.factories.pipeline import standard_rules
from tests.factories.reference import (
    AreaFactory,
    PartnerFactory,
    ProgrammeFactory,
    StrandFactory,
    UserFactory,
)
from tests.pipeline.conftest import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def journey():
    """A Routes to Work participant (Stockton) who started, 30 days ago, on a Plan 500 vacancy
    offered through one of its strands."""
    routes = tees_programme()
    plan_500 = ProgrammeFactory(name="Plan 500", areas=[AreaFactory(name="Swindon")])
    strand = StrandFactory(programme=plan_500, name="Jobs for young people")
    standard_rules(routes)
    standard_rules(plan_500)
    partner = PartnerFactory(name="Stockton Works")
    key_worker = UserFactory(role=Role.KEY_WORKER, partner=partner)
    key_worker.programmes.add(routes)
    employer = EmployerFactory(name="Swindon Motors")
    employer_user = EmployerMembershipFactory(
        employer=employer, user=UserFactory(role=Role.EMPLOYER)).user
    now = timezone.now()
    start = timezone.localdate() - datetime.timedelta(days=30)
    # Referred, proposed, interviewed and offered a day before the start; started 30 days ago.
    with time_machine.travel(now - datetime.timedelta(days=31), tick=False):
        participant = ParticipantFactory(programme=routes, key_worker=key_worker,
                                         consent_employer_profile=True)
        opportunity = OpportunityFactory(
            employer=employer, programme=plan_500, strand=strand, status="live",
            start_date=start, closing_date=start - datetime.timedelta(days=1),
        )
        proposal = proposal_create(
            actor=key_worker, participant=participant, opportunity=opportunity,
            note="Keen on motor trade.", share_details_at_interview=True,
        )
        advance(proposal, key_worker=key_worker, employer_user=employer_user, to="accepted")
    with time_machine.travel(now - datetime.timedelta(days=30), tick=False):
        placement = placement_start(
            actor=key_worker, proposal=proposal, job_title="Trainee technician",
            start_date=start, hours_per_week=Decimal("37.5"), contract_type="permanent",
            pay_pence=1250, pay_basis="hour",
        )
    coordinator = UserFactory(role=Role.COORDINATOR, is_superuser=True)
    return {"routes": routes, "plan_500": plan_500, "strand": strand, "placement": placement,
            "participant": participant, "key_worker": key_worker, "partner": partner,
            "coordinator": coordinator}


def _tables(user, programme, kind):
    scope = selectors.report_scope(user, programme)
    return {t.slug: t for t in reports.report_tables(kind, scope)}


def _starts(tables):
    return next(r for r in tables["outcomes"].rows if r["measure"] == "Starts")["actual"]


def test_start_on_another_programmes_opportunity_counts_for_the_persons_programme(journey):
    coordinator = journey["coordinator"]
    routes = _tables(coordinator, journey["routes"], "outcomes")
    funnel = _tables(coordinator, journey["routes"], "funnel")
    assert _starts(routes) == 1
    assert sum(r["starts"] for r in routes["outcomes-by-month"].rows) == 1
    assert routes["outcomes-by-month"].total["starts"] == 1
    started = next(r for r in funnel["funnel"].rows if r["stage"] == "Started")
    assert started["people"] == 1  # the funnel agrees with the outcome table
    stockton = next(r for r in routes["outcomes-by-area"].rows
                    if r["measure"] == "Starts" and r["area"] == "Stockton-on-Tees")
    assert stockton["actual"] == 1

    # Plan 500: not one of its people, so not in its headline, months or funnel; but the
    # opportunity is in its strand, so the strand table counts the start.
    plan = _tables(coordinator, journey["plan_500"], "outcomes")
    assert _starts(plan) == 0
    assert sum(r["starts"] for r in plan["outcomes-by-month"].rows) == 0
    strand_row = plan["outcomes-by-strand"].rows[0]
    assert (strand_row["strand"], strand_row[Measure.STARTS]) == ("Jobs for young people", 1)
    # The rule is written in the definitions.
    assert any("enrolled on when it happened" in note for note in plan["outcomes"].notes)


def test_a_fact_keeps_the_area_and_partner_of_its_time(journey):
    participant, key_worker = journey["participant"], journey["key_worker"]
    start = OutcomeRecord.objects.get(kind=OutcomeKind.START)
    stockton = participant.area
    assert (start.area, start.enrolment, start.key_worker_partner, start.strand) == (
        stockton, journey["routes"], journey["partner"], journey["strand"])
    assert start.opportunity_type == "vacancy"
    assert start.context == OutcomeContext.RECORDED

    # The 4-week check fell due two days ago, while they lived in Stockton. They moved to
    # Middlesbrough yesterday; the check is confirmed today.
    middlesbrough = AreaFactory(name="Middlesbrough")
    journey["routes"].areas.add(middlesbrough)
    participant.area = middlesbrough
    participant.save()
    audit_event_record(actor=key_worker, action="participant.updated", obj=participant,
                       summary="Personal details updated", data={"fields": ["postcode"]})
    checkpoint = Checkpoint.objects.get(placement=journey["placement"], counts_as="job_starts_4w")
    assert checkpoint.due_on < timezone.localdate()
    checkpoint_confirm(actor=key_worker, checkpoint=checkpoint, still_employed=True,
                       hours_per_week=Decimal("37.5"), via="key_worker_evidence",
                       evidence="Payslip seen")
    fact = OutcomeRecord.objects.get(checkpoint=checkpoint)
    assert fact.area == stockton  # the area at the time, not where they live now
    assert fact.context == OutcomeContext.EARLIER_FACT
    by_area = _tables(journey["coordinator"], journey["routes"], "outcomes")["outcomes-by-area"]
    four = {r["area"]: r["actual"] for r in by_area.rows
            if r["measure"] == "Job starts sustained 4 weeks"}
    assert four == {"Stockton-on-Tees": 1, "Middlesbrough": 0}


def test_the_migration_fills_old_records_and_says_how_many_it_could_not(db):
    programme = ProgrammeFactory(name="Old Programme", areas=[AreaFactory(name="Oldtown")])
    oldtown = programme.areas.get()
    outcomes_bulk_create(programme=programme, area=oldtown, prefix="O",
                         counts=OutcomeCounts(starts=3), first_start=datetime.date(2025, 6, 2),
                         spread_days=1)
    outcomes_bulk_create(programme=programme, area=None, prefix="Q",
                         counts=OutcomeCounts(starts=2), first_start=datetime.date(2025, 6, 2),
                         spread_days=1)
    # As written before facts kept their context.
    OutcomeRecord._base_manager.update(enrolment=None, opportunity_type="", context="recorded")
    migration = importlib.import_module("brokerage.pipeline.migrations.0005_fill_outcome_context")
    out = io.StringIO()
    with redirect_stdout(out):
        migration.fill(apps, None)
    assert "filled the context of 3 of 5" in out.getvalue()
    assert "2 could not be placed in an area" in out.getvalue()
    assert OutcomeRecord.objects.filter(enrolment=programme, opportunity_type="vacancy").count() == 5
    assert OutcomeRecord.objects.filter(context=OutcomeContext.NOT_KNOWN).count() == 2
