"""A partner acts for an employer only with the employer's consent, and the employer sees
everything done on its behalf.

A partner's relationship is a request: until one of the employer's admins accepts it (or a
coordinator approves it with a reason) the partner cannot change the employer's record or
withdraw its opportunities.
"""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from brokerage.audit.models import AuditEvent
from brokerage.employers import merge, services
from brokerage.employers.models import Employer, PartnerRelationship, RelationshipStatus
from brokerage.opportunities.models import OpportunityStatus
from tests.factories.employers import (
    EmployerFactory,
    EmployerMembershipFactory,
    PartnerRelationshipFactory,
)
from tests.factories.opportunities import OpportunityFactory

pytestmark = pytest.mark.django_db

DETAILS = {
    "name": "Tees Components Ltd",
    "companies_house_number": "",
    "postcode": "TS18 1AA",
    "sector": "manufacturing",
    "size_band": "large",
    "disability_confident": "leader",
    "website": "",
}


@pytest.fixture
def employer(stockton):
    return EmployerFactory(
        name="Tees Components Ltd", area=stockton, postcode="TS18 1AA", disability_confident=""
    )


@pytest.fixture
def admin(employer):
    return EmployerMembershipFactory(employer=employer).user


@pytest.fixture
def live_opportunity(employer):
    return OpportunityFactory(
        employer=employer, title="CNC machine operator", status=OpportunityStatus.LIVE
    )


def _ask(client, employer, django_capture_on_commit_callbacks, signoff="yes"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("employers:relationship", args=[employer.pk]),
            {"requires_employer_signoff": signoff}, follow=True,
        )


def _tries_to_edit(client, employer):
    return client.post(reverse("employers:staff_edit", args=[employer.pk]), DETAILS)


def _tries_to_withdraw(client, opportunity):
    return client.post(
        reverse("opportunities:employer_withdraw", args=[opportunity.pk]),
        {"reason": "No longer needed"},
    )


def _answer(client, employer, relationship, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("employers:partner_request", args=[employer.pk, relationship.pk]),
            data,
            follow=True,
        )


class TestARequestGrantsNothingUntilAccepted:
    def test_the_partner_asks_and_the_employer_admin_is_emailed(
        self, login, partner_user, employer, admin, django_capture_on_commit_callbacks
    ):
        response = _ask(login(partner_user), employer, django_capture_on_commit_callbacks)
        assert (
            "We have asked Tees Components Ltd&#x27;s admins to accept your request"
            in response.content.decode()
        )
        relationship = PartnerRelationship.objects.get()
        assert relationship.status == RelationshipStatus.REQUESTED
        assert (relationship.requested_by, relationship.decided_by) == (partner_user, None)
        assert [m.to for m in mail.outbox] == [[admin.email]]
        assert (
            "Stockton Jobcentre Plus asks to act for Tees Components Ltd" in mail.outbox[0].subject
        )
        event = AuditEvent.objects.get(action="employer.relationship_requested")
        assert event.actor == partner_user

    def test_a_partner_that_has_only_asked_cannot_edit_the_details_or_withdraw_opportunities(
        self,
        login,
        partner_user,
        employer,
        admin,
        live_opportunity,
        django_capture_on_commit_callbacks,
    ):
        client = login(partner_user)
        _ask(client, employer, django_capture_on_commit_callbacks)

        assert client.get(reverse("employers:staff_edit", args=[employer.pk])).status_code == 403
        assert _tries_to_edit(client, employer).status_code == 403
        employer.refresh_from_db()
        assert employer.disability_confident == ""

        assert _tries_to_withdraw(client, live_opportunity).status_code == 404
        live_opportunity.refresh_from_db()
        assert live_opportunity.status == OpportunityStatus.LIVE

        page = client.get(reverse("employers:staff_detail", args=[employer.pk])).content.decode()
        assert "Your organisation has asked to act for Tees Components Ltd" in page
        assert "Add an opportunity for this employer" not in page
        assert "Change details" not in page

    def test_the_services_refuse_too(self, partner_user, jcp, employer, admin, live_opportunity):
        services.partner_relationship_request(
            actor=partner_user, partner=jcp, employer=employer, requires_employer_signoff=False
        )
        with pytest.raises(ValidationError):
            services.employer_update(actor=partner_user, employer=employer, data={"website": "https://evil.example"})
        from brokerage.opportunities import services as opportunity_services

        with pytest.raises(ValidationError):
            opportunity_services.opportunity_withdraw(
                actor=partner_user, opportunity=live_opportunity
            )
        live_opportunity.refresh_from_db()
        assert live_opportunity.status == OpportunityStatus.LIVE

    def test_adding_an_employer_the_portal_already_holds_only_asks(
        self, login, partner_user, employer, admin
    ):
        response = login(partner_user).post(
            reverse("employers:staff_create"),
            {
                "name": "Tees Components Limited",
                "postcode": "TS18 1AA",
                "requires_employer_signoff": "no",
            },
            follow=True,
        )
        assert "already on the portal" in response.content.decode()
        assert PartnerRelationship.objects.get().status == RelationshipStatus.REQUESTED
        assert _tries_to_edit(login(partner_user), employer).status_code == 403


class TestTheEmployerAdminDecides:
    def test_after_the_admin_accepts_the_partner_can_edit_and_withdraw(
        self,
        client,
        login,
        partner_user,
        employer,
        admin,
        live_opportunity,
        django_capture_on_commit_callbacks,
    ):
        _ask(login(partner_user), employer, django_capture_on_commit_callbacks)
        relationship = PartnerRelationship.objects.get()
        mail.outbox.clear()

        # The admin sees the request on the organisation page and reviews it.
        admin_client = login(admin)
        page = admin_client.get(
            reverse("employers:organisation", args=[employer.pk])
        ).content.decode()
        assert "Waiting for your answer" in page and "Stockton Jobcentre Plus" in page
        review = reverse("employers:partner_request", args=[employer.pk, relationship.pk])
        assert (
            "Stockton Jobcentre Plus asks to act for you"
            in admin_client.get(review).content.decode()
        )

        # Nothing chosen: the form explains.
        response = admin_client.post(review, {})
        assert "Select whether you accept the request" in response.content.decode()

        response = _answer(
            admin_client,
            employer,
            relationship,
            django_capture_on_commit_callbacks,
            decision="accept",
        )
        assert (
            "Stockton Jobcentre Plus can now act for Tees Components Ltd."
            in response.content.decode()
        )
        relationship.refresh_from_db()
        assert (relationship.status, relationship.decided_by) == (
            RelationshipStatus.ACCEPTED,
            admin,
        )
        assert relationship.decided_at is not None
        assert AuditEvent.objects.filter(
            action="employer.relationship_accepted", actor=admin
        ).exists()
        # One email to each (every message is recorded and sent on its own).
        assert len(mail.outbox) == 2
        assert {m.to[0] for m in mail.outbox} == {partner_user.email, relationship.partner.contact_email}
        assert all("accepted" in m.subject for m in mail.outbox)

        partner_client = login(partner_user)
        _tries_to_edit(partner_client, employer)
        employer.refresh_from_db()
        assert employer.disability_confident == "leader"
        assert _tries_to_withdraw(partner_client, live_opportunity).status_code == 302
        live_opportunity.refresh_from_db()
        assert live_opportunity.status == OpportunityStatus.WITHDRAWN

    def test_a_declined_request_grants_nothing(
        self,
        login,
        partner_user,
        employer,
        admin,
        live_opportunity,
        django_capture_on_commit_callbacks,
    ):
        _ask(login(partner_user), employer, django_capture_on_commit_callbacks)
        relationship = PartnerRelationship.objects.get()
        mail.outbox.clear()
        response = _answer(
            login(admin), employer, relationship, django_capture_on_commit_callbacks,
            decision="decline", reason="We do not work with agencies.",
        )
        assert (
            "You have declined Stockton Jobcentre Plus&#x27;s request." in response.content.decode()
        )
        relationship.refresh_from_db()
        assert (relationship.status, relationship.decided_by) == (
            RelationshipStatus.DECLINED,
            admin,
        )
        assert "We do not work with agencies." in mail.outbox[0].body

        partner_client = login(partner_user)
        assert _tries_to_edit(partner_client, employer).status_code == 403
        assert _tries_to_withdraw(partner_client, live_opportunity).status_code == 404
        live_opportunity.refresh_from_db()
        assert live_opportunity.status == OpportunityStatus.LIVE
        # The partner sees what happened to its request.
        requests_page = partner_client.get(reverse("employers:partner_requests")).content.decode()
        assert "Tees Components Ltd" in requests_page and "Declined" in requests_page
        assert "We do not work with agencies." in requests_page

    def test_a_request_cannot_be_answered_twice(self, login, partner_user, jcp, employer, admin):
        relationship = services.partner_relationship_request(
            actor=partner_user, partner=jcp, employer=employer, requires_employer_signoff=True
        )
        services.partner_relationship_decide(actor=admin, relationship=relationship, accept=False)
        with pytest.raises(ValidationError, match="already been answered"):
            services.partner_relationship_decide(
                actor=admin, relationship=relationship, accept=True
            )

    def test_the_admin_can_stop_a_partner_acting_for_them(
        self, login, partner_user, jcp, employer, admin, django_capture_on_commit_callbacks
    ):
        relationship = PartnerRelationshipFactory(partner=jcp, employer=employer)
        client = login(admin)
        url = reverse("employers:partner_request", args=[employer.pk, relationship.pk])
        assert (
            "Are you sure you want to stop Stockton Jobcentre Plus acting for you?"
            in client.get(url).content.decode()
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, follow=True)
        assert (
            "Stockton Jobcentre Plus can no longer act for Tees Components Ltd."
            in response.content.decode()
        )
        assert "stopped Stockton Jobcentre Plus" in mail.outbox[0].subject
        assert _tries_to_edit(login(partner_user), employer).status_code == 403


class TestPermissions:
    def test_another_employers_admin_cannot_accept_someone_elses_request(
        self, login, partner_user, jcp, employer, admin, django_capture_on_commit_callbacks
    ):
        relationship = services.partner_relationship_request(
            actor=partner_user, partner=jcp, employer=employer, requires_employer_signoff=True
        )
        other_admin = EmployerMembershipFactory(employer=EmployerFactory(name="Other Ltd")).user
        client = login(other_admin)
        # Neither through their own organisation's address nor through the employer's.
        for employer_pk in (other_admin.employer_memberships.get().employer_id, employer.pk):
            url = reverse("employers:partner_request", args=[employer_pk, relationship.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, {"decision": "accept"}).status_code == 404
        with pytest.raises(ValidationError, match="Only an admin of the organisation"):
            services.partner_relationship_decide(
                actor=other_admin, relationship=relationship, accept=True
            )
        relationship.refresh_from_db()
        assert relationship.status == RelationshipStatus.REQUESTED
        assert _tries_to_edit(login(partner_user), employer).status_code == 403

    def test_a_member_who_is_not_an_admin_cannot_accept(
        self, login, partner_user, jcp, employer, admin
    ):
        relationship = services.partner_relationship_request(
            actor=partner_user, partner=jcp, employer=employer, requires_employer_signoff=True
        )
        member = EmployerMembershipFactory(employer=employer, role="member").user
        url = reverse("employers:partner_request", args=[employer.pk, relationship.pk])
        assert login(member).post(url, {"decision": "accept"}).status_code == 404
        relationship.refresh_from_db()
        assert relationship.status == RelationshipStatus.REQUESTED

    def test_a_partner_cannot_accept_its_own_request(
        self, login, partner_user, jcp, employer, admin
    ):
        relationship = services.partner_relationship_request(
            actor=partner_user, partner=jcp, employer=employer, requires_employer_signoff=True
        )
        url = reverse("employers:partner_request", args=[employer.pk, relationship.pk])
        assert login(partner_user).post(url, {"decision": "accept"}).status_code == 403
        with pytest.raises(ValidationError):
            services.partner_relationship_decide(
                actor=partner_user, relationship=relationship, accept=True
            )
        with pytest.raises(ValidationError):
            services.partner_relationship_approve(
                actor=partner_user, relationship=relationship, reason="Trust me"
            )
        relationship.refresh_from_db()
        assert relationship.status == RelationshipStatus.REQUESTED

    def test_loosening_the_sign_off_needs_the_employers_consent_again(
        self, partner_user, jcp, employer
    ):
        relationship = PartnerRelationshipFactory(
            partner=jcp, employer=employer, requires_employer_signoff=True
        )
        with pytest.raises(ValidationError, match="agreed to sign off"):
            services.partner_relationship_request(
                actor=partner_user, partner=jcp, employer=employer, requires_employer_signoff=False
            )
        relationship.refresh_from_db()
        assert relationship.requires_employer_signoff is True


class TestCoordinatorApproval:
    def test_a_coordinator_approval_needs_a_reason(
        self, login, partner_user, jcp, coordinator, stockton, django_capture_on_commit_callbacks
    ):
        # Nobody from this employer uses the portal, so a coordinator decides.
        employer = EmployerFactory(name="Thornaby Freight Services Ltd", area=stockton)
        response = _ask(login(partner_user), employer, django_capture_on_commit_callbacks)
        assert "a coordinator will review your request" in response.content.decode()
        relationship = PartnerRelationship.objects.get()

        client = login(coordinator)
        listing = client.get(reverse("employers:partner_requests")).content.decode()
        assert "Thornaby Freight Services Ltd" in listing and "Stockton Jobcentre Plus" in listing
        url = reverse("employers:partner_request_review", args=[relationship.pk])
        response = client.post(url, {"decision": "approve", "reason": "  "})
        assert "Enter the reason for approving the request" in response.content.decode()
        relationship.refresh_from_db()
        assert relationship.status == RelationshipStatus.REQUESTED
        with pytest.raises(ValidationError, match="Enter the reason"):
            services.partner_relationship_approve(
                actor=coordinator, relationship=relationship, reason=""
            )

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url,
                {"decision": "approve", "reason": "Lisa Kerr agreed by phone on 2 March."},
                follow=True,
            )
        assert (
            "You have approved Stockton Jobcentre Plus&#x27;s request" in response.content.decode()
        )
        relationship.refresh_from_db()
        assert (relationship.status, relationship.decided_by) == (
            RelationshipStatus.APPROVED,
            coordinator,
        )
        assert relationship.decision_reason == "Lisa Kerr agreed by phone on 2 March."
        assert "Lisa Kerr agreed by phone on 2 March." in mail.outbox[-1].body
        _tries_to_edit(login(partner_user), employer)
        employer.refresh_from_db()
        assert employer.disability_confident == "leader"

    def test_a_coordinator_cannot_review_requests_outside_their_areas(
        self, login, partner_user, jcp, coordinator, swindon
    ):
        employer = EmployerFactory(area=swindon)
        relationship = PartnerRelationshipFactory(
            partner=jcp, employer=employer, status=RelationshipStatus.REQUESTED, decided_at=None
        )
        url = reverse("employers:partner_request_review", args=[relationship.pk])
        response = login(coordinator).post(url, {"decision": "approve", "reason": "Looks fine"})
        assert response.status_code == 404
        relationship.refresh_from_db()
        assert relationship.status == RelationshipStatus.REQUESTED


class TestTheEmployerSeesWhatPartnersDid:
    def test_the_employer_sees_partner_actions_on_its_timeline(
        self,
        login,
        partner_user,
        jcp,
        employer,
        admin,
        live_opportunity,
        django_capture_on_commit_callbacks,
    ):
        _ask(login(partner_user), employer, django_capture_on_commit_callbacks)
        _answer(
            login(admin),
            employer,
            PartnerRelationship.objects.get(),
            django_capture_on_commit_callbacks,
            decision="accept",
        )
        partner_client = login(partner_user)
        _tries_to_edit(partner_client, employer)
        _tries_to_withdraw(partner_client, live_opportunity)

        name = escape(partner_user.display_name)
        admin_client = login(admin)
        page = admin_client.get(
            reverse("employers:organisation", args=[employer.pk])
        ).content.decode()
        assert "Withdrew ‘CNC machine operator’" in page
        assert f"{name}, Stockton Jobcentre Plus on behalf of Tees Components Ltd" in page

        activity = admin_client.get(
            reverse("employers:activity", args=[employer.pk])
        ).content.decode()
        assert "Withdrew ‘CNC machine operator’" in activity
        assert "Changed disability_confident" in activity
        assert "Stockton Jobcentre Plus asked to act for Tees Components Ltd" in activity
        assert "Accepted Stockton Jobcentre Plus&#x27;s request" in activity

    def test_another_organisation_cannot_see_the_activity(self, login, employer, admin):
        stranger = EmployerMembershipFactory().user
        assert (
            login(stranger).get(reverse("employers:activity", args=[employer.pk])).status_code
            == 404
        )


class TestThePortalDecides:
    def test_a_partner_adding_a_new_employer_works_with_it_at_once(
        self, login, partner_user, jcp, stockton
    ):
        login(partner_user).post(reverse("employers:staff_create"), {
            "name": "Norton Bakery Ltd", "postcode": "TS20 1AB", "requires_employer_signoff": "yes",
        })
        employer = Employer.objects.get()
        relationship = PartnerRelationship.objects.get()
        assert (
            relationship.status == RelationshipStatus.ACCEPTED and relationship.decided_by is None
        )
        assert "added Norton Bakery Ltd to the portal" in relationship.decision_reason
        login(partner_user).post(
            reverse("employers:staff_edit", args=[employer.pk]),
            {**DETAILS, "name": "Norton Bakery Ltd"},
        )
        employer.refresh_from_db()
        assert employer.disability_confident == "leader"

    def test_merging_into_a_record_with_members_turns_automatic_acceptances_into_requests(
        self, partner_user, jcp, employer, admin, coordinator
    ):
        result = services.partner_employer_add(
            actor=partner_user, name="Tees Components (Stockton)", postcode="TS17 7BW",
        )
        assert result.created and result.relationship.status == RelationshipStatus.ACCEPTED
        merge.employer_merge(actor=coordinator, keep=employer, merge=result.employer)
        relationship = PartnerRelationship.objects.get()
        assert (relationship.employer, relationship.status) == (
            employer,
            RelationshipStatus.REQUESTED,
        )
        assert services.partner_relationship_decide(
            actor=admin, relationship=relationship, accept=True
        ).status == RelationshipStatus.ACCEPTED

    def test_an_enquiry_routed_to_a_partner_grants_no_rights(
        self, login, partner_user, jcp, employer, admin
    ):
        from tests.factories.employers import InteractionFactory

        InteractionFactory(employer=employer, partner=jcp, kind="enquiry")
        assert not PartnerRelationship.objects.exists()
        assert _tries_to_edit(login(partner_user), employer).status_code == 403


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_relationships_recorded_before_consent_count_as_accepted():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("employers", "0003_organisations_relationships_duplicates")]
    after = [("employers", "0004_partner_relationship_consent")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Partner = old_apps.get_model("reference", "Partner")
    OldEmployer = old_apps.get_model("employers", "Employer")
    OldRelationship = old_apps.get_model("employers", "PartnerRelationship")
    partner = Partner.objects.create(name="Stockton Jobcentre Plus", slug="stockton-jcp")
    old_employer = OldEmployer.objects.create(name="Tees Components Ltd")
    OldRelationship.objects.create(partner=partner, employer=old_employer, started_at="2025-01-06")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    relationship = PartnerRelationship.objects.get()
    # Back to the latest schema of every app (later migrations, here and in apps that depend on
    # these, were unapplied above), so the tests after this one see the tables they expect.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert relationship.status == RelationshipStatus.ACCEPTED
    assert relationship.grants_rights
    assert "counted as accepted" in relationship.decision_reason
    # New relationships start as requests.
    assert PartnerRelationship._meta.get_field("status").default == RelationshipStatus.REQUESTED
