"""schema.org ``JobPosting`` for a live public opportunity, so job search engines list it.

Built from the opportunity as the public page shows it (the employer's name only when the
employer agreed to show it). Every page carries the properties in ``REQUIRED``, whatever the
opportunity: Google's required ones (title, description, datePosted, hiringOrganization,
jobLocation) and the recommended ones job search engines rank by (validThrough, baseSalary,
employmentType). Where the opportunity has no value of its own, the value says so truthfully:
a rolling opportunity is valid until the next re-check (``ROLLING_VALID_DAYS`` from today, so
the page, re-rendered, keeps moving it on); an unpaid placement's pay is £0; a remote job's
place is the country (with ``jobLocationType`` TELECOMMUTE).
"""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.utils import timezone
from django.utils.html import _json_script_escapes  # type: ignore[attr-defined]
from django.utils.safestring import SafeString, mark_safe

from brokerage.opportunities.models import Opportunity, OpportunityType, PayBasis

#: A week of at least this many hours is full time (GOV.UK: usually 30 to 35 or more).
FULL_TIME_HOURS = Decimal("30")

_UNIT = {PayBasis.HOUR: "HOUR", PayBasis.WEEK: "WEEK", PayBasis.YEAR: "YEAR"}

#: A rolling opportunity (open until filled) is said to be valid this many days ahead.
ROLLING_VALID_DAYS = 30

REQUIRED = ("@context", "@type", "title", "description", "datePosted", "validThrough",
            "hiringOrganization", "jobLocation", "baseSalary", "employmentType")


def employment_types(opportunity: Opportunity) -> list[str]:
    kind = opportunity.opportunity_type
    if kind in (OpportunityType.WORK_EXPERIENCE, OpportunityType.SWAP):
        return ["INTERN"]
    if kind == OpportunityType.VOLUNTEERING:
        return ["VOLUNTEER"]
    if kind == OpportunityType.WORK_TRIAL:
        return ["TEMPORARY"]
    hours = opportunity.hours_per_week
    if hours is None:
        return ["OTHER"]
    types = ["FULL_TIME" if hours >= FULL_TIME_HOURS else "PART_TIME"]
    if opportunity.duration_weeks:
        types.append("CONTRACTOR" if kind == OpportunityType.VACANCY else "TEMPORARY")
    return types


def _end_of_day(day: datetime.date) -> str:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59))).isoformat()


def job_posting(opportunity: Opportunity, *, url: str) -> dict:
    posted = opportunity.approved_at or opportunity.submitted_at or opportunity.created_at
    data: dict = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": opportunity.title,
        "description": opportunity.description or opportunity.title,
        "identifier": {"@type": "PropertyValue", "name": "Employer opportunity portal",
                       "value": f"OPP-{opportunity.pk}"},
        "url": url,
        "datePosted": timezone.localdate(posted).isoformat(),
        "hiringOrganization": {"@type": "Organization", "name": opportunity.display_employer_name},
        "employmentType": employment_types(opportunity),
        "totalJobOpenings": opportunity.places_left,
        "directApply": False,
    }
    if opportunity.show_employer_name and opportunity.employer.website:
        data["hiringOrganization"]["sameAs"] = opportunity.employer.website
    if opportunity.closing_date and not opportunity.rolling:
        data["validThrough"] = _end_of_day(opportunity.closing_date)
    else:
        data["validThrough"] = _end_of_day(
            timezone.localdate() + datetime.timedelta(days=ROLLING_VALID_DAYS)
        )
    if opportunity.start_date:
        data["jobStartDate"] = opportunity.start_date.isoformat()
    address = {"@type": "PostalAddress", "addressCountry": "GB"}
    if opportunity.postcode:
        address["postalCode"] = opportunity.postcode
    if opportunity.area:
        address["addressLocality"] = opportunity.area.name
    if opportunity.remote:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": "GB"}
    data["jobLocation"] = {"@type": "Place", "address": address}
    salary = _base_salary(opportunity)
    if salary is not None:
        data["baseSalary"] = salary
    return data


def _base_salary(opportunity: Opportunity) -> dict | None:
    """The pay as a MonetaryAmount; £0 an hour for an unpaid placement (it pays nothing)."""
    if opportunity.paid and opportunity.pay_pence and opportunity.pay_basis in _UNIT:
        value, unit = float(Decimal(opportunity.pay_pence) / 100), _UNIT[opportunity.pay_basis]
    elif not opportunity.paid:
        value, unit = 0.0, "HOUR"
    else:  # paid, but the pay is not recorded (the rules refuse this before it goes live)
        return None
    return {
        "@type": "MonetaryAmount",
        "currency": "GBP",
        "value": {"@type": "QuantitativeValue", "value": value, "unitText": unit},
    }


def json_ld(data: dict) -> SafeString:
    """The data as a ``<script type="application/ld+json">`` block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
