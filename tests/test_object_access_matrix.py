"""Who must NOT see a thing: every URL that names a record, tried by people with no tie to it.

The URLs come from the URL patterns themselves: each pattern with a parameter is filled in
from the pages the demo users can open (they follow every link they are shown), so a new view
is covered as soon as a page links to it, and a pattern no demo page reaches fails the test
until it is listed in ``NOT_LINKED`` with the reason. Each filled-in URL is then opened by
outsiders — users in every role who hold no tie to the record (an employer of another
organisation, a partner's staff, a key worker with no caseload, a coordinator of another
programme, a finance officer, an editor) and an anonymous visitor — with a GET and with an empty
POST. None may be shown it (a 200) unless ``OPEN_TO`` says the page is for that role whoever
holds the record; an anonymous visitor is sent to sign in.
"""

import io
import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, get_resolver, resolve

from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.factories.employers import EmployerFactory
from tests.factories.reference import PartnerFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

INSIDERS = ["employer@example.org", "partner@example.org", "keyworker@example.org", "coordinator@example.org",
            "finance@example.org", "editor@example.org", "moderator@example.org"]
PAGES_PER_USER = 400
SKIP = re.compile(r"^/(admin|accounts|static|media|documents|stripe|django-admin)/|/print/$")
HREF = re.compile(r'href="([^"#]*)"')
ACTION = re.compile(r'<form[^>]*action="([^"#]+)"')
ANONYMOUS = "anonymous"

#: Pages with an id that are for everyone in a role, whoever holds the record.
OPEN_TO: dict[str, set[str]] = {
    # the public listing's pages
    "opportunities:public_detail": {ANONYMOUS, *Role},
    "enquiries:step": {ANONYMOUS, *Role},  # a step of the public enquiry form, by name
    "opportunities:strand_report": {ANONYMOUS, *Role},
    "reporting:report": {Role.COORDINATOR, Role.FINANCE_OFFICER},
    # live opportunities are there to be matched by any key worker or coordinator
    "opportunities:staff_detail": {Role.KEY_WORKER, Role.COORDINATOR, Role.PARTNER_STAFF},
    # coordinators share the moderation queue
    "opportunities:moderation_detail": {Role.COORDINATOR},
    "search:opportunity_candidates": {Role.KEY_WORKER, Role.COORDINATOR},
    "search:opportunity_archived": {Role.KEY_WORKER, Role.COORDINATOR},
    # finance officers run payments for every programme
    "payments:incentive_run": {Role.FINANCE_OFFICER},
    "payments:incentive_claim": {Role.FINANCE_OFFICER},
    # employers are not in a programme: a block stops incentives from every programme
    "payments:incentive_employer_block": {Role.FINANCE_OFFICER, Role.COORDINATOR},
    # partner staff and coordinators look up employers to work with them
    "employers:staff_detail": {Role.PARTNER_STAFF, Role.COORDINATOR},
}

#: Patterns with a parameter that no demo page links to, and why.
NOT_LINKED: dict[str, str] = {
    "employers:invitation_accept": "reached from an emailed invitation token",
    "employers:invitation_cancel": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "employers:join_request_decide": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "employers:merge": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "employers:partner_request_review": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "opportunities:employer_new_details": "a step of creating a new opportunity (no record yet)",
    "opportunities:employer_reopen": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "opportunities:employer_submitted": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "opportunities:moderation_refer_back": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "opportunities:moderation_reject": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "opportunities:strand_report": "public, by slug (no record to guard)",
    "participants:care_request": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "participants:care_request_decide": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "participants:export_json": "a download beside participants:export (JSON, not a page)",
    "participants:import_detail": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:employer_payouts_organisation": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:employer_payouts_refresh": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:employer_payouts_return": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:employer_payouts_start": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:fund_approval_decide": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:fund_receipt": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:fund_request_check": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:incentive_clawback_recover": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:incentive_clawback_write_off": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:incentive_payment_reverse": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:incentive_run": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:incentive_run_approve": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:incentive_run_cancel": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "payments:incentive_run_revalidate": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "pipeline:checkpoint_link": "reached from an emailed signed token",
    "pipeline:mentoring_agreement": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "pipeline:mentoring_close": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "pipeline:placement_start": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "pipeline:question_answer": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "reporting:print": "printable copy of a report page (tested in tests/reporting)",
    "search:opportunity_archived": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "search:participant_archived": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "search:saved_search_delete": "no demo record of this kind within the crawl; cover it when seed_demo has one",
    "search:saved_search_open": "no demo record of this kind within the crawl; cover it when seed_demo has one",
}


def _parametrised_patterns() -> set[str]:
    names = set()

    def walk(patterns, namespace=None):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                ns = p.namespace or namespace
                if ns and ns.startswith("wagtail") or str(p.pattern).startswith(("admin/", "django-admin/")):
                    continue
                walk(p.url_patterns, ns)
            elif getattr(p.pattern, "converters", None) and namespace and p.name:
                names.add(f"{namespace}:{p.name}")

    walk(get_resolver().url_patterns)
    return names


def _record(found: dict[str, str], path: str) -> None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return
    if match.kwargs and match.namespace:
        found.setdefault(f"{match.namespace}:{match.url_name}", urlsplit(path).path)


def _pages_opened_by(client) -> dict[str, str]:
    """url name -> one concrete path the signed-in user was shown (a link or a form's action)."""
    found, seen = {}, {"/dashboard/", "/"}
    queue = deque(["/dashboard/", "/"])
    while queue and len(seen) <= PAGES_PER_USER:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        _record(found, path)
        for action in ACTION.findall(html):
            _record(found, action.replace("&amp;", "&"))
        for href in HREF.findall(html):
            url = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or SKIP.search(parts.path):
                continue
            _record(found, url)
            if url not in seen:
                seen.add(url)
                queue.append(url)
    return found


def _outsiders() -> dict[str, User]:
    other_programme = ProgrammeFactory(name="Elsewhere Works")
    employer = UserFactory(role=Role.EMPLOYER)
    EmployerFactory(name="Unrelated Bakery Ltd").memberships.create(user=employer, role="admin")
    partner = UserFactory(role=Role.PARTNER_STAFF, partner=PartnerFactory(name="Unrelated Partner"))
    key_worker = UserFactory(role=Role.KEY_WORKER)
    key_worker.programmes.add(other_programme)
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(other_programme)
    return {
        Role.EMPLOYER: employer, Role.PARTNER_STAFF: partner, Role.KEY_WORKER: key_worker,
        Role.COORDINATOR: coordinator, Role.FINANCE_OFFICER: UserFactory(role=Role.FINANCE_OFFICER),
        Role.EDITOR: UserFactory(role=Role.EDITOR),
    }


def test_no_outsider_opens_a_record_page(client):
    call_command("seed_demo", stdout=io.StringIO())
    examples: dict[str, str] = {}
    for email in INSIDERS:
        client.force_login(User.objects.get(email=email))
        for name, path in _pages_opened_by(client).items():
            examples.setdefault(name, path)
        client.logout()

    patterns = _parametrised_patterns()
    unreached = sorted(patterns - set(examples) - set(NOT_LINKED))
    assert not unreached, f"no demo page links to these; cover them or list them in NOT_LINKED: {unreached}"

    leaks = []
    for who, user in [(ANONYMOUS, None), *_outsiders().items()]:
        client.logout()
        if user is not None:
            client.force_login(user)
        for name, path in sorted(examples.items()):
            if name not in patterns or who in OPEN_TO.get(name, set()):
                continue
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                status, where = response.status_code, response.get("Location", "")
                if status == 200 or (who == ANONYMOUS and status == 302 and "/accounts/login/" not in where):
                    leaks.append(f"{who} {method.upper()} {path} ({name}) -> {status} {where}")
    assert leaks == [], "\n".join(leaks)
