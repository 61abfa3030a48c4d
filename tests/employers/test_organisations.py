"""Employer users: create or join an organisation, invite colleagues, manage members."""

import re

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils.html import escape

from brokerage.audit.models import AuditEvent
from brokerage.employers.models import (
    Employer,
    EmployerInvitation,
    EmployerJoinRequest,
    EmployerMembership,
    EmployerSite,
    JoinRequestStatus,
    MembershipRole,
)
from portal.accounts.roles import Role
from tests.factories.employers import EmployerFactory, EmployerMembershipFactory
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Norton Bakery Ltd",
    "companies_house_number": "",
    "postcode": "ts20 1ab",
    "sector": "hospitality",
    "size_band": "micro",
    "disability_confident": "",
    "website": "",
}


@pytest.fixture
def employer_user():
    return UserFactory(role=Role.EMPLOYER, email="amy@nortonbakery.co.uk")


def test_dashboard_without_an_organisation_offers_create(login, employer_user):
    response = login(employer_user).get(reverse("employers:dashboard"))
    assert response.status_code == 200
    assert "Create your organisation" in response.content.decode()
    assert "Ask to join" not in response.content.decode()


def test_create_organisation_makes_the_user_its_admin(login, employer_user, stockton):
    client = login(employer_user)
    response = client.post(reverse("employers:organisation_create"), VALID, follow=True)
    employer = Employer.objects.get()
    assert employer.name == "Norton Bakery Ltd"
    assert employer.area == stockton
    assert employer.email_domain == "nortonbakery.co.uk"
    assert EmployerSite.objects.get(employer=employer).postcode == "TS20 1AB"
    assert EmployerMembership.objects.get(employer=employer, user=employer_user).role == MembershipRole.ADMIN
    assert "Norton Bakery Ltd has been created" in response.content.decode()
    # the dashboard now shows the organisation
    assert "Norton Bakery Ltd" in client.get(reverse("employers:dashboard")).content.decode()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("postcode", "ZZ99 9ZZ", "We do not recognise the postcode ZZ99 9ZZ"),
        ("postcode", "not a postcode", "Enter a real postcode, like TS1 3BX"),
        ("companies_house_number", "12345", "like 01234567 or SC123456"),
        ("name", "", "Enter the organisation&#x27;s name"),
        ("size_band", "", "Select how many people the organisation employs"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(login, employer_user, stockton, field, value, message):
    response = login(employer_user).post(reverse("employers:organisation_create"), {**VALID, field: value})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body
    assert not Employer.objects.exists()
    assert not EmployerMembership.objects.exists()


def test_matching_email_domain_lets_a_user_ask_to_join_and_admins_are_emailed(
    login, employer_user, django_capture_on_commit_callbacks
):
    employer = EmployerFactory(name="Norton Bakery", email_domain="nortonbakery.co.uk")
    admin = EmployerMembershipFactory(employer=employer, role=MembershipRole.ADMIN).user
    EmployerFactory(name="Other Bakery", email_domain="otherbakery.co.uk")
    client = login(employer_user)

    dashboard = client.get(reverse("employers:dashboard")).content.decode()
    assert "Ask to join" in dashboard and "Norton Bakery" in dashboard
    assert "Other Bakery" not in dashboard

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("employers:join"), {"employer": employer.pk}, follow=True)
    assert "asked the admins of Norton Bakery" in response.content.decode()
    join_request = EmployerJoinRequest.objects.get()
    assert join_request.status == JoinRequestStatus.PENDING
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [admin.email]
    assert "asked to join Norton Bakery" in mail.outbox[0].subject

    # the admin approves; the user becomes a member
    login(admin).post(
        reverse("employers:join_request_decide", args=[employer.pk, join_request.pk]),
        {"decision": "approve"},
    )
    assert EmployerMembership.objects.get(employer=employer, user=employer_user).role == MembershipRole.MEMBER


def test_cannot_ask_to_join_an_organisation_with_another_domain(login, employer_user):
    other = EmployerFactory(email_domain="otherbakery.co.uk")
    response = login(employer_user).post(reverse("employers:join"), {"employer": other.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not EmployerJoinRequest.objects.exists()


class TestPermissions:
    def test_a_member_sees_only_their_own_organisation(self, login):
        mine = EmployerMembershipFactory(role=MembershipRole.MEMBER)
        other = EmployerFactory(name="Someone Else's Ltd")
        client = login(mine.user)
        assert client.get(reverse("employers:organisation", args=[mine.employer.pk])).status_code == 200
        for name in ("organisation", "organisation_edit", "members", "site_add", "contact_add"):
            response = client.get(reverse(f"employers:{name}", args=[other.pk]))
            assert response.status_code == 404, name
            assert "Someone Else" not in response.content.decode()

    def test_members_who_are_not_admins_cannot_manage(self, login):
        member = EmployerMembershipFactory(role=MembershipRole.MEMBER)
        client = login(member.user)
        for name in ("organisation_edit", "members", "site_add", "contact_add"):
            assert client.get(reverse(f"employers:{name}", args=[member.employer.pk])).status_code == 404

    def test_staff_cannot_use_the_employer_pages(self, login, partner_user):
        membership = EmployerMembershipFactory()
        response = login(partner_user).get(reverse("employers:organisation", args=[membership.employer.pk]))
        assert response.status_code == 403


class TestInvitations:
    def _invite(self, client, employer, email, django_capture_on_commit_callbacks, role="member"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("employers:members", args=[employer.pk]), {"email": email, "role": role},
                               follow=True)

    def test_invited_colleague_accepts_with_the_emailed_link(self, login, client, django_capture_on_commit_callbacks):
        admin = EmployerMembershipFactory(role=MembershipRole.ADMIN)
        employer = admin.employer
        response = self._invite(login(admin.user), employer, "Sam@Example.org", django_capture_on_commit_callbacks)
        assert "We have emailed an invitation to sam@example.org" in response.content.decode()
        assert len(mail.outbox) == 1 and mail.outbox[0].to == ["sam@example.org"]
        link = re.search(r"https?://\S+/employer/invitations/\S+/", mail.outbox[0].body).group(0)
        path = link.split("://", 1)[1].split("/", 1)[1]
        client.logout()

        # not signed in: told to sign in or create an account with that email
        page = client.get("/" + path).content.decode()
        assert "sign in or create an account with" in page and "sam@example.org" in page

        # signed in with another email: refused, nothing saved
        stranger = UserFactory(role=Role.EMPLOYER, email="stranger@example.org")
        client.force_login(stranger)
        response = client.post("/" + path)
        assert response.status_code == 400
        assert "sent to sam@example.org" in response.content.decode()
        assert not EmployerMembership.objects.filter(user=stranger).exists()

        sam = UserFactory(role=Role.EMPLOYER, email="sam@example.org")
        client.force_login(sam)
        response = client.post("/" + path, follow=True)
        assert f"You have joined {escape(employer.name)}" in response.content.decode()
        assert EmployerMembership.objects.get(user=sam).role == MembershipRole.MEMBER
        assert EmployerInvitation.objects.get().accepted_by == sam

    def test_expired_or_tampered_links_are_refused(self, client, settings, monkeypatch):
        admin = EmployerMembershipFactory(role=MembershipRole.ADMIN)
        invitation = EmployerInvitation.objects.create(
            employer=admin.employer, email="sam@example.org", invited_by=admin.user
        )
        from brokerage.employers import services

        token = services.employer_invitation_token(invitation)
        response = client.get(reverse("employers:invitation_accept", args=[token + "x"]))
        assert response.status_code == 400
        assert "not valid" in response.content.decode()

        def expired(self, value, max_age=None):
            raise signing.SignatureExpired("too old")

        monkeypatch.setattr(signing.TimestampSigner, "unsign", expired)
        response = client.get(reverse("employers:invitation_accept", args=[token]))
        assert response.status_code == 400
        assert "This invitation has expired" in response.content.decode()

    def test_invalid_email_is_explained_and_nothing_is_sent(self, login, django_capture_on_commit_callbacks):
        admin = EmployerMembershipFactory(role=MembershipRole.ADMIN)
        response = self._invite(login(admin.user), admin.employer, "not-an-email", django_capture_on_commit_callbacks)
        assert "Enter an email address in the correct format" in response.content.decode()
        assert not EmployerInvitation.objects.exists()
        assert mail.outbox == []

    def test_inviting_an_existing_member_is_explained(self, login, django_capture_on_commit_callbacks):
        admin = EmployerMembershipFactory(role=MembershipRole.ADMIN)
        response = self._invite(login(admin.user), admin.employer, admin.user.email, django_capture_on_commit_callbacks)
        assert "is already a member" in response.content.decode()
        assert not EmployerInvitation.objects.exists()


class TestManagingMembers:
    def test_the_last_admin_cannot_be_removed_or_demoted(self, login):
        admin = EmployerMembershipFactory(role=MembershipRole.ADMIN)
        client = login(admin.user)
        url = reverse("employers:member_edit", args=[admin.employer.pk, admin.pk])
        response = client.post(url, {"action": "remove"})
        assert "You cannot remove the last admin" in response.content.decode()
        response = client.post(url, {"action": "role", "role": "member"})
        assert "must have at least one admin" in response.content.decode()
        assert EmployerMembership.objects.get(pk=admin.pk).role == MembershipRole.ADMIN

    def test_an_admin_changes_roles_and_removes_members_and_it_is_audited(self, login):
        admin = EmployerMembershipFactory(role=MembershipRole.ADMIN)
        colleague = EmployerMembershipFactory(employer=admin.employer, role=MembershipRole.MEMBER)
        client = login(admin.user)
        url = reverse("employers:member_edit", args=[admin.employer.pk, colleague.pk])
        client.post(url, {"action": "role", "role": "admin"})
        assert EmployerMembership.objects.get(pk=colleague.pk).role == MembershipRole.ADMIN
        client.post(url, {"action": "remove"})
        assert not EmployerMembership.objects.filter(pk=colleague.pk).exists()
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"employer.member_role_changed", "employer.member_removed"} <= actions

    def test_another_organisations_member_is_404(self, login):
        admin = EmployerMembershipFactory(role=MembershipRole.ADMIN)
        other = EmployerMembershipFactory()
        url = reverse("employers:member_edit", args=[admin.employer.pk, other.pk])
        assert login(admin.user).post(url, {"action": "remove"}).status_code == 404
        assert EmployerMembership.objects.filter(pk=other.pk).exists()


def test_admin_adds_a_site_with_an_unknown_postcode_and_nothing_is_saved(login, stockton):
    admin = EmployerMembershipFactory(role=MembershipRole.ADMIN)
    client = login(admin.user)
    url = reverse("employers:site_add", args=[admin.employer.pk])
    response = client.post(url, {"name": "Depot", "postcode": "ZZ99 9ZZ"})
    assert "We do not recognise the postcode ZZ99 9ZZ" in response.content.decode()
    assert not EmployerSite.objects.exists()
    client.post(url, {"name": "Depot", "postcode": "ts17 6bl"})
    site = EmployerSite.objects.get()
    assert (site.postcode, site.area) == ("TS17 6BL", stockton)


def test_contact_needs_an_email_or_phone(login):
    admin = EmployerMembershipFactory(role=MembershipRole.ADMIN)
    response = login(admin.user).post(
        reverse("employers:contact_add", args=[admin.employer.pk]), {"name": "Jo", "email": "", "phone": ""}
    )
    assert "Enter an email address or a phone number" in response.content.decode()
    assert not admin.employer.contacts.exists()
