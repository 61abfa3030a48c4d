
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from brokerage.opportunities import selectors, services, structured_data
from brokerage.opportunities.display import (
    answer_rows,
    field_labels,
    pay_display,
    safeguarding_summary,
)
from brokerage.opportunities.forms import (
    ListingFilterForm,
    OpportunityForm,
    OpportunityTypeForm,
    PlacesFilledForm,
    ReferBackForm,
    RejectForm,
    ReopenForm,
    WithdrawForm,
)
from brokerage.opportunities.models import Opportunity, OpportunityStatus, OpportunityType
from brokerage.opportunities.rules import opportunity_errors
from brokerage.pipeline.reasons import PICKED
from portal.accounts.permissions import can_match, role_required
from portal.accounts.roles import Role
from portal.core import public_cache
from portal.core.files import private_file_response, safe_extension
from portal.core.forms import apply_service_errors

S = OpportunityStatus
PAGE_SIZE = 20




#: Employer members, and partner staff acting for an employer they work with.
employer_side = role_required(Role.EMPLOYER, Role.PARTNER_STAFF, Role.COORDINATOR)




def _page(request, items):
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


# --- employer: list, create, edit, check, submit ------------------------------------------------


@employer_side
def employer_list(request):
    opportunities = selectors.employer_opportunities(request.user)
    status = request.GET.get("status", "")
    if status in S.values:
        opportunities = opportunities.filter(status=status)
    return render(request, "opportunities/employer_list.html", {
        "page_obj": _page(request, opportunities),
        "status": status,
        "statuses": S.choices,
        "employers": selectors.employers_for_user(request.user),
        "pledges": selectors.employer_pledges(request.user),
    })


@employer_side
def employer_new(request):
    employers = selectors.employers_for_user(request.user)
    if not employers.exists():
        return render(request, "opportunities/no_employer.html")
    form = OpportunityTypeForm(
        request.POST if request.method == "POST" else None,
        employers=employers,
        initial={"employer": request.GET["employer"]} if request.GET.get("employer") else None,
    )
    if request.method == "POST" and form.is_valid():
        url = reverse("opportunities:employer_new_details", args=[form.cleaned_data["opportunity_type"]])
        return redirect(f"{url}?employer={form.cleaned_data['employer'].pk}")
    return render(request, "opportunities/new_type.html", {"form": form})


def _form_page(request, *, form, employer, opportunity=None, comments=None):
    for comment in comments or []:
        name = comment.field_name if comment.field_name in form.fields else None
        if name is None:
            name = {"paid": "pay_pence", "pay_basis": "pay_pence", "remote": "postcode",
                    "rolling": "closing_date"}.get(comment.field_name)
        if name in form.fields:
            form.fields[name].reviewer_comments = [
                *getattr(form.fields[name], "reviewer_comments", []), comment
            ]
    acting = selectors.acting_partner_relationship(request.user, employer)
    return render(request, "opportunities/form.html", {
        "form": form,
        "employer": employer,
        "opportunity": opportunity,
        "type_label": OpportunityType(form.opportunity_type).label,
        "acting": acting,
        "comments": comments or [],
    })


def _rule_errors_too(request, *, form, employer, opportunity=None) -> None:
    """Every error at once: when the form itself has errors and the person pressed Continue,
    the opportunity rules are checked too on the answers that could be read, so the error
    summary lists everything to fix (a field already in error keeps its own message)."""
    if "continue" not in request.POST:
        return
    probe = opportunity or Opportunity(employer=employer)
    for name, value in {**form.to_data(), **form.uploads()}.items():
        setattr(probe, name, value)
    for name, messages_ in opportunity_errors(probe).items():
        field = name if name in form.fields else None
        if field is not None and (field in form.errors or name not in form.cleaned_data):
            continue  # its own error is shown, or it could not be read
        form.add_error(field, messages_)


def _save(request, *, form, employer, opportunity=None):
    """Save the answers as a draft; 'Continue' also checks them in full."""
    continuing = "continue" in request.POST
    if continuing:
        data = form.to_data()
        probe = opportunity or Opportunity(employer=employer)
        for name, value in {**data, **form.uploads()}.items():
            setattr(probe, name, value)
        errors = opportunity_errors(probe)
        if errors:
            apply_service_errors(form, ValidationError(errors))
            return None
    try:
        opportunity = services.opportunity_save_draft(
            actor=request.user, employer=employer, data=form.to_data(), opportunity=opportunity,
            files=form.uploads(),
        )
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None
    if continuing:
        return redirect("opportunities:employer_check", opportunity.pk)
    messages.success(request, f"‘{opportunity.title}’ is saved as a draft")
    return redirect("opportunities:employer_detail", opportunity.pk)


@employer_side
def employer_new_details(request, opportunity_type):
    if opportunity_type not in OpportunityType.values:
        raise Http404
    employer = get_object_or_404(
        selectors.employers_for_user(request.user), pk=request.GET.get("employer") or 0
    )
    initial = {"places": 1, "show_employer_name": True, "candidate_route": "key_worker",
               "disability_confident": employer.disability_confident, "postcode": employer.postcode,
               "sector": employer.sector, "paid": "yes"}
    form = OpportunityForm(request.POST if request.method == "POST" else None,
                           request.FILES if request.method == "POST" else None,
                           opportunity_type=opportunity_type, initial=initial)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form=form, employer=employer)
        if response:
            return response
    elif request.method == "POST":
        _rule_errors_too(request, form=form, employer=employer)
    return _form_page(request, form=form, employer=employer)


@employer_side
def employer_edit(request, pk):
    opportunity = selectors.employer_opportunity_get(request.user, pk)
    if opportunity.status not in services.EDITABLE_STATUSES:
        messages.error(request, f"You cannot change an opportunity that is {opportunity.get_status_display().lower()}")
        return redirect("opportunities:employer_detail", pk)
    form = OpportunityForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        opportunity_type=opportunity.opportunity_type,
        initial=OpportunityForm.initial_from(opportunity),
        held_files=OpportunityForm.held_files_of(opportunity),
    )
    if request.method == "POST" and form.is_valid():
        response = _save(request, form=form, employer=opportunity.employer, opportunity=opportunity)
        if response:
            return response
    elif request.method == "POST":
        _rule_errors_too(request, form=form, employer=opportunity.employer, opportunity=opportunity)
    comments = list(opportunity.field_comments.filter(resolved_at__isnull=True).select_related("author"))
    return _form_page(request, form=form, employer=opportunity.employer, opportunity=opportunity,
                      comments=comments)


def _open_comments(opportunity):
    return list(opportunity.field_comments.filter(resolved_at__isnull=True).select_related("author"))


@employer_side
def employer_detail(request, pk):
    opportunity = selectors.employer_opportunity_get(request.user, pk)
    comments = _open_comments(opportunity)
    return render(request, "opportunities/employer_detail.html", {
        "opportunity": opportunity,
        "rows": answer_rows(opportunity, comments=comments),
        "comments": comments,
        "events": opportunity.events.select_related("actor"),
        "editable": opportunity.status in services.EDITABLE_STATUSES,
        "can_withdraw": opportunity.status in services.TRANSITIONS["withdraw"][0],
        "can_reopen": opportunity.status in services.TRANSITIONS["reopen"][0],
        "is_live": opportunity.status == S.LIVE,
        "safeguarding": safeguarding_summary(opportunity),
    })


@employer_side
def employer_check(request, pk):
    opportunity = selectors.employer_opportunity_get(request.user, pk)
    if opportunity.status not in services.EDITABLE_STATUSES:
        return redirect("opportunities:employer_detail", pk)
    errors = opportunity_errors(opportunity)
    relationship = selectors.acting_partner_relationship(request.user, opportunity.employer)
    needs_signoff = relationship is not None and relationship.requires_employer_signoff
    if request.method == "POST" and not errors and not needs_signoff:
        try:
            opportunity = services.opportunity_submit(actor=request.user, opportunity=opportunity)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("opportunities:employer_check", pk)
        if opportunity.status == S.REFERRED_BACK:
            messages.error(request, "Our automatic checks found answers to change. See the comments below.")
            return redirect("opportunities:employer_detail", pk)
        return redirect("opportunities:employer_submitted", pk)
    return render(request, "opportunities/check.html", {
        "opportunity": opportunity,
        "rows": answer_rows(opportunity),
        "errors": errors,
        "needs_signoff": needs_signoff,
    })


@employer_side
def employer_submitted(request, pk):
    opportunity = selectors.employer_opportunity_get(request.user, pk)
    return render(request, "opportunities/submitted.html", {"opportunity": opportunity})


@employer_side
def employer_preview(request, pk):
    opportunity = selectors.employer_opportunity_get(request.user, pk)
    return render(request, "opportunities/preview.html", {
        "opportunity": opportunity, "pay": pay_display(opportunity), "preview": True,
        "rows": answer_rows(opportunity),
    })


@employer_side
@require_POST
def employer_duplicate(request, pk):
    opportunity = selectors.employer_opportunity_get(request.user, pk)
    try:
        copy = services.opportunity_duplicate(actor=request.user, opportunity=opportunity)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("opportunities:employer_detail", pk)
    messages.success(request, "A copy is saved as a draft. Set its dates and check the answers.")
    return redirect("opportunities:employer_edit", copy.pk)


def _lifecycle_form(request, pk, *, form_class, template, action, initial=None):
    opportunity = selectors.employer_opportunity_get(request.user, pk)
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial=(initial(opportunity) if initial else None),
    )
    if request.method == "POST" and form.is_valid():
        try:
            action(opportunity, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return redirect("opportunities:employer_detail", pk)
    return render(request, template, {"form": form, "opportunity": opportunity})


@employer_side
def employer_withdraw(request, pk):
    def act(opp, data):
        services.opportunity_withdraw(actor=request.user, opportunity=opp, reason=data["reason"])
        messages.success(request, f"‘{opp.title}’ is withdrawn")

    return _lifecycle_form(request, pk, form_class=WithdrawForm, template="opportunities/withdraw.html", action=act)


@employer_side
def employer_reopen(request, pk):
    def act(opp, data):
        services.opportunity_reopen(actor=request.user, opportunity=opp,
                                    closing_date=data["closing_date"], places=data["places"])
        messages.success(request, f"‘{opp.title}’ is live again")

    return _lifecycle_form(request, pk, form_class=ReopenForm, template="opportunities/reopen.html",
                           action=act, initial=lambda o: {"places": o.places})


@employer_side
def employer_places(request, pk):
    def act(opp, data):
        services.opportunity_places_fill(actor=request.user, opportunity=opp,
                                         places_filled=data["places_filled"])
        messages.success(request, "Places filled updated")

    return _lifecycle_form(request, pk, form_class=PlacesFilledForm, template="opportunities/places.html",
                           action=act, initial=lambda o: {"places_filled": o.places_filled})


# --- staff listing --------------------------------------------------------------------------------


def _filtered(request, qs):
    form = ListingFilterForm(request.GET or None)
    filters = selectors.ListingFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.ListingFilters(
            opportunity_type=data["opportunity_type"], strand=data["strand"], sector=data["sector"],
            area=data["area"], postcode=data["postcode"],
            within_miles=int(data["within"]) if data["within"] else None,
            closing_soon=data["closing_soon"], query=data["q"].strip(),
        )
        return form, selectors.filter_listing(qs, filters)
    if form.is_bound:
        return form, qs.none()
    return form, selectors.filter_listing(qs, filters)


@role_required(Role.KEY_WORKER, Role.PARTNER_STAFF, Role.COORDINATOR)
def staff_list(request):
    form, results = _filtered(request, selectors.staff_live_opportunities(request.user))
    return render(
        request,
        "opportunities/staff_list.html",
        {
            "form": form,
            "page_obj": _page(request, results),
            "count": len(results) if isinstance(results, list) else results.count(),
        },
    )


@role_required(Role.KEY_WORKER, Role.PARTNER_STAFF, Role.COORDINATOR)
def staff_detail(request, pk):
    opportunity = selectors.staff_opportunity_get(request.user, pk)
    return render(request, "opportunities/staff_detail.html", {
        "opportunity": opportunity, "rows": answer_rows(opportunity), "pay": pay_display(opportunity),
        "can_match": can_match(request.user),
        "safeguarding": safeguarding_summary(opportunity),
        "evidence_url": "opportunities:staff_evidence",
    })


# --- evidence (private files): each served beside the page that shows it, through its selector


_EVIDENCE = {
    "risk-assessment": ("risk_assessment", "risk-assessment"),
    "insurance-certificate": ("insurance_certificate", "insurance-certificate"),
}


def _evidence_response(opportunity: Opportunity, kind: str):
    if kind not in _EVIDENCE:
        raise Http404
    field_name, label = _EVIDENCE[kind]
    field_file = getattr(opportunity, field_name)
    return private_file_response(
        field_file,
        download_name=f"opportunity-{opportunity.pk}-{label}{safe_extension(field_file.name)}",
    )


@role_required(Role.EMPLOYER, Role.PARTNER_STAFF, Role.COORDINATOR, hide=True)
@require_GET
def employer_evidence(request, pk, kind):
    """The employer's own upload, to whoever may open the opportunity's employer page."""
    return _evidence_response(selectors.employer_opportunity_get(request.user, pk), kind)


@role_required(Role.KEY_WORKER, Role.PARTNER_STAFF, Role.COORDINATOR, hide=True)
@require_GET
def staff_evidence(request, pk, kind):
    """For the key worker checking a live placement before proposing anyone."""
    return _evidence_response(selectors.staff_opportunity_get(request.user, pk), kind)


@role_required(Role.COORDINATOR, hide=True)
@require_GET
def moderation_evidence(request, pk, kind):
    return _evidence_response(selectors.moderation_opportunity_get(request.user, pk), kind)


# --- public ----------------------------------------------------------------------------------------


@public_cache.cache_public_page(
    public_cache.OPPORTUNITIES, public_cache.SETTINGS,
    params=lambda: [*ListingFilterForm.base_fields, "page"],
)
def public_list(request):
    form, results = _filtered(request, selectors.public_opportunities())
    return render(request, "opportunities/public_list.html", {
        "form": form, "page_obj": _page(request, results),
    })


@public_cache.cache_public_page(public_cache.OPPORTUNITIES, public_cache.SETTINGS)
def public_detail(request, pk):
    opportunity = selectors.public_opportunity_find(pk)
    if opportunity is None:
        raise Http404("No such opportunity")
    if opportunity.status != S.LIVE or opportunity.is_past_closing_date(timezone.localdate()):
        # Published once, now closed: gone for good (410), so search engines drop it.
        return render(request, "opportunities/public_gone.html", {"opportunity": opportunity},
                      status=410)
    url = request.build_absolute_uri(reverse("opportunities:public_detail", args=[pk]))
    return render(request, "opportunities/preview.html", {
        "opportunity": opportunity, "pay": pay_display(opportunity), "public": True,
        "rows": answer_rows(opportunity),
        "job_posting": structured_data.json_ld(structured_data.job_posting(opportunity, url=url)),
    })


# --- coordinators: moderation and strands -------------------------------------------------------


@role_required(Role.COORDINATOR)
def moderation_queue(request):
    return render(request, "opportunities/moderation_queue.html", {
        "page_obj": _page(request, selectors.moderation_queue(request.user)),
    })


@role_required(Role.COORDINATOR)
def moderation_detail(request, pk):
    opportunity = selectors.moderation_opportunity_get(request.user, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start_review":
                services.opportunity_start_review(actor=request.user, opportunity=opportunity)
                messages.success(request, "You are reviewing this opportunity")
                return redirect("opportunities:moderation_detail", pk)
            if action == "approve":
                if request.POST.get("confirm") != "yes":
                    return render(request, "core/confirm.html", {
                        "heading": f"Approve ‘{opportunity.title}’ and make it live?",
                        "body": [
                            "It will be listed straight away, and key workers can put people "
                            f"forward for it. {opportunity.employer.name} will be emailed.",
                        ],
                        "fields": [("action", "approve")],
                        "button": "Yes, approve and make live",
                        "cancel_url": reverse("opportunities:moderation_detail", args=[pk]),
                    })
                services.opportunity_approve(actor=request.user, opportunity=opportunity)
                messages.success(request, f"‘{opportunity.title}’ is approved and live. The employer has been emailed.")
                return redirect("opportunities:moderation_queue")
            raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("opportunities:moderation_detail", pk)
    comments = list(opportunity.field_comments.select_related("author"))
    return render(request, "opportunities/moderation_detail.html", {
        "opportunity": opportunity,
        "rows": answer_rows(opportunity, comments=[c for c in comments if c.resolved_at is None]),
        "events": opportunity.events.select_related("actor"),
        "past_comments": [c for c in comments if c.resolved_at is not None],
        "can_decide": opportunity.status in services.TRANSITIONS["approve"][0],
        "can_start": opportunity.status in services.TRANSITIONS["start_review"][0],
        "safeguarding": safeguarding_summary(opportunity),
    })


@role_required(Role.COORDINATOR)
def moderation_refer_back(request, pk):
    opportunity = selectors.moderation_opportunity_get(request.user, pk)
    labels = field_labels(opportunity.opportunity_type)
    form = ReferBackForm(request.POST if request.method == "POST" else None, field_labels=labels)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_refer_back(actor=request.user, opportunity=opportunity,
                                            comments=form.comments(), note=form.cleaned_data["note"],
                                            reasons=form.cleaned_data.get(PICKED, ()))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"‘{opportunity.title}’ is referred back. The employer has been emailed.")
            return redirect("opportunities:moderation_queue")
    answers = {row.name: row.value for row in answer_rows(opportunity)}
    rows = [(form[f"comment_{name}"], label, answers.get(name, "")) for name, label in labels.items()]
    return render(request, "opportunities/refer_back.html", {"form": form, "opportunity": opportunity, "rows": rows})


@role_required(Role.COORDINATOR)
def moderation_reject(request, pk):
    opportunity = selectors.moderation_opportunity_get(request.user, pk)
    form = RejectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_reject(actor=request.user, opportunity=opportunity,
                                        reason=form.cleaned_data["reason"],
                                        reasons=form.cleaned_data.get(PICKED, ()))
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"‘{opportunity.title}’ is rejected. The employer has been emailed.")
            return redirect("opportunities:moderation_queue")
    return render(request, "opportunities/reject.html", {"form": form, "opportunity": opportunity})


@role_required(Role.COORDINATOR)
def strand_reports(request):
    programmes = selectors.coordinator_programmes(request.user).filter(strands__isnull=False).distinct()
    return render(request, "opportunities/strand_reports.html", {"programmes": programmes})


@role_required(Role.COORDINATOR)
def strand_report(request, slug):
    programme = get_object_or_404(selectors.coordinator_programmes(request.user), slug=slug)
    return render(request, "opportunities/strand_report.html", {
        "report": selectors.strand_report(programme),
        "pledges": selectors.programme_pledges(programme),
    })
