"""Outcome records in bulk: the Ambition SCR actuals from seed 003, and the benchmark data.

``outcomes_bulk_create`` makes the smallest set of real records the reports count: one
participant per person, a started proposal and a placement each, and the outcome records
(start or placement, 4-week and 26-week checkpoints met, missed checks and leavers,
progressions), all with ``bulk_create`` in batches. Nothing here is a report figure typed in:
the reports count these records like any others.

``ambition_actuals_load`` loads the "Actual To Date (30/08/17)" column of seed 003 (lines
28–70, copied to ``data/ambition_actuals.csv``) for each of the five authorities. Targets come
from ``brokerage.reference.demo`` (``data/targets.csv``). Idempotent: an authority that already
has its seed records is left alone.
"""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from brokerage.audit.services import audit_event_record
from brokerage.employers.models import Employer
from brokerage.opportunities.models import Opportunity, OpportunityStatus, OpportunityType
from brokerage.participants.models import Participant, ParticipantStatus, Readiness, ReferralSource
from brokerage.pipeline.models import (
    CheckpointKind,
    CheckpointRule,
    ContractType,
    OutcomeKind,
    OutcomeRecord,
    Placement,
    PlacementStatus,
    Proposal,
    ProposalStatus,
)
from brokerage.reference.models import Area, Measure, Programme
from portal.accounts.models import User

DATA_DIR = Path(__file__).parent / "data"
AMBITION = "Ambition SCR"
AMBITION_FIRST_START = datetime.date(2015, 1, 5)
AMBITION_SPREAD_DAYS = (
    750  # the last start is in January 2017, so 26 weeks end before 30 August 2017
)
BATCH = 5000
#: How long after their start the leavers in bulk-created outcomes leave.
LEAVES_AFTER = datetime.timedelta(days=60)
SEED_MEASURES = {
    "Starts": Measure.STARTS,
    "Placements": Measure.PLACEMENTS,
    "4 weeks": Measure.JOB_STARTS_4W,
    "Sustained 26w": Measure.SUSTAINED_26W,
    "Progressions": Measure.PROGRESSIONS,
}


@dataclass
class OutcomeCounts:
    """How many people reach each outcome; 4-week, 26-week and progressions are among the
    starters."""

    starts: int = 0
    placements: int = 0
    four_weeks: int = 0
    sustained_26w: int = 0
    progressions: int = 0
    leavers: int = (
        0  # starters who left after 4 weeks and before 26 (their 26-week check is missed)
    )
    repeat_starts: int = 0  # starters who start a second job too (still one start each)

    def __post_init__(self):
        if (
            max(self.four_weeks, self.sustained_26w, self.progressions, self.repeat_starts)
            > self.starts
        ):
            raise ValueError(
                "4-week, 26-week, progression and repeat counts are among the starters"
            )
        if self.sustained_26w + self.leavers > self.four_weeks:
            raise ValueError("Sustained and early leavers are among those sustained 4 weeks")


def ambition_actuals() -> dict[str, dict[str, int]]:
    """{authority: {measure: actual}} from ``data/ambition_actuals.csv`` (seed 003)."""
    with (DATA_DIR / "ambition_actuals.csv").open(newline="") as handle:
        actuals: dict[str, dict[str, int]] = {}
        for row in csv.DictReader(handle):
            actuals.setdefault(row["area"], {})[row["measure"]] = int(row["actual"])
    return actuals


def _seed_objects(programme: Programme) -> tuple[Employer, Opportunity, Opportunity, Opportunity]:
    employer, _ = Employer.objects.get_or_create(
        name=f"{programme.name} employers (reported outcomes)",
        defaults={"postcode": ""},
    )
    common = {"employer": employer, "programme": programme, "status": OpportunityStatus.CLOSED,
              "places": 1, "hours_per_week": Decimal("30")}
    job, _ = Opportunity.objects.get_or_create(
        title=f"{programme.name}: jobs reported",
        opportunity_type=OpportunityType.VACANCY,
        defaults=common,
    )
    second_job, _ = Opportunity.objects.get_or_create(
        title=f"{programme.name}: second jobs reported", opportunity_type=OpportunityType.VACANCY,
        defaults=common,
    )
    placement, _ = Opportunity.objects.get_or_create(
        title=f"{programme.name}: work placements reported",
        opportunity_type=OpportunityType.WORK_EXPERIENCE, defaults={**common, "paid": False},
    )
    return employer, job, second_job, placement


def outcomes_bulk_create(
    *,
    programme: Programme,
    area: Area | None,
    counts: OutcomeCounts,
    prefix: str,
    first_start: datetime.date,
    spread_days: int,
    extra_referrals: int = 0,
    batch_size: int = BATCH,
) -> int:
    """Create the people, placements and outcome records behind ``counts``. Returns placements made.

    ``prefix`` makes the participant references and record keys unique (at most 3 characters).
    ``extra_referrals`` adds people referred and assessed who never started (for the funnel).
    """
    employer, job, second_job, work_placement = _seed_objects(programme)
    people = counts.starts + counts.placements + extra_referrals

    def start_on(i: int) -> datetime.date:
        return first_start + datetime.timedelta(days=(i * 7 + i // 13) % max(spread_days, 1))

    participants = [
        Participant(
            reference=f"{prefix}{i:07d}"[:10],
            status=ParticipantStatus.ACTIVE,
            area=area,
            referral_area=area,
            programme=programme,
            referral_source=ReferralSource.JOBCENTRE_PLUS,
            referred_on=start_on(i) - datetime.timedelta(days=60),
            assessment_due_on=start_on(i) - datetime.timedelta(days=46),
            assessed_on=start_on(i) - datetime.timedelta(days=50),
            readiness=Readiness.JOB_READY
            if i < counts.starts + counts.placements
            else Readiness.GETTING_READY,
            readiness_changed_on=start_on(i) - datetime.timedelta(days=30),
        )
        for i in range(people)
    ]
    Participant.objects.bulk_create(participants, batch_size=batch_size)

    # (participant index, opportunity, start date) for every placement.
    starts = [(i, job, start_on(i)) for i in range(counts.starts)]
    starts += [
        (counts.starts + i, work_placement, start_on(counts.starts + i))
        for i in range(counts.placements)
    ]
    starts += [
        (i, second_job, start_on(i) + datetime.timedelta(days=200))
        for i in range(counts.repeat_starts)
    ]
    proposals = [
        Proposal(participant=participants[i], opportunity=opp, status=ProposalStatus.STARTED,
                 note="Recorded from the programme's reported outcomes.")
        for i, opp, _ in starts
    ]
    Proposal.objects.bulk_create(proposals, batch_size=batch_size)
    placements = [
        Placement(
            proposal=proposal,
            participant=proposal.participant,
            employer=employer,
            opportunity=opp,
            programme=programme,
            job_title=opp.title[:160],
            start_date=on,
            hours_per_week=Decimal("30"),
            contract_type=ContractType.PLACEMENT
            if opp is work_placement
            else ContractType.PERMANENT,
        )
        for proposal, (_, opp, on) in zip(proposals, starts, strict=True)
    ]
    leavers = set(range(counts.sustained_26w, counts.sustained_26w + counts.leavers))
    for i in leavers:
        placements[i].status = PlacementStatus.LEFT
        placements[i].left_on = placements[i].start_date + LEAVES_AFTER
    Placement.objects.bulk_create(placements, batch_size=batch_size)

    records: list[OutcomeRecord] = []

    def record(
        kind: str, placement: Placement, on: datetime.date, measure: str = "", tag: str = ""
    ) -> None:
        records.append(OutcomeRecord(
            key=f"seed:{prefix}:{tag or kind}:{placement.pk}", kind=kind, measure=measure,
            participant=placement.participant, programme=programme, area=area, employer=employer,
            opportunity=placement.opportunity, placement=placement, occurred_on=on,
            hours_per_week=placement.hours_per_week, enrolment=programme,
            opportunity_type=placement.opportunity.opportunity_type,
            strand_id=placement.opportunity.strand_id,
        ))

    for n, placement in enumerate(placements):
        is_job = placement.opportunity_id != work_placement.pk
        record(
            OutcomeKind.START if is_job else OutcomeKind.PLACEMENT,
            placement,
            placement.start_date,
            Measure.STARTS if is_job else Measure.PLACEMENTS,
        )
        if n >= counts.starts:
            continue  # work placements and second jobs: the start is all that is reported
        day = placement.start_date
        if n < counts.four_weeks:
            record(OutcomeKind.CHECKPOINT_MET, placement, day + datetime.timedelta(days=28),
                   Measure.JOB_STARTS_4W, "4w")
        if n < counts.sustained_26w:
            record(OutcomeKind.CHECKPOINT_MET, placement, day + datetime.timedelta(days=182),
                   Measure.SUSTAINED_26W, "26w")
        elif n in leavers:
            record(OutcomeKind.LEAVER, placement, day + LEAVES_AFTER)
            record(OutcomeKind.CHECKPOINT_MISSED, placement, day + datetime.timedelta(days=182),
                   Measure.SUSTAINED_26W, "26w")
        if n < counts.progressions:
            record(OutcomeKind.PROGRESSION, placement, day + datetime.timedelta(days=120),
                   Measure.PROGRESSIONS)
    OutcomeRecord.objects.bulk_create(records, batch_size=batch_size)
    return len(placements)


def _ambition_rules(programme: Programme) -> None:
    """Seed 003's two sustainment measures, as the programme's checkpoint rules (if it has none)."""
    if CheckpointRule.objects.filter(programme=programme).exists():
        return
    CheckpointRule.objects.bulk_create(
        [
            CheckpointRule(
                programme=programme,
                name="Job start sustained 4 weeks",
                kind=CheckpointKind.SUSTAINMENT,
                offset_days=28,
                counts_as=Measure.JOB_STARTS_4W,
                order=1,
            ),
            CheckpointRule(
                programme=programme,
                name="Sustained 26 weeks",
                kind=CheckpointKind.SUSTAINMENT,
                offset_days=182,
                counts_as=Measure.SUSTAINED_26W,
                order=2,
            ),
        ]
    )


def ambition_actuals_load(*, actor: User | None = None, stdout=None) -> dict[str, int]:
    """Load seed 003's actuals for each Ambition SCR authority as outcome records."""
    programme = Programme.objects.get(name=AMBITION)
    made: dict[str, int] = {}
    with transaction.atomic():
        _ambition_rules(programme)
        for index, (name, actual) in enumerate(sorted(ambition_actuals().items())):
            area = Area.objects.get(name=name)
            prefix = f"AS{index}"
            if OutcomeRecord.objects.filter(
                programme=programme, key__startswith=f"seed:{prefix}:"
            ).exists():
                continue
            counts = OutcomeCounts(
                starts=actual[Measure.STARTS],
                placements=actual[Measure.PLACEMENTS],
                four_weeks=actual[Measure.JOB_STARTS_4W],
                sustained_26w=actual[Measure.SUSTAINED_26W],
                progressions=actual[Measure.PROGRESSIONS],
                leavers=min(3, actual[Measure.JOB_STARTS_4W] - actual[Measure.SUSTAINED_26W]),
            )
            made[name] = outcomes_bulk_create(
                programme=programme, area=area, counts=counts, prefix=prefix,
                first_start=AMBITION_FIRST_START, spread_days=AMBITION_SPREAD_DAYS,
            )
        if made:
            audit_event_record(
                actor=actor, action="reporting.seed_outcomes_loaded", obj=programme,
                summary=f"Seed 003 outcomes loaded for {', '.join(made)}",
                data={"placements": made},
            )
    if stdout is not None:
        stdout.write(
            f"Ambition SCR outcomes: {sum(made.values())} placements for {len(made)} authorities."
        )
    return made
