"""Request and response bodies. Choice fields take the portal's own vocabularies."""

import datetime

from ninja import Field, Schema

from brokerage.enquiries.models import ContactKind, Outcome
from brokerage.opportunities.models import (
    CandidateRoute,
    OpportunityType,
    PayBasis,
    SchoolActivity,
    TargetGroup,
)
from brokerage.reference.choices import Adjustment, DisabilityConfident, Licence, Sector
from brokerage.reference.models import Measure


class EmployerOut(Schema):
    id: int
    name: str
    companies_house_number: str
    postcode: str
    requires_employer_signoff: bool = Field(
        description="Opportunities you create wait for the employer to submit them."
    )


class OpportunityOut(Schema):
    id: int
    employer_id: int
    employer_name: str = Field(alias="employer.name")
    opportunity_type: str
    status: str
    status_label: str
    title: str
    description: str
    sector: str
    programme: str | None = Field(description="The programme's slug")
    strand_id: int | None
    site_id: int | None
    postcode: str
    remote: bool
    places: int
    places_filled: int
    hours_per_week: float | None
    paid: bool
    pay_pence: int | None = Field(description="Pay in pence (integer)")
    pay_basis: str
    start_date: datetime.date | None
    closing_date: datetime.date | None
    rolling: bool
    duration_weeks: int | None
    min_age: int | None
    max_age: int | None
    ring_fenced: bool
    target_groups: list[str]
    required_licences: list[str]
    essential_skills: list[str]
    desirable_skills: list[str]
    adjustments: list[str]
    disability_confident: str
    candidate_route: str
    candidate_instructions: str
    show_employer_name: bool
    public: bool
    qualification: str
    school_activity: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    submitted_at: datetime.datetime | None
    comments: list[dict[str, str]] = Field(
        description="Open comments from moderation or the automatic checks: field and comment."
    )

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_programme(obj) -> str | None:
        return obj.programme.slug if obj.programme_id else None

    @staticmethod
    def resolve_hours_per_week(obj) -> float | None:
        return float(obj.hours_per_week) if obj.hours_per_week is not None else None

    @staticmethod
    def resolve_comments(obj) -> list[dict[str, str]]:
        comments = getattr(obj, "open_comments", None)
        if comments is None:
            comments = obj.field_comments.filter(resolved_at__isnull=True)
        return [{"field": c.field_name, "comment": c.comment} for c in comments]


class _OpportunityFields(Schema):
    description: str | None = Field(None, max_length=5000)
    sector: Sector | None = None
    strand_id: int | None = Field(None, description="The programme strand it counts towards")
    site_id: int | None = Field(None, description="One of the employer's sites")
    postcode: str | None = Field(None, max_length=12)
    remote: bool | None = None
    places: int | None = Field(None, ge=1, le=500)
    hours_per_week: float | None = Field(None, gt=0, le=99.9)
    paid: bool | None = None
    pay_pence: int | None = Field(None, gt=0, le=100_000_000)
    pay_basis: PayBasis | None = None
    start_date: datetime.date | None = None
    closing_date: datetime.date | None = None
    rolling: bool | None = None
    duration_weeks: int | None = Field(None, ge=1, le=520)
    min_age: int | None = Field(None, ge=0, le=120)
    max_age: int | None = Field(None, ge=0, le=120)
    ring_fenced: bool | None = None
    target_groups: list[TargetGroup] | None = None
    required_licences: list[Licence] | None = None
    essential_skills: list[str] | None = Field(None, max_length=50)
    desirable_skills: list[str] | None = Field(None, max_length=50)
    adjustments: list[Adjustment] | None = None
    disability_confident: DisabilityConfident | None = None
    candidate_route: CandidateRoute | None = None
    candidate_instructions: str | None = Field(None, max_length=5000)
    show_employer_name: bool | None = None
    public: bool | None = None
    qualification: str | None = Field(None, max_length=200)
    school_activity: SchoolActivity | None = None


class OpportunityCreate(_OpportunityFields):
    employer_id: int = Field(description="An employer your partnership may act for")
    opportunity_type: OpportunityType
    title: str = Field(min_length=1, max_length=160)


class OpportunityUpdate(_OpportunityFields):
    opportunity_type: OpportunityType | None = None
    title: str | None = Field(None, min_length=1, max_length=160)


class EnquiryOut(Schema):
    """One partner's part of an enquiry (an enquiry item), with the enquiry's details."""

    id: int
    reference: str = Field(alias="enquiry.reference")
    types: list[str]
    status: str
    organisation_name: str = Field(alias="enquiry.organisation_name")
    contact_name: str = Field(alias="enquiry.contact_name")
    email: str = Field(alias="enquiry.email")
    phone: str = Field(alias="enquiry.phone")
    preferred_contact: str = Field(alias="enquiry.preferred_contact")
    postcode: str = Field(alias="enquiry.postcode")
    area: str | None
    sector: str = Field(alias="enquiry.sector")
    size_band: str = Field(alias="enquiry.size_band")
    message: str = Field(alias="enquiry.message")
    programme: str | None
    routing_reason: str
    routed_at: datetime.datetime
    deadline: datetime.datetime
    overdue: bool
    accepted_at: datetime.datetime | None
    first_response_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    outcome: str
    outcome_notes: str

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_programme(obj) -> str | None:
        return obj.programme.slug if obj.programme_id else None

    @staticmethod
    def resolve_area(obj) -> str | None:
        return obj.enquiry.area.name if obj.enquiry.area_id else None


class ContactIn(Schema):
    contact_kind: ContactKind
    happened_at: datetime.datetime = Field(description="When you contacted the employer")
    summary: str = Field(min_length=1, max_length=2000)


class CloseIn(Schema):
    outcome: Outcome
    notes: str = Field("", max_length=2000)


class ParticipantOut(Schema):
    reference: str
    status: str
    first_name: str
    last_name: str
    date_of_birth: datetime.date | None
    postcode: str
    email: str
    phone: str
    programme: str = Field(alias="programme.slug")
    area: str | None
    key_worker: str | None
    readiness: str
    eligibility_status: str
    referred_on: datetime.date
    consent_employer_profile: bool

    @staticmethod
    def resolve_area(obj) -> str | None:
        return obj.area.name if obj.area_id else None

    @staticmethod
    def resolve_key_worker(obj) -> str | None:
        return obj.key_worker.display_name if obj.key_worker_id else None


class OutcomeOut(Schema):
    id: int
    kind: str
    measure: str = Field(description="The report measure it counts toward (may be empty)")
    measure_label: str
    participant_reference: str = Field(alias="participant.reference")
    programme: str = Field(alias="programme.slug")
    area: str | None
    employer_id: int
    opportunity_id: int
    placement_id: int
    occurred_on: datetime.date
    hours_per_week: float | None

    @staticmethod
    def resolve_measure_label(obj) -> str:
        return dict(Measure.choices).get(obj.measure, obj.measure)

    @staticmethod
    def resolve_area(obj) -> str | None:
        return obj.area.name if obj.area_id else None

    @staticmethod
    def resolve_hours_per_week(obj) -> float | None:
        return float(obj.hours_per_week) if obj.hours_per_week is not None else None


class DefinitionOut(Schema):
    measure: str
    definition: str


class MeasureCountOut(Schema):
    measure: str
    label: str
    people: int


class OutcomeSummaryOut(Schema):
    programme: str
    date_from: datetime.date
    date_to: datetime.date
    measures: list[MeasureCountOut]
    definitions: list[DefinitionOut]
