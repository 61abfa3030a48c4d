"""Demo flexible fund: budgets, the catalogue, suppliers and a few requests.

Seed 000 (Tees Valley Routes to Work): a flexible fund for barriers "not funded elsewhere",
"immediately responsive and not bureaucratic" — training, interview clothes, tools, travel,
childcare, and cards and licences such as CSCS and door security (SIA); "guidelines agreed to
cover the whole Tees Valley pilot, however the fund will be administered locally", so each
local authority area has its own budget.

Idempotent: budgets by (programme, area, start), items by name, requests by (participant,
description). Skips what it cannot find, saying so. No Stripe calls: requests approved here
are paid when a key worker presses "Pay now".
"""

import datetime

from django.utils import timezone

from brokerage.payments.fund import services as fund
from brokerage.payments.incentives.demo import load as incentives_load
from brokerage.payments.models import (
    FundBudget,
    FundCatalogueItem,
    FundCategory,
    FundPaymentMethod,
    FundRequest,
    FundSettings,
    Supplier,
)
from brokerage.payments.stripe import gateway
from brokerage.payments.stripe import services as stripe_services
from brokerage.reference.choices import Barrier

# name, category, barrier, typical pence, maximum pence, description
CATALOGUE = [
    ("Bus pass (four weeks)", FundCategory.TRAVEL, Barrier.TRANSPORT, 4_500, 9_000,
     "Arriva or Stagecoach pass to get to interviews and the first weeks of work."),
    ("Train or bus fares to an interview", FundCategory.TRAVEL, Barrier.TRANSPORT, 1_200, 5_000, ""),
    ("Childcare to attend an interview or first weeks of work", FundCategory.CHILDCARE, Barrier.CHILDCARE,
     9_000, 30_000, "Registered childminder or nursery, until funded childcare starts."),
    ("Interview clothing", FundCategory.CLOTHING, Barrier.CONFIDENCE, 6_000, 10_000,
     "A suit or smart clothes and shoes for interviews."),
    ("Work boots and personal protective equipment", FundCategory.TOOLS, "", 5_500, 10_000,
     "Steel toe-cap boots, hi-vis and gloves for a site or warehouse job."),
    ("Tools for a trade", FundCategory.TOOLS, "", 12_000, 25_000, "A basic tool kit for a new starter."),
    ("CSCS card and health, safety and environment test", FundCategory.LICENCES, "", 6_500, 15_000,
     "Construction Skills Certification Scheme labourer card."),
    ("SIA door supervisor training and licence", FundCategory.LICENCES, "", 30_000, 40_000,
     "Door security training and the Security Industry Authority licence fee."),
    ("Basic DBS certificate", FundCategory.LICENCES, Barrier.OFFENDING, 1_800, 1_800, ""),
    ("Short vocational course", FundCategory.TRAINING, "", 20_000, 50_000,
     "Specialist training not offered free by Learning and Skills, e.g. forklift or food hygiene."),
]

# programme name, area name (None for all), budget pence
BUDGETS = [
    ("Routes to Work", "Stockton-on-Tees", 2_000_000),
    ("Routes to Work", "Middlesbrough", 2_000_000),
    ("Routes to Work", "Redcar and Cleveland", 1_500_000),
    ("Routes to Work", "Hartlepool", 1_500_000),
    ("Routes to Work", "Darlington", 1_500_000),
    ("Routes to Work", None, 500_000),
    ("Plan 500", None, 500_000),
    ("Ambition SCR", None, 2_500_000),
]

# participant NI number, description, category, barrier, pence, why not elsewhere, coordinator decides
REQUESTS = [
    ("JR123401A", "Four-week bus pass to get to the Teesside Park interviews", FundCategory.TRAVEL,
     Barrier.TRANSPORT, 4_500, "Not eligible for the Jobcentre's Flexible Support Fund this month."),
    ("KE123402B", "Two days with a registered childminder for a retail interview and induction",
     FundCategory.CHILDCARE, Barrier.CHILDCARE, 9_000, "Funded nursery place starts after the job starts."),
    ("SM123404D", "SIA door supervisor licence renewal", FundCategory.LICENCES, Barrier.DEBT, 21_000,
     "The Security Industry Authority fee is not covered by any other fund; debt plan leaves no margin."),
    ("LC123405A", "CSCS labourer card and test", FundCategory.LICENCES, Barrier.OFFENDING, 6_500,
     "Learning and Skills cannot offer the CSCS test this quarter."),
]


def _financial_year(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start_year = today.year if today.month >= 4 else today.year - 1
    return datetime.date(start_year, 4, 1), datetime.date(start_year + 1, 3, 31)


#: Organisations whose payout account is ready in the demo (Stripe stand-in, test mode).
READY_PAYOUT_EMPLOYERS = ["Tees Components Ltd"]
READY_PAYOUT_SUPPLIERS = ["Teesside Workwear Ltd"]


def _ready_payout_accounts(stdout) -> None:
    """A demo employer and supplier that can be paid at once: their connected accounts made and
    onboarded in the development Stripe stand-in (never with real keys)."""
    from brokerage.employers.models import Employer

    if not gateway.standin_in_use():
        stdout.write("  payments: not using the Stripe stand-in; no demo payout accounts made")
        return
    from portal.standins.stripe import development_account_onboard

    accounts = []
    for name in READY_PAYOUT_EMPLOYERS:
        employer = Employer.objects.filter(name=name).first()
        if employer is not None:
            accounts.append(stripe_services.employer_payout_account_start(employer=employer, actor=None))
    for name in READY_PAYOUT_SUPPLIERS:
        supplier = Supplier.objects.filter(name=name).first()
        if supplier is not None:
            accounts.append(stripe_services.supplier_payout_account_start(supplier=supplier, actor=None))
    for account in accounts:
        if not account.ready:
            development_account_onboard(account.account_id)
            stripe_services.payout_account_refresh(account=account)
    stdout.write(f"  payments: {len(accounts)} payout accounts ready (Stripe stand-in, test mode)")


def load(stdout) -> None:
    from brokerage.participants.models import Participant
    from brokerage.reference.models import Area, Programme
    from portal.accounts.models import User

    for order, (name, category, barrier, typical, maximum, description) in enumerate(CATALOGUE, start=1):
        FundCatalogueItem.objects.update_or_create(
            name=name,
            defaults={"category": category, "barrier": barrier, "typical_amount_pence": typical,
                      "max_amount_pence": maximum, "description": description, "order": order},
        )
    Supplier.objects.get_or_create(
        name="Teesside Workwear Ltd", defaults={"category": FundCategory.TOOLS, "email": "accounts@workwear.example"}
    )

    starts_on, ends_on = _financial_year(timezone.localdate())
    made = 0
    for programme_name, area_name, pence in BUDGETS:
        programme = Programme.objects.filter(name=programme_name).first()
        area = Area.objects.filter(name=area_name).first() if area_name else None
        if programme is None or (area_name and area is None):
            stdout.write(f"  payments: {programme_name} / {area_name or 'all areas'} not found; no fund budget")
            continue
        FundSettings.objects.get_or_create(programme=programme)
        _, created = FundBudget.objects.get_or_create(
            programme=programme, area=area, starts_on=starts_on,
            defaults={"ends_on": ends_on, "amount_pence": pence},
        )
        made += created

    key_worker_found = User.objects.filter(email="keyworker@example.org").first()
    requested = 0
    for nino, description, category, barrier, pence, why in REQUESTS:
        participant = Participant.objects.filter(ni_number=nino).select_related("key_worker").first()
        if participant is None or key_worker_found is None:
            continue
        if FundRequest.objects.filter(participant=participant, description=description).exists():
            continue
        try:
            fund.fund_request_submit(
                participant=participant, actor=participant.key_worker or key_worker_found,
                category=category, barrier=barrier, description=description, amount_pence=pence,
                not_available_elsewhere=why, payment_method=FundPaymentMethod.CARD,
            )
            requested += 1
        except Exception as exc:  # a demo gap (e.g. no budget) should not stop the seed
            stdout.write(f"  payments: fund request for {nino} skipped: {exc}")
    stdout.write(f"  payments: {made} fund budgets, {len(CATALOGUE)} catalogue items, {requested} fund requests")
    _ready_payout_accounts(stdout)

    incentives_load(stdout)  # employer incentive schemes and claims (brokerage/payments/incentives/demo.py)
