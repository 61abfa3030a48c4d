"""schema.org ``JobPosting`` for a live public opportunity, so job search engines list it.

Built from the opportunity as the public page shows it (the employer's name only when the
employer agreed to show it). Google's required properties (title, description, datePosted,
hiringOrganization, jobLocation or a remote job's applicantLocationRequirements) are always
there; validThrough, baseSalary and employmentType when the opportunity has them.
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

REQUIRED = ("@context", "@type", "title", "description", "datePosted", "hiringOrganization")


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
    if not opportunity.remote or opportunity.postcode:
        data["jobLocation"] = {"@type": "Place", "address": address}
    if opportunity.paid and opportunity.pay_pence and opportunity.pay_basis in _UNIT:
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": "GBP",
            "value": {
                "@type": "QuantitativeValue",
                "value": float(Decimal(opportunity.pay_pence) / 100),
                "unitText": _UNIT[opportunity.pay_basis],
            },
        }
    return data


def json_ld(data: dict) -> SafeString:
    """The data as a ``<script type="application/ld+json">`` block, safe inside HTML."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
