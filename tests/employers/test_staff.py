"""Partner staff and coordinators: the employer list, one timeline, acting for employers, merging."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from brokerage.audit.models import AuditEvent
from brokerage.employers import selectors
from brokerage.employers.models import Employer, EmployerSource, Interaction, PartnerRelationship
from portal.accounts.roles import Role
from tests.factories.employers import (
    EmployerFactory,
    EmployerMembershipFactory,
    InteractionFactory,
    PartnerRelationshipFactory,
)
from tests.factories.reference import AreaFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestScope:
    def test_partner_staff_see_employers_they_work_with_contacted_or_in_their_areas(self, partner_user, jcp, stockton):
        in_area = EmployerFactory(name="In Area", area=stockton)
        related = EmployerFactory(name="Related", area=None)
        PartnerRelationshipFactory(partner=jcp, employer=related)
        contacted = EmployerFactory(name="Contacted", area=None)
        InteractionFactory(employer=contacted, partner=jcp)
        elsewhere = EmployerFactory(name="Elsewhere", area=AreaFactory(name="Swindon"))
        visible = set(selectors.employers_for_user(partner_user))
        assert visible == {in_area, related, contacted}
        assert elsewhere not in visible
        assert set(selectors.employers_partner_can_act_for(partner_user)) == {related}

    def test_employer_users_and_key_workers_see_no_staff_pages(self, login):
        membership = EmployerMembershipFactory()
        assert login(membership.user).get(reverse("employers:staff_list")).status_code == 403
        key_worker = UserFactory(role=Role.KEY_WORKER)
        assert (
            login(key_worker)
            .get(reverse("employers:staff_detail", args=[membership.employer.pk]))
            .status_code
            == 403
        )

    def test_an_employer_outside_scope_is_404_for_staff(self, login, partner_user):
        elsewhere = EmployerFactory(name="Elsewhere Ltd", area=AreaFactory(name="Swindon"))
        response = login(partner_user).get(reverse("employers:staff_detail", args=[elsewhere.pk]))
        assert response.status_code == 404

    def test_coordinators_see_their_programmes_areas(self, coordinator, stockton):
        mine = EmployerFactory(area=stockton)
        unplaced = EmployerFactory(area=None)
        EmployerFactory(area=AreaFactory(name="Swindon"))
        assert set(selectors.employers_for_user(coordinator)) == {mine, unplaced}


def test_list_searches_by_name_and_paginates(login, partner_user, stockton):
    EmployerFactory.create_batch(26, area=stockton, name="Acme Widgets")
    EmployerFactory(name="Tees Components Ltd", area=stockton)
    client = login(partner_user)
    page = client.get(reverse("employers:staff_list")).content.decode()
    assert "Showing 1 to 25 of 27 results" in page
    found = client.get(reverse("employers:staff_list"), {"q": "tees comp"}).content.decode()
    assert "Tees Components Ltd" in found and "Acme Widgets" not in found
    none = client.get(reverse("employers:staff_list"), {"q": "zzz"}).content.decode()
    assert "No employers match" in none


def test_detail_shows_one_timeline_from_every_partner_and_who_works_with_them(login, partner_user, jcp, stockton):
    employer = EmployerFactory(name="Tees Components Ltd", area=stockton)
    council = PartnerFactory(name="Stockton Council Routes to Work team")
    college = PartnerFactory(name="TTE Technical Training Group")
    PartnerRelationshipFactory(partner=council, employer=employer)
    InteractionFactory(employer=employer, partner=council, summary="Discussed the incentive.")
    InteractionFactory(employer=employer, partner=college, summary="Offered a pre-employment course.")
    page = login(partner_user).get(reverse("employers:staff_detail", args=[employer.pk])).content.decode()
    assert "Discussed the incentive." in page and "Offered a pre-employment course." in page
    assert "Stockton Council Routes to Work team</strong> since" in page
    assert "TTE Technical Training Group has been in touch 1 time" in page


def test_recording_a_contact_adds_to_the_timeline_with_the_partner(login, partner_user, jcp, stockton):
    employer = EmployerFactory(area=stockton)
    client = login(partner_user)
    url = reverse("employers:interaction_add", args=[employer.pk])
    response = client.post(
        url,
        {
            "kind": "phone",
            "happened_on_day": "1",
            "happened_on_month": "1",
            "happened_on_year": "2099",
            "summary": "Rang about vacancies",
        },
    )
    assert "The date must be today or in the past" in response.content.decode()
    assert not Interaction.objects.exists()
    client.post(url, {"kind": "phone", "happened_on_day": "2", "happened_on_month": "3", "happened_on_year": "2026",
                      "summary": "Rang about vacancies"})
    interaction = Interaction.objects.get()
    assert (interaction.partner, interaction.recorded_by) == (jcp, partner_user)


class TestPartnerActingForEmployer:
    def test_partner_adds_an_employer_with_a_relationship_and_audit(self, login, partner_user, jcp, stockton):
        response = login(partner_user).post(reverse("employers:staff_create"), {
            "name": "Norton Bakery Ltd", "companies_house_number": "", "postcode": "TS20 1AB",
            "email": "amy@nortonbakery.co.uk", "sector": "", "size_band": "", "website": "",
            "requires_employer_signoff": "no",
        }, follow=True)
        employer = Employer.objects.get()
        assert employer.source == EmployerSource.PARTNER
        assert employer.created_by_partner == jcp
        relationship = PartnerRelationship.objects.get()
        assert (relationship.partner, relationship.requires_employer_signoff) == (jcp, False)
        assert selectors.relationship_for(jcp, employer) == relationship
        created = AuditEvent.objects.get(action="employer.created")
        assert created.acting_for == "Norton Bakery Ltd" and created.actor == partner_user
        page = response.content.decode()
        name = escape(partner_user.display_name)
        assert f"Added by {name}, Stockton Jobcentre Plus on behalf of Norton Bakery Ltd" in page

    def test_adding_an_employer_already_held_uses_the_existing_record(self, login, partner_user, stockton):
        existing = EmployerFactory(name="Norton Bakery", postcode="TS20 1AB", area=stockton)
        response = login(partner_user).post(reverse("employers:staff_create"), {
            "name": "Norton Bakery Limited", "postcode": "ts20 1ab", "requires_employer_signoff": "yes",
        }, follow=True)
        assert Employer.objects.count() == 1
        assert "already on the portal" in response.content.decode()
        assert PartnerRelationship.objects.get().employer == existing

    def test_bad_input_is_explained_and_nothing_is_saved(self, login, partner_user):
        response = login(partner_user).post(reverse("employers:staff_create"), {
            "name": "Norton Bakery", "postcode": "ZZ99 9ZZ", "email": "not-an-email",
            "requires_employer_signoff": "yes",
        })
        body = response.content.decode()
        assert "We do not recognise the postcode ZZ99 9ZZ" in body
        assert "Enter an email address in the correct format" in body
        assert not Employer.objects.exists() and not PartnerRelationship.objects.exists()

    def test_partner_with_a_relationship_edits_the_record_and_it_is_audited_as_acting_for(
        self, login, partner_user, jcp, stockton
    ):
        employer = EmployerFactory(name="Tees Components Ltd", area=stockton, postcode="TS18 1AA")
        client = login(partner_user)
        url = reverse("employers:staff_edit", args=[employer.pk])
        assert client.get(url).status_code == 403  # no relationship yet
        PartnerRelationshipFactory(partner=jcp, employer=employer)
        client.post(url, {"name": "Tees Components Ltd", "postcode": "TS18 1AA", "sector": "manufacturing",
                          "size_band": "large", "disability_confident": "leader", "website": ""})
        employer.refresh_from_db()
        assert employer.disability_confident == "leader"
        event = AuditEvent.objects.get(action="employer.updated")
        assert (event.actor, event.acting_for) == (partner_user, "Tees Components Ltd")
        # the employer's own page shows what the partner did for them
        admin = EmployerMembershipFactory(employer=employer)
        page = login(admin.user).get(reverse("employers:organisation", args=[employer.pk])).content.decode()
        assert "Stockton Jobcentre Plus on behalf of Tees Components Ltd" in page


class TestCoordinatorMerge:
    def test_duplicates_page_preview_and_confirm(self, login, coordinator, stockton):
        keep = EmployerFactory(name="Teesdale Care Homes Limited", companies_house_number="07654321", area=stockton)
        away = EmployerFactory(name="Teesdale Care Homes Ltd.", companies_house_number="07654321", area=stockton)
        InteractionFactory(employer=away, summary="Enquiry about care assistants.")
        client = login(coordinator)

        page = client.get(reverse("employers:duplicates")).content.decode()
        assert "Same Companies House number" in page and "Teesdale Care Homes Ltd." in page

        url = reverse("employers:merge", args=[keep.pk, away.pk])
        preview = client.get(url).content.decode()
        assert "Check before you merge" in preview and "Interactions" in preview
        assert Employer.objects.get(pk=away.pk).merged_into is None  # nothing merged by looking

        response = client.post(url, {"action": "merge"}, follow=True)
        assert "has been merged into" in response.content.decode()
        away.refresh_from_db()
        assert away.merged_into == keep
        assert keep.interactions.filter(summary="Enquiry about care assistants.").exists()
        assert "There are no suspected duplicates" in client.get(reverse("employers:duplicates")).content.decode()
        old_link = client.get(reverse("employers:staff_detail", args=[away.pk]))
        assert old_link.status_code == 302
        assert old_link["Location"] == reverse("employers:staff_detail", args=[keep.pk])

    def test_dismissing_a_pair(self, login, coordinator, stockton):
        a = EmployerFactory(email_domain="nhs.net", area=stockton)
        b = EmployerFactory(email_domain="nhs.net", area=stockton)
        client = login(coordinator)
        client.post(reverse("employers:merge", args=[a.pk, b.pk]), {"action": "dismiss"})
        assert selectors.employer_duplicates() == []
        assert not Employer.objects.filter(merged_into__isnull=False).exists()

    def test_partner_staff_cannot_see_duplicates_or_merge(self, login, partner_user, stockton):
        a = EmployerFactory(companies_house_number="07654321", area=stockton)
        b = EmployerFactory(companies_house_number="07654321", area=stockton)
        client = login(partner_user)
        assert client.get(reverse("employers:duplicates")).status_code == 403
        assert client.post(reverse("employers:merge", args=[a.pk, b.pk]), {"action": "merge"}).status_code == 403
        assert not Employer.objects.filter(merged_into__isnull=False).exists()

    def test_a_coordinator_cannot_merge_records_outside_their_areas(self, login, coordinator, stockton):
        a = EmployerFactory(companies_house_number="07654321", area=stockton)
        b = EmployerFactory(companies_house_number="07654321", area=AreaFactory(name="Swindon"))
        response = login(coordinator).post(reverse("employers:merge", args=[a.pk, b.pk]), {"action": "merge"})
        assert response.status_code == 404
        assert not Employer.objects.filter(merged_into__isnull=False).exists()
