"""Demo pipeline: checkpoint rules per programme, proposals in several states, two placements.

Rules come from the seeds: Routes to Work (seed 000) checks sustainment at 3, 6, 9 and 12
months; Ambition SCR (seed 003) counts job starts of 16+ hours a week for 4 weeks and
sustained work of 16+ hours for 26 weeks; 13 weeks is the incentive stage (DESIGN.md §2.4).

Everything goes through the services, as the demo key worker (keyworker@example.org) and the
demo employer (employer@example.org, Tees Components Ltd). Idempotent: rules are found by
(programme, name); a participant already proposed for an opportunity is left alone. Skips what
it cannot find, saying so.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from brokerage.pipeline.models import (
    CheckpointKind,
    CheckpointRule,
    ConfirmedVia,
    Interview,
    MentorProfile,
    Proposal,
    RouteWay,
)
from brokerage.pipeline.services.in_work import support_contact_record
from brokerage.pipeline.services.placements import checkpoint_confirm, placement_start
from brokerage.pipeline.services.proposals import (
    interview_book,
    proposal_create,
    proposal_transition,
)
from brokerage.reference.choices import Sector
from brokerage.reference.models import Measure

# (name, kind, offset days, offset months, minimum hours a week, measure it counts toward)
RuleSpec = tuple[str, str, int, int, int | None, str]

FOUR_WEEKS: RuleSpec = (
    "Job start sustained 4 weeks",
    CheckpointKind.SUSTAINMENT,
    28,
    0,
    16,
    Measure.JOB_STARTS_4W,
)
THIRTEEN_WEEKS: RuleSpec = (
    "Sustained 13 weeks",
    CheckpointKind.SUSTAINMENT,
    91,
    0,
    16,
    Measure.SUSTAINED_13W,
)
TWENTY_SIX_WEEKS: RuleSpec = (
    "Sustained 26 weeks",
    CheckpointKind.SUSTAINMENT,
    182,
    0,
    16,
    Measure.SUSTAINED_26W,
)
REVIEWS: list[RuleSpec] = [
    (f"{m}-month sustainment review", CheckpointKind.REVIEW, 0, m, None, "") for m in (3, 6, 9, 12)
]

RULES: dict[str, list[RuleSpec]] = {
    "Routes to Work": [FOUR_WEEKS, THIRTEEN_WEEKS, TWENTY_SIX_WEEKS, *REVIEWS],
    "Ambition SCR": [FOUR_WEEKS, TWENTY_SIX_WEEKS],
    "Plan 500": [FOUR_WEEKS, TWENTY_SIX_WEEKS],
    "Sustaining People into Work": [THIRTEEN_WEEKS, TWENTY_SIX_WEEKS, *REVIEWS],
}


def _load_rules(stdout) -> None:
    from brokerage.reference.models import Programme

    for name, rules in RULES.items():
        programme = Programme.objects.filter(name=name).first()
        if programme is None:
            stdout.write(f"  pipeline: programme {name} not found; no checkpoint rules for it")
            continue
        for order, (rule_name, kind, days, months, hours, measure) in enumerate(rules, start=1):
            CheckpointRule.objects.get_or_create(
                programme=programme,
                name=rule_name,
                defaults={
                    "kind": kind,
                    "offset_days": days,
                    "offset_months": months,
                    "min_hours": Decimal(hours) if hours else None,
                    "counts_as": measure,
                    "order": order,
                },
            )


def load(stdout) -> None:
    from brokerage.employers.models import Employer
    from brokerage.opportunities.models import Opportunity, OpportunityStatus
    from brokerage.participants.models import Participant
    from portal.accounts.models import User

    _load_rules(stdout)
    worker = User.objects.filter(email="keyworker@example.org").first()
    boss = User.objects.filter(email="employer@example.org").first()
    employer = Employer.objects.filter(name="Tees Components Ltd").first()
    if not (worker and boss and employer):
        stdout.write(
            "  pipeline: demo key worker, employer user or "
            "Tees Components Ltd missing; no demo pipeline"
        )
        return
    live = {
        o.title: o
        for o in Opportunity.objects.filter(employer=employer, status=OpportunityStatus.LIVE)
    }
    consenting = Participant.objects.filter(key_worker=worker, consent_employer_profile=True)
    people = list(consenting.order_by("id")[:5])
    wanted = ["CNC machine operator", "Engineering apprentice", "Site security officer"]
    if len(people) < 5 or not all(t in live for t in wanted):
        stdout.write(
            "  pipeline: not enough demo participants or "
            "Tees Components opportunities; no demo pipeline"
        )
        return

    today = timezone.localdate()
    made = 0

    def propose(person, title, note):
        nonlocal made
        if Proposal.objects.filter(participant=person, opportunity=live[title]).exists():
            return None
        made += 1
        return proposal_create(
            actor=worker,
            participant=person,
            opportunity=live[title],
            note=note,
            share_details_at_interview=True,
        )

    def book(proposal, when):
        interview_book(
            actor=boss,
            proposal=proposal,
            date=max(when, today),
            time=datetime.time(10, 30),
            format="in_person",
            location="Tees Components Ltd, Portrack Lane, Stockton TS18 2NT",
            adjustments="Step-free access; questions sent in advance",
        )
        Interview.objects.filter(proposal=proposal).update(date=when)

    def start(proposal, days_ago, hours):
        book(proposal, today - datetime.timedelta(days=days_ago + 10))
        for actor, action in ((boss, "interviewed"), (boss, "offer"), (worker, "accept")):
            proposal_transition(actor=actor, proposal=proposal, action=action)
        return placement_start(
            actor=worker,
            proposal=proposal,
            job_title=proposal.opportunity.title,
            start_date=today - datetime.timedelta(days=days_ago),
            hours_per_week=Decimal(hours),
            contract_type="permanent",
            pay_pence=proposal.opportunity.pay_pence,
            pay_basis=proposal.opportunity.pay_basis if proposal.opportunity.pay_pence else "",
            confirm_before_opportunity_start=True,  # demo history: some started early
        )

    a, b, c, d, e = people
    propose(
        a,
        "CNC machine operator",
        "Keen to get back into manufacturing; has used a lathe at college.",
    )
    p = propose(
        b,
        "Engineering apprentice",
        "Good with numbers and wants a long-term career in engineering.",
    )
    if p:
        book(p, today + datetime.timedelta(days=4))
    p = propose(c, "Site security officer", "Reliable and calm; interested in security work.")
    if p:
        proposal_transition(
            actor=boss,
            proposal=p,
            action="decline",
            reason="The role needs an SIA licence, which the candidate does not hold yet",
        )
    p = propose(d, "CNC machine operator", "Ran machinery in a previous job; ready to start.")
    if p:
        start(p, 30, "37.5")  # the 4-week checkpoint is due for the employer to confirm
    p = propose(e, "Engineering apprentice", "Completed the engineering route-way.")
    if p:
        placement = start(p, 100, "37.5")
        four = placement.checkpoints.filter(counts_as=Measure.JOB_STARTS_4W).first()
        if four:
            checkpoint_confirm(
                actor=boss,
                checkpoint=four,
                still_employed=True,
                hours_per_week=Decimal("37.5"),
                via=ConfirmedVia.EMPLOYER_DASHBOARD,
            )
        support_contact_record(
            actor=worker,
            placement=placement,
            happened_on=today - datetime.timedelta(days=60),
            with_whom="both",
            method="site_visit",
            issues="Early shifts hard with the bus timetable",
            actions="Flexible fund bus pass for the first month; supervisor moved start to 8am",
        )

    RouteWay.objects.get_or_create(
        name="Engineering route-way (15 hours)",
        opportunity=live["Engineering apprentice"],
        defaults={
            "hours": 15,
            "description": "Workshop safety, measuring and a day on the shop floor.",
        },
    )
    MentorProfile.objects.get_or_create(
        user=boss,
        defaults={
            "employer": employer,
            "sectors": [Sector.MANUFACTURING, Sector.LOGISTICS],
            "about": "HR manager at Tees Components. I can help with CVs, interviews and "
            "what employers look for in engineering and warehouse work.",
            "trained_on": today - datetime.timedelta(days=40),
        },
    )
    stdout.write(f"  pipeline: checkpoint rules loaded; {made} demo proposals created")
