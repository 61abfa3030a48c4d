import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from brokerage.audit.selectors import audit_events_for
from brokerage.employers import selectors, services
from brokerage.employers.forms import (
    ContactForm,
    CoordinatorApprovalForm,
    EmployerSearchForm,
    InteractionForm,
    InviteForm,
    JoinForm,
    MemberRoleForm,
    OrganisationForm,
    PartnerEmployerForm,
    PartnerRequestDecisionForm,
    RelationshipForm,
    SiteForm,
)
from brokerage.employers.home import employer_home
from brokerage.employers.matching import email_domain
from brokerage.employers.merge import employer_duplicate_dismiss, employer_merge
from brokerage.employers.models import EmployerContact, EmployerSite, MembershipRole
from brokerage.payments.stripe.views import allows_stripe_onboarding
from portal.accounts.permissions import is_coordinator, role_required
from portal.accounts.roles import Role
from portal.core.forms import apply_service_errors

STAFF_ROLES = (Role.PARTNER_STAFF, Role.COORDINATOR)






# --- employer users --------------------------------------------------------------------------


@role_required(Role.EMPLOYER)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The employer's home: a task list of what needs doing, or how to set up an organisation."""
    memberships = list(selectors.memberships_for_user(request.user))
    if memberships:
        return allows_stripe_onboarding(render(  # its payout card's form leads to Stripe
            request, "employers/home.html", {"home": employer_home(request.user, memberships)}
        ))
    return render(
        request,
        "employers/dashboard.html",
        {
            "memberships": memberships,
            "candidates": selectors.employer_join_candidates(request.user),
            "pending_requests": selectors.pending_join_requests_for_user(request.user),
        },
    )


def _organisation_page(request, membership) -> HttpResponse:
    employer = selectors.employer_profile(membership.employer)
    is_admin = membership.role == MembershipRole.ADMIN
    return render(
        request,
        "employers/organisation.html",
        {
            "employer": employer,
            "membership": membership,
            "is_admin": is_admin,
            "join_requests": selectors.employer_pending_join_requests(employer) if is_admin else [],
            "partner_requests": selectors.employer_pending_partner_requests(employer)
            if is_admin
            else [],
            "partners": selectors.employer_partners_in_force(employer),
            "partner_actions": selectors.employer_partner_activity(employer)[:10],
            "other_memberships": selectors.memberships_for_user(request.user).exclude(
                pk=membership.pk
            ),
        },
    )


@role_required(Role.EMPLOYER)
def organisation(request: HttpRequest, pk: int) -> HttpResponse:
    _, membership = selectors.employer_for_member_or_404(request.user, pk)
    return _organisation_page(request, membership)


@role_required(Role.EMPLOYER)
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    lookalikes: list = []
    if "confirm_different" in request.POST:
        form.ask_confirm_different()
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirm = bool(data.pop("confirm_different", False))
        try:
            employer = services.employer_register(
                actor=request.user, confirm_different=confirm, **data
            )
        except ValidationError as exc:
            if any(e.code == "looks_like_existing"
                   for e in getattr(exc, "error_dict", {}).get("name", [])):
                lookalikes = list(selectors.employer_lookalikes(
                    name=data["name"], companies_house_number=data.get("companies_house_number", ""),
                    domain=email_domain(request.user.email),
                ))
                # The join page may offer these (not only the email-domain suggestions).
                request.session["join_lookalikes"] = [e.pk for e in lookalikes]
                form.ask_confirm_different()
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{employer.name} has been created. You are its admin.")
            return redirect("employers:organisation", pk=employer.pk)
    return render(request, "employers/organisation_form.html",
                  {"form": form, "creating": True, "lookalikes": lookalikes})


@role_required(Role.EMPLOYER)
def join(request: HttpRequest) -> HttpResponse:
    candidates = list(selectors.employer_join_candidates(request.user))
    asked_about = [pk for pk in request.session.get("join_lookalikes", []) if isinstance(pk, int)]
    if asked_about:  # organisations shown when creating one that looked like them
        known = {e.pk for e in candidates}
        candidates += [e for e in selectors.employer_lookalikes_by_pk(request.user, asked_about)
                       if e.pk not in known]
    form = JoinForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        employer = next(e for e in candidates if e.pk == form.cleaned_data["employer"])
        try:
            services.employer_join_request_create(user=request.user, employer=employer)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            owner = selectors.join_request_owner(employer)
            messages.success(request, f"We have asked {owner.name} to approve your request.")
            return redirect("employers:dashboard")
    return render(request, "employers/join.html", {"form": form, "candidates": candidates})


@role_required(Role.EMPLOYER)
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employer, _ = selectors.employer_for_member_or_404(request.user, pk, admin=True)
    return _profile_edit(request, employer, done=reverse("employers:organisation", args=[pk]))


def _profile_edit(request, employer, *, done: str, staff: bool = False) -> HttpResponse:
    initial = {
        name: getattr(employer, name)
        for name in ("name", "companies_house_number", "postcode", "sector", "size_band",
                     "disability_confident", "website")
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.employer_update(actor=request.user, employer=employer, data=form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The organisation's details have been saved.")
            return redirect(done)
    return render(
        request, "employers/organisation_form.html",
        {"form": form, "employer": employer, "back": done, "staff": staff},
    )


@role_required(Role.EMPLOYER)
def site_add(request: HttpRequest, pk: int) -> HttpResponse:
    employer, _ = selectors.employer_for_member_or_404(request.user, pk, admin=True)
    return _site_add(request, employer, done=reverse("employers:organisation", args=[pk]))


def _site_add(request, employer, *, done: str) -> HttpResponse:
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.employer_site_add(
                actor=request.user, employer=employer, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{site.name} has been added.")
            return redirect(done)
    return render(
        request, "employers/site_form.html", {"form": form, "employer": employer, "back": done}
    )


@role_required(Role.EMPLOYER)
def site_remove(request: HttpRequest, pk: int, site_pk: int) -> HttpResponse:
    employer, _ = selectors.employer_for_member_or_404(request.user, pk, admin=True)
    site = get_object_or_404(EmployerSite, pk=site_pk, employer=employer)
    done = reverse("employers:organisation", args=[pk])
    if request.method == "POST":
        services.employer_site_remove(actor=request.user, site=site)
        messages.success(request, f"{site.name} has been removed.")
        return redirect(done)
    return render(
        request, "employers/confirm_remove.html",
        {"employer": employer, "thing": f"the site {site}", "back": done},
    )


@role_required(Role.EMPLOYER)
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    employer, _ = selectors.employer_for_member_or_404(request.user, pk, admin=True)
    return _contact_add(request, employer, done=reverse("employers:organisation", args=[pk]))


def _contact_add(request, employer, *, done: str) -> HttpResponse:
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.employer_contact_add(
                actor=request.user, employer=employer, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{contact.name} has been added as a contact.")
            return redirect(done)
    return render(
        request, "employers/contact_form.html", {"form": form, "employer": employer, "back": done}
    )


@role_required(Role.EMPLOYER)
def contact_remove(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    employer, _ = selectors.employer_for_member_or_404(request.user, pk, admin=True)
    contact = get_object_or_404(EmployerContact, pk=contact_pk, employer=employer)
    done = reverse("employers:organisation", args=[pk])
    if request.method == "POST":
        services.employer_contact_remove(actor=request.user, contact=contact)
        messages.success(request, f"{contact.name} has been removed.")
        return redirect(done)
    return render(
        request, "employers/confirm_remove.html",
        {"employer": employer, "thing": f"the contact {contact.name}", "back": done},
    )


@role_required(Role.EMPLOYER)
def members(request: HttpRequest, pk: int) -> HttpResponse:
    employer, membership = selectors.employer_for_member_or_404(request.user, pk, admin=True)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.employer_invitation_create(
                actor=request.user, employer=employer, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"We have emailed an invitation to {invitation.email}.")
            return redirect("employers:members", pk=pk)
    return render(
        request,
        "employers/members.html",
        {
            "employer": employer,
            "form": form,
            "members": selectors.employer_members(employer),
            "invitations": selectors.employer_open_invitations(employer),
            "join_requests": selectors.employer_pending_join_requests(employer),
            "me": membership,
        },
    )


@role_required(Role.EMPLOYER)
def member_edit(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    employer, _ = selectors.employer_for_member_or_404(request.user, pk, admin=True)
    target = get_object_or_404(employer.memberships.select_related("user"), pk=membership_pk)
    form = MemberRoleForm(
        request.POST if request.POST.get("action") == "role" else None,
        initial={"role": target.role},
    )
    problem = None
    if request.method == "POST" and request.POST.get("action") == "remove":
        try:
            services.employer_membership_remove(actor=request.user, membership=target)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            messages.success(request, f"{target.user.email} has been removed.")
            if target.user_id == request.user.pk:
                return redirect("employers:dashboard")
            return redirect("employers:members", pk=pk)
    elif request.method == "POST" and form.is_valid():
        try:
            services.employer_membership_change_role(
                actor=request.user, membership=target, role=form.cleaned_data["role"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"{target.user.email}'s role has been changed.")
            return redirect("employers:members", pk=pk)
    return render(
        request, "employers/member_edit.html",
        {"employer": employer, "target": target, "form": form, "problem": problem},
    )


@role_required(Role.EMPLOYER)
@require_POST
def invitation_cancel(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    employer, _ = selectors.employer_for_member_or_404(request.user, pk, admin=True)
    invitation = get_object_or_404(employer.invitations, pk=invitation_pk)
    services.employer_invitation_cancel(actor=request.user, invitation=invitation)
    messages.success(request, f"The invitation to {invitation.email} has been withdrawn.")
    return redirect("employers:members", pk=pk)


def _join_request_decide(request: HttpRequest, employer, request_pk: int, *, declined: str) -> None:
    """Approve or decline a request to join ``employer`` (already checked: the viewer owns it)."""
    join_request = get_object_or_404(employer.join_requests.select_related("user"), pk=request_pk)
    approve = request.POST.get("decision") == "approve"
    try:
        services.employer_join_request_decide(
            actor=request.user, join_request=join_request, approve=approve
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        verb = "is now a member" if approve else declined
        messages.success(request, f"{join_request.user.email} {verb}.")


@role_required(Role.EMPLOYER)
@require_POST
def join_request_decide(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    employer, _ = selectors.employer_for_member_or_404(request.user, pk, admin=True)
    _join_request_decide(request, employer, request_pk, declined="has been declined")
    return redirect("employers:members", pk=pk)


@role_required(Role.EMPLOYER)
def partner_request(request: HttpRequest, pk: int, relationship_pk: int) -> HttpResponse:
    """An admin answers a partner's request, or stops a partner acting for the organisation."""
    employer, _ = selectors.employer_for_member_or_404(request.user, pk, admin=True)
    relationship = selectors.employer_partner_request_or_404(employer, relationship_pk)
    done = reverse("employers:organisation", args=[pk])
    if relationship.grants_rights:
        if request.method == "POST":
            services.partner_relationship_end(actor=request.user, relationship=relationship)
            messages.success(
                request, f"{relationship.partner} can no longer act for {employer.name}."
            )
            return redirect(done)
        return render(
            request, "employers/partner_stop.html",
            {"employer": employer, "relationship": relationship, "back": done},
        )
    form = PartnerRequestDecisionForm(request.POST if request.method == "POST" else None)
    if relationship.is_pending and request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.partner_relationship_decide(
                actor=request.user, relationship=relationship, accept=accept,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if accept:
                messages.success(
                    request, f"{relationship.partner} can now act for {employer.name}."
                )
            else:
                messages.success(request, f"You have declined {relationship.partner}'s request.")
            return redirect(done)
    return render(
        request, "employers/partner_request.html",
        {"employer": employer, "relationship": relationship, "form": form, "back": done},
    )


@role_required(Role.EMPLOYER)
def activity(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything partners did for the organisation, and every decision about partners."""
    employer, membership = selectors.employer_for_member_or_404(request.user, pk)
    page_obj = Paginator(selectors.employer_partner_activity(employer), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request, "employers/activity.html",
        {"employer": employer, "membership": membership, "page_obj": page_obj},
    )


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone with the link lands here; accepting needs the invited email signed in."""
    try:
        invitation = services.employer_invitation_from_token(token)
    except ValidationError as exc:
        return render(
            request, "employers/invitation_problem.html", {"problem": exc.messages[0]}, status=400
        )
    context = {"invitation": invitation, "here": request.get_full_path()}
    if invitation.accepted_at is not None:
        context["problem"] = "This invitation has already been accepted."
        return render(request, "employers/invitation_problem.html", context, status=400)
    if not request.user.is_authenticated:
        return render(request, "employers/invitation_signin.html", context)
    if request.method == "POST":
        try:
            membership = services.employer_invitation_accept(
                user=request.user, invitation=invitation
            )
        except ValidationError as exc:
            context["problem"] = exc.messages[0]
            return render(request, "employers/invitation_problem.html", context, status=400)
        messages.success(request, f"You have joined {membership.employer.name}.")
        return redirect("employers:organisation", pk=membership.employer_id)
    if request.user.email.lower() != invitation.email.lower():
        context["problem"] = (
            f"This invitation was sent to {invitation.email}, but you "
            f"are signed in as {request.user.email}. Sign out, then "
            f"sign in or create an account with {invitation.email}."
        )
        return render(request, "employers/invitation_problem.html", context, status=400)
    return render(request, "employers/invitation_accept.html", context)


# --- partner staff and coordinators ----------------------------------------------------------


@role_required(*STAFF_ROLES)
def staff_list(request: HttpRequest) -> HttpResponse:
    form = EmployerSearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page_obj = Paginator(selectors.employer_staff_list(request.user, query=query), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request, "employers/staff_list.html",
        {
            "form": form, "query": query, "page_obj": page_obj,
            "can_add": request.user.has_role(Role.PARTNER_STAFF) and request.user.partner_id,
            "is_coordinator": is_coordinator(request.user),
        },
    )


def _staff_can_manage(user, employer) -> bool:
    """Coordinators (within scope) and partners working with the employer may change its record."""
    return is_coordinator(user) or selectors.user_can_act_for(user, employer)


@role_required(*STAFF_ROLES)
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    merged_into = selectors.merged_record_for_user(request.user, pk)
    if merged_into is not None:
        messages.info(request, f"That record was merged into {merged_into.name}.")
        return redirect("employers:staff_detail", pk=merged_into.pk)
    employer = selectors.employer_for_user_or_404(request.user, pk)
    employer = selectors.employer_profile(employer)
    timeline = Paginator(selectors.employer_timeline(employer), 20).get_page(
        request.GET.get("page")
    )
    coordinator = is_coordinator(request.user)
    return render(
        request,
        "employers/staff_detail.html",
        {
            "employer": employer,
            "page_obj": timeline,
            "partners": selectors.employer_partners(employer),
            "relationship": selectors.relationship_for(request.user.partner, employer),
            "can_act": selectors.user_can_act_for(request.user, employer),
            "can_manage": _staff_can_manage(request.user, employer),
            "is_partner": request.user.has_role(Role.PARTNER_STAFF) and request.user.partner_id,
            "is_coordinator": coordinator,
            "duplicates": selectors.employer_duplicates(
                employers=selectors.employers_for_user(request.user), employer=employer
            ) if coordinator else [],
            "history": audit_events_for(employer).select_related("actor__partner")[:15],
            "members": selectors.employer_members(employer),
            "join_requests": _join_requests_owned(request.user, employer),
        },
    )


def _join_requests_owned(user, employer) -> list:
    """Requests to join this organisation that ``user`` decides (it has no admin)."""
    owner = selectors.join_request_owner(employer)
    if owner.kind == "admins" or not owner.users.filter(pk=user.pk).exists():
        return []
    return list(selectors.employer_pending_join_requests(employer))


@role_required(*STAFF_ROLES)
@require_POST
def staff_join_request_decide(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    """The partner or coordinator who owns a request to join an organisation with no admin."""
    employer = selectors.employer_for_user_or_404(request.user, pk)
    _join_request_decide(request, employer, request_pk, declined="was not added")
    return redirect("employers:staff_detail", pk=employer.pk)


@role_required(Role.PARTNER_STAFF)
def staff_create(request: HttpRequest) -> HttpResponse:
    if not request.user.partner_id:
        raise PermissionDenied
    form = PartnerEmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("disability_confident", None)
        try:
            result = services.partner_employer_add(actor=request.user, **data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            if result.created:
                messages.success(
                    request,
                    f"{result.employer.name} has been added. Your organisation works with them.",
                )
            elif result.relationship.grants_rights:
                messages.success(
                    request,
                    f"{result.employer.name} was already on the portal, so we have not "
                    "made a second record. Your organisation already works with them.",
                )
            else:
                messages.success(
                    request,
                    f"{result.employer.name} was already on the portal, so we have "
                    f"not made a second record. {_request_sent(result.employer)}",
                )
            return redirect("employers:staff_detail", pk=result.employer.pk)
    return render(request, "employers/staff_create.html", {"form": form})


@role_required(*STAFF_ROLES)
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_for_user_or_404(request.user, pk)
    if not _staff_can_manage(request.user, employer):
        raise PermissionDenied
    return _profile_edit(
        request, employer, done=reverse("employers:staff_detail", args=[pk]), staff=True
    )


@role_required(*STAFF_ROLES)
def staff_site_add(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_for_user_or_404(request.user, pk)
    if not _staff_can_manage(request.user, employer):
        raise PermissionDenied
    return _site_add(request, employer, done=reverse("employers:staff_detail", args=[pk]))


@role_required(*STAFF_ROLES)
def staff_contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_for_user_or_404(request.user, pk)
    if not _staff_can_manage(request.user, employer):
        raise PermissionDenied
    return _contact_add(request, employer, done=reverse("employers:staff_detail", args=[pk]))


@role_required(*STAFF_ROLES)
def interaction_add(request: HttpRequest, pk: int) -> HttpResponse:
    employer = selectors.employer_for_user_or_404(request.user, pk)
    form = InteractionForm(request.POST or None, initial={"happened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["happened_on"]
        happened_at = (
            timezone.now() if day == timezone.localdate()
            else timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        )
        try:
            services.interaction_add(
                actor=request.user, employer=employer, kind=form.cleaned_data["kind"],
                summary=form.cleaned_data["summary"], happened_at=happened_at,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "The contact has been added to the employer's timeline.")
            return redirect("employers:staff_detail", pk=pk)
    return render(request, "employers/interaction_form.html", {"form": form, "employer": employer})


def _request_sent(employer) -> str:
    if selectors.employer_has_members(employer):
        return (
            f"We have asked {employer.name}'s admins to accept your request. "
            "Until they do, you cannot change their record or post for them."
        )
    return (
        f"Nobody from {employer.name} uses the portal yet, so a coordinator will review "
        "your request. Until then, you cannot change their record or post for them."
    )


@role_required(Role.PARTNER_STAFF)
def relationship(request: HttpRequest, pk: int) -> HttpResponse:
    """Partner staff ask to work with an employer, change their terms, or stop."""
    employer = selectors.employer_for_user_or_404(request.user, pk)
    partner = request.user.partner
    if partner is None:
        raise PermissionDenied
    current = selectors.relationship_for(partner, employer)
    initial = {
        "requires_employer_signoff": "yes"
        if (current is None or current.requires_employer_signoff)
        else "no"
    }
    form = RelationshipForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "end" and current is not None:
            services.partner_relationship_end(actor=request.user, relationship=current)
            if current.is_pending:
                messages.success(
                    request, f"Your request to work with {employer.name} has been withdrawn."
                )
            else:
                messages.success(
                    request, f"{partner} is no longer recorded as working with {employer.name}."
                )
            return redirect("employers:staff_detail", pk=pk)
        if form.is_valid():
            try:
                result = services.partner_relationship_request(
                    actor=request.user, partner=partner, employer=employer,
                    requires_employer_signoff=form.cleaned_data["requires_employer_signoff"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                if result.grants_rights:
                    messages.success(
                        request, f"How {partner} works with {employer.name} has been saved."
                    )
                else:
                    messages.success(request, _request_sent(employer))
                return redirect("employers:staff_detail", pk=pk)
    return render(
        request, "employers/relationship_form.html",
        {
            "form": form, "employer": employer, "current": current, "partner": partner,
            "has_members": selectors.employer_has_members(employer),
        },
    )


@role_required(*STAFF_ROLES)
def partner_requests(request: HttpRequest) -> HttpResponse:
    """Partner staff follow their organisation's requests; coordinators see those waiting."""
    page_obj = Paginator(selectors.partner_requests_for_user(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request, "employers/partner_requests.html",
        {"page_obj": page_obj, "is_coordinator": is_coordinator(request.user)},
    )


@role_required(Role.COORDINATOR)
def partner_request_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator approves (with a reason) or declines a partner's request."""
    relationship = selectors.partner_request_for_coordinator_or_404(request.user, pk)
    form = CoordinatorApprovalForm(request.POST if request.method == "POST" else None)
    if relationship.is_pending and request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.partner_relationship_approve(
                actor=request.user, relationship=relationship, approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            verb = "approved" if approve else "declined"
            messages.success(
                request,
                f"You have {verb} {relationship.partner}'s "
                f"request to act for {relationship.employer.name}.",
            )
            return redirect("employers:partner_requests")
    return render(
        request, "employers/partner_request_review.html",
        {
            "relationship": relationship, "form": form,
            "has_members": selectors.employer_has_members(relationship.employer),
        },
    )


@role_required(Role.COORDINATOR)
def duplicates(request: HttpRequest) -> HttpResponse:
    pairs = selectors.employer_duplicates(employers=selectors.employers_for_user(request.user))
    page_obj = Paginator(pairs, 20).get_page(request.GET.get("page"))
    return render(request, "employers/duplicates.html", {"page_obj": page_obj})


@role_required(Role.COORDINATOR)
def merge(request: HttpRequest, first: int, second: int) -> HttpResponse:
    """Preview (GET), then confirm (POST) merging ``second`` into ``first``; or dismiss the pair."""
    pair = selectors.duplicate_pair_or_404(request.user, first, second)
    keep, away = pair.first, pair.second
    if keep.pk != first:
        keep, away = away, keep
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "merge":
                employer_merge(actor=request.user, keep=keep, merge=away)
                messages.success(
                    request, f"{away.name} (#{away.pk}) has been merged into {keep.name}."
                )
                return redirect("employers:staff_detail", pk=keep.pk)
            if action == "dismiss":
                employer_duplicate_dismiss(actor=request.user, first=keep, second=away)
                messages.success(
                    request, f"{keep.name} and {away.name} are marked as different employers."
                )
                return redirect("employers:duplicates")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("employers:merge", first=first, second=second)
        raise Http404
    return render(
        request,
        "employers/merge.html",
        {
            "pair": pair,
            "keep": selectors.employer_profile(keep),
            "away": selectors.employer_profile(away),
            "preview": selectors.employer_merge_preview(keep=keep, merge=away),
        },
    )
