"""Correcting a participant's personal details after referral."""

import pytest
from django.urls import reverse

from brokerage.audit.models import AuditEvent
from brokerage.participants.models import Participant
from portal.accounts.roles import Role
from tests.factories.participants import ParticipantFactory
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db


def _details(participant, **overrides):
    """The form as the page shows it for ``participant``, with ``overrides`` typed in."""
    dob = participant.date_of_birth
    data = {
        "first_name": participant.first_name, "last_name": participant.last_name,
        "date_of_birth_day": dob.day, "date_of_birth_month": dob.month, "date_of_birth_year": dob.year,
        "postcode": participant.postcode, "email": participant.email, "phone": participant.phone,
        "ni_number": participant.ni_number, "benefit_type": participant.benefit_type,
        "months_out_of_work": participant.months_out_of_work if participant.months_out_of_work is not None else "",
        "target_groups": participant.target_groups,
    }
    data.update(overrides)
    return data


def test_key_worker_corrects_the_postcode_and_phone(login, participant):
    client = login(participant.key_worker)
    url = reverse("participants:details", args=[participant.reference])
    page = client.get(url).content.decode()
    assert f'value="{participant.postcode}"' in page
    response = client.post(url, _details(participant, postcode="dl1 1aa", phone="07700 900999",
                                         email="Jordan.Reed@Example.com"), follow=True)
    assert "Personal details saved" in response.content.decode()
    saved = Participant.objects.get(pk=participant.pk)
    assert (saved.postcode, saved.outward_code, saved.phone) == ("DL1 1AA", "DL1", "07700 900999")
    assert saved.email == "jordan.reed@example.com", "stored as at referral"
    assert round(saved.latitude, 2) == 54.55  # Darlington's centroid now: matching measures from here
    event = AuditEvent.objects.get(action="participant.updated", object_id=str(participant.pk))
    assert event.data["fields"] == ["email", "phone", "postcode"]


def test_saving_without_changes_says_so_and_records_nothing(login, participant):
    client = login(participant.key_worker)
    url = reverse("participants:details", args=[participant.reference])
    response = client.post(url, _details(participant), follow=True)
    assert "Nothing was changed" in response.content.decode()
    assert not AuditEvent.objects.filter(action="participant.updated").exists()


@pytest.mark.parametrize("overrides, message", [
    ({"postcode": "ZZ99 9ZZ"}, "postcode"),
    ({"email": "not-an-email"}, "Enter an email address in the right format, like name@example.com"),
    ({"first_name": ""}, "Enter their first name"),
    ({"ni_number": "QQ123456C"}, "National Insurance"),
])
def test_bad_details_get_a_clear_message_and_save_nothing(login, participant, overrides, message):
    before = Participant.objects.get(pk=participant.pk)
    response = login(participant.key_worker).post(
        reverse("participants:details", args=[participant.reference]), _details(participant, **overrides)
    )
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html and message in html
    after = Participant.objects.get(pk=participant.pk)
    assert (after.postcode, after.email, after.first_name, after.ni_number) == (
        before.postcode, before.email, before.first_name, before.ni_number)


def test_another_records_ni_number_is_refused_on_its_field(login, participant, programme):
    ParticipantFactory(programme=programme, ni_number="AB123456C")
    response = login(participant.key_worker).post(
        reverse("participants:details", args=[participant.reference]), _details(participant, ni_number="ab 12 34 56 c")
    )
    html = response.content.decode()
    assert "Another record already has this National Insurance number" in html
    assert 'href="#id_ni_number"' in html, "the message points at the National Insurance number field"
    assert Participant.objects.get(pk=participant.pk).ni_number != "AB123456C"


def test_only_people_who_hold_the_record_can_change_it(client, login, participant):
    url = reverse("participants:details", args=[participant.reference])
    other_worker = UserFactory(role=Role.KEY_WORKER)
    assert login(other_worker).get(url).status_code == 404
    assert login(other_worker).post(url, _details(participant, phone="0")).status_code == 404
    assert login(UserFactory(role=Role.EMPLOYER)).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    assert Participant.objects.get(pk=participant.pk).phone == participant.phone
