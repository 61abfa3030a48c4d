"""Matching and staff search. Thin: every record comes through a scoped selector (an unseen
participant or opportunity is a 404); the backend is whichever the settings choose."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from brokerage.participants.services import access_log_record
from portal.accounts.permissions import can_match
from portal.core.forms import apply_service_errors
from search import selectors, services
from search.backends.base import Results
from search.eligibility import participant_eligible_now
from search.forms import ArchiveMatchForm, MatchFilterForm, SaveSearchForm, StaffSearchForm
from search.models import Direction
from search.scoring import STRONG_MATCH_SCORE

PER_PAGE = 20


def _filter_form(request: HttpRequest, direction: str) -> MatchFilterForm:
    keys = set(MatchFilterForm.base_fields)
    data = request.GET if keys & set(request.GET) else None
    return MatchFilterForm(data, direction=direction)


def _save_search(request: HttpRequest, *, direction: str, subject: str, form: MatchFilterForm):
    """Handle the "save this search" form posted from a match list; None when it saved."""
    save_form = SaveSearchForm(request.POST)
    if save_form.is_valid():
        try:
            services.saved_search_create(
                actor=request.user, name=save_form.cleaned_data["name"], direction=direction,
                subject=subject, filters=form.filters(),
            )
        except ValidationError as exc:
            apply_service_errors(save_form, exc)
        else:
            messages.success(request, f"Search ‘{save_form.cleaned_data['name']}’ saved")
            return None
    return save_form


@login_required
def participant_matches(request: HttpRequest, reference: str) -> HttpResponse:
    participant = selectors.participant_for_matching_or_404(request.user, reference)
    form = _filter_form(request, "opportunities")
    save_form = SaveSearchForm()
    if request.method == "POST":
        save_form = _save_search(request, direction=Direction.OPPORTUNITIES, subject=participant.reference, form=form)
        if save_form is None:
            return redirect(request.get_full_path())
    else:
        access_log_record(participant=participant, user=request.user, page="Matches", path=request.path)
    filters = form.filters()
    matches = selectors.participant_matches(participant, filters=filters) if not form.errors else Results()
    page_obj = Paginator(matches, PER_PAGE).get_page(request.GET.get("page"))
    page_matches = selectors.attach_opportunities(list(page_obj.object_list))
    proposed = selectors.standing_proposals_for(page_matches, participant=participant)
    return render(request, "search/participant_matches.html", {
        "archived_count": selectors.archived_for_participant(participant).count(),
        "participant": participant, "form": form, "save_form": save_form, "page_obj": page_obj,
        "matches": page_matches, "filtered": form.is_bound, "strong_score": STRONG_MATCH_SCORE,
        "rows": [(m, proposed.get(m.opportunity_id)) for m in page_matches],
        "fallback": matches.fallback,
        "ready": participant.readiness == "job_ready" or (
            filters.include_getting_ready and participant.readiness == "getting_ready"
        ),
        "consenting": participant.consent_employer_profile,
        "eligible": participant_eligible_now(participant),
    })


@login_required
def participant_match_archive(request: HttpRequest, reference: str, opportunity_pk: int) -> HttpResponse:
    participant = selectors.participant_for_matching_or_404(request.user, reference)
    opportunity = selectors.opportunity_for_matching_or_404(request.user, opportunity_pk)
    back = reverse("search:participant_matches", args=[participant.reference])
    return _archive(request, participant=participant, opportunity=opportunity, back=back)


@login_required
def opportunity_candidates(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_for_matching_or_404(request.user, pk)
    form = _filter_form(request, "participants")
    save_form = SaveSearchForm()
    if request.method == "POST":
        save_form = _save_search(request, direction=Direction.PARTICIPANTS, subject=str(opportunity.pk), form=form)
        if save_form is None:
            return redirect(request.get_full_path())
    matches = (
        selectors.opportunity_candidates(request.user, opportunity, filters=form.filters())
        if not form.errors else Results()
    )
    page_obj = Paginator(matches, PER_PAGE).get_page(request.GET.get("page"))
    page_matches = selectors.attach_participants(list(page_obj.object_list))
    proposed = selectors.standing_proposals_for(page_matches, opportunity=opportunity)
    return render(request, "search/opportunity_candidates.html", {
        "archived_count": selectors.archived_for_opportunity(request.user, opportunity).count(),
        "opportunity": opportunity, "form": form, "save_form": save_form, "page_obj": page_obj,
        "matches": page_matches, "filtered": form.is_bound, "strong_score": STRONG_MATCH_SCORE,
        "rows": [(m, proposed.get(m.participant_id)) for m in page_matches],
        "fallback": matches.fallback,
    })


@login_required
def candidate_archive(request: HttpRequest, pk: int, reference: str) -> HttpResponse:
    opportunity = selectors.opportunity_for_matching_or_404(request.user, pk)
    participant = selectors.participant_for_matching_or_404(request.user, reference)
    back = reverse("search:opportunity_candidates", args=[opportunity.pk])
    return _archive(request, participant=participant, opportunity=opportunity, back=back)


def _archive(request: HttpRequest, *, participant, opportunity, back: str) -> HttpResponse:
    form = ArchiveMatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.match_archive(
                actor=request.user, participant=participant, opportunity=opportunity,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error("reason", exc.messages[0])
        else:
            messages.success(
                request, f"Match archived: ‘{opportunity.title}’ will not be shown for {participant.reference} again"
            )
            return redirect(back)
    return render(request, "search/archive.html", {
        "participant": participant, "opportunity": opportunity, "form": form, "back": back,
    })


@login_required
def participant_archived(request: HttpRequest, reference: str) -> HttpResponse:
    participant = selectors.participant_for_matching_or_404(request.user, reference)
    if request.method == "GET":
        access_log_record(participant=participant, user=request.user, page="Archived matches", path=request.path)
    return _archived(
        request, selectors.archived_for_participant(participant), side="opportunity",
        subject=participant.full_name, caption=f"{participant.full_name} · {participant.reference}",
        back=reverse("search:participant_matches", args=[participant.reference]),
    )


@login_required
def opportunity_archived(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_for_matching_or_404(request.user, pk)
    return _archived(
        request, selectors.archived_for_opportunity(request.user, opportunity), side="participant",
        subject=opportunity.title, caption=opportunity.display_employer_name,
        back=reverse("search:opportunity_candidates", args=[opportunity.pk]),
    )


def _archived(request: HttpRequest, archived, *, side: str, subject: str, caption: str, back: str) -> HttpResponse:
    """Archived matches of one participant or opportunity, each with a button to restore it."""
    if request.method == "POST":
        wanted = request.POST.get("archived", "")
        item = archived.filter(pk=int(wanted)).first() if wanted.isdigit() else None
        if item is None:
            messages.error(request, "That match is not archived any more")
        else:
            services.match_restore(actor=request.user, archived=item)
            messages.success(request, f"Match restored: {item.participant.reference} and ‘{item.opportunity.title}’ "
                                      "will be shown again when they fit")
        return redirect(request.get_full_path())
    page_obj = Paginator(archived, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "search/archived.html", {
        "page_obj": page_obj, "side": side, "subject": subject, "caption": caption, "back": back,
    })


# --- saved searches -----------------------------------------------------------------------------


@login_required
def saved_searches(request: HttpRequest) -> HttpResponse:
    if not can_match(request.user):
        raise PermissionDenied("Only key workers and coordinators keep saved searches")
    return render(request, "search/saved_searches.html", {"saved": selectors.saved_searches_for(request.user)})


@login_required
def saved_search_open(request: HttpRequest, pk: int) -> HttpResponse:
    saved = selectors.saved_search_for_user_or_404(request.user, pk)
    if saved.direction == Direction.OPPORTUNITIES:
        url = reverse("search:participant_matches", args=[saved.subject])
    else:
        url = reverse("search:opportunity_candidates", args=[saved.subject])
    query = urlencode({k: ("on" if v is True else v) for k, v in saved.filters.items()})
    return redirect(f"{url}?{query}" if query else url)


@login_required
@require_POST
def saved_search_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = selectors.saved_search_for_user_or_404(request.user, pk)
    services.saved_search_delete(actor=request.user, saved=saved)
    messages.success(request, f"Search ‘{saved.name}’ deleted")
    return redirect("search:saved_searches")


# --- staff search -------------------------------------------------------------------------------


@login_required
def staff_search(request: HttpRequest) -> HttpResponse:
    if not request.user.is_portal_staff:
        raise PermissionDenied("Search is for staff")
    form = StaffSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    results = selectors.staff_search(request.user, query)
    return render(request, "search/staff_search.html", {
        "form": form, "results": results, "query": query, "fallback": results.fallback,
    })
