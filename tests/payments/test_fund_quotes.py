"""A key worker attaches the supplier's quote to a fund request, when sending it or while it
waits; the coordinator deciding opens it; nobody else can."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from brokerage.payments.models import FundRequest, FundRequestStatus
from portal.accounts.roles import Role
from portal.core.files import EICAR
from tests.factories.participants import ParticipantFactory
from tests.factories.reference import UserFactory
from tests.payments.fund_helpers import fund_world, submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% quote for steel toe-cap boots\n%%EOF\n"
FORM = {
    "category": "travel", "description": "Twelve-week bus pass", "amount": "£150.00",
    "barrier": "transport", "payment_method": "card", "justification": "",
    "not_available_elsewhere": "Not eligible for the Jobcentre's Flexible Support Fund",
}


@pytest.fixture
def world():
    return fund_world()


def _check_url(participant) -> str:
    return reverse("payments:fund_request_check", args=[participant.reference])


def _answer(client, participant) -> None:
    response = client.post(reverse("payments:fund_request_new", args=[participant.reference]), FORM)
    assert response.status_code == 302 and response.url == _check_url(participant)


def _quote_url(participant, request) -> str:
    return reverse("payments:fund_quote", args=[participant.reference, request.pk])


def _private_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_quote_sent_with_the_request_reaches_the_coordinator(client, world):
    participant, key_worker, coordinator, _, _ = world
    client.force_login(key_worker)
    _answer(client, participant)
    assert "Attach a quote (optional)" in client.get(_check_url(participant)).content.decode()
    response = client.post(
        _check_url(participant), {"quote": SimpleUploadedFile("boots-quote.pdf", PDF)}, follow=True
    )
    request = FundRequest.objects.get()
    assert request.status == FundRequestStatus.REQUESTED and request.quote
    assert f'href="{_quote_url(participant, request)}"' in response.content.decode()

    client.force_login(coordinator)
    decide = client.get(reverse("payments:fund_approval_decide", args=[request.pk])).content.decode()
    assert "Download the quote" in decide
    download = client.get(_quote_url(participant, request))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == f'attachment; filename="{request.reference}-quote.pdf"'


def test_sending_without_a_quote_still_works(client, world):
    participant, key_worker, _, _, _ = world
    client.force_login(key_worker)
    _answer(client, participant)
    client.post(_check_url(participant))
    assert not FundRequest.objects.get().quote


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("quote.exe", b"MZ\x90\x00", "The quote must be a PDF, JPG or PNG"),
        ("quote.pdf", b"<html>not a pdf</html>", "The quote must be a PDF, JPG or PNG"),
        ("quote.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "The quote must be smaller than 10MB"),
    ],
)
def test_a_wrong_or_oversize_quote_is_refused_and_nothing_is_sent(
    client, world, settings, name, content, message
):
    participant, key_worker, _, _, _ = world
    client.force_login(key_worker)
    _answer(client, participant)
    page = client.post(
        _check_url(participant), {"quote": SimpleUploadedFile(name, content)}
    ).content.decode()
    assert "There is a problem" in page and message in page
    assert FundRequest.objects.count() == 0
    assert _private_files(settings) == []


def test_a_quote_the_virus_scanner_refuses_is_not_kept(client, world, settings):
    settings.PRIVATE_FILES_VIRUS_SCANNER = "portal.core.files.virus_scan_eicar_test"
    participant, key_worker, _, _, _ = world
    client.force_login(key_worker)
    _answer(client, participant)
    page = client.post(
        _check_url(participant), {"quote": SimpleUploadedFile("quote.pdf", b"%PDF-1.4\n" + EICAR)}
    ).content.decode()
    assert "The selected file contains a virus" in page
    assert FundRequest.objects.count() == 0
    assert _private_files(settings) == []


def test_a_quote_can_be_attached_while_the_request_waits_but_not_once_paid(client, world):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker, amount_pence=15_000)
    page_url = reverse("payments:fund_request_detail", args=[participant.reference, request.pk])
    client.force_login(key_worker)
    response = client.post(
        page_url, {"action": "quote", "quote": SimpleUploadedFile("q.png", b"\x89PNG\r\n\x1a\n0")},
        follow=True,
    )
    assert "Quote attached" in response.content.decode()
    request.refresh_from_db()
    assert request.quote.name.startswith("fund-quotes/") and request.quote.name.endswith(".png")

    FundRequest.objects.filter(pk=request.pk).update(status=FundRequestStatus.PAID)
    page = client.get(page_url).content.decode()
    assert "Upload quote" not in page
    response = client.post(
        page_url, {"action": "quote", "quote": SimpleUploadedFile("q.pdf", PDF)}
    ).content.decode()
    assert "A quote can be added only before the request is paid" in response


@pytest.mark.parametrize("role", [Role.KEY_WORKER, Role.COORDINATOR, Role.EMPLOYER])
def test_anyone_who_may_not_open_the_request_gets_404_for_its_quote(client, world, role):
    participant, key_worker, _, _, _ = world
    request = submit(participant, key_worker, amount_pence=15_000)
    client.force_login(key_worker)
    client.post(
        reverse("payments:fund_request_detail", args=[participant.reference, request.pk]),
        {"action": "quote", "quote": SimpleUploadedFile("q.pdf", PDF)},
    )
    stranger = UserFactory(role=role)  # another caseload, another programme, an employer
    if role == Role.KEY_WORKER:
        ParticipantFactory(key_worker=stranger, programme=participant.programme)
    client.force_login(stranger)
    assert client.get(_quote_url(participant, request)).status_code == 404
