"""Pipeline pages. Thin: every object comes through a selector scoped to the user (unseen is a
404), every change through one service; a service's ValidationError becomes a form error."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from brokerage.employers.models import Employer
from brokerage.participants.anonymity import identifying_details
from brokerage.participants.selectors import (
    ProfileNotShareable,
    anonymised_profile,
    assessment_is_late,
    needs_contact,
    participant_for_user_or_404,
    profile_is_shareable,
)
from brokerage.participants.services import access_log_record
from brokerage.pipeline import forms, selectors
from brokerage.pipeline.models import (
    CheckpointStatus,
    ConfirmedVia,
    MentoringStatus,
    MentorProfile,
    ProposalQuestion,
    ProposalStatus,
)
from brokerage.pipeline.reasons import PICKED
from brokerage.pipeline.services import (
    in_work,
    links,
    mentoring,
    placements,
    proposals,
    route_ways,
    transitions,
)
from portal.accounts.permissions import is_coordinator, role_required
from portal.accounts.roles import Role
from portal.core.forms import apply_service_errors
from portal.core.http import AuthenticatedHttpRequest

S = ProposalStatus

staff_required = role_required(Role.KEY_WORKER, Role.COORDINATOR)
employer_required = role_required(Role.EMPLOYER)




def _record_context(request, participant, **extra) -> dict:
    """Context for pages inside a participant's record; a staff GET is written to its access log."""
    if request.method == "GET":
        access_log_record(participant=participant, user=request.user,
                          page=f"Pipeline: {request.resolver_match.url_name}", path=request.path)
    return {
        "participant": participant,
        "is_coordinator": is_coordinator(request.user),
        "assessment_late": assessment_is_late(participant),
        "needs_contact": needs_contact(participant),
        **extra,
    }


def _pence(pounds: Decimal | None) -> int | None:
    return None if pounds is None else int((pounds * 100).quantize(Decimal("1")))


# --- key workers ---------------------------------------------------------------------------------


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    open_proposals = (
        selectors.proposals_for_key_worker(request.user)
        .filter(
            status__in=[
                S.PROPOSED,
                S.WITH_EMPLOYER,
                S.INTERVIEW_BOOKED,
                S.INTERVIEWED,
                S.OFFERED,
                S.ACCEPTED,
            ]
        )
        .prefetch_related("questions")
    )
    page_obj = Paginator(open_proposals.order_by("-updated_at", "-id"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "pipeline/home.html",
        {
            "page_obj": page_obj,
            "checkpoints": selectors.checkpoints_needing_attention(request.user)[:50],
            "placements": selectors.placements_for_key_worker(request.user).filter(
                status="in_work"
            )[:50],
            "today": timezone.localdate(),
        },
    )


@staff_required
def participant_pipeline(request: HttpRequest, reference: str) -> HttpResponse:
    participant = participant_for_user_or_404(request.user, reference)
    return render(
        request,
        "pipeline/participant.html",
        _record_context(
            request,
            participant,
            proposals=selectors.proposals_for_participant_record(participant),
            placements=participant.placements.select_related("employer").order_by("-start_date"),
            agreements=participant.mentoring_agreements.select_related(
                "mentor__user", "mentor__employer"
            ),
            shareable=profile_is_shareable(participant),
        ),
    )


@staff_required
def propose(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    participant = participant_for_user_or_404(request.user, reference)
    opportunities = selectors.proposable_opportunities(participant)
    standing = list(selectors.standing_proposals(participant))
    initial = {}
    already = None  # the proposal already made for the opportunity asked for, shown as such
    if request.GET.get("opportunity", "").isdigit():
        initial["opportunity"] = int(request.GET["opportunity"])
        already = next((p for p in standing if p.opportunity_id == initial["opportunity"]), None)
        if already is not None:
            del initial["opportunity"]
    form = forms.ProposeForm(request.POST or None, initial=initial, opportunities=opportunities)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = proposals.proposal_create(
                actor=request.user,
                participant=participant,
                opportunity=form.cleaned_data["opportunity"],
                note=form.cleaned_data["note"],
                share_details_at_interview=form.cleaned_data["share_details_at_interview"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{participant.full_name} has been proposed for {proposal.opportunity.title}",
            )
            return redirect("pipeline:proposal", pk=proposal.pk)
    return render(request, "pipeline/propose.html", _record_context(
        request, participant, form=form, shareable=profile_is_shareable(participant),
        has_opportunities=opportunities.exists(), standing=standing, already=already,
    ))


@staff_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_for_key_worker_or_404(request.user, pk)
    return _proposal_page(request, proposal, decision_form=None)


def _key_worker_actions(proposal) -> list[str]:
    return [a for a in ("interviewed", "no_show", "accept", "refuse_offer", "withdraw")
            if proposal.status in transitions.TRANSITIONS[a][0]]


def _proposal_page(
    request, proposal, *, decision_form=None, answer_form=None, answer_pk=None, status=200
):
    allowed = _key_worker_actions(proposal)
    decision_form = decision_form or forms.KeyWorkerDecisionForm(allowed=allowed)
    return render(
        request,
        "pipeline/proposal.html",
        _record_context(
            request,
            proposal.participant,
            proposal=proposal,
            events=proposal.events.select_related("actor"),
            questions=proposal.questions.select_related("asked_by", "answered_by"),
            interview=proposal.interviews.first(),
            decision_form=decision_form if allowed else None,
            answer_form=answer_form,
            answer_pk=answer_pk,
            can_start=proposal.status == S.ACCEPTED,
            placement=getattr(proposal, "placement", None)
            if proposal.status == S.STARTED
            else None,
            revealed=proposals.identity_revealed(proposal),
        ),
        status=status,
    )


@staff_required
@require_POST
def proposal_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_for_key_worker_or_404(request.user, pk)
    form = forms.KeyWorkerDecisionForm(request.POST, allowed=_key_worker_actions(proposal))
    if form.is_valid():
        if form.cleaned_data["action"] == "withdraw" and request.POST.get("confirm") != "yes":
            return render(request, "core/confirm.html", {
                "heading": f"Withdraw {proposal.participant.full_name} from "
                           f"{proposal.opportunity.title}?",
                "body": [
                    f"{proposal.opportunity.employer.name} will be told the candidate has been "
                    "withdrawn, and any interview or offer ends.",
                    f"Your reason: {form.cleaned_data['reason']}",
                ],
                "warning": "A withdrawal cannot be undone: to put them forward again, make a "
                           "new proposal.",
                "fields": [("action", "withdraw"), ("reason", form.cleaned_data["reason"])],
                "button": "Yes, withdraw the candidate",
                "danger": True,
                "cancel_url": reverse("pipeline:proposal", args=[proposal.pk]),
            })
        try:
            proposals.proposal_transition(
                actor=request.user,
                proposal=proposal,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            proposal.refresh_from_db()
            messages.success(request, f"Status updated: {proposal.get_status_display().lower()}")
            return redirect("pipeline:proposal", pk=proposal.pk)
    return _proposal_page(request, proposal, decision_form=form, status=400)


@staff_required
@require_POST
def question_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = get_object_or_404(
        ProposalQuestion.objects.filter(
            proposal__in=selectors.proposals_for_key_worker(request.user)
        ),
        pk=pk,
    )
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        try:
            proposals.question_answer(
                actor=request.user, question=question, answer=form.cleaned_data["answer"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Your answer has been sent to the employer")
            return redirect("pipeline:proposal", pk=question.proposal_id)
    return _proposal_page(
        request, question.proposal, answer_form=form, answer_pk=question.pk, status=400
    )


@staff_required
def placement_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_for_key_worker_or_404(request.user, pk)
    if proposal.status != S.ACCEPTED:
        messages.error(request, "You can record a start once the offer has been accepted")
        return redirect("pipeline:proposal", pk=proposal.pk)
    opp = proposal.opportunity
    initial = {
        "job_title": opp.title,
        "hours_per_week": opp.hours_per_week,
        "pay": Decimal(opp.pay_pence) / 100 if opp.pay_pence else None,
        "pay_basis": opp.pay_basis,
    }
    form = forms.StartForm(request.POST or None, initial=initial)
    if "confirm_before_opportunity_start" in request.POST:
        form.ask_early_start()  # the question was asked: keep it on the page
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            placement = placements.placement_start(
                actor=request.user,
                proposal=proposal,
                job_title=data["job_title"],
                start_date=data["start_date"],
                hours_per_week=data["hours_per_week"],
                contract_type=data["contract_type"],
                pay_pence=_pence(data["pay"]),
                pay_basis=data["pay_basis"] if data["pay"] is not None else "",
                confirm_before_opportunity_start=bool(
                    data.get("confirm_before_opportunity_start")
                ),
            )
        except ValidationError as exc:
            if any(error.code == "before_opportunity_start"
                   for error in getattr(exc, "error_dict", {}).get("start_date", [])):
                form.ask_early_start()
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"Start recorded: {placement.checkpoints.count()} checkpoints scheduled"
            )
            return redirect("pipeline:placement", pk=placement.pk)
    return render(request, "pipeline/start.html", _record_context(
        request, proposal.participant, proposal=proposal, form=form))


@staff_required
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = selectors.placement_for_key_worker_or_404(request.user, pk)
    return render(request, "pipeline/placement.html", _record_context(
        request, placement.participant, placement=placement,
        checkpoints=placement.checkpoints.select_related("confirmed_by"),
        progressions=placement.progressions.select_related("recorded_by"),
        support=placement.support_contacts.select_related("recorded_by"),
        outcomes=placement.outcomes.all(), today=timezone.localdate(),
        is_open=selectors.placement_is_open(placement),
    ))


def _placement_form_view(request, pk, form_class, template, call, success):
    placement = selectors.placement_for_key_worker_or_404(request.user, pk)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call(placement, form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("pipeline:placement", pk=placement.pk)
    return render(
        request,
        template,
        _record_context(request, placement.participant, placement=placement, form=form),
    )


@staff_required
def progression(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _placement_form_view(
        request, pk, forms.ProgressionForm, "pipeline/progression.html",
        lambda p, d: in_work.progression_record(actor=request.user, placement=p, **d),
        "Progression recorded",
    )


@staff_required
def support(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _placement_form_view(
        request, pk, forms.SupportForm, "pipeline/support.html",
        lambda p, d: in_work.support_contact_record(actor=request.user, placement=p, **d),
        "In-work support contact recorded",
    )


@staff_required
def leaver(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _placement_form_view(
        request, pk, forms.LeaverForm, "pipeline/leaver.html",
        lambda p, d: placements.placement_leave(actor=request.user, placement=p, **d),
        "Leaving date recorded; later checkpoints are cancelled",
    )


def _confirm_kwargs(data) -> dict:
    employed = data["still_employed"] == "yes"
    return {
        "still_employed": employed,
        "hours_per_week": data.get("hours_per_week") if employed else None,
        "left_on": None if employed else data.get("left_on"),
        "leaving_reason": "" if employed else data.get("leaving_reason", ""),
    }


@staff_required
def checkpoint_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    checkpoint = selectors.key_worker_checkpoint_or_404(request.user, pk)
    form = forms.CheckpointEvidenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = placements.checkpoint_confirm(
                actor=request.user,
                checkpoint=checkpoint,
                via=ConfirmedVia.KEY_WORKER_EVIDENCE,
                evidence=form.cleaned_data["evidence"],
                **_confirm_kwargs(form.cleaned_data),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"{checkpoint.name}: {checkpoint.get_status_display().lower()}"
            )
            return redirect("pipeline:placement", pk=checkpoint.placement_id)
    return render(
        request,
        "pipeline/checkpoint_evidence.html",
        _record_context(
            request,
            checkpoint.placement.participant,
            checkpoint=checkpoint,
            placement=checkpoint.placement,
            form=form,
        ),
    )


@staff_required
@require_POST
def checkpoint_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    checkpoint = selectors.key_worker_checkpoint_or_404(request.user, pk)
    try:
        sent = links.checkpoint_link_resend(actor=request.user, checkpoint=checkpoint)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"A new link has been sent to {checkpoint.placement.employer.name} ({sent} "
            f"{'person' if sent == 1 else 'people'})",
        )
    return redirect("pipeline:placement", pk=checkpoint.placement_id)


@staff_required
def route_way(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    participant = participant_for_user_or_404(request.user, reference)
    available = selectors.route_ways_available()
    form = forms.RouteWayForm(request.POST or None, route_ways=available)
    if request.method == "POST" and form.is_valid():
        try:
            completion = route_ways.route_way_completion_record(
                actor=request.user,
                participant=participant,
                route_way=form.cleaned_data["route_way"],
                completed_on=form.cleaned_data["completed_on"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Completion recorded: {participant.full_name} is guaranteed an interview "
                f"with {completion.route_way.opportunity.employer.name}",
            )
            return redirect("pipeline:proposal", pk=completion.proposal_id)
    return render(request, "pipeline/route_way.html", _record_context(
        request, participant, form=form, has_route_ways=available.exists()))


@staff_required
def mentor_choose(request: HttpRequest, reference: str) -> HttpResponse:
    participant = participant_for_user_or_404(request.user, reference)
    sector = request.GET.get("sector", "")
    return render(request, "pipeline/mentor_choose.html", _record_context(
        request, participant, mentors=selectors.mentors_for_mentee(participant, sector=sector),
        expected=MentorProfile.EXPECTED_MENTEES,
    ))


@staff_required
def mentoring_agree(request: AuthenticatedHttpRequest, reference: str, mentor_pk: int) -> HttpResponse:
    participant = participant_for_user_or_404(request.user, reference)
    mentor = selectors.mentor_for_mentee_or_404(participant, mentor_pk)
    wanted = set(participant.sector_interests or []) & set(mentor.sectors) or set(mentor.sectors)
    form = forms.AgreementForm(request.POST or None, sectors=wanted)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = mentoring.mentoring_agreement_create(
                actor=request.user, mentee=participant, mentor=mentor, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"Mentoring agreement recorded with {mentor.user.display_name}"
            )
            return redirect("pipeline:mentoring_agreement", pk=agreement.pk)
    return render(request, "pipeline/mentoring_agree.html", _record_context(
        request, participant, mentor=mentor, form=form))


@staff_required
def mentors(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(selectors.all_mentors(), 25).get_page(request.GET.get("page"))
    return render(request, "pipeline/mentors.html", {"page_obj": page_obj,
                                                      "expected": MentorProfile.EXPECTED_MENTEES})


# --- mentoring agreements (mentor or key worker) --------------------------------------------------


@login_required
def mentoring_agreement(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.mentoring_agreement_or_404(request.user, pk)
    form = forms.MentoringContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mentoring.mentoring_contact_record(
                actor=request.user, agreement=agreement, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Contact recorded")
            return redirect("pipeline:mentoring_agreement", pk=agreement.pk)
    is_mentor = agreement.mentor.user_id == request.user.pk
    return render(
        request,
        "pipeline/mentoring_agreement.html",
        {
            "agreement": agreement,
            "form": form,
            "contacts": agreement.contacts.select_related("recorded_by"),
            "gaps": selectors.months_without_contact(agreement),
            "is_mentor": is_mentor,
            "active": agreement.status == MentoringStatus.ACTIVE,
            "past_end": agreement.ends_on < timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def mentoring_close(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = selectors.mentoring_agreement_or_404(request.user, pk)
    if agreement.mentor.user_id != request.user.pk:
        raise PermissionDenied("Only the mentor can close the agreement")
    form = forms.MentoringCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mentoring.mentoring_agreement_close(
                actor=request.user, agreement=agreement, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Mentoring agreement closed. Thank you for mentoring.")
            return redirect("pipeline:mentoring_agreement", pk=agreement.pk)
    return render(request, "pipeline/mentoring_close.html", {"agreement": agreement, "form": form})


# --- employers -----------------------------------------------------------------------------------


@employer_required
def employer_candidates(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "")
    qs = selectors.proposals_for_employer(request.user, show=show)
    page_obj = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "pipeline/employer_candidates.html", {
        "page_obj": page_obj, "show": show,
        "filters": [("", "All"), ("new", "New"), ("interviews", "Interviews"), ("offers", "Offers"),
                    ("started", "Started"), ("closed", "Closed")],
        "checkpoints": selectors.employer_checkpoints_due(request.user),
        "placements": selectors.placements_for_employer(request.user).filter(status="in_work")[:50],
    })


def _employer_actions(proposal) -> list[str]:
    allowed = [a for a in ("interviewed", "no_show", "offer", "decline")
               if proposal.status in transitions.TRANSITIONS[a][0]]
    if proposal.status in (S.PROPOSED, S.WITH_EMPLOYER):
        return []  # before an interview: book one or decline (its own page)
    return allowed


def _candidate_page(request, proposal, *, question_form=None, decision_form=None, status=200):
    try:
        profile = anonymised_profile(proposal.participant)
    except ProfileNotShareable:
        profile = None
    allowed = _employer_actions(proposal)
    revealed = proposals.identity_revealed(proposal)
    questions = list(proposal.questions.all())
    note = proposal.note
    withheld_answers: set[int] = set()
    if not revealed:  # written before the rule, or changed since: never shown if it identifies
        participant = proposal.participant
        note = "" if identifying_details(note, participant) else note
        withheld_answers = {
            q.pk for q in questions if identifying_details(q.answer, participant)
        }
    return render(
        request,
        "pipeline/employer_candidate.html",
        {
            "proposal": proposal,
            "profile": profile,
            "revealed": revealed,
            "note": note,
            "withheld_answers": withheld_answers,
            "interview": proposal.interviews.first(),
            "questions": questions,
            "question_form": question_form or forms.QuestionForm(),
            "decision_form": (decision_form or forms.EmployerDecisionForm(allowed=allowed))
            if allowed
            else None,
            "can_book": proposal.status in (S.PROPOSED, S.WITH_EMPLOYER, S.INTERVIEW_BOOKED)
            and profile is not None,
            "can_decline": proposal.status in (S.PROPOSED, S.WITH_EMPLOYER)
            and not proposal.guaranteed_interview,
        },
        status=status,
    )


@employer_required
def employer_candidate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_for_employer_or_404(request.user, pk)
    proposal = proposals.proposal_open(actor=request.user, proposal=proposal)
    return _candidate_page(request, proposal)


@employer_required
@require_POST
def employer_question(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_for_employer_or_404(request.user, pk)
    form = forms.QuestionForm(request.POST)
    if form.is_valid():
        try:
            proposals.question_ask(
                actor=request.user, proposal=proposal, question=form.cleaned_data["question"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Your question has been sent to the candidate's key worker")
            return redirect("pipeline:employer_candidate", pk=proposal.pk)
    return _candidate_page(request, proposal, question_form=form, status=400)


@employer_required
@require_POST
def employer_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_for_employer_or_404(request.user, pk)
    form = forms.EmployerDecisionForm(request.POST, allowed=_employer_actions(proposal))
    if form.is_valid():
        try:
            proposals.proposal_transition(
                actor=request.user,
                proposal=proposal,
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                reasons=form.cleaned_data.get(PICKED, ()),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            proposal.refresh_from_db()
            messages.success(request, f"Recorded: {proposal.get_status_display().lower()}")
            return redirect("pipeline:employer_candidate", pk=proposal.pk)
    return _candidate_page(request, proposal, decision_form=form, status=400)


@employer_required
def employer_interview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_for_employer_or_404(request.user, pk)
    adjustments = ""
    try:
        adjustments = ", ".join(anonymised_profile(proposal.participant)["adjustments_needed"])
    except ProfileNotShareable:
        messages.error(request, "This candidate's profile is no longer available")
        return redirect("pipeline:employer_candidate", pk=proposal.pk)
    initial: dict[str, object] = {"adjustments": adjustments}
    current = proposal.interviews.first() if proposal.status == S.INTERVIEW_BOOKED else None
    if current is not None:  # "Change the interview" starts from the current booking
        initial = {"date": current.date, "time": current.time.strftime("%H:%M"),
                   "format": current.format, "location": current.location,
                   "adjustments": current.adjustments}
    form = forms.InterviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposals.interview_book(actor=request.user, proposal=proposal, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Interview booked. We have told the candidate's key worker.")
            return redirect("pipeline:employer_candidate", pk=proposal.pk)
    return render(request, "pipeline/employer_interview.html",
                  {"proposal": proposal, "form": form, "current": current})


@employer_required
def employer_decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_for_employer_or_404(request.user, pk)
    form = forms.DeclineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            proposals.proposal_transition(
                actor=request.user,
                proposal=proposal,
                action="decline",
                reason=form.cleaned_data["reason"],
                reasons=form.cleaned_data.get(PICKED, ()),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Candidate declined. We have told their key worker.")
            return redirect("pipeline:employer_candidates")
    return render(request, "pipeline/employer_decline.html", {"proposal": proposal, "form": form})


@employer_required
def employer_checkpoint(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    checkpoint = selectors.employer_checkpoint_or_404(request.user, pk)
    form = forms.CheckpointConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = placements.checkpoint_confirm(
                actor=request.user,
                checkpoint=checkpoint,
                via=ConfirmedVia.EMPLOYER_DASHBOARD,
                **_confirm_kwargs(form.cleaned_data),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return render(request, "pipeline/checkpoint_done.html", {"checkpoint": checkpoint})
    return render(
        request,
        "pipeline/checkpoint_confirm.html",
        {
            "checkpoint": checkpoint,
            "placement": checkpoint.placement,
            "form": form,
            "can_confirm": checkpoint.status == CheckpointStatus.SCHEDULED
            and checkpoint.due_on <= timezone.localdate(),
        },
    )


@employer_required
def employer_mentoring(request: AuthenticatedHttpRequest) -> HttpResponse:
    employers = Employer.objects.filter(memberships__user=request.user).order_by("name")
    profile = MentorProfile.objects.filter(user=request.user).first()
    initial = {"employer": profile.employer_id, "sectors": profile.sectors, "about": profile.about,
               "trained_on": profile.trained_on} if profile else {}
    form = forms.MentorProfileForm(request.POST or None, initial=initial, employers=employers)
    if request.method == "POST" and form.is_valid():
        try:
            mentoring.mentor_profile_save(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Your mentor profile has been saved")
            return redirect("pipeline:employer_mentoring")
    return render(
        request,
        "pipeline/employer_mentoring.html",
        {
            "form": form,
            "profile": profile,
            "has_employer": employers.exists(),
            "agreements": selectors.mentoring_agreements_for_user(request.user).filter(
                mentor__user=request.user
            ),
            "expected": MentorProfile.EXPECTED_MENTEES,
        },
    )


# --- the emailed link (no login) ------------------------------------------------------------------


def checkpoint_link(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = links.checkpoint_link_resolve(token)
    except links.LinkProblem as problem:
        return render(
            request,
            "pipeline/link_problem.html",
            {"reason": problem.reason, "checkpoint": problem.checkpoint},
            status=400,
        )
    checkpoint = link.checkpoint
    form = forms.CheckpointConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            checkpoint = links.checkpoint_confirm_from_link(
                token=token, **_confirm_kwargs(form.cleaned_data)
            )
        except links.LinkProblem as problem:
            return render(
                request,
                "pipeline/link_problem.html",
                {"reason": problem.reason, "checkpoint": problem.checkpoint},
                status=400,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            return render(request, "pipeline/checkpoint_done.html", {"checkpoint": checkpoint})
    return render(
        request,
        "pipeline/checkpoint_confirm.html",
        {
            "checkpoint": checkpoint,
            "placement": checkpoint.placement,
            "form": form,
            "from_link": True,
            "can_confirm": checkpoint.due_on <= timezone.localdate(),
        },
    )
