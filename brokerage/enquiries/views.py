from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from brokerage.enquiries import follow, selectors, services
from brokerage.enquiries.forms import (
    CloseForm,
    ContactRecordForm,
    EnquiryContactForm,
    EnquiryDetailsForm,
    EnquiryFollowForm,
    EnquiryOrganisationForm,
    EnquiryTypesForm,
    InboxFilterForm,
    ReassignForm,
)
from brokerage.enquiries.models import ContactMethod, EnquiryType
from brokerage.enquiries.ratelimit import limit_exceeded
from brokerage.enquiries.routing import RoutingError
from brokerage.reference.choices import Sector, SizeBand
from portal.accounts.permissions import (
    access_required,
    can_use_inbox,
    is_coordinator,
    role_required,
)
from portal.accounts.roles import Role

# ---------------------------------------------------------------------------------------------
# The public enquiry (no account). Answers are kept in the session until they are sent.

SESSION_KEY = "enquiry_draft"
SENT_KEY = "enquiry_sent"
ENTRY_PARAMS = {"from": "page", "partner": "partner", "campaign": "campaign"}
UTM_PARAMS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
SUBMIT_LIMIT = getattr(settings, "ENQUIRY_SUBMIT_RATE_LIMIT", (5, 3600))  # (enquiries, seconds)

STEPS = [
    ("what", EnquiryTypesForm, "What can we help you with?"),
    ("organisation", EnquiryOrganisationForm, "About your organisation"),
    ("contact", EnquiryContactForm, "How we can contact you"),
    ("details", EnquiryDetailsForm, "Anything else we should know"),
]
STEP_FORMS = {slug: (form, title) for slug, form, title in STEPS}
STEP_ORDER = [slug for slug, _, _ in STEPS]


def _draft(request: HttpRequest) -> dict:
    draft = request.session.get(SESSION_KEY)
    if not isinstance(draft, dict):
        draft = {"entry": {}, "answers": {}}
    return draft


def _save_draft(request: HttpRequest, draft: dict) -> None:
    request.session[SESSION_KEY] = draft
    request.session.modified = True


def _capture_entry(request: HttpRequest, draft: dict) -> None:
    """Record where the employer came in: the first time, or again when a link says so."""
    given = {key: request.GET.get(param, "")[:200] for param, key in ENTRY_PARAMS.items()}
    utm = {name: request.GET.get(name, "")[:200] for name in UTM_PARAMS if request.GET.get(name)}
    if draft.get("entry") and not any(given.values()) and not utm:
        return
    referrer = request.META.get("HTTP_REFERER", "")[:500]
    if referrer.startswith(request.build_absolute_uri("/employers/enquire/")):
        referrer = draft.get("entry", {}).get("referrer", "")
    draft["entry"] = {**{k: v for k, v in given.items() if v}, "utm": utm, "referrer": referrer}


def enquiry_start(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    _capture_entry(request, draft)
    _save_draft(request, draft)
    return render(
        request,
        "enquiries/start.html",
        {"first_step": reverse("enquiries:step", args=["what"]),
         "working_days": settings.ENQUIRY_RESPONSE_WORKING_DAYS},
    )


def _next_url(step: str, answers: dict) -> str:
    for slug in STEP_ORDER[STEP_ORDER.index(step) + 1 :]:
        if slug not in answers:
            return reverse("enquiries:step", args=[slug])
    return reverse("enquiries:check")


def enquiry_step(request: HttpRequest, step: str) -> HttpResponse:
    if step not in STEP_FORMS:
        raise Http404("No such question")
    form_class, title = STEP_FORMS[step]
    draft = _draft(request)
    _capture_entry(request, draft)
    answers = draft["answers"]
    index = STEP_ORDER.index(step)
    missing = [slug for slug in STEP_ORDER[:index] if slug not in answers]
    if missing:
        _save_draft(request, draft)
        return redirect("enquiries:step", step=missing[0])
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            answers[step] = form.cleaned_data
            _save_draft(request, draft)
            if request.GET.get("change"):
                return redirect("enquiries:check")
            return redirect(_next_url(step, answers))
    else:
        form = form_class(initial=answers.get(step))
        _save_draft(request, draft)
    back = (
        reverse("enquiries:check")
        if request.GET.get("change")
        else reverse("enquiries:step", args=[STEP_ORDER[index - 1]]) if index else reverse("enquiries:start")
    )
    return render(
        request,
        "enquiries/step.html",
        {"form": form, "title": title, "step": step, "back_url": back,
         "step_number": index + 1, "step_count": len(STEPS)},
    )


def _validated_answers(draft: dict) -> tuple[dict | None, str | None]:
    """Re-check every answer before sending. (answers, None) or (None, first step to fix)."""
    merged: dict = {}
    for slug, form_class, _ in STEPS:
        data = draft["answers"].get(slug)
        if data is None:
            return None, slug
        form = form_class(data=_querydict(data))
        if not form.is_valid():
            return None, slug
        merged.update(form.cleaned_data)
    return merged, None


def _querydict(data: dict) -> QueryDict:
    qd = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            qd.setlist(key, value)
        elif value is not None:
            qd[key] = value
    return qd


def _summary_rows(answers: dict) -> list[dict]:
    labels = dict(EnquiryType.choices)
    change = lambda step: reverse("enquiries:step", args=[step]) + "?change=1"  # noqa: E731
    return [
        {"key": "What you would like to do", "lines": [labels[t] for t in answers["types"]],
         "change": change("what"), "field": "what you would like to do"},
        {"key": "Organisation", "lines": [answers["organisation_name"]], "change": change("organisation"),
         "field": "organisation name"},
        {"key": "Postcode", "lines": [answers["postcode"]], "change": change("organisation"), "field": "postcode"},
        {"key": "Size", "lines": [SizeBand(answers["size_band"]).label], "change": change("organisation"),
         "field": "size"},
        {"key": "Sector", "lines": [Sector(answers["sector"]).label], "change": change("organisation"),
         "field": "sector"},
        {"key": "Your name", "lines": [answers["contact_name"]], "change": change("contact"), "field": "name"},
        {"key": "Email address", "lines": [answers["email"]], "change": change("contact"),
         "field": "email address"},
        {"key": "Telephone number", "lines": [answers["phone"] or "Not given"], "change": change("contact"),
         "field": "telephone number"},
        {"key": "Contact by", "lines": [ContactMethod(answers["preferred_contact"]).label],
         "change": change("contact"), "field": "how we contact you"},
        {"key": "More about your enquiry", "lines": (answers["message"] or "None given").splitlines(),
         "change": change("details"), "field": "more about your enquiry"},
    ]


def enquiry_check(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    answers, fix = _validated_answers(draft)
    if answers is None:
        return redirect("enquiries:step", step=fix)
    if request.method == "POST":
        if limit_exceeded(request, scope="enquiry-submit", limit=SUBMIT_LIMIT[0], window_seconds=SUBMIT_LIMIT[1]):
            return render(request, "enquiries/rate_limited.html", status=429)
        try:
            enquiry = services.enquiry_submit(answers=answers, entry=draft.get("entry"))
        except (RoutingError, ValidationError):
            return render(request, "enquiries/cannot_send.html", status=503)
        request.session.pop(SESSION_KEY, None)
        request.session[SENT_KEY] = enquiry.reference
        return redirect("enquiries:sent")
    return render(request, "enquiries/check.html", {"rows": _summary_rows(answers)})


@never_cache
def enquiry_sent(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(SENT_KEY)
    if not reference:
        return redirect("enquiries:start")
    enquiry = follow.enquiry_sent_get(reference)
    return render(
        request, "enquiries/sent.html",
        {"reference": reference, "working_days": settings.ENQUIRY_RESPONSE_WORKING_DAYS,
         "items": list(enquiry.items.all()) if enquiry else [],
         "follow_url": reverse("enquiries:follow_link", args=[follow.enquiry_follow_token(enquiry)])
         if enquiry else ""},
    )


# ---------------------------------------------------------------------------------------------
# Checking on an enquiry (no account): reference and email, or the signed link we emailed.

FOLLOW_LIMIT = (10, 3600)  # attempts per client address per hour
FOLLOW_NOT_FOUND = (
    "We could not find an enquiry with that reference number and email address. Check both "
    "against the email we sent you"
)


def _follow_page(request: HttpRequest, enquiry) -> HttpResponse:
    return render(request, "enquiries/follow.html", {
        "enquiry": enquiry, "items": follow.enquiry_follow_items(enquiry),
    })


@never_cache
def enquiry_follow(request: HttpRequest) -> HttpResponse:
    form = EnquiryFollowForm(request.POST or None)
    if request.method == "POST":
        if limit_exceeded(request, scope="enquiry-follow", limit=FOLLOW_LIMIT[0],
                          window_seconds=FOLLOW_LIMIT[1]):
            return render(request, "enquiries/rate_limited.html", status=429)
        if form.is_valid():
            enquiry = follow.enquiry_for_follow_up(**form.cleaned_data)
            if enquiry is not None:
                return _follow_page(request, enquiry)
            form.add_error("reference", FOLLOW_NOT_FOUND)
    return render(request, "enquiries/follow_find.html", {"form": form})


@never_cache
def enquiry_follow_link(request: HttpRequest, token: str) -> HttpResponse:
    enquiry = follow.enquiry_from_follow_token(token)
    if enquiry is None:
        return render(request, "enquiries/follow_link_problem.html", status=404)
    return _follow_page(request, enquiry)


# ---------------------------------------------------------------------------------------------
# The partner inbox.

inbox_role_required = access_required(
    can_use_inbox, message="Only partner staff and coordinators have an enquiry inbox"
)


@inbox_role_required
def inbox(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = "open"
    filters = InboxFilterForm(data)
    items = selectors.enquiry_items_visible_to(request.user)
    now = timezone.now()
    if filters.is_valid():
        cleaned = filters.cleaned_data
        items = selectors.enquiry_items_filter(
            items,
            status=cleaned["status"],
            enquiry_type=cleaned["enquiry_type"],
            area_id=cleaned["area"].pk if cleaned["area"] else None,
            overdue=cleaned["overdue"],
            now=now,
        )
    page_obj = Paginator(items.order_by("deadline", "id"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "enquiries/inbox.html",
        {"filters": filters, "page_obj": page_obj, "items": page_obj.object_list, "now": now,
         "is_coordinator": is_coordinator(request.user)},
    )


@inbox_role_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.enquiry_item_get(user=request.user, pk=pk)
    other_parts = [other for other in item.enquiry.items.all() if other.pk != item.pk]
    return render(
        request,
        "enquiries/item_detail.html",
        {"item": item, "enquiry": item.enquiry, "events": item.events.all(), "other_parts": other_parts,
         "overdue": item.is_overdue(), "entry_description": item.enquiry.entry_description,
         "crumbs": [("Enquiries", reverse("enquiries:inbox")), (item.enquiry.reference, None)]},
    )


@inbox_role_required
@require_POST
def item_accept(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.enquiry_item_get(user=request.user, pk=pk)
    try:
        services.enquiry_item_accept(item=item, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You have accepted enquiry {item.enquiry.reference}")
    return redirect("enquiries:item", pk=item.pk)


def _action(request: HttpRequest, pk: int, *, form_class, template: str, perform, success: str, form_kwargs):
    item = selectors.enquiry_item_get(user=request.user, pk=pk)
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs(item))
        if form.is_valid():
            try:
                perform(item, form)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, success.format(reference=item.enquiry.reference))
                if selectors.enquiry_items_visible_to(request.user).filter(pk=item.pk).exists():
                    return redirect("enquiries:item", pk=item.pk)
                return redirect("enquiries:inbox")
    else:
        form = form_class(**form_kwargs(item))
    return render(request, template, {"form": form, "item": item, "enquiry": item.enquiry})


@inbox_role_required
def item_contact(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request, pk, form_class=ContactRecordForm, template="enquiries/item_contact.html",
        form_kwargs=lambda item: {},
        perform=lambda item, form: services.enquiry_item_contact_record(
            item=item, actor=request.user, contact_kind=form.cleaned_data["contact_kind"],
            happened_at=form.happened_at(), summary=form.cleaned_data["summary"],
        ),
        success="Contact recorded for enquiry {reference}",
    )


@inbox_role_required
def item_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request, pk, form_class=CloseForm, template="enquiries/item_close.html",
        form_kwargs=lambda item: {},
        perform=lambda item, form: services.enquiry_item_close(
            item=item, actor=request.user, outcome=form.cleaned_data["outcome"], notes=form.cleaned_data["notes"]
        ),
        success="Enquiry {reference} is closed",
    )


@inbox_role_required
def item_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request, pk, form_class=ReassignForm, template="enquiries/item_reassign.html",
        form_kwargs=lambda item: {"current_partner": item.partner},
        perform=lambda item, form: services.enquiry_item_reassign(
            item=item, actor=request.user, to_partner=form.cleaned_data["to_partner"],
            reason=form.cleaned_data["reason"],
        ),
        success="Enquiry {reference} has been passed on",
    )


@role_required(Role.COORDINATOR, message="Only coordinators can see partners' responsiveness")
def responsiveness(request: HttpRequest) -> HttpResponse:
    rows = selectors.responsiveness_report(user=request.user)
    crumbs = [("Enquiries", reverse("enquiries:inbox")), ("How quickly partners respond", None)]
    return render(request, "enquiries/responsiveness.html", {"rows": rows, "crumbs": crumbs})
