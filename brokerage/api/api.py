"""The partner API, ``/api/v1/``: django-ninja, OpenAPI 3 generated from this code.

Each endpoint reads through the selectors the pages use, called as the partner admin the token
acts for, and narrowed to the token's partner; each write calls the service the pages call,
inside a transaction that also writes an ``api.*`` audit event naming the token. Nothing here
decides a rule of its own.
"""

import datetime
import enum
from decimal import Decimal
from typing import Literal

from django.db import models, transaction
from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import NinjaAPI, Router, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import CursorPagination, paginate
from pydantic import ValidationError as PydanticValidationError

from brokerage.api.auth import TokenAuth, TokenRateThrottle
from brokerage.api.errors import ERROR_CODES, ApiError, ErrorOut, install_handlers
from brokerage.api.models import ApiToken
from brokerage.api.schemas import (
    CloseIn,
    ContactIn,
    DefinitionOut,
    EmployerOut,
    EnquiryOut,
    MeasureCountOut,
    OpportunityCreate,
    OpportunityOut,
    OpportunityUpdate,
    OutcomeOut,
    OutcomeSummaryOut,
    ParticipantOut,
)
from brokerage.audit.services import audit_event_record
from brokerage.employers.models import Employer, EmployerSite
from brokerage.employers.selectors import employers_partner_can_act_for, relationships_in_force
from brokerage.enquiries import services as enquiry_services
from brokerage.enquiries.models import EnquiryItem
from brokerage.enquiries.selectors import enquiry_items_filter, enquiry_items_visible_to
from brokerage.opportunities import services as opportunity_services
from brokerage.opportunities.models import FieldComment, Opportunity, OpportunityStatus
from brokerage.opportunities.selectors import employer_opportunities
from brokerage.participants.models import Participant
from brokerage.participants.selectors import participants_for_user
from brokerage.participants.services import access_log_record
from brokerage.pipeline.models import OutcomeRecord
from brokerage.reference.models import Measure, Programme, Strand
from brokerage.reference.postcodes import PostcodeError, validate_known_postcode
from brokerage.reporting.reports.outcomes import (
    COUNTED_KINDS,
    counted_outcomes,
    outcome_definitions,
    outcome_measures,
)
from brokerage.reporting.selectors import report_scope

READ = TokenAuth()
WRITE = TokenAuth(write=True)
# Every operation documents the error statuses of ``brokerage.api.errors.ERROR_CODES``.
ERRORS = {frozenset(status for status, _ in ERROR_CODES.values()): ErrorOut}

api = NinjaAPI(
    title="Opportunity brokerage partner API",
    version="1",
    description=(
        "Post opportunities for employers you work with, answer the enquiries routed to you, "
        "and read your caseloads' participants and outcomes. Authentication, errors, "
        "pagination and rate limits: see docs/api.md in the portal's repository."
    ),
    urls_namespace="partner_api",
    auth=READ,
    throttle=[TokenRateThrottle()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_handlers(api)


class IdCursorPagination(CursorPagination):
    """Cursor pagination on the (unique, never reused) id; a cursor that does not name an id is
    refused with the usual 422 rather than reaching the database."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        try:
            self.Cursor.from_encoded_param(pagination.cursor)
        except PydanticValidationError as exc:
            raise NinjaValidationError([{"loc": ("query", "cursor"), "msg": "Invalid cursor"}]) \
                from exc
        return super().paginate_queryset(queryset, pagination, request, **params)

    def _find_position(self, queryset, cursor):
        if cursor.p is not None and not str(cursor.p).isdigit():
            raise NinjaValidationError([{"loc": ("query", "cursor"), "msg": "Invalid cursor"}])
        return super()._find_position(queryset, cursor)


def _token(request: HttpRequest) -> ApiToken:
    token = request.auth  # type: ignore[attr-defined]
    assert isinstance(token, ApiToken)
    return token


def _audit_write(request: HttpRequest, *, action: str, obj, summary: str) -> None:
    """The API's own entry beside the service's: which token made the change, and how."""
    token = _token(request)
    audit_event_record(
        actor=request.user, action=f"api.{action}", obj=obj,
        summary=f"Through the partner API (token {token.prefix}…): {summary}",
        data={"token_id": token.pk, "token_prefix": token.prefix, "method": request.method,
              "path": request.path},
        acting_for=str(token.partner),
    )


# --- employers and opportunities ----------------------------------------------------------------

opportunities = Router(tags=["Opportunities"])


def _employers(request: HttpRequest) -> QuerySet[Employer]:
    return employers_partner_can_act_for(request.user).filter(
        partner_relationships__in=relationships_in_force().filter(
            partner_id=_token(request).partner_id
        )
    )


def _opportunities(request: HttpRequest) -> QuerySet[Opportunity]:
    return employer_opportunities(request.user).filter(
        employer__in=_employers(request)
    ).prefetch_related(
        Prefetch("field_comments", queryset=FieldComment.objects.filter(resolved_at__isnull=True),
                 to_attr="open_comments")
    )


def _employer_for_write(request: HttpRequest, employer_id: int) -> Employer:
    employer = _employers(request).filter(pk=employer_id).first()
    if employer is None:
        raise ApiError("invalid", "Choose an employer you may act for",
                       {"employer_id": ["Not an employer your partnership may act for"]})
    return employer


def _draft_data(payload, employer: Employer, current: Opportunity | None) -> dict:
    """The request's fields as opportunity values, checked as the form checks them."""
    given = payload.model_dump(exclude_unset=True)
    given.pop("employer_id", None)
    data: dict = {}
    errors: dict[str, list[str]] = {}
    for name, value in given.items():
        if name == "strand_id":
            strand = Strand.objects.select_related("programme").filter(pk=value).first()
            if value is not None and strand is None:
                errors[name] = ["No such programme strand"]
                continue
            data["strand"] = strand
            data["programme"] = strand.programme if strand else None
        elif name == "site_id":
            site = EmployerSite.objects.filter(pk=value, employer=employer).first()
            if value is not None and site is None:
                errors[name] = ["Not one of this employer's sites"]
                continue
            data["site"] = site
        elif name == "postcode":
            try:
                data["postcode"] = validate_known_postcode(value) if value else ""
            except PostcodeError as exc:
                errors[name] = [str(exc)]
        elif name == "hours_per_week":
            data[name] = None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))
        elif name in ("essential_skills", "desirable_skills", "target_groups",
                      "required_licences", "adjustments"):
            data[name] = [str(v) for v in value or []]
        elif value is None:
            # Blank text and choices are stored as "", numbers and dates as null.
            field = Opportunity._meta.get_field(name)
            assert isinstance(field, models.Field)
            data[name] = "" if field.get_internal_type() in ("CharField", "TextField") and \
                not field.null else None
            if field.get_internal_type() == "BooleanField":
                data[name] = field.default
        else:
            data[name] = value.value if isinstance(value, enum.Enum) else value
    if errors:
        raise ApiError("invalid", "The request had a problem", errors)
    paid = data.get("paid", current.paid if current else True)
    if not paid:
        data["pay_pence"], data["pay_basis"] = None, ""
    return data


@opportunities.get("/employers", response={200: list[EmployerOut], **ERRORS},
                   summary="Employers you may act for")
@paginate(IdCursorPagination, ordering=("id",))
def list_employers(request: HttpRequest):
    signoff = relationships_in_force().filter(
        partner_id=_token(request).partner_id, employer=OuterRef("pk")
    ).values("requires_employer_signoff")[:1]
    return _employers(request).annotate(requires_employer_signoff=Subquery(signoff))


@opportunities.get("/employers/{employer_id}", response={200: EmployerOut, **ERRORS},
                   summary="One employer you may act for")
def get_employer(request: HttpRequest, employer_id: int):
    signoff = relationships_in_force().filter(
        partner_id=_token(request).partner_id, employer=OuterRef("pk")
    ).values("requires_employer_signoff")[:1]
    return get_object_or_404(
        _employers(request).annotate(requires_employer_signoff=Subquery(signoff)), pk=employer_id
    )


@opportunities.get("/opportunities", response={200: list[OpportunityOut], **ERRORS},
                   summary="Opportunities of employers you act for")
@paginate(IdCursorPagination, ordering=("-id",))
def list_opportunities(
    request: HttpRequest, status: OpportunityStatus | None = None, employer_id: int | None = None
):
    qs = _opportunities(request)
    if status:
        qs = qs.filter(status=status)
    if employer_id is not None:
        qs = qs.filter(employer_id=employer_id)
    return qs


@opportunities.get("/opportunities/{opportunity_id}", response={200: OpportunityOut, **ERRORS})
def get_opportunity(request: HttpRequest, opportunity_id: int):
    return get_object_or_404(_opportunities(request), pk=opportunity_id)


@opportunities.post("/opportunities", auth=WRITE, response={201: OpportunityOut, **ERRORS},
                    summary="Create a draft for an employer you act for")
def create_opportunity(request: HttpRequest, payload: OpportunityCreate):
    employer = _employer_for_write(request, payload.employer_id)
    data = _draft_data(payload, employer, None)
    with transaction.atomic():
        opportunity = opportunity_services.opportunity_save_draft(
            actor=request.user, employer=employer, data=data
        )
        _audit_write(request, action="opportunity.created", obj=opportunity,
                     summary=f"created draft ‘{opportunity.title}’ for {employer.name}")
    return Status(201, _opportunities(request).get(pk=opportunity.pk))


@opportunities.patch("/opportunities/{opportunity_id}", auth=WRITE,
                     response={200: OpportunityOut, **ERRORS},
                     summary="Change a draft (or one referred back)")
def update_opportunity(request: HttpRequest, opportunity_id: int, payload: OpportunityUpdate):
    opportunity = get_object_or_404(_opportunities(request), pk=opportunity_id)
    data = _draft_data(payload, opportunity.employer, opportunity)
    with transaction.atomic():
        opportunity = opportunity_services.opportunity_save_draft(
            actor=request.user, employer=opportunity.employer, data=data, opportunity=opportunity
        )
        _audit_write(request, action="opportunity.updated", obj=opportunity,
                     summary=f"changed ‘{opportunity.title}’ ({', '.join(sorted(data)) or 'nothing'})")
    return _opportunities(request).get(pk=opportunity.pk)


@opportunities.post("/opportunities/{opportunity_id}/submit", auth=WRITE,
                    response={200: OpportunityOut, **ERRORS},
                    summary="Submit for moderation (automatic checks may refer it back)")
def submit_opportunity(request: HttpRequest, opportunity_id: int):
    opportunity = get_object_or_404(_opportunities(request), pk=opportunity_id)
    with transaction.atomic():
        opportunity = opportunity_services.opportunity_submit(
            actor=request.user, opportunity=opportunity
        )
        _audit_write(request, action="opportunity.submitted", obj=opportunity,
                     summary=f"submitted ‘{opportunity.title}’ for moderation")
    return _opportunities(request).get(pk=opportunity.pk)


# --- enquiries ----------------------------------------------------------------------------------

enquiries = Router(tags=["Enquiries"])


def _enquiries(request: HttpRequest) -> QuerySet[EnquiryItem]:
    return enquiry_items_visible_to(request.user).filter(partner_id=_token(request).partner_id)


@enquiries.get("/enquiries", response={200: list[EnquiryOut], **ERRORS},
               summary="Enquiries routed to your partnership")
@paginate(IdCursorPagination, ordering=("-id",))
def list_enquiries(
    request: HttpRequest,
    status: Literal["open", "new", "accepted", "contacted", "closed"] | None = None,
    overdue: bool = False,
):
    return enquiry_items_filter(_enquiries(request), status=status or "", overdue=overdue)


@enquiries.get("/enquiries/{item_id}", response={200: EnquiryOut, **ERRORS})
def get_enquiry(request: HttpRequest, item_id: int):
    return get_object_or_404(_enquiries(request), pk=item_id)


def _enquiry_write(request: HttpRequest, item_id: int, action: str, change) -> EnquiryItem:
    item = get_object_or_404(_enquiries(request), pk=item_id)
    with transaction.atomic():
        item = change(item)
        _audit_write(request, action=f"enquiry_item.{action}", obj=item,
                     summary=f"{action.replace('_', ' ')} enquiry {item.enquiry.reference}")
    return _enquiries(request).get(pk=item.pk)


@enquiries.post("/enquiries/{item_id}/accept", auth=WRITE, response={200: EnquiryOut, **ERRORS})
def accept_enquiry(request: HttpRequest, item_id: int):
    return _enquiry_write(request, item_id, "accepted", lambda item: (
        enquiry_services.enquiry_item_accept(item=item, actor=request.user)
    ))


@enquiries.post("/enquiries/{item_id}/contacts", auth=WRITE, response={200: EnquiryOut, **ERRORS},
                summary="Record a contact with the employer (the first is your response)")
def record_enquiry_contact(request: HttpRequest, item_id: int, payload: ContactIn):
    return _enquiry_write(request, item_id, "contact_recorded", lambda item: (
        enquiry_services.enquiry_item_contact_record(
            item=item, actor=request.user, contact_kind=str(payload.contact_kind),
            happened_at=payload.happened_at if timezone.is_aware(payload.happened_at)
            else timezone.make_aware(payload.happened_at),
            summary=payload.summary.strip(),
        )
    ))


@enquiries.post("/enquiries/{item_id}/close", auth=WRITE, response={200: EnquiryOut, **ERRORS})
def close_enquiry(request: HttpRequest, item_id: int, payload: CloseIn):
    return _enquiry_write(request, item_id, "closed", lambda item: (
        enquiry_services.enquiry_item_close(
            item=item, actor=request.user, outcome=str(payload.outcome), notes=payload.notes
        )
    ))


# --- participants and outcomes ------------------------------------------------------------------

caseload = Router(tags=["Participants and outcomes"])


def _participants(request: HttpRequest) -> QuerySet[Participant]:
    """Exactly the participants the pages show this person, on the partner's caseloads."""
    return participants_for_user(request.user).filter(
        key_worker__partner_id=_token(request).partner_id
    )


@caseload.get("/participants", response={200: list[ParticipantOut], **ERRORS},
              summary="Participants on your caseloads")
@paginate(IdCursorPagination, ordering=("id",))
def list_participants(request: HttpRequest):
    return _participants(request)


@caseload.get("/participants/{reference}", response={200: ParticipantOut, **ERRORS})
def get_participant(request: HttpRequest, reference: str):
    participant = get_object_or_404(_participants(request), reference=reference)
    access_log_record(participant=participant, user=request.user, page="Partner API",
                      path=request.path)
    return participant


def _outcomes(request: HttpRequest) -> QuerySet[OutcomeRecord]:
    """The outcome records the reports count (``COUNTED_KINDS``), for your caseloads."""
    return OutcomeRecord.objects.filter(
        kind__in=COUNTED_KINDS, participant__in=_participants(request).values("pk")
    ).select_related("participant", "programme", "area")


def _programme(slug: str) -> Programme:
    return get_object_or_404(Programme, slug=slug)


@caseload.get("/outcomes", response={200: list[OutcomeOut], **ERRORS},
              summary="Outcome records of your caseloads (as the reports count them)")
@paginate(IdCursorPagination, ordering=("id",))
def list_outcomes(
    request: HttpRequest,
    programme: str | None = None,
    measure: Measure | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    qs = _outcomes(request)
    if programme:
        qs = qs.filter(programme__slug=programme)
    if measure:
        qs = qs.filter(measure=measure)
    if date_from:
        qs = qs.filter(occurred_on__gte=date_from)
    if date_to:
        qs = qs.filter(occurred_on__lte=date_to)
    return qs


@caseload.get("/outcomes/summary", response={200: OutcomeSummaryOut, **ERRORS},
              summary="People counted per measure, with the reports' definitions")
def outcome_summary(
    request: HttpRequest,
    programme: str,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    prog = _programme(programme)
    # The outcome report's own scope and records (attribution by enrolment, the programme's
    # opportunity types per measure, the person's areas, as at today), for your caseloads.
    scope = report_scope(request.user, prog, date_from=date_from, date_to=date_to)
    measures = outcome_measures(prog)
    counts = dict(
        counted_outcomes(scope, measures).filter(
            participant__in=_participants(request).values("pk")
        ).values("measure").annotate(people=Count("participant", distinct=True))
        .values_list("measure", "people").order_by()
    )
    return {
        "programme": prog.slug, "date_from": scope.date_from, "date_to": scope.date_to,
        "measures": [MeasureCountOut(measure=m.value, label=m.label, people=counts.get(m.value, 0))
                     for m in measures],
        "definitions": [DefinitionOut(measure=label, definition=text)
                        for label, text in outcome_definitions(prog)],
    }


# Registered after /outcomes/summary, so that "summary" is not read as an id.
@caseload.get("/outcomes/{outcome_id}", response={200: OutcomeOut, **ERRORS},
              summary="One outcome record of your caseloads")
def get_outcome(request: HttpRequest, outcome_id: int):
    return get_object_or_404(_outcomes(request), pk=outcome_id)


api.add_router("", opportunities)
api.add_router("", enquiries)
api.add_router("", caseload)
