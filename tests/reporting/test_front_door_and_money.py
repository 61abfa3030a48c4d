"""Front door (entry point, type, area, partner, response times, conversion) and money."""

import datetime
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone

from brokerage.enquiries.models import Enquiry, EnquiryType
from brokerage.participants.models import Participant
from brokerage.payments.models import (
    FundCategory,
    FundRequest,
    FundRequestStatus,
    LedgerEntry,
    LedgerKind,
)
from brokerage.pipeline.models import OutcomeRecord
from brokerage.reporting import selectors
from brokerage.reporting.reports import front_door, money
from tests.factories.employers import EmployerFactory, EmployerMembershipFactory
from tests.factories.enquiries import EnquiryFactory, EnquiryItemFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.payments import FundBudgetFactory
from tests.factories.reference import PartnerFactory, UserFactory

UK = ZoneInfo("Europe/London")
DAY = datetime.datetime(2025, 7, 1, 9, 0, tzinfo=UK)
RANGE = {"date_from": datetime.date(2025, 7, 1), "date_to": datetime.date(2025, 7, 31)}


def _item(
    programme, partner, area, *, hours, routed=DAY, types=("vacancy",), employer=None, **enquiry
):
    enquiry = EnquiryFactory(
        area=area, types=list(types), employer=employer or EmployerFactory(), **enquiry
    )
    Enquiry.objects.filter(pk=enquiry.pk).update(submitted_at=routed)
    enquiry.refresh_from_db()
    return EnquiryItemFactory(
        enquiry=enquiry, partner=partner, programme=programme, routed_at=routed,
        deadline=routed + datetime.timedelta(hours=48),
        first_response_at=routed + datetime.timedelta(hours=hours) if hours is not None else None,
    )


def test_front_door_counts_response_times_and_conversion(programme, north, south, coordinator):
    partner = PartnerFactory(name="Northtown Jobs")
    registered = EmployerFactory()
    EmployerMembershipFactory(employer=registered)
    OpportunityFactory(
        employer=registered, status="live", approved_at=DAY + datetime.timedelta(days=3)
    )
    _item(programme, partner, north, hours=2, employer=registered, campaign="spring")
    _item(programme, partner, north, hours=72, types=("vacancy", "mentoring"))  # late
    _item(programme, partner, south, hours=None, entry_page="employers")  # never answered
    _item(
        programme, partner, south, hours=1, routed=DAY - datetime.timedelta(days=1)
    )  # before range

    scope = selectors.report_scope(coordinator, programme, **RANGE)
    tables = {t.slug: t for t in front_door.front_door_tables(scope)}
    entry = {row["label"]: row for row in tables["front-door-entry"].rows}
    assert entry["Campaign: spring"]["items"] == 1
    assert entry["Page: employers"]["answered"] == 0
    types = {row["label"]: row["items"] for row in tables["front-door-types"].rows}
    assert types[str(EnquiryType.VACANCY.label)] == 3
    assert types[str(EnquiryType.MENTORING.label)] == 1
    areas = {row["label"]: row for row in tables["front-door-areas"].rows}
    assert areas["Northtown"]["in_time"] == 1
    assert areas["Northtown"]["in_time_share"] == 50.0
    assert areas["Northtown"]["avg_hours"] == 37.0
    partner_row = tables["front-door-partners"].rows[0]
    assert (partner_row["label"], partner_row["items"]) == ("Northtown Jobs", 3)
    assert tables["front-door-partners"].total["items"] == 3
    steps = [row["count"] for row in tables["front-door-conversion"].rows]
    assert steps == [3, 1, 1]


def test_money_spend_against_budget_and_cost_per_start(records, programme, north, coordinator):
    budget = FundBudgetFactory(programme=programme, area=north, starts_on=datetime.date(2025, 4, 1),
                               ends_on=datetime.date(2026, 3, 31), amount_pence=100_000)
    person = Participant.objects.filter(programme=programme, area=north).first()
    requester = UserFactory()
    spend = []
    for amount, category in (
        (2_500, FundCategory.choices[0][0]),
        (7_500, FundCategory.choices[1][0]),
    ):
        request = FundRequest.objects.create(
            participant=person, budget=budget, barrier="transport", category=category,
            description="Bus pass", amount_pence=amount, not_available_elsewhere="No other funding",
            payment_method="card", status=FundRequestStatus.PAID, requested_by=requester,
        )
        spend.append(LedgerEntry.objects.create(
            kind=LedgerKind.FUND_CARD, amount_pence=amount, source_type="payments.fundrequest",
            source_id=str(request.pk),
        ))
    # Someone else's programme's money never shows.
    LedgerEntry.objects.create(kind=LedgerKind.FUND_CARD, amount_pence=99_999,
                               source_type="payments.fundrequest", source_id="999999")
    today = datetime.date.today()
    scope = selectors.report_scope(
        coordinator, programme, date_from=datetime.date(2025, 4, 1), date_to=today
    )
    tables = {t.slug: t for t in money.money_tables(scope)}
    budget_row = tables["money-budgets"].rows[0]
    assert budget_row["amount"] == 100_000
    assert budget_row["spent"] == 10_000
    assert budget_row["share"] == 10.0
    assert {row["spent"] for row in tables["money-categories"].rows} == {2_500, 7_500}
    assert tables["money-areas"].total["spent"] == 10_000
    this_month = timezone.localdate().replace(day=1)  # the ledger entries were made just now
    months = [(row["month"], row["spent"]) for row in tables["money-months"].rows]
    assert [(m, spent) for m, spent in months if spent] == [(this_month, 10_000)]
    # Every month of the range is listed, zero where nothing was spent.
    assert months[0] == (datetime.date(2025, 4, 1), 0)
    assert len(months) == len({m for m, _ in months})
    cost = {row["measure"]: row for row in tables["money-cost"].rows}
    # 8 starters + 2 on placements = 10 starts; 2 sustained 26 weeks.
    assert cost["Starts (jobs and placements)"]["cost"] == 1_000
    assert cost["Jobs sustained 26 weeks"]["cost"] == 5_000


def test_money_report_counts_employer_incentives_net_of_clawbacks(programme, coordinator):
    from brokerage.payments.incentives.services import incentive_claim_for_placement
    from tests.factories.reference import ProgrammeFactory
    from tests.payments.incentive_helpers import scheme_create, start_create

    def paid_payment(prog):
        scheme_create(prog)
        employer = EmployerFactory()
        placement = start_create(
            programme=prog, employer=employer, start_date=datetime.date(2025, 5, 1)
        )
        [claim] = incentive_claim_for_placement(placement=placement)
        return claim.payments.order_by("due_on").first()

    payment = paid_payment(programme)
    LedgerEntry.objects.create(kind=LedgerKind.INCENTIVE_PAYMENT, amount_pence=100_000,
                               source_type="payments.incentivepayment", source_id=str(payment.pk))
    LedgerEntry.objects.create(kind=LedgerKind.CLAWBACK, amount_pence=-40_000,
                               source_type="payments.incentivepayment", source_id=str(payment.pk))
    # A reversal made in Stripe's dashboard is money back too.
    LedgerEntry.objects.create(kind=LedgerKind.TRANSFER_REVERSAL, amount_pence=-10_000,
                               source_type="payments.incentivepayment", source_id=str(payment.pk))
    # Another programme's incentive never shows.
    other = paid_payment(ProgrammeFactory(name="Other programme"))
    LedgerEntry.objects.create(kind=LedgerKind.INCENTIVE_PAYMENT, amount_pence=77_700,
                               source_type="payments.incentivepayment", source_id=str(other.pk))

    # The payments helper writes its start as facts were written before they kept their
    # context; fill it as the migration does.
    OutcomeRecord._base_manager.filter(enrolment__isnull=True).update(
        enrolment=F("programme"), opportunity_type="vacancy"
    )
    scope = selectors.report_scope(coordinator, programme, date_from=datetime.date(2025, 4, 1),
                                   date_to=datetime.date.today())
    tables = {t.slug: t for t in money.money_tables(scope)}
    incentives = tables["money-incentives"].total
    assert (incentives["paid"], incentives["recovered"], incentives["net"]) == (
        100_000,
        50_000,
        50_000,
    )
    assert [row["month"] for row in tables["money-incentives"].rows if row["paid"]] == [
        timezone.localdate().replace(day=1)
    ]
    cost = {row["measure"]: row for row in tables["money-cost"].rows}
    assert cost["Starts (jobs and placements)"]["people"] == 1
    assert cost["Starts (jobs and placements)"]["cost"] == 50_000
