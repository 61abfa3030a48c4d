"""Who must NOT see a thing: every URL that names a record, tried by people with no tie to it.

The URLs come from the URL patterns themselves: each pattern with a parameter is filled in
from the pages the demo users can open (they follow every link and form they are shown,
starting from every page without a parameter), so a new view is covered as soon as a page
links to it. The demo data, with the records ``tests/security/matrix_records.py`` adds to it
(a care request, a payment run, a mentoring agreement…), gives every kind of record a page. A
pattern no page links to is filled in by ``FILL`` from such a record, or listed in
``NOT_LINKED`` with the reason; one that is neither fails the test.

Each filled-in URL is then opened by outsiders — users in every role who hold records of their
own but none of these (an employer admin of another organisation, a partner's staff, a key
worker on the same programme with another caseload, a key worker and a coordinator of another
programme, finance officers, an editor) and an anonymous visitor — with a GET and with an empty
POST. Each must be refused (403, 404 or 405; an anonymous visitor is sent to sign in) unless
``OPEN_TO`` says the page is for them whoever holds the record: a page shown (200), a form
processed (400) or an action taken (a redirect) is a leak.
"""

import io
import re
import time
from collections import Counter, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse

from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.security import matrix_records as records
from tests.security.matrix_records import ANONYMOUS

pytestmark = pytest.mark.django_db

INSIDERS = ["employer@example.org", "partner@example.org", "keyworker@example.org",
            "coordinator@example.org", "finance@example.org", "editor@example.org",
            "moderator@example.org"]
VISITS_PER_KIND = 8  # pages of one kind (one URL name) each insider opens
PAGES_PER_USER = 600
SKIP = re.compile(r"^/(admin|accounts|static|media|documents|stripe|django-admin)/|/print/$")
HREF = re.compile(r'href="([^"#]*)"')
ACTION = re.compile(r'<form[^>]*action="([^"#]+)"')
REFUSED = {403, 404, 405}
FINANCE_FOR_EVERY_PROGRAMME = "finance officer for every programme"

#: Pages with an id that are for everyone in a role (or one of the outsiders, by label), whoever
#: holds the record.
OPEN_TO: dict[str, set[str]] = {
    # the public listing's pages
    "opportunities:public_detail": {ANONYMOUS.label, *Role},
    "enquiries:step": {ANONYMOUS.label, *Role},  # a step of the public enquiry form, by name
    "opportunities:strand_report": {ANONYMOUS.label, *Role},
    "reporting:report": {Role.COORDINATOR, Role.FINANCE_OFFICER},
    "reporting:export": {Role.COORDINATOR, Role.FINANCE_OFFICER},  # a report's table as a file
    # live opportunities are there to be matched by any key worker or coordinator
    "opportunities:staff_detail": {Role.KEY_WORKER, Role.COORDINATOR, Role.PARTNER_STAFF},
    # ...with its safeguarding evidence, which a key worker reads before proposing anyone
    "opportunities:staff_evidence": {Role.KEY_WORKER, Role.COORDINATOR, Role.PARTNER_STAFF},
    # coordinators share the moderation queue
    "opportunities:moderation_detail": {Role.COORDINATOR},
    "opportunities:moderation_refer_back": {Role.COORDINATOR},
    "opportunities:moderation_reject": {Role.COORDINATOR},
    "search:opportunity_candidates": {Role.KEY_WORKER, Role.COORDINATOR},
    "search:opportunity_archived": {Role.KEY_WORKER, Role.COORDINATOR},
    # asking for a record found as a duplicate: the page names the reference only (see WITHHELD)
    "participants:care_request": {Role.KEY_WORKER, Role.COORDINATOR},
    # finance officers run payments for every programme; a claim (its payments, its clawbacks)
    # only for a programme they are limited to, when they are limited to some
    "payments:incentive_run": {Role.FINANCE_OFFICER},
    "payments:incentive_run_approve": {Role.FINANCE_OFFICER},
    "payments:incentive_run_revalidate": {Role.FINANCE_OFFICER},
    "payments:incentive_run_cancel": {Role.FINANCE_OFFICER},
    "payments:incentive_claim": {FINANCE_FOR_EVERY_PROGRAMME},
    "payments:incentive_payment_reverse": {FINANCE_FOR_EVERY_PROGRAMME},
    "payments:incentive_clawback_recover": {FINANCE_FOR_EVERY_PROGRAMME},
    "payments:incentive_clawback_write_off": {FINANCE_FOR_EVERY_PROGRAMME},
    "payments:incentive_payment_retry": {FINANCE_FOR_EVERY_PROGRAMME},
    # a change to a budget or limit, for a finance officer (not its proposer) to confirm
    "payments:fund_change_decide": {FINANCE_FOR_EVERY_PROGRAMME},
    # what needs finance's attention: a finance officer limited to programmes sees their own
    "payments:attention_resolve": {FINANCE_FOR_EVERY_PROGRAMME},
    # employers are not in a programme: a block stops incentives from every programme
    "payments:incentive_employer_block": {Role.FINANCE_OFFICER, Role.COORDINATOR},
    # partner staff and coordinators look up employers to work with them
    "employers:staff_detail": {Role.PARTNER_STAFF, Role.COORDINATOR},
}

#: What a page in OPEN_TO must still not show an outsider: url name -> the strings.
WITHHELD = {
    "participants:care_request": lambda: [records.demo_participant().full_name],
}

#: Patterns no insider's page links to, filled in from a record: url name -> the URL's kwargs.
FILL = {
    # only the redirect after submitting leads here
    "opportunities:employer_submitted": lambda: {
        "pk": records.demo_employer().opportunities.get(title=records.SUBMITTED_TITLE).pk},
    # linked only beside a duplicate found when referring someone (a POST the crawl does not make)
    "participants:care_request": lambda: {"reference": records.demo_participant().reference},
    # the next step of a fund request (the answers are in the session)
    "payments:fund_request_check": lambda: {"reference": records.demo_participant().reference},
    # where Stripe sends the employer back (following them asks Stripe for the account)
    "payments:employer_payouts_return": lambda: {"pk": records.demo_employer().pk},
    "payments:employer_payouts_refresh": lambda: {"pk": records.demo_employer().pk},
    # no change to a budget is waiting in the demo data (the changes page links one that is)
    "payments:fund_change_decide": lambda: {"pk": _pending_fund_change().pk},
}


def _pending_fund_change():
    """A coordinator's change to a demo budget, waiting for finance to confirm it."""
    from brokerage.payments.fund import services as fund
    from brokerage.payments.models import FundBudget

    budget = FundBudget.objects.select_related("programme").order_by("pk").first()
    return fund.fund_change_propose(actor=User.objects.get(email="coordinator@example.org"),
                                    budget=budget, new_pence=budget.amount_pence + 100)

#: Patterns with a parameter that are not tried, and why.
NOT_LINKED: dict[str, str] = {
    "employers:invitation_accept": "an emailed invitation's token (the token is the key)",
    "pipeline:checkpoint_link": "an emailed signed token (the token is the key)",
    "enquiries:follow_link": "an emailed signed token (the token is the key; tests/enquiries)",
    "opportunities:employer_new_details": "a step of making an opportunity (no record yet)",
    "reporting:print": "printable copy of a report page (tested in tests/reporting)",
    "messaging:preferences_link": "an emailed signed token (the token is the key; tests/messaging)",
    "employers:staff_join_request_decide": "a POST-only button beside a request to join; no demo "
    "organisation has one waiting (owner-only decisions in tests/employers/test_join_owner.py)",
    "opportunities:employer_evidence": "no demo employer login owns an opportunity with evidence "
    "(404 for others in tests/opportunities/test_apprenticeships_and_safeguarding.py)",
    "opportunities:moderation_evidence": "no demo opportunity with evidence waits for moderation "
    "(tests/opportunities/test_apprenticeships_and_safeguarding.py)",
    "payments:fund_quote": "no demo fund request has a quote (404 for others in "
    "tests/payments/test_fund_quotes.py)",
    "pipeline:checkpoint_call": "the key worker's rung of the evidence ladder, reached from its "
    "email (404 for others in tests/messaging/test_evidence_ladder.py)",
    "pipeline:checkpoint_payslip": "the payslip rung of the evidence ladder, reached from its "
    "email (tests/messaging/test_evidence_ladder.py)",
    "pipeline:checkpoint_payslip_file": "a payslip uploaded on that rung "
    "(tests/messaging/test_evidence_ladder.py)",
    "api:token_revoke": "a POST-only button (no page to GET); another partner's admin gets 404 "
    "and anyone else 403 in tests/api/test_tokens.py",
    **dict.fromkeys(
        [f"partner_api:{name}" for name in (
            "get_opportunity", "update_opportunity", "submit_opportunity", "get_enquiry",
            "accept_enquiry", "record_enquiry_contact", "close_enquiry", "get_participant",
            "get_employer", "get_outcome",
        )],
        "the partner API: bearer tokens, not sign-in; every endpoint is tried with another "
        "partner's token, a read-only, revoked and expired one in tests/api/test_permissions.py "
        "and tests/api/test_scope_and_errors.py",
    ),
}


def _app_patterns():
    """(name, pattern) for every named URL pattern in a namespace (not Wagtail's or the admin's)."""
    found = []

    def walk(patterns, namespace=None):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                ns = p.namespace or namespace
                admin = str(p.pattern).startswith(("admin/", "django-admin/"))
                if admin or ns and ns.startswith("wagtail"):
                    continue
                walk(p.url_patterns, ns)
            elif namespace and p.name:
                found.append((f"{namespace}:{p.name}", p.pattern))

    walk(get_resolver().url_patterns)
    return found


def _parametrised_patterns() -> set[str]:
    """Patterns with a parameter: a path converter or a regular expression's group."""
    return {name for name, pattern in _app_patterns() if pattern.regex.groups}


def _start_pages() -> list[str]:
    """The dashboard, the home page, and every page without a parameter."""
    pages = ["/dashboard/", "/"]
    for name, pattern in _app_patterns():
        if not pattern.regex.groups:
            try:
                pages.append(reverse(name))
            except NoReverseMatch:
                continue
    return [p for p in dict.fromkeys(pages) if not SKIP.search(p)]


def _kind(path: str) -> str:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return urlsplit(path).path
    return match.view_name if match.url_name else urlsplit(path).path


def _record(found: dict[str, str], path: str) -> None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return
    if match.kwargs and match.namespace:
        found.setdefault(f"{match.namespace}:{match.url_name}", urlsplit(path).path)


def _pages_opened_by(client) -> tuple[dict[str, str], int]:
    """url name -> one concrete path the signed-in user was shown (a link or a form's action),
    and how many pages were opened.

    Pages are opened kind by kind (a kind is a URL name): one of every kind found so far before
    a second of any, and at most VISITS_PER_KIND of a kind, so a list of many records does
    not use up the crawl before the pages they link to are reached."""
    found: dict[str, str] = {}
    queues: dict[str, deque] = {}
    seen, opened = set(), Counter()

    def add(url: str) -> None:
        if url not in seen:
            seen.add(url)
            queues.setdefault(_kind(url), deque()).append(url)

    for page in _start_pages():
        add(page)
    while sum(opened.values()) < PAGES_PER_USER:
        ready = [kind for kind, queue in queues.items() if queue and opened[kind] < VISITS_PER_KIND]
        if not ready:
            break
        kind = min(ready, key=lambda k: opened[k])  # ties: the kind found first
        path = queues[kind].popleft()
        opened[kind] += 1
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
            outside = parts.scheme or parts.netloc or not parts.path.startswith("/")
            if outside or SKIP.search(parts.path):
                continue
            _record(found, url)
            add(url)
    return found, sum(opened.values())


def _refusal_problem(who, response) -> str:
    """Why ``response`` is not a refusal ("" when it is)."""
    status, where = response.status_code, response.get("Location", "")
    if status in REFUSED or (status == 302 and "/accounts/login/" in where):
        return ""
    if who is ANONYMOUS and status == 302:
        return f"{status} to {where}, not to sign in"
    return f"{status} {where}".strip()


def _unless_an_insider_opens(client, name: str, path: str) -> list[str]:
    """A URL made up by FILL must be one its holder can open, or trying it proves nothing."""
    for email in INSIDERS:
        client.force_login(User.objects.get(email=email))
        refused = client.get(path).status_code in REFUSED
        client.logout()
        if not refused:
            return []
    return [f"no insider may open {path}: FILL[{name!r}] does not name their record"]


def test_no_outsider_opens_a_record_page(client):
    started = time.monotonic()
    call_command("seed_demo", stdout=io.StringIO())
    records.insider_records()
    examples: dict[str, str] = {}
    opened = 0
    for email in INSIDERS:
        client.force_login(User.objects.get(email=email))
        found, count = _pages_opened_by(client)
        opened += count
        for name, path in found.items():
            examples.setdefault(name, path)
        client.logout()
    crawled = time.monotonic() - started

    patterns = _parametrised_patterns()
    problems = [f"not a URL pattern with a parameter: {name}"
                for name in sorted({*OPEN_TO, *FILL, *NOT_LINKED, *WITHHELD} - patterns)]
    problems += [f"{name} is reached by the crawl now: take it out of NOT_LINKED"
                 for name in sorted(set(NOT_LINKED) & set(examples))]
    problems += [f"{name} is reached by the crawl now: take it out of FILL"
                 for name in sorted(set(FILL) & set(examples))]
    for name, kwargs in FILL.items():
        examples.setdefault(name, reverse(name, kwargs=kwargs()))
        problems += _unless_an_insider_opens(client, name, examples[name])
    problems += [f"no page links to {name}: add a record that gives it a link (tests/security/"
                 "matrix_records.py), or list it in FILL or NOT_LINKED"
                 for name in sorted(patterns - set(examples) - set(NOT_LINKED))]

    tried = 0
    for who in records.outsiders():
        client.logout()
        if who.user is not None:
            client.force_login(who.user)
        for name, path in sorted(examples.items()):
            if name not in patterns:
                continue
            if {who.label, who.role} & OPEN_TO.get(name, set()):
                if name in WITHHELD:
                    html = client.get(path).content.decode()
                    problems += [f"{who.label} GET {path} ({name}) shows {text!r}"
                                 for text in WITHHELD[name]() if text in html]
                continue
            tried += 1
            for method in ("get", "post"):
                problem = _refusal_problem(who, getattr(client, method)(path))
                if problem:
                    problems.append(f"{who.label} {method.upper()} {path} ({name}) -> {problem}")
    checked = time.monotonic() - started - crawled
    print(f"\n{len(examples)} patterns filled in from {opened} pages in {crawled:.0f}s; "
          f"{tried} (pattern, outsider) pairs tried, GET and POST, in {checked:.0f}s")
    assert problems == [], "\n".join(problems)
