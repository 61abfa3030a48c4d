import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from brokerage.participants.models import ImportStatus, Participant, ReferralImport
from tests.factories.participants import ParticipantFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "first_name,last_name,date_of_birth,postcode,email,phone,ni_number,"
    "referral_source,benefit_type,months_out_of_work,target_groups\n"
)
GOOD = [
    "Leanne,Walsh,1994-06-01,TS18 1AB,leanne@example.com,,,jcp,uc,14,lone_parent\n",
    "Connor,Price,12/11/2001,TS19 7EU,,07700 900111,AB123456C,Self-referral,,3,\n",
    "Michael,Hughes,1978-02-20,TS20 1AA,,,,council,esa,30,disabled;over_50\n",
]
BAD = [
    "Bad,Date,1994-13-45,TS18 1AB,,,,jcp,,,\n",
    ",NoFirstName,1990-01-01,TS18 1AB,,,,jcp,,,\n",
    "Wrong,Source,1990-01-01,TS18 1AB,,,QQ12,friend,,,\n",
]


def _upload(client, programme, content, name="referrals.csv"):
    return client.post(reverse("participants:import_start"), {
        "programme": programme.pk, "file": SimpleUploadedFile(name, content.encode(), content_type="text/csv"),
    })


def test_mixed_rows_report_and_nothing_imported(login, coordinator, programme, django_capture_on_commit_callbacks):
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, programme, HEADER + "".join(GOOD + BAD))
    record = ReferralImport.objects.get()
    assert response.url == reverse("participants:import_detail", args=[record.pk])
    record.refresh_from_db()
    assert record.status == ImportStatus.VALIDATED
    assert record.total_rows == 6 and record.valid_rows == 3 and record.invalid_rows == 3
    page = client.get(response.url).content.decode()
    assert "Nothing has been imported" in page
    assert "date_of_birth must be a real date" in page
    assert "first_name is missing" in page
    assert "referral_source &#x27;friend&#x27; is not one of" in page
    assert "Enter a National Insurance number in the right format" in page
    assert Participant.objects.count() == 0

    # Importing everything is refused while rows are invalid.
    client.post(response.url)
    assert Participant.objects.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        client.post(response.url, {"only_valid": "1"})
    record.refresh_from_db()
    assert record.status == ImportStatus.DONE and record.imported_rows == 3
    assert set(Participant.objects.values_list("last_name", flat=True)) == {"Walsh", "Price", "Hughes"}
    assert Participant.objects.get(last_name="Hughes").target_groups == ["disabled", "over_50"]
    assert Participant.objects.get(last_name="Price").ni_number == "AB123456C"
    assert record.content == ""  # the uploaded personal data is not kept
    assert "3 referrals imported" in client.get(response.url).content.decode()


def test_all_good_rows_import_and_duplicates_are_caught(
    login, coordinator, programme, django_capture_on_commit_callbacks
):
    ParticipantFactory(programme=programme, ni_number="AB123456C")
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, programme, HEADER + "".join(GOOD) + GOOD[0])
    record = ReferralImport.objects.get()
    messages = " ".join(" ".join(e["errors"]) for e in record.row_errors)
    assert "may already have a record" in messages  # AB123456C exists
    assert "Same person as row 2" in messages  # repeated row
    assert record.valid_rows == 2


def test_progress_page_refreshes_while_running(login, coordinator, programme):
    record = ReferralImport.objects.create(
        uploaded_by=coordinator,
        programme=programme,
        filename="big.csv",
        content=HEADER,
        status=ImportStatus.VALIDATING,
        total_rows=400,
        processed_rows=100,
    )
    page = login(coordinator).get(reverse("participants:import_detail", args=[record.pk])).content.decode()
    assert 'http-equiv="refresh"' in page and "100 of 400 rows (25%)" in page


def test_unreadable_file(login, coordinator, programme, django_capture_on_commit_callbacks):
    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, programme, "name,age\nBob,3\n")
    record = ReferralImport.objects.get()
    assert record.status == ImportStatus.FAILED
    assert (
        "missing the column(s): first_name"
        in client.get(reverse("participants:import_detail", args=[record.pk])).content.decode()
    )
    assert record.content == "", "an unreadable file is not kept"


def test_a_checked_file_not_imported_within_a_week_is_deleted(login, coordinator, programme,
                                                             django_capture_on_commit_callbacks):
    from brokerage.participants.tasks import referral_imports_expire_task

    client = login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, programme, HEADER + "".join(GOOD + BAD))
    record = ReferralImport.objects.get()
    url = reverse("participants:import_detail", args=[record.pk])
    assert "Rows with problems" in client.get(url).content.decode()
    assert referral_imports_expire_task() == 0, "a file checked today is kept"
    ReferralImport.objects.filter(pk=record.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    assert referral_imports_expire_task() == 1
    assert referral_imports_expire_task() == 0, "once"
    record.refresh_from_db()
    assert (record.status, record.content, record.row_errors) == (ImportStatus.EXPIRED, "", [])
    page = client.get(url).content.decode()
    assert "not imported within 7 days, so it has been deleted" in page and "Rows with problems" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"only_valid": "1"})  # an old tab's import button
    assert Participant.objects.count() == 0


def test_not_a_csv(login, coordinator, programme):
    response = _upload(login(coordinator), programme, "hello", name="referrals.xlsx")
    assert "The selected file must be a CSV" in response.content.decode()
    assert not ReferralImport.objects.exists()


def test_key_workers_cannot_import(login, key_worker):
    assert login(key_worker).get(reverse("participants:import_start")).status_code == 403
