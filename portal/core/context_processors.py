from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from portal.accounts.permissions import can_manage_api_tokens, has_role
from portal.accounts.roles import Role

# (label, url name, roles that see it). Links whose view does not exist yet are left out.
_NAVIGATION = [
    ("Find opportunities", "opportunities:public_list", None),
    ("Enquire", "enquiries:start", None),
    ("Your organisation", "employers:dashboard", {Role.EMPLOYER}),
    ("Opportunities", "opportunities:employer_list", {Role.EMPLOYER}),
    ("Candidates", "pipeline:employer_candidates", {Role.EMPLOYER}),
    ("Incentives and payments", "payments:employer_incentives", {Role.EMPLOYER}),
    ("Payout account", "payments:employer_payouts", {Role.EMPLOYER}),
    ("Enquiries", "enquiries:inbox", {Role.PARTNER_STAFF, Role.COORDINATOR}),
    ("Caseload", "participants:caseload", {Role.KEY_WORKER, Role.COORDINATOR}),
    (
        "Opportunities",
        "opportunities:staff_list",
        {Role.KEY_WORKER, Role.PARTNER_STAFF, Role.COORDINATOR},
    ),
    ("Pipeline", "pipeline:home", {Role.KEY_WORKER, Role.COORDINATOR}),
    ("Moderation", "opportunities:moderation_queue", {Role.COORDINATOR}),
    ("Employers", "employers:staff_list", {Role.PARTNER_STAFF, Role.COORDINATOR}),
    ("Search", "search:staff_search", {Role.KEY_WORKER, Role.PARTNER_STAFF, Role.COORDINATOR}),
    (
        "Flexible fund",
        "payments:fund_home",
        {Role.KEY_WORKER, Role.COORDINATOR, Role.FINANCE_OFFICER},
    ),
    ("Payments", "payments:home", {Role.FINANCE_OFFICER, Role.COORDINATOR}),
    ("Reports", "reporting:index", {Role.COORDINATOR, Role.FINANCE_OFFICER}),
]


def _navigation(request) -> list[dict]:
    user = getattr(request, "user", None)
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for label, url_name, roles in _NAVIGATION:
        if roles is not None and not has_role(user, *roles):
            continue
        if roles is None and user and user.is_authenticated and user.is_portal_staff:
            continue  # staff do not need the public links
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        if url in seen:
            continue
        seen.add(url)
        items.append({"label": label, "url": url, "active": False})
    if can_manage_api_tokens(user):
        items.append({"label": "API tokens", "url": reverse("api:token_list"), "active": False})
    # One current item: the one whose address is the longest start of this page's path.
    current = max(
        (item for item in items if item["url"] != "/" and request.path.startswith(item["url"])),
        key=lambda item: len(item["url"]), default=None,
    )
    if current is not None:
        current["active"] = True
    return items


def portal(request) -> dict:
    from cms.settings_access import site_contact

    contact = site_contact(request)
    return {
        "SERVICE_NAME": "Employer opportunity portal",
        "PARTNERSHIP_NAME": contact.get("partnership_name") or "Local employment partnership",
        "CONTACT_EMAIL": contact.get("email", ""),
        "CONTACT_PHONE": contact.get("phone", ""),
        "FOOTER_LINKS": contact.get("footer_links", []),
        "NAVIGATION": _navigation(request),
        "DEMO_MODE": not settings.PRODUCTION,
        "PAYMENTS_TEST_MODE": _payments_test_mode(),
    }


def _payments_test_mode() -> bool:
    """Every page says so while no real money can move (the Stripe stand-in or test keys)."""
    from brokerage.payments.stripe.gateway import in_test_mode

    return in_test_mode()
