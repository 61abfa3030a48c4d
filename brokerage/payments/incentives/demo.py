"""Demo employer incentive schemes, and claims for the demo starts.

Seed 000 (Tees Valley Routes to Work) describes employer incentives for taking on people far
from the labour market, in real jobs of at least 16 hours a week, with sustainment checked at
set points after the start; seed 003 (Ambition SCR) defines the 4-week job start and 26-week
sustainment outcomes. Neither gives amounts, so the amounts below are demo values an admin
changes in the Wagtail admin (Incentive schemes). Idempotent: schemes by (programme, name).
"""

import datetime

from brokerage.payments.incentives import services as incentives
from brokerage.payments.models import IncentiveAgeBand, IncentiveScheme, IncentiveStage

# programme, scheme name, first eligible start, min hours, [(min age, max age, pence)],
# [(stage name, days after the start, share %, checkpoint measure)]
SCHEMES = [
    ("Routes to Work", "Routes to Work employer incentive", datetime.date(2018, 4, 1), 16,
     [(18, 24, 200_000), (25, None, 150_000)],
     [("After 4 weeks in work", 28, 50, "job_starts_4w"), ("After 26 weeks in work", 182, 50, "sustained_26w")]),
    ("Ambition SCR", "Ambition SCR sustained job incentive", datetime.date(2017, 4, 1), 16,
     [(16, 24, 100_000), (25, None, 100_000)],
     [("After 13 weeks in work", 91, 40, "sustained_13w"), ("After 26 weeks in work", 182, 60, "sustained_26w")]),
]


def load(stdout) -> None:
    from brokerage.reference.models import Programme

    made = 0
    for programme_name, name, starts_from, min_hours, bands, stages in SCHEMES:
        programme = Programme.objects.filter(name=programme_name).first()
        if programme is None:
            stdout.write(f"  payments: {programme_name} not found; no incentive scheme")
            continue
        scheme, created = IncentiveScheme.objects.get_or_create(
            programme=programme, name=name, defaults={"starts_from": starts_from, "min_hours": min_hours},
        )
        if created:
            made += 1
            for order, (low, high, pence) in enumerate(bands):
                IncentiveAgeBand.objects.create(scheme=scheme, min_age=low, max_age=high, amount_pence=pence,
                                                sort_order=order)
            for order, (stage, days, share, measure) in enumerate(stages):
                IncentiveStage.objects.create(scheme=scheme, name=stage, day_offset=days, share_percent=share,
                                              checkpoint_measure=measure, sort_order=order)
    claims = incentives.incentive_claims_sync()
    checked = incentives.incentive_payments_check_due()
    stdout.write(f"  payments: {made} incentive schemes, {claims} incentive claims, {checked} payments checked")
