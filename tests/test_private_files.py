"""Uploaded evidence is private: a fund receipt is stored under a name nobody can guess, outside
anything served publicly, and handed out only to people who may open the fund request's page."""

import importlib
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import clear_url_caches, reverse

from brokerage.payments.models import FundRequest, FundRequestStatus
from portal.accounts.roles import Role
from tests.factories.participants import ParticipantFactory
from tests.factories.reference import UserFactory
from tests.payments.fund_helpers import fund_world, submit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SCANNED: list[tuple[bytes, str]] = []


def recording_scanner(upload, *, label):
    SCANNED.append((upload.read(), label))


def refusing_scanner(upload, *, label):
    raise ValidationError("The file could not be accepted because it may contain a virus")


@pytest.fixture
def paid():
    """A paid fund request: its key worker, a coordinator of the programme, and the request."""
    participant, key_worker, coordinator, _, _ = fund_world()
    request = submit(participant, key_worker)
    FundRequest.objects.filter(pk=request.pk).update(status=FundRequestStatus.PAID)
    request.refresh_from_db()
    return participant, key_worker, coordinator, request


def _page(participant, request) -> str:
    return reverse("payments:fund_request_detail", args=[participant.reference, request.pk])


def _upload(client, participant, request, name="bus-pass.pdf", content=PDF, *, follow=True):
    return client.post(
        _page(participant, request), {"action": "receipt", "receipt": SimpleUploadedFile(name, content)},
        follow=follow,
    )


def _receipt_url(participant, request) -> str:
    return reverse("payments:fund_receipt", args=[participant.reference, request.pk])


def _files_under(*roots) -> list[Path]:
    return [p for root in roots if Path(root).exists() for p in Path(root).rglob("*") if p.is_file()]


def _stored_files(settings) -> list[Path]:
    """Every file uploaded anywhere (public media and private files)."""
    return _files_under(settings.MEDIA_ROOT, getattr(settings, "PRIVATE_MEDIA_ROOT", settings.MEDIA_ROOT))


@pytest.fixture
def development_urls(settings):
    """The URLs `make run` serves (DEBUG on, so /media/ is served from MEDIA_ROOT)."""
    import portal.urls

    settings.DEBUG = True
    importlib.reload(portal.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(portal.urls)
    clear_url_caches()


# --- who gets the file ------------------------------------------------------------------------


def test_the_key_worker_downloads_the_receipt_from_the_request_page(client, paid):
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    page = _upload(client, participant, request).content.decode()
    assert "Receipt recorded" in page
    link = _receipt_url(participant, request)
    assert f'href="{link}"' in page
    assert "/media/" not in page

    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{request.reference}-receipt.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_coordinator_of_the_programme_downloads_it_too(client, paid):
    participant, key_worker, coordinator, request = paid
    client.force_login(key_worker)
    _upload(client, participant, request)
    client.force_login(coordinator)
    response = client.get(_receipt_url(participant, request))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_someone_signed_out_is_sent_to_sign_in_and_gets_no_file(client, paid):
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    _upload(client, participant, request)
    client.logout()
    response = client.get(_receipt_url(participant, request))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert PDF not in response.content


@pytest.mark.parametrize("role", [Role.KEY_WORKER, Role.COORDINATOR, Role.FINANCE_OFFICER, Role.EMPLOYER,
                                  Role.PARTNER_STAFF, Role.EDITOR])
def test_anyone_who_may_not_open_the_request_gets_404(client, paid, role):
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    _upload(client, participant, request)
    stranger = UserFactory(role=role)  # another key worker's caseload, another coordinator's programme…
    if role == Role.KEY_WORKER:
        ParticipantFactory(key_worker=stranger, programme=participant.programme)
    client.force_login(stranger)
    assert client.get(_page(participant, request)).status_code == 404
    assert client.get(_receipt_url(participant, request)).status_code == 404


def test_a_request_without_a_receipt_or_under_another_participant_is_404(client, paid):
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    assert client.get(_receipt_url(participant, request)).status_code == 404
    _upload(client, participant, request)
    mine = ParticipantFactory(key_worker=key_worker, programme=participant.programme)
    assert client.get(_receipt_url(mine, request)).status_code == 404


# --- nowhere public, nothing guessable --------------------------------------------------------


def test_media_does_not_serve_the_receipt(client, paid, settings, development_urls):
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    _upload(client, participant, request)
    request.refresh_from_db()
    client.logout()
    assert client.get(f"{settings.MEDIA_URL}{request.receipt.name}").status_code == 404
    client.force_login(key_worker)
    assert client.get(f"{settings.MEDIA_URL}{request.receipt.name}").status_code == 404
    assert not _files_under(settings.MEDIA_ROOT), "evidence must not be under MEDIA_ROOT"
    with pytest.raises(ValueError, match="no public address"):
        request.receipt.url  # noqa: B018


def test_stored_names_are_unguessable(client, paid):
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    names = []
    for _ in range(2):
        _upload(client, participant, request, name="Bus pass for Jo Bloggs FF.PDF")
        request.refresh_from_db()
        names.append(request.receipt.name)
    for name in names:
        assert re.fullmatch(r"fund-receipts/[0-9a-f]{32}\.pdf", name), name
        assert "Bloggs" not in name and request.reference not in name
    assert names[0] != names[1]


def test_only_a_safe_extension_is_kept():
    from portal.core.files import UnguessableName

    name = UnguessableName("fund-receipts")
    assert re.fullmatch(r"fund-receipts/[0-9a-f]{32}\.jpeg", name(None, "../../etc/x.JPEG"))
    assert re.fullmatch(r"fund-receipts/[0-9a-f]{32}", name(None, "receipt.p<d>f"))
    assert re.fullmatch(r"fund-receipts/[0-9a-f]{32}", name(None, "no-extension"))


# --- replacing and deleting -------------------------------------------------------------------


def test_replacing_the_receipt_deletes_the_old_file(client, paid, settings, django_capture_on_commit_callbacks):
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, participant, request)
    request.refresh_from_db()
    first = request.receipt.name
    with django_capture_on_commit_callbacks(execute=True):
        page = _upload(client, participant, request, name="clearer.png", content=PNG).content.decode()
    assert "Receipt recorded" in page
    request.refresh_from_db()
    assert request.receipt.name != first and request.receipt.name.endswith(".png")
    assert not request.receipt.storage.exists(first)
    assert _files_under(settings.PRIVATE_MEDIA_ROOT) == [Path(request.receipt.path)]
    assert b"".join(client.get(_receipt_url(participant, request)).streaming_content) == PNG


def test_deleting_the_request_deletes_its_receipt(client, paid, settings, django_capture_on_commit_callbacks):
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    _upload(client, participant, request)
    request.refresh_from_db()
    assert request.receipt.storage.exists(request.receipt.name)
    with django_capture_on_commit_callbacks(execute=True):
        FundRequest.objects.filter(pk=request.pk).delete()
    assert _stored_files(settings) == []


# --- what is refused --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("receipt.html", b"<script>alert(1)</script>", "The receipt must be a PDF, JPG or PNG"),
        ("receipt.pdf", b"<html><script>alert(1)</script></html>", "The receipt must be a PDF, JPG or PNG"),
        ("receipt.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "The receipt must be smaller than 10MB"),
    ],
)
def test_a_wrong_type_or_oversize_file_is_refused_and_nothing_kept(client, paid, settings, name, content, message):
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    page = _upload(client, participant, request, name=name, content=content).content.decode()
    assert "There is a problem" in page and message in page
    request.refresh_from_db()
    assert request.status == FundRequestStatus.PAID and not request.receipt
    assert _stored_files(settings) == []


# --- the virus-scan hook ----------------------------------------------------------------------


def test_every_upload_goes_through_the_virus_scan_hook(client, paid, settings):
    settings.PRIVATE_FILES_VIRUS_SCANNER = "tests.test_private_files.recording_scanner"
    SCANNED.clear()
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    _upload(client, participant, request)
    assert SCANNED == [(PDF, f"payments.FundRequest {request.pk} receipt")]


def test_a_file_the_scanner_refuses_is_not_kept(client, paid, settings):
    settings.PRIVATE_FILES_VIRUS_SCANNER = "tests.test_private_files.refusing_scanner"
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    page = _upload(client, participant, request).content.decode()
    assert "The file could not be accepted because it may contain a virus" in page
    request.refresh_from_db()
    assert request.status == FundRequestStatus.PAID and not request.receipt
    assert _stored_files(settings) == []


def test_the_default_scanner_logs_that_nothing_was_scanned(client, paid, caplog):
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    with caplog.at_level("INFO", logger="portal.core.files"):
        _upload(client, participant, request)
    assert "Not scanned for viruses" in caplog.text


# --- production: nginx sends the file ---------------------------------------------------------


def test_behind_nginx_the_view_answers_with_x_accel_redirect(client, paid, settings):
    settings.PRIVATE_FILES_ACCEL_REDIRECT = "/private-files/"
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    _upload(client, participant, request)
    request.refresh_from_db()
    response = client.get(_receipt_url(participant, request))
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/private-files/{request.receipt.name}"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    client.force_login(UserFactory(role=Role.KEY_WORKER))
    assert not client.get(_receipt_url(participant, request)).has_header("X-Accel-Redirect")


def test_private_media_root_inside_media_root_fails_the_system_check(settings):
    settings.PRIVATE_MEDIA_ROOT = Path(settings.MEDIA_ROOT) / "private"
    with pytest.raises(Exception, match="core.E010"):
        call_command("check", "--fail-level", "ERROR")


def test_the_django_admin_links_to_the_checked_download_not_to_media(client, paid):
    participant, key_worker, _, request = paid
    client.force_login(key_worker)
    _upload(client, participant, request)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:payments_fundrequest_change", args=[request.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert f'href="{_receipt_url(participant, request)}"' in body and "/media/" not in body
