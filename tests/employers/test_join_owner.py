"""Joining an organisation always has an owner: its admins; without any, the partner working
with it, else the coordinators. A domain match only suggests; creating a lookalike asks first."""

import pytest
from django.core import mail
from django.urls import reverse

from brokerage.employers.models import (
    Employer,
    EmployerJoinRequest,
    EmployerMembership,
    Interaction,
    JoinRequestStatus,
    MembershipRole,
)
from brokerage.employers.selectors import join_request_owner
from brokerage.employers.services import employer_join_request_create, employer_join_request_decide
from portal.accounts.roles import Role
from tests.factories.employers import (
    EmployerFactory,
    EmployerMembershipFactory,
    PartnerRelationshipFactory,
)
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer():
    return UserFactory(role=Role.EMPLOYER, email="amy@nortonbakery.co.uk")


@pytest.fixture
def orphan(stockton):
    """An organisation made from an enquiry: no members at all."""
    return EmployerFactory(name="Norton Bakery", email_domain="nortonbakery.co.uk", area=stockton)


def test_without_admins_the_partner_working_with_it_is_asked_and_decides(
    login, newcomer, orphan, partner_user, django_capture_on_commit_callbacks
):
    PartnerRelationshipFactory(partner=partner_user.partner, employer=orphan)
    client = login(newcomer)
    with django_capture_on_commit_callbacks(execute=True):
        body = client.post(reverse("employers:join"), {"employer": orphan.pk}, follow=True).content.decode()
    assert f"We have asked {partner_user.partner} to approve your request" in body
    assert [m.to for m in mail.outbox] == [[partner_user.email]]
    assert f"/staff/employers/{orphan.pk}/" in mail.outbox[0].body
    assert not EmployerMembership.objects.filter(user=newcomer).exists()  # never silent

    # The employer cannot let themselves in.
    join_request = EmployerJoinRequest.objects.get()
    with pytest.raises(Exception, match="Only"):
        employer_join_request_decide(actor=newcomer, join_request=join_request, approve=True)

    staff = login(partner_user)
    page = staff.get(reverse("employers:staff_detail", args=[orphan.pk])).content.decode()
    assert "Asking to join" in page and newcomer.email in page
    staff.post(reverse("employers:staff_join_request_decide", args=[orphan.pk, join_request.pk]),
               {"decision": "approve"})
    join_request.refresh_from_db()
    assert join_request.status == JoinRequestStatus.APPROVED
    assert EmployerMembership.objects.get(user=newcomer, employer=orphan).role == MembershipRole.MEMBER


def test_without_admins_or_a_partner_the_coordinators_own_it(newcomer, orphan, coordinator):
    owner = join_request_owner(orphan)
    assert owner.kind == "coordinators" and coordinator in owner.users
    join_request = employer_join_request_create(user=newcomer, employer=orphan)
    other_partner_staff = UserFactory(role=Role.PARTNER_STAFF)
    with pytest.raises(Exception, match="Only the programme's coordinators can decide"):
        employer_join_request_decide(actor=other_partner_staff, join_request=join_request, approve=True)
    employer_join_request_decide(actor=coordinator, join_request=join_request, approve=False)
    assert not EmployerMembership.objects.filter(user=newcomer).exists()


def test_with_an_admin_only_the_admins_decide(newcomer, orphan, partner_user):
    admin = EmployerMembershipFactory(employer=orphan, role=MembershipRole.ADMIN).user
    PartnerRelationshipFactory(partner=partner_user.partner, employer=orphan)
    assert join_request_owner(orphan).kind == "admins"
    join_request = employer_join_request_create(user=newcomer, employer=orphan)
    with pytest.raises(Exception, match="Only the admins of Norton Bakery"):
        employer_join_request_decide(actor=partner_user, join_request=join_request, approve=True)
    employer_join_request_decide(actor=admin, join_request=join_request, approve=True)


def test_creating_a_lookalike_asks_first_then_links_the_two(login, newcomer, orphan, stockton):
    data = {"name": "Norton Bakery Ltd", "companies_house_number": "", "postcode": "TS20 1AB",
            "sector": "hospitality", "size_band": "micro", "disability_confident": "", "website": ""}
    client = login(newcomer)
    body = client.post(reverse("employers:organisation_create"), data).content.decode()
    assert "An organisation like this is already registered: Norton Bakery" in body
    assert "Ask to join it instead" in body
    assert "Yes, my organisation is a different one" in body
    assert Employer.objects.count() == 1
    # The join page offers it (here the domain matches too; a name match alone also works).
    assert "Norton Bakery" in client.get(reverse("employers:join")).content.decode()

    response = client.post(reverse("employers:organisation_create"),
                           {**data, "confirm_different": "on"})
    assert response.status_code == 302
    created = Employer.objects.exclude(pk=orphan.pk).get()
    notes = Interaction.objects.filter(summary__startswith="Suspected duplicate of")
    assert {n.employer_id for n in notes} == {orphan.pk, created.pk}
