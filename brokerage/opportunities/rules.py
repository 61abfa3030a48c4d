"""What each type of opportunity needs, and the checks an opportunity must pass.

``opportunity_errors`` is the full validation used before submission (field -> messages).
``automatic_check_findings`` are the checks run on submission before a person looks.
Both read rules held as data: minimum wage rates, per-programme rules, banned phrases.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.utils import timezone

from brokerage.opportunities.models import (
    AgeBand,
    BannedPhrase,
    MinimumWageRate,
    Opportunity,
    OpportunityRule,
    OpportunityType,
    PayBasis,
)
from brokerage.reference.apprenticeships import apprenticeship_standard
from brokerage.reference.postcodes import PostcodeError, validate_known_postcode
from portal.core.money import pence_display

REQUIRED, OPTIONAL = "required", "optional"
MIN_AGE, MAX_AGE = 14, 99
MAX_PLACES = 500


@dataclass(frozen=True)
class TypeSpec:
    """Which fields a type of opportunity asks for, and their bounds."""

    pay: str | None = None  # REQUIRED: must be paid; OPTIONAL: paid or unpaid; None: not asked
    hours: str | None = None
    duration: str | None = None
    qualification: str | None = None
    school_activity: str | None = None
    skills: bool = True
    min_hours: Decimal = Decimal("1")
    max_hours: Decimal = Decimal("48")
    max_weeks: int = 260
    places_label: str = "Number of places"
    needs_closing_date: bool = False  # a period end, not an application deadline
    needs_programme: bool = False
    apprenticeship: bool = False  # standard, training provider, off-the-job training
    safeguarding: bool = False  # supervisor, risk assessment, insurance (see safeguarding_needs)


TYPE_SPECS: dict[str, TypeSpec] = {
    OpportunityType.VACANCY: TypeSpec(pay=REQUIRED, hours=REQUIRED, duration=OPTIONAL),
    OpportunityType.APPRENTICESHIP: TypeSpec(
        pay=REQUIRED,
        hours=REQUIRED,
        duration=REQUIRED,
        min_hours=Decimal("16"),
        apprenticeship=True,
    ),
    OpportunityType.WORK_EXPERIENCE: TypeSpec(
        pay=OPTIONAL,
        hours=REQUIRED,
        duration=REQUIRED,
        max_hours=Decimal("40"),
        max_weeks=52,
        safeguarding=True,
    ),
    OpportunityType.WORK_TRIAL: TypeSpec(hours=REQUIRED, duration=REQUIRED, max_weeks=6),
    OpportunityType.SWAP: TypeSpec(hours=REQUIRED, duration=REQUIRED, max_weeks=6),
    OpportunityType.MENTORING: TypeSpec(
        duration=REQUIRED,
        skills=False,
        max_weeks=26,
        places_label="Number of people you can mentor",
    ),
    OpportunityType.GUARANTEED_INTERVIEW: TypeSpec(
        pay=OPTIONAL,
        hours=OPTIONAL,
        places_label="Number of interviews you pledge",
        needs_closing_date=True,
        needs_programme=True,
    ),
    OpportunityType.SCHOOL_ENGAGEMENT: TypeSpec(
        school_activity=REQUIRED, skills=False, places_label="Number of sessions you can offer"
    ),
    OpportunityType.WORK_BASED_QUALIFICATION: TypeSpec(
        qualification=REQUIRED,
        duration=OPTIONAL,
        skills=False,
        places_label="Number of young employees taking the qualification",
    ),
    OpportunityType.VOLUNTEERING: TypeSpec(hours=REQUIRED, duration=OPTIONAL),
}


def type_spec(opportunity_type: str) -> TypeSpec:
    return TYPE_SPECS.get(opportunity_type, TypeSpec())


def _age_band(opportunity_type: str, age: int) -> str:
    if opportunity_type == OpportunityType.APPRENTICESHIP:
        return AgeBand.APPRENTICE
    if age >= 21:
        return AgeBand.AGED_21_PLUS
    if age >= 18:
        return AgeBand.AGED_18_20
    return AgeBand.UNDER_18


def minimum_wage_for(
    *, opportunity_type: str, age: int, on: datetime.date
) -> MinimumWageRate | None:
    """The legal minimum hourly rate for someone of ``age`` on ``on`` (None if no rate held)."""
    return (
        MinimumWageRate.objects.filter(
            age_band=_age_band(opportunity_type, age), effective_from__lte=on
        )
        .order_by("-effective_from")
        .first()
    )


def hourly_pence(
    *, pay_pence: int, pay_basis: str, hours_per_week: Decimal | None
) -> Decimal | None:
    if pay_basis == PayBasis.HOUR:
        return Decimal(pay_pence)
    if not hours_per_week:
        return None
    if pay_basis == PayBasis.WEEK:
        return Decimal(pay_pence) / Decimal(hours_per_week)
    if pay_basis == PayBasis.YEAR:
        return Decimal(pay_pence) / (Decimal(hours_per_week) * 52)
    return None


def _wage_error(opp: Opportunity) -> str | None:
    """One advertised rate must be lawful for the oldest person the opportunity is open to."""
    hourly = hourly_pence(
        pay_pence=opp.pay_pence, pay_basis=opp.pay_basis, hours_per_week=opp.hours_per_week
    )
    if hourly is None:
        return None
    on = opp.start_date or timezone.localdate()
    oldest = opp.max_age if opp.max_age is not None else 21
    rate = minimum_wage_for(opportunity_type=opp.opportunity_type, age=oldest, on=on)
    if rate is None or hourly >= rate.hourly_pence:
        return None
    who = (
        "apprentices"
        if rate.age_band == AgeBand.APPRENTICE
        else f"people aged {rate.get_age_band_display().lower()}"
    )
    basis = ""
    if opp.pay_basis != PayBasis.HOUR:
        per_hour = hourly.quantize(Decimal("1"), rounding=ROUND_CEILING)
        basis = f" (this pay works out at {pence_display(int(per_hour))} an hour)"
    return (
        f"Pay must be at least {pence_display(rate.hourly_pence)} an hour, the "
        f"legal minimum for {who} from {rate.effective_from:%-d %B %Y}{basis}"
    )


# Off-the-job training (apprenticeship funding rules from 1 August 2022): at least 6 hours a
# week for an apprentice working 30 hours or more; for fewer hours, the same share (20%) of the
# hours they work.
OFF_THE_JOB_FULL_TIME_HOURS = Decimal("30")
OFF_THE_JOB_FULL_TIME_MINIMUM = Decimal("6")
OFF_THE_JOB_SHARE = Decimal("0.2")
ADULT_AGE = 18


def _number(value: Decimal) -> str:
    """Decimal("4.0") -> "4", Decimal("7.5") -> "7.5"."""
    return f"{Decimal(value).normalize():f}"


def off_the_job_minimum(hours_per_week: Decimal) -> Decimal:
    """The least off-the-job training a week for an apprentice working ``hours_per_week``."""
    if hours_per_week >= OFF_THE_JOB_FULL_TIME_HOURS:
        return OFF_THE_JOB_FULL_TIME_MINIMUM
    return (Decimal(hours_per_week) * OFF_THE_JOB_SHARE).quantize(
        Decimal("0.1"), rounding=ROUND_CEILING
    )


def _apprenticeship_errors(opp: Opportunity, add) -> None:
    if not opp.apprenticeship_standard:
        add("apprenticeship_standard", "Select the apprenticeship standard")
    elif apprenticeship_standard(opp.apprenticeship_standard) is None:
        add("apprenticeship_standard", "Select an apprenticeship standard from the list")
    if not (opp.training_provider or "").strip():
        add("training_provider", "Enter the name of the training provider")
    otj = opp.off_the_job_hours_per_week
    if otj is None:
        add("off_the_job_hours_per_week", "Enter the hours of off-the-job training each week")
    elif otj <= 0:
        add("off_the_job_hours_per_week", "Off-the-job training must be more than 0 hours a week")
    elif opp.hours_per_week:
        minimum = off_the_job_minimum(opp.hours_per_week)
        if otj > opp.hours_per_week:
            add(
                "off_the_job_hours_per_week",
                "Off-the-job training is part of the apprentice's paid hours: it cannot be more "
                f"than the {_number(opp.hours_per_week)} hours a week they work",
            )
        elif otj < minimum:
            if opp.hours_per_week >= OFF_THE_JOB_FULL_TIME_HOURS:
                why = (
                    f"an apprentice working {_number(OFF_THE_JOB_FULL_TIME_HOURS)} hours a week "
                    "or more"
                )
            else:
                why = (
                    f"{_number(OFF_THE_JOB_SHARE * 100)}% of the {_number(opp.hours_per_week)} "
                    "hours a week "
                    "the apprentice works"
                )
            add(
                "off_the_job_hours_per_week",
                f"Off-the-job training must be at least {_number(minimum)} hours a week: {why}",
            )


def safeguarding_needs(opp: Opportunity) -> dict[str, bool]:
    """What a work-experience placement must have before it is submitted.

    Employer's liability insurance must cover everyone on work experience; a named supervisor
    and a risk assessment are needed when the placement is open to anyone under 18 (no youngest
    age, or a youngest age under 18).
    """
    if not type_spec(opp.opportunity_type).safeguarding:
        return {"supervisor": False, "risk_assessment": False, "insurance": False}
    under_18 = opp.min_age is None or opp.min_age < ADULT_AGE
    return {"supervisor": under_18, "risk_assessment": under_18, "insurance": True}


def _safeguarding_errors(opp: Opportunity, add) -> None:
    needs = safeguarding_needs(opp)
    if needs["supervisor"] and not (opp.supervisor_name or "").strip():
        add(
            "supervisor_name",
            "Enter the name of the person who will supervise young people on the placement",
        )
    if needs["risk_assessment"] and not opp.risk_assessment:
        add("risk_assessment", "Upload the risk assessment for the placement")
    if needs["insurance"]:
        if not opp.insurance_confirmed:
            add(
                "insurance_confirmed",
                "Confirm you hold employer's liability insurance that covers people on "
                "work experience",
            )
        if not opp.insurance_certificate:
            add("insurance_certificate", "Upload your employer's liability insurance certificate")


def matching_rules(opp: Opportunity):
    if not opp.programme_id:
        return OpportunityRule.objects.none()
    groups = [""] + list(opp.target_groups or [])
    return OpportunityRule.objects.filter(
        programme_id=opp.programme_id,
        opportunity_type=opp.opportunity_type,
        target_group__in=groups,
    ).order_by("target_group")


def _weeks(n: int) -> str:
    return f"{n} week" if n == 1 else f"{n} weeks"


def opportunity_errors(
    opp: Opportunity, *, today: datetime.date | None = None
) -> dict[str, list[str]]:
    """Every problem that stops ``opp`` being submitted, by field name."""
    today = today or timezone.localdate()
    spec = type_spec(opp.opportunity_type)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if opp.opportunity_type not in OpportunityType.values:
        add("opportunity_type", "Select the type of opportunity")
    if not (opp.title or "").strip():
        add("title", "Enter a title")
    if not (opp.description or "").strip():
        add("description", "Enter a description of the opportunity")
    if not opp.sector:
        add("sector", "Select the sector")
    if opp.strand_id and opp.programme_id and opp.strand.programme_id != opp.programme_id:
        add("strand", "Select a strand of the programme")
    if (spec.needs_programme or opp.ring_fenced) and not opp.programme_id:
        add("strand", "Select the programme and strand this counts towards")

    if not opp.remote:
        if not opp.postcode:
            add("postcode", "Enter the postcode of the site, or say the opportunity is remote")
        else:
            try:
                validate_known_postcode(opp.postcode)
            except PostcodeError as exc:
                add("postcode", str(exc))

    if not opp.places or opp.places < 1:
        add("places", f"{spec.places_label} must be 1 or more")
    elif opp.places > MAX_PLACES:
        add("places", f"{spec.places_label} must be {MAX_PLACES} or fewer")

    # Dates
    if not opp.start_date:
        add("start_date", "Enter the start date")
    if spec.needs_closing_date:
        if not opp.closing_date:
            add("closing_date", "Enter the date the pledge ends")
        elif opp.start_date and opp.closing_date <= opp.start_date:
            add("closing_date", "The date the pledge ends must be after the date it starts")
    elif not opp.rolling and not opp.closing_date:
        add("closing_date", "Enter a closing date, or say applications are rolling")
    elif opp.closing_date and opp.start_date and opp.closing_date > opp.start_date:
        add("closing_date", "The closing date must be on or before the start date")
    if opp.closing_date and opp.closing_date < today and "closing_date" not in errors:
        add("closing_date", "The closing date must be today or in the future")

    # Hours
    if spec.hours == REQUIRED and opp.hours_per_week is None:
        add("hours_per_week", "Enter the hours per week")
    if spec.hours and opp.hours_per_week is not None:
        if not spec.min_hours <= opp.hours_per_week <= spec.max_hours:
            add(
                "hours_per_week",
                f"Hours per week must be between {spec.min_hours:g} and {spec.max_hours:g}",
            )

    # Pay
    if spec.pay == REQUIRED and not opp.paid:
        add("paid", f"A {opp.get_opportunity_type_display().lower()} must be paid")
    if spec.pay == REQUIRED or (spec.pay == OPTIONAL and opp.paid and opp.pay_pence is not None):
        if opp.pay_pence is None:
            add("pay_pence", "Enter the pay")
        elif not opp.pay_basis:
            add("pay_basis", "Select whether the pay is an hour, a week or a year")
        elif opp.pay_basis != PayBasis.HOUR and opp.hours_per_week is None:
            add("hours_per_week", "Enter the hours per week so we can check the pay")
        else:
            message = _wage_error(opp)
            if message:
                add("pay_pence", message)

    # Duration
    if spec.duration == REQUIRED and not opp.duration_weeks:
        add("duration_weeks", "Enter how many weeks it lasts")
    if opp.duration_weeks and opp.duration_weeks > spec.max_weeks:
        add(
            "duration_weeks",
            f"A {opp.get_opportunity_type_display().lower()} "
            f"can last up to {_weeks(spec.max_weeks)}",
        )
    for rule in matching_rules(opp):
        if not opp.duration_weeks or "duration_weeks" in errors:
            break
        low, high = rule.min_weeks, rule.max_weeks
        if (low and opp.duration_weeks < low) or (high and opp.duration_weeks > high):
            if low and high:
                bounds = f"between {low} and {_weeks(high)}"
            elif high:
                bounds = f"up to {_weeks(high)}"
            else:
                bounds = f"at least {_weeks(low)}"
            who = f" for {rule.get_target_group_display()}" if rule.target_group else ""
            add(
                "duration_weeks",
                f"{opp.get_opportunity_type_display()}{who} in {opp.programme} must last {bounds}",
            )

    if spec.qualification == REQUIRED and not (opp.qualification or "").strip():
        add("qualification", "Enter the qualification")
    if spec.school_activity == REQUIRED and not opp.school_activity:
        add("school_activity", "Select the kind of school activity")
    if spec.apprenticeship:
        _apprenticeship_errors(opp, add)
    if spec.safeguarding:
        _safeguarding_errors(opp, add)

    # Ages
    if opp.min_age is not None and not MIN_AGE <= opp.min_age <= MAX_AGE:
        add("min_age", f"The youngest age must be between {MIN_AGE} and {MAX_AGE}")
    if opp.max_age is not None and not MIN_AGE <= opp.max_age <= MAX_AGE:
        add("max_age", f"The oldest age must be between {MIN_AGE} and {MAX_AGE}")
    if (
        opp.min_age is not None
        and opp.max_age is not None
        and opp.min_age > opp.max_age
        and "min_age" not in errors
    ):
        add("max_age", "The oldest age must be the same as or more than the youngest age")
    return errors


@dataclass(frozen=True)
class Finding:
    field: str
    message: str


def _phrase_in(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", text.lower()) is not None


def automatic_check_findings(opp: Opportunity) -> list[Finding]:
    """Checks run on submission before a person looks. Any finding refers the opportunity back."""
    findings: list[Finding] = []
    spec = type_spec(opp.opportunity_type)
    if spec.pay and opp.paid and opp.pay_pence is None:
        findings.append(Finding("pay_pence", "This is a paid role: say what it pays"))
    for rule in matching_rules(opp).filter(target_group=""):
        low, high = rule.min_age, rule.max_age
        too_young = low is not None and (opp.min_age is None or opp.min_age < low)
        too_old = high is not None and (opp.max_age is None or opp.max_age > high)
        if too_young or too_old:
            allowed = f"{low or MIN_AGE} to {high or MAX_AGE}"
            findings.append(
                Finding(
                    "min_age" if too_young else "max_age",
                    f"{opp.programme} {opp.get_opportunity_type_display().lower()} "
                    f"opportunities are for people aged {allowed}: change the age range",
                )
            )
    for phrase in BannedPhrase.objects.all():
        for field in ("title", "description", "candidate_instructions"):
            if _phrase_in(getattr(opp, field) or "", phrase.phrase):
                findings.append(Finding(field, f"Remove ‘{phrase.phrase}’: {phrase.reason}"))
    return findings
