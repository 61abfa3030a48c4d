"""The duplicate check, seen from outside the person's programme: it says a record exists and how
to ask for it, never who holds it, at which partner, or on which programme."""

import datetime

import pytest
from django.urls import reverse

from brokerage.participants.models import CareRequest, Participant
from portal.accounts.roles import Role
from tests.factories.participants import ParticipantFactory
from tests.factories.reference import PartnerFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(programme):
    """Kay Dobson-Smith, on Routes to Work, held by Sam Holder at Thirteen Group."""
    holder = UserFactory(role=Role.KEY_WORKER, first_name="Sam", last_name="Holder",
                         partner=PartnerFactory(name="Thirteen Group"))
    holder.programmes.add(programme)
    return ParticipantFactory(programme=programme, key_worker=holder, ni_number="AB123456C", first_name="Kay",
                              last_name="Dobson-Smith", date_of_birth=datetime.date(1999, 2, 14), postcode="TS18 3BX")


@pytest.fixture
def plan_500():
    return ProgrammeFactory(name="Plan 500")


@pytest.fixture
def outsider(plan_500):
    """A key worker on another programme, at another partner."""
    user = UserFactory(role=Role.KEY_WORKER, partner=PartnerFactory(name="Other Partner"))
    user.programmes.add(plan_500)
    return user


def _referral(programme, **overrides):
    return {
        "programme": programme.pk, "referral_source": "jcp", "first_name": "Kayleigh", "last_name": "Dobson",
        "date_of_birth_day": "14", "date_of_birth_month": "2", "date_of_birth_year": "1999",
        "postcode": "TS18 3BX", "ni_number": "", "benefit_type": "uc", "months_out_of_work": "9", **overrides,
    }


HOLDER_DETAILS = ["Sam Holder", "Thirteen Group", "Routes to Work"]


@pytest.mark.parametrize("typed,match", [
    ({"ni_number": "ab 12 34 56 c"}, "same NI number"),
    ({"first_name": "Kaye", "last_name": "Dobson-Smith"}, "similar name, same birth date and postcode"),
])
def test_outsider_is_told_only_that_a_record_exists_and_how_to_ask(login, held, outsider, plan_500, typed, match):
    response = login(outsider).post(reverse("participants:referral_start"), _referral(plan_500, **typed))
    page = response.content.decode()
    assert response.status_code == 200
    assert "A record for this person already exists" in page
    assert held.reference in page
    assert reverse("participants:care_request", args=[held.reference]) in page  # how to ask for it
    for detail in HOLDER_DETAILS:
        assert detail not in page, f"{detail} shown to someone outside the programme ({match})"
    if "ni_number" in typed:
        assert "Dobson-Smith" not in page  # nor the name on the record
    assert Participant.objects.count() == 1


def test_partner_staff_outside_the_programme_are_told_to_ask_a_key_worker(login, held, plan_500):
    partner_staff = UserFactory(role=Role.PARTNER_STAFF, partner=PartnerFactory(name="Other Partner"))
    partner_staff.programmes.add(plan_500)  # (with none, every programme is offered on the form)
    response = login(partner_staff).post(reverse("participants:referral_start"),
                                         _referral(plan_500, ni_number="AB123456C"))
    page = response.content.decode()
    assert "A record for this person already exists" in page
    assert f"Ask a key worker to request a transfer or shared care of {held.reference}" in page
    assert reverse("participants:care_request", args=[held.reference]) not in page  # they cannot use it
    for detail in HOLDER_DETAILS:
        assert detail not in page, detail


def test_insider_still_sees_who_holds_the_record(login, key_worker, held, programme):
    page = login(key_worker).post(reverse("participants:referral_start"),
                                  _referral(programme, ni_number="AB123456C")).content.decode()
    assert "Held by Sam Holder at Thirteen Group, on Routes to Work" in page


def test_the_transfer_request_page_keeps_the_holder_from_outsiders(login, held, outsider, key_worker):
    url = reverse("participants:care_request", args=[held.reference])
    page = login(outsider).get(url).content.decode()
    assert "A record for this person already exists" in page
    for detail in HOLDER_DETAILS:
        assert detail not in page, detail
    response = login(outsider).post(url, {"kind": "transfer", "reason": "Moved into our area"})
    assert response.status_code == 302 and CareRequest.objects.get().requested_by == outsider
    # Someone on the person's programme is told who holds it.
    assert "held by Sam Holder at Thirteen Group, on Routes to Work" in login(key_worker).get(url).content.decode()
