"""The sustainment evidence ladder, driven with the Notify stand-in: employer's link → text to
the participant (reply through Notify's received-text callback) → key worker's call → payslip."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from brokerage.messaging.models import InboundText, Message
from brokerage.pipeline.models import CheckpointStatus, ConfirmedVia, EvidenceRung
from brokerage.pipeline.services.evidence import evidence_ladder_run
from brokerage.pipeline.services.notices import checkpoint_notices_send
from brokerage.reference.models import Measure
from portal.accounts.roles import Role
from tests.factories.reference import UserFactory
from tests.pipeline.conftest import (  # noqa: F401 (fixtures)
    employer,
    employer_user,
    key_worker,
    opportunity,
    participant,
    programme,
    proposal,
    rules,
    started,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
WAIT = datetime.timedelta(days=3)


@pytest.fixture
def check(started, settings):  # noqa: F811
    """The 4-week check, due today, with a month's grace."""
    settings.CHECKPOINT_EVIDENCE_WAIT_DAYS = 3
    checkpoint = started.checkpoints.get(counts_as=Measure.JOB_STARTS_4W)
    today = datetime.date.today()
    checkpoint.due_on, checkpoint.missed_after = today, today + datetime.timedelta(days=30)
    checkpoint.save()
    return checkpoint


def climb(day: datetime.date, capture) -> None:
    with capture(execute=True):
        checkpoint_notices_send(today=day)
        evidence_ladder_run(today=day)


def test_one_check_climbs_every_rung_until_the_payslip_confirms_it(
    check, notify, callback, client, key_worker, employer_user,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    capture = django_capture_on_commit_callbacks
    today = check.due_on
    placement = check.placement
    participant = placement.participant  # noqa: F811

    # Rung 1: the employer gets the signed one-step link.
    climb(today, capture)
    check.refresh_from_db()
    assert check.evidence_rung == EvidenceRung.EMPLOYER_LINK
    [link_email] = [n for n in notify.sent("email") if n["email_address"] == employer_user.email]
    assert "/checkpoints/confirm/" in link_email["body"]
    assert notify.sent("sms") == []
    climb(today + datetime.timedelta(days=2), capture)  # not yet: the employer has three days
    assert notify.sent("sms") == []

    # Rung 2: the employer is silent, so the participant gets a text.
    climb(today + WAIT, capture)
    check.refresh_from_db()
    assert check.evidence_rung == EvidenceRung.PARTICIPANT_TEXT
    [text] = notify.sent("sms")
    assert text["phone_number"] == participant.phone
    assert f"Reply YES if you are still working at {placement.employer.name}" in text["body"]
    # A text from a number we never texted is kept but changes nothing.
    callback("notify_inbound_text", notify.inbound_text("07700 900999", "YES"))
    assert InboundText.objects.get().in_reply_to is None
    check.refresh_from_db()
    assert check.status == CheckpointStatus.SCHEDULED

    # Rung 3: no reply, so the key worker is asked to phone, with a link to record the call.
    climb(today + 2 * WAIT, capture)
    check.refresh_from_db()
    assert check.evidence_rung == EvidenceRung.KEY_WORKER_CALL
    call_url = reverse("pipeline:checkpoint_call", args=[check.pk])
    [call_email] = [n for n in notify.sent("email") if n["email_address"] == key_worker.email
                    and call_url in n["body"]]
    assert call_email["subject"].startswith(f"Please phone {participant.reference}")
    client.force_login(key_worker)
    bad = client.post(call_url, {})
    assert "Choose yes if you spoke to them" in bad.content.decode()
    response = client.post(call_url, {"reached": "no", "notes": "Voicemail twice"})
    assert response.status_code == 302

    # Rung 4: not reached, so a payslip: a wrong file is refused, a PDF confirms the check.
    check.refresh_from_db()
    assert (check.evidence_rung, check.status) == (EvidenceRung.PAYSLIP, CheckpointStatus.SCHEDULED)
    payslip_url = reverse("pipeline:checkpoint_payslip", args=[check.pk])
    bad = client.post(payslip_url, {
        "payslip": SimpleUploadedFile("payslip.exe", b"MZ\x90\x00"), "hours_per_week": "37.5",
    })
    assert "The payslip must be a PDF, JPG or PNG" in bad.content.decode()
    check.refresh_from_db()
    assert not check.payslip and check.status == CheckpointStatus.SCHEDULED
    response = client.post(payslip_url, {
        "payslip": SimpleUploadedFile("payslip.pdf", PDF), "hours_per_week": "37.5",
    })
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == CheckpointStatus.MET
    assert (check.confirmed_via, check.confirmed_by) == (ConfirmedVia.PAYSLIP, key_worker)
    assert check.payslip.name.startswith("payslips/")
    file_url = reverse("pipeline:checkpoint_payslip_file", args=[check.pk])
    assert client.get(file_url)["Content-Disposition"].startswith("attachment")

    # Nothing more is asked once it is confirmed.
    sent = len(notify.sent())
    climb(today + 4 * WAIT, capture)
    assert len(notify.sent()) == sent

    # Another key worker can neither see the payslip nor record anything.
    other = UserFactory(role=Role.KEY_WORKER)
    client.force_login(other)
    assert client.get(file_url).status_code == 404
    assert client.get(call_url).status_code == 404


def test_the_participant_replies_yes_and_the_check_is_confirmed_by_text(
    check, notify, callback, django_capture_on_commit_callbacks,
):
    climb(check.due_on, django_capture_on_commit_callbacks)
    climb(check.due_on + WAIT, django_capture_on_commit_callbacks)
    [text] = notify.sent("sms")
    message = Message.objects.get(channel="sms")
    assert message.provider_id == text["id"]

    # A forged callback is refused; Notify's, with its bearer token, is recorded.
    reply = notify.inbound_text("+447700900123", "Yes still here")
    assert callback("notify_inbound_text", reply, token="forged").status_code == 401
    assert callback("notify_inbound_text", reply).status_code == 200
    assert callback("notify_inbound_text", reply).status_code == 200  # Notify retried: once
    check.refresh_from_db()
    assert check.status == CheckpointStatus.MET
    assert check.confirmed_via == ConfirmedVia.PARTICIPANT_TEXT
    assert check.confirmed_by is None
    assert "Yes still here" in check.evidence and "+447700900123" in check.evidence
    inbound = InboundText.objects.get()
    assert inbound.in_reply_to == message
    assert "Confirmed" in inbound.handled


def test_a_no_reply_asks_the_key_worker_to_call_at_once(
    check, notify, callback, key_worker, django_capture_on_commit_callbacks,  # noqa: F811
):
    climb(check.due_on, django_capture_on_commit_callbacks)
    climb(check.due_on + WAIT, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        callback("notify_inbound_text", notify.inbound_text("07700900123", "no"))
    check.refresh_from_db()
    assert (check.status, check.evidence_rung) == (
        CheckpointStatus.SCHEDULED, EvidenceRung.KEY_WORKER_CALL
    )
    assert any(n["email_address"] == key_worker.email and "Please phone" in n["subject"]
               for n in notify.sent("email"))


def test_without_a_phone_number_the_text_is_skipped(
    check, notify, django_capture_on_commit_callbacks
):
    participant = check.placement.participant  # noqa: F811
    participant.phone = ""
    participant.save(update_fields=["phone"])
    climb(check.due_on, django_capture_on_commit_callbacks)
    climb(check.due_on + WAIT, django_capture_on_commit_callbacks)
    check.refresh_from_db()
    assert check.evidence_rung == EvidenceRung.KEY_WORKER_CALL
    assert notify.sent("sms") == []


def test_the_employer_answers_the_signed_link_and_no_text_is_sent(
    check, notify, client, employer_user, django_capture_on_commit_callbacks,  # noqa: F811
):
    import re

    climb(check.due_on, django_capture_on_commit_callbacks)
    [link_email] = [n for n in notify.sent("email") if n["email_address"] == employer_user.email]
    path = re.search(r"https?://[^/\s]+(/checkpoints/confirm/[^\s]+/)", link_email["body"]).group(1)
    assert client.get(path).status_code == 200
    response = client.post(path, {"still_employed": "yes", "hours_per_week": "30"})
    assert response.status_code in (200, 302)
    check.refresh_from_db()
    assert (check.status, check.confirmed_via) == (CheckpointStatus.MET, ConfirmedVia.EMAIL_LINK)
    assert check.confirmed_by is None  # the link needs no sign-in: the employer, by email
    climb(check.due_on + 3 * WAIT, django_capture_on_commit_callbacks)
    assert notify.sent("sms") == []


def test_the_key_worker_reaches_them_and_records_the_call(
    check, notify, client, key_worker, django_capture_on_commit_callbacks,  # noqa: F811
):
    for days in (0, 3, 6):
        climb(check.due_on + datetime.timedelta(days=days), django_capture_on_commit_callbacks)
    check.refresh_from_db()
    assert check.evidence_rung == EvidenceRung.KEY_WORKER_CALL
    call_url = reverse("pipeline:checkpoint_call", args=[check.pk])
    client.force_login(key_worker)
    bad = client.post(call_url, {"reached": "yes"})
    assert "Choose yes if they are still in this job" in bad.content.decode()
    check.refresh_from_db()
    assert check.status == CheckpointStatus.SCHEDULED
    response = client.post(call_url, {
        "reached": "yes", "still_employed": "yes", "hours_per_week": "30",
        "notes": "Loves the job",
    })
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == CheckpointStatus.MET
    assert (check.confirmed_via, check.confirmed_by) == (ConfirmedVia.KEY_WORKER_CALL, key_worker)
    assert "Loves the job" in check.evidence
    assert check.evidence_rung == EvidenceRung.KEY_WORKER_CALL  # no payslip asked for
