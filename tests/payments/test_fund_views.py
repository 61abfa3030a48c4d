"""Flexible fund pages: what key workers, coordinators, finance and employers can see and do."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from brokerage.payments.models import FundBudget, FundRequest, FundRequestStatus
from portal.accounts.roles import Role
from tests.factories.participants import ParticipantFactory
from tests.factories.reference import UserFactory
from tests.payments.fund_helpers import fund_world, submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def world():
    return fund_world()


def _form(**overrides) -> dict:
    data = {
        "category": "travel",
        "description": "Four-week Arriva bus pass",
        "amount": "£60.00",
        "barrier": "transport",
        "not_available_elsewhere": "Not eligible for the Jobcentre's Flexible Support Fund",
        "justification": "",
        "payment_method": "card",
    }
    data.update(overrides)
    return data


def _send(client, participant, data, *, follow=False):
    """Fill in the form, then send it from the check-your-answers page."""
    response = client.post(reverse("payments:fund_request_new", args=[participant.reference]), data)
    check = reverse("payments:fund_request_check", args=[participant.reference])
    assert response.status_code == 302 and response.url == check, "the form should be valid"
    return client.post(check, follow=follow)


def test_url_names():
    assert reverse("payments:fund_home") == "/payments/fund/"
    assert reverse("payments:fund_approvals") == "/payments/fund/approvals/"
    assert reverse("payments:fund_participant", args=["AB12CD"]) == "/participants/AB12CD/fund/"


def test_a_small_request_is_approved_and_a_card_issued_at_once(client, world, stripe_stub):
    participant, key_worker, _, budget, action = world
    client.force_login(key_worker)
    url = reverse("payments:fund_request_new", args=[participant.reference])
    page = client.get(url)
    assert "Up to £100.00 is approved at once" in page.content.decode()
    response = client.post(url, _form(action=action.pk), follow=True)
    check = response.content.decode()
    assert "Check your request before sending it" in check
    assert "£60.00" in check and "Get to interviews in Middlesbrough by bus" in check
    assert "approved and paid as soon as you send it" in check
    assert FundRequest.objects.count() == 0, "nothing is sent until it is checked"
    response = client.post(reverse("payments:fund_request_check", args=[participant.reference]), follow=True)
    request = FundRequest.objects.get()
    assert request.status == FundRequestStatus.PAID and request.amount_pence == 6_000
    html = response.content.decode()
    assert "Virtual card issued" in html and f"Card ending {request.card_last4}" in html
    assert len(stripe_stub.cards) == 1
    budget.refresh_from_db()
    assert budget.committed_pence == 6_000


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"amount": "-5"}, "The amount must be more than £0"),
        ({"amount": "0"}, "The amount must be more than £0"),
        ({"amount": "sixty"}, "Enter the amount in pounds and pence, for example £45.00"),
        ({"amount": "12.345"}, "Enter the amount in pounds and pence, like 12.50"),  # issue 16
        ({"amount": ""}, "Enter the amount, for example £45.00"),
        ({"category": "other", "justification": ""}, "Explain why this is needed to remove a barrier to work"),
        ({"not_available_elsewhere": ""}, "Explain why this is not available from another service or fund"),
        ({"amount": "600"}, "The flexible fund has £500.00 left for this programme and area, not enough for £600.00."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, world, overrides, message):
    participant, key_worker, _, _, _ = world
    client.force_login(key_worker)
    response = client.post(reverse("payments:fund_request_new", args=[participant.reference]), _form(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "<title>Error:" in html
    assert FundRequest.objects.count() == 0


def test_a_large_request_goes_to_a_coordinator_who_approves_it(client, world, stripe_stub):
    participant, key_worker, coordinator, budget, _ = world
    client.force_login(key_worker)
    _send(client, participant,
          _form(category="licences", description="SIA door supervisor course and licence", amount="250"))
    request = FundRequest.objects.get()
    assert request.status == FundRequestStatus.REQUESTED
    assert len(stripe_stub.cards) == 0

    client.force_login(coordinator)
    queue = client.get(reverse("payments:fund_approvals")).content.decode()
    assert request.reference in queue
    decide = reverse("payments:fund_approval_decide", args=[request.pk])
    client.post(decide, {"decision": "approve", "note": ""})
    again = client.post(decide, {"decision": "approve", "note": ""}, follow=True)  # double submit
    assert "already been dealt with" in again.content.decode()
    request.refresh_from_db()
    budget.refresh_from_db()
    assert request.status == FundRequestStatus.PAID
    assert len(stripe_stub.cards) == 1
    assert budget.committed_pence == 25_000


def test_sending_twice_makes_one_request_and_change_links_keep_the_answers(client, world, stripe_stub):
    participant, key_worker, _, _, _ = world
    client.force_login(key_worker)
    client.post(reverse("payments:fund_request_new", args=[participant.reference]), _form(amount="45"))
    form_again = client.get(reverse("payments:fund_request_new", args=[participant.reference])).content.decode()
    assert 'value="45"' in form_again  # "Change" goes back to the filled-in form
    check = reverse("payments:fund_request_check", args=[participant.reference])
    client.post(check)
    second = client.post(check)  # a double click or the back button
    assert second.status_code == 302 and second.url.endswith("/fund/request/")
    assert FundRequest.objects.count() == 1
    assert len(stripe_stub.cards) == 1


def test_the_check_page_rechecks_the_budget(client, world):
    participant, key_worker, _, budget, _ = world
    client.force_login(key_worker)
    client.post(reverse("payments:fund_request_new", args=[participant.reference]), _form(amount="60"))
    FundBudget.objects.filter(pk=budget.pk).update(committed_pence=49_000)  # spent meanwhile
    response = client.post(reverse("payments:fund_request_check", args=[participant.reference]))
    assert "The flexible fund has £10.00 left" in response.content.decode()
    assert FundRequest.objects.count() == 0


def test_refusing_needs_a_reason(client, world):
    participant, key_worker, coordinator, _, _ = world
    request = submit(participant, key_worker, amount_pence=25_000)
    client.force_login(coordinator)
    response = client.post(reverse("payments:fund_approval_decide", args=[request.pk]), {"decision": "refuse"})
    assert "Enter why the request is refused" in response.content.decode()
    request.refresh_from_db()
    assert request.status == FundRequestStatus.REQUESTED


def test_a_coordinator_is_not_offered_their_own_request(client, world):
    participant, _, coordinator, _, _ = world
    request = submit(participant, coordinator, amount_pence=25_000)
    client.force_login(coordinator)
    page = client.get(reverse("payments:fund_approval_decide", args=[request.pk])).content.decode()
    assert "another coordinator must approve or refuse it" in page
    assert "Save decision" not in page
    client.post(reverse("payments:fund_approval_decide", args=[request.pk]), {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == FundRequestStatus.REQUESTED


def test_receipt_upload(client, world, stripe_stub):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker)
    client.force_login(key_worker)
    url = reverse("payments:fund_request_detail", args=[participant.reference, request.pk])
    client.post(url, {"action": "pay"})
    bad = client.post(url, {"action": "receipt", "receipt": SimpleUploadedFile("r.txt", b"hello")})
    assert "The receipt must be a PDF, JPG or PNG" in bad.content.decode()
    request.refresh_from_db()
    assert request.status == FundRequestStatus.PAID and not request.receipt
    ok = client.post(url, {"action": "receipt", "receipt": SimpleUploadedFile("bus.pdf", PDF)}, follow=True)
    assert "Receipt recorded" in ok.content.decode()
    request.refresh_from_db()
    assert request.status == FundRequestStatus.RECEIPTED


# --- who must not see what --------------------------------------------------------------------


def test_another_key_worker_cannot_request_for_or_see_the_participants_requests(client, world):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker)
    other = UserFactory(role=Role.KEY_WORKER)
    ParticipantFactory(key_worker=other, programme=participant.programme)
    client.force_login(other)
    for url in (
        reverse("payments:fund_participant", args=[participant.reference]),
        reverse("payments:fund_request_new", args=[participant.reference]),
        reverse("payments:fund_request_detail", args=[participant.reference, request.pk]),
    ):
        assert client.get(url).status_code == 404
    response = client.post(reverse("payments:fund_request_new", args=[participant.reference]), _form())
    assert response.status_code == 404
    assert FundRequest.objects.count() == 1
    home = client.get(reverse("payments:fund_home")).content.decode()
    assert request.reference not in home


def test_a_request_is_only_found_under_its_own_participant(client, world):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker)
    mine = ParticipantFactory(key_worker=key_worker, programme=participant.programme)
    client.force_login(key_worker)
    assert client.get(reverse("payments:fund_request_detail", args=[mine.reference, request.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.PARTNER_STAFF, Role.EDITOR])
def test_employers_and_other_roles_get_404(client, world, role):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker, amount_pence=25_000)
    client.force_login(UserFactory(role=role))
    for url in (
        reverse("payments:fund_home"),
        reverse("payments:fund_approvals"),
        reverse("payments:fund_approval_decide", args=[request.pk]),
        reverse("payments:fund_participant", args=[participant.reference]),
        reverse("payments:fund_request_detail", args=[participant.reference, request.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_key_workers_cannot_open_the_approval_queue(client, world):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker, amount_pence=25_000)
    client.force_login(key_worker)
    assert client.get(reverse("payments:fund_approvals")).status_code == 404
    assert client.post(reverse("payments:fund_approval_decide", args=[request.pk]),
                       {"decision": "approve"}).status_code == 404


def test_a_coordinator_of_another_programme_cannot_decide(client, world):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker, amount_pence=25_000)
    stranger = UserFactory(role=Role.COORDINATOR)
    client.force_login(stranger)
    assert request.reference not in client.get(reverse("payments:fund_approvals")).content.decode()
    assert client.get(reverse("payments:fund_approval_decide", args=[request.pk])).status_code == 404


def test_finance_sees_budgets_but_no_participant_requests(client, world):
    participant, key_worker, _, _, _ = world
    submit(participant, key_worker)
    client.force_login(UserFactory(role=Role.FINANCE_OFFICER))
    html = client.get(reverse("payments:fund_home")).content.decode()
    assert "Budgets" in html and "£500.00" in html and "£60.00" in html  # budget and committed
    assert participant.last_name not in html
    assert client.get(reverse("payments:fund_participant", args=[participant.reference])).status_code == 404


def test_no_budget_is_an_empty_state_not_an_error(client, world):
    participant, key_worker, _, budget, _ = world
    FundBudget.objects.filter(pk=budget.pk).delete()
    client.force_login(key_worker)
    html = client.get(reverse("payments:fund_participant", args=[participant.reference])).content.decode()
    assert "There is no flexible fund budget" in html


def test_two_tabs_sending_the_same_answers_make_one_request(client, world, stripe_stub):
    participant, key_worker, _, budget, _ = world
    client.force_login(key_worker)
    client.post(reverse("payments:fund_request_new", args=[participant.reference]), _form(amount="45"))
    draft_key = f"fund-request-draft-{participant.reference}"
    draft = client.session[draft_key]
    check = reverse("payments:fund_request_check", args=[participant.reference])
    first = client.post(check)
    session = client.session
    session[draft_key] = draft  # the other tab sent the same page before the first answer came back
    session.save()
    second = client.post(check)
    request = FundRequest.objects.get()
    assert first.url == second.url == reverse(
        "payments:fund_request_detail", args=[participant.reference, request.pk]
    )
    assert len(stripe_stub.cards) == 1
    budget.refresh_from_db()
    assert budget.committed_pence == 4_500
