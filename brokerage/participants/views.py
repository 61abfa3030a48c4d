"""Caseload and participant record views. Thin: every record comes through a scoped selector
(an unseen participant is a 404) and every GET of a record writes an access-log entry."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from brokerage.participants import forms, imports, selectors, services
from brokerage.participants.models import (
    ActionItem,
    Consent,
    ImportStatus,
    Participant,
    ReferralImport,
    TeamMembership,
)
from brokerage.reference.models import Programme
from portal.accounts.permissions import (
    access_required,
    can_refer,
    can_request_care,
    can_use_caseload,
    is_coordinator,
)
from portal.core.forms import apply_service_errors

NO_ACCESS = "You do not have access to participant records"
caseload_required = access_required(can_use_caseload, message=NO_ACCESS)
coordinator_required = access_required(is_coordinator, message=NO_ACCESS)
referrer_required = access_required(can_refer, message=NO_ACCESS)


def _participant(request: HttpRequest, reference: str, page: str, *, include_erased: bool = False) -> Participant:
    participant = selectors.participant_for_user_or_404(request.user, reference, include_erased=include_erased)
    if request.method == "GET":
        services.access_log_record(participant=participant, user=request.user, page=page, path=request.path)
    return participant


def _context(participant: Participant, request, **extra) -> dict:
    return {
        "participant": participant,
        "is_coordinator": is_coordinator(request.user),
        "assessment_late": selectors.assessment_is_late(participant),
        "needs_contact": selectors.needs_contact(participant),
        **extra,
    }


def _programmes_for(user):
    if user.is_superuser or not user.programmes.exists():
        return Programme.objects.all()
    return user.programmes.all()


# --- caseload ---------------------------------------------------------------------------------

@caseload_required
def caseload(request: HttpRequest) -> HttpResponse:
    form = forms.CaseloadFilterForm(request.GET or None)
    form.fields["programme"].queryset = _programmes_for(request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.caseload_for_user(request.user, filters=filters, sort=filters.get("sort") or "name")
    page_obj = Paginator(qs, 25).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [
        {
            "p": p,
            "needs_contact": selectors.needs_contact(p),
            "assessment_late": p.assessed_on is None and p.assessment_due_on < today,
        }
        for p in page_obj
    ]
    pending = (
        selectors.pending_care_requests_for(request.user).count() if is_coordinator(request.user) else 0
    )
    filter_keys = ("q", "readiness", "barrier", "programme", "overdue", "no_contact_days", "key_worker")
    return render(request, "participants/caseload.html", {
        "form": form, "page_obj": page_obj, "rows": rows,
        "filtered": any(request.GET.get(k) for k in filter_keys),
        "is_coordinator": is_coordinator(request.user), "pending_requests": pending,
    })


# --- referral ---------------------------------------------------------------------------------

@referrer_required
def referral_start(request: HttpRequest) -> HttpResponse:
    form = forms.ReferralForm(request.POST or None, programmes=_programmes_for(request.user))
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirm_not_duplicate")
        try:
            participant = services.referral_create(actor=request.user, confirmed_not_duplicate=confirmed, **data)
        except services.DuplicateFound as exc:
            duplicates = selectors.duplicates_shown_to(request.user, exc.duplicates)
            if any(d["exact"] for d in duplicates):
                form.add_error(
                    "ni_number",
                    "A record with this National Insurance number already exists. "
                    "Ask for a transfer or shared care instead",
                )
            else:
                form.add_error(None, "This person may already have a record. Check the records below")
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if selectors.participants_for_user(request.user).filter(pk=participant.pk).exists():
                messages.success(request, f"Referral recorded: {participant.full_name} ({participant.reference})")
                return redirect("participants:eligibility", reference=participant.reference)
            request.session["participants_last_referral"] = participant.reference
            return redirect("participants:referral_sent")
    return render(request, "participants/referral_form.html", {
        "form": form, "duplicates": duplicates,
        "has_exact": any(d["exact"] for d in duplicates),
        "can_request_care": can_request_care(request.user),
    })


@referrer_required
def referral_sent(request: HttpRequest) -> HttpResponse:
    reference = request.session.get("participants_last_referral")
    if not reference:
        return redirect("participants:referral_start")
    return render(request, "participants/referral_sent.html", {"reference": reference})


@caseload_required
def care_request(request: HttpRequest, reference: str) -> HttpResponse:
    """Ask for a transfer or shared care of a record you found as a duplicate (and cannot see).

    Who holds it, and on which programme, is shown only to staff on that programme."""
    participant = get_object_or_404(
        Participant.objects.select_related("programme", "key_worker", "key_worker__partner")
        .exclude(erased_at__isnull=False), reference=reference,
    )
    form = forms.CareRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.care_request_create(participant=participant, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Request sent. A coordinator will decide and you will see {participant.reference} "
                "in your caseload if it is approved.",
            )
            return redirect("participants:caseload")
    insider = selectors.may_see_holder(request.user, participant)
    return render(request, "participants/care_request.html", {
        "form": form, "reference": participant.reference,
        "holder": selectors.holder_description(participant) if insider else None,
        "programme": participant.programme.name if insider else None,
    })


@coordinator_required
def care_requests(request: HttpRequest) -> HttpResponse:
    requests = selectors.pending_care_requests_for(request.user)
    return render(request, "participants/care_requests.html", {"requests": requests})


@require_POST
@coordinator_required
def care_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    care = get_object_or_404(selectors.pending_care_requests_for(request.user), pk=pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.care_request_decide(care_request=care, actor=request.user, approve=approve)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"{care.get_kind_display()} for {care.requested_by} {'approved' if approve else 'declined'}",
        )
    return redirect("participants:care_requests")


# --- the record -------------------------------------------------------------------------------

@caseload_required
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Summary")
    consents = participant.consents.filter(withdrawn_at__isnull=True).prefetch_related("partners")
    actions = participant.actions.all()
    return render(request, "participants/detail.html", _context(
        participant, request,
        consents=consents, actions=actions, today=timezone.localdate(),
        latest_assessment=participant.assessments.select_related("assessed_by").first(),
        contacts=participant.contacts.select_related("recorded_by")[:3],
        supporting=participant.supporting_workers.all(),
    ))


@caseload_required
def eligibility(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Eligibility")
    form = forms.OverrideForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "recheck":
            services.eligibility_check(participant=participant, actor=request.user)
            messages.success(request, "Eligibility checked again")
            return redirect("participants:eligibility", reference=reference)
        if not is_coordinator(request.user):
            raise PermissionDenied("Only a coordinator can override eligibility")
        if form.is_valid():
            try:
                services.eligibility_override(participant=participant, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error("justification", exc)
            else:
                messages.success(request, "Eligibility overridden. The reason is recorded on the record")
                return redirect("participants:eligibility", reference=reference)
    return render(request, "participants/eligibility.html", _context(participant, request, form=form))


@caseload_required
def consent(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Consent")
    form = forms.ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()},
                             partners=selectors.consent_partners_for(participant))
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(participant=participant, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Consent recorded")
            return redirect("participants:consent", reference=reference)
    consents = participant.consents.select_related("recorded_by", "withdrawn_by").prefetch_related("partners")
    return render(request, "participants/consent.html", _context(participant, request, form=form, consents=consents))


@caseload_required
def consent_withdraw(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    participant = _participant(request, reference, "Withdraw consent")
    record = get_object_or_404(Consent, pk=pk, participant=participant, withdrawn_at__isnull=True)
    form = forms.WithdrawConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.consent_withdraw(consent=record, actor=request.user, **form.cleaned_data)
        messages.success(request, f"Consent withdrawn: {record.get_scope_display()}. This took effect immediately")
        return redirect("participants:consent", reference=reference)
    return render(
        request,
        "participants/consent_withdraw.html",
        _context(participant, request, form=form, consent=record),
    )


@caseload_required
def details(request: HttpRequest, reference: str) -> HttpResponse:
    """Correct the personal details given at referral (eligibility is checked again)."""
    participant = _participant(request, reference, "Personal details")
    initial = {name: getattr(participant, name) for name in forms.PersonalDetailsForm.base_fields}
    form = forms.PersonalDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if not changed:
            messages.info(request, "Nothing was changed")
            return redirect("participants:detail", reference=reference)
        status_before = participant.eligibility_status
        try:
            participant = services.participant_update_details(participant=participant, actor=request.user, **changed)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Personal details saved")
            if participant.eligibility_status != status_before:
                messages.warning(request, "The eligibility check ran again with the new details: "
                                          f"{participant.get_eligibility_status_display().lower()}")
            return redirect("participants:detail", reference=reference)
    return render(request, "participants/details_form.html", _context(participant, request, form=form))


@caseload_required
def assessment(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Assessment")
    latest = participant.assessments.first()
    initial = {"assessed_on": timezone.localdate(), "readiness": participant.readiness}
    if latest:
        for name in forms.AssessmentForm.base_fields:
            if name != "assessed_on" and hasattr(latest, name):
                initial[name] = getattr(latest, name)
    form = forms.AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_record(participant=participant, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Assessment saved")
            return redirect("participants:plan", reference=reference)
    history = participant.assessments.select_related("assessed_by")
    return render(request, "participants/assessment.html", _context(participant, request, form=form, history=history))


@caseload_required
def readiness(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Readiness")
    form = forms.ReadinessForm(request.POST or None, initial={"readiness": participant.readiness})
    if request.method == "POST" and form.is_valid():
        try:
            services.readiness_set(participant=participant, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("readiness", exc)
        else:
            participant.refresh_from_db()
            messages.success(request, f"{participant.full_name} is now {participant.get_readiness_display().lower()}")
            return redirect("participants:detail", reference=reference)
    changes = participant.readiness_changes.select_related("changed_by")
    return render(request, "participants/readiness.html", _context(participant, request, form=form, changes=changes))


@caseload_required
def plan(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Action plan")
    form = forms.ActionForm(request.POST if request.POST.get("form") == "action" else None)
    review_form = forms.ReviewForm(
        request.POST if request.POST.get("form") == "review" else None, initial={"reviewed_on": timezone.localdate()}
    )
    if request.method == "POST":
        target = form if request.POST.get("form") == "action" else review_form
        if target.is_valid():
            try:
                if target is form:
                    services.action_add(participant=participant, actor=request.user, **form.cleaned_data)
                    messages.success(request, "Added to the action plan")
                else:
                    services.plan_review_record(participant=participant, actor=request.user, **review_form.cleaned_data)
                    messages.success(request, "Review recorded")
            except ValidationError as exc:
                target.add_error(None, exc)
            else:
                return redirect("participants:plan", reference=reference)
    actions = participant.actions.all()
    return render(request, "participants/plan.html", _context(
        participant, request, form=form, review_form=review_form, actions=actions,
        reviews=participant.plan_reviews.select_related("reviewed_by"), today=timezone.localdate(),
        status_choices=forms.ActionStatusForm.base_fields["status"].choices,
    ))


@require_POST
@caseload_required
def action_status(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    participant = selectors.participant_for_user_or_404(request.user, reference)
    action = get_object_or_404(ActionItem, pk=pk, participant=participant)
    form = forms.ActionStatusForm(request.POST)
    if form.is_valid():
        action = services.action_set_status(action=action, actor=request.user, status=form.cleaned_data["status"])
        messages.success(request, f"Action marked as {action.get_status_display().lower()}")
    return redirect("participants:plan", reference=reference)


@caseload_required
def contacts(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Contact log")
    form = forms.ContactForm(request.POST or None, initial={"happened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["happened_on"]
        now = timezone.localtime()
        happened_at = (
            now
            if day == now.date()
            else timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        )
        try:
            services.contact_record(
                participant=participant, actor=request.user, happened_at=happened_at,
                method=form.cleaned_data["method"], summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Contact recorded")
            return redirect("participants:contacts", reference=reference)
    page_obj = Paginator(participant.contacts.select_related("recorded_by"), 20).get_page(request.GET.get("page"))
    return render(request, "participants/contacts.html", _context(participant, request, form=form, page_obj=page_obj))


@coordinator_required
def access_log(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Access log", include_erased=True)
    page_obj = Paginator(selectors.access_log_for(participant), 50).get_page(request.GET.get("page"))
    return render(request, "participants/access_log.html", _context(participant, request, page_obj=page_obj))


@coordinator_required
def assign(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Assign key worker")
    key_workers = selectors.key_workers_for(request.user, programme=participant.programme)
    form = forms.AssignForm(
        request.POST or None,
        key_workers=key_workers,
        initial={"key_worker": participant.key_worker_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_assign(participant=participant, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{participant.reference} assigned to {form.cleaned_data['key_worker'].display_name}",
            )
            return redirect("participants:detail", reference=reference)
    return render(request, "participants/assign.html", _context(participant, request, form=form))


# --- subject access and erasure ---------------------------------------------------------------

@coordinator_required
def export(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Subject access export")
    data = services.subject_access_export(participant=participant, actor=request.user)
    return render(request, "participants/export.html", _context(participant, request, data=data))


@coordinator_required
def export_json(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Subject access export (JSON)")
    data = services.subject_access_export(participant=participant, actor=request.user)
    response = JsonResponse(data, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{participant.reference}.json"'
    return response


@coordinator_required
def erase(request: HttpRequest, reference: str) -> HttpResponse:
    participant = _participant(request, reference, "Erase")
    form = forms.EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_erase(participant=participant, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "participants/erased.html", {"reference": participant.reference})
    return render(request, "participants/erase.html", _context(participant, request, form=form))


# --- teams ------------------------------------------------------------------------------------

@coordinator_required
def teams(request: HttpRequest) -> HttpResponse:
    memberships = TeamMembership.objects.select_related("team", "user").order_by("team__name", "user__email")
    if not request.user.is_superuser:
        memberships = memberships.filter(team__programme__in=request.user.programmes.all())
    if request.method == "POST":
        membership = get_object_or_404(memberships, pk=request.POST.get("membership"))
        membership.sees_team_caseload = request.POST.get("grant") == "1"
        membership.save(update_fields=["sees_team_caseload"])
        from brokerage.audit.services import audit_event_record

        audit_event_record(
            actor=request.user,
            action="participants.team_sight_changed",
            obj=membership.team,
            summary=(
                f"{membership.user} {'may now' if membership.sees_team_caseload else 'may no longer'} "
                "see the team's caseload"
            ),
        )
        messages.success(
            request,
            f"Updated {membership.user.display_name}'s access to {membership.team.name}'s caseload",
        )
        return redirect("participants:teams")
    return render(request, "participants/teams.html", {"memberships": memberships})


# --- bulk import ------------------------------------------------------------------------------

@coordinator_required
def import_start(request: HttpRequest) -> HttpResponse:
    form = forms.ImportForm(request.POST or None, request.FILES or None, programmes=_programmes_for(request.user))
    if request.method == "POST" and form.is_valid():
        filename, content = form.cleaned_data["file"]
        record = imports.referral_import_create(
            actor=request.user, programme=form.cleaned_data["programme"], filename=filename, content=content
        )
        return redirect("participants:import_detail", pk=record.pk)
    recent = ReferralImport.objects.filter(uploaded_by=request.user).select_related("programme")[:10]
    return render(
        request,
        "participants/import_start.html",
        {"form": form, "columns": imports.COLUMNS, "recent": recent},
    )


@coordinator_required
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(ReferralImport.objects.select_related("programme"), pk=pk, uploaded_by=request.user)
    if request.method == "POST":
        try:
            imports.referral_import_start(
                record=record, actor=request.user, only_valid=request.POST.get("only_valid") == "1"
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("participants:import_detail", pk=pk)
    running = record.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING)
    return render(request, "participants/import_detail.html", {
        "record": record, "running": running, "kept_days": imports.IMPORT_KEPT_DAYS,
    })
