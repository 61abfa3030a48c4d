import pytest
from django.core.exceptions import ValidationError

from brokerage.audit.models import AuditEvent
from brokerage.employers import merge, selectors, services
from brokerage.employers.models import (
    Employer,
    EmployerMembership,
    EmployerSite,
    Interaction,
    MembershipRole,
    PartnerRelationship,
)
from brokerage.employers.selectors import (
    REASON_COMPANIES_HOUSE,
    REASON_EMAIL_DOMAIN,
    REASON_NAME_POSTCODE,
)
from portal.accounts.roles import Role
from tests.factories.employers import (
    EmployerFactory,
    EmployerMembershipFactory,
    EmployerSiteFactory,
    InteractionFactory,
    PartnerRelationshipFactory,
)
from tests.factories.reference import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestFindOrCreate:
    def test_same_companies_house_number_finds_the_existing_record(self, stockton):
        existing = EmployerFactory(name="Tees Components Ltd", companies_house_number="08412736")
        employer, created = services.employer_find_or_create(
            name="Tees Components (Stockton)",
            postcode="TS18 2NT",
            companies_house_number="08412736",
        )
        assert (employer, created) == (existing, False)

    def test_same_normalised_name_and_postcode_finds_the_existing_record(self, stockton):
        existing = EmployerFactory(name="Tees Components Ltd", postcode="TS18 2NT")
        employer, created = services.employer_find_or_create(
            name="TEES COMPONENTS LIMITED", postcode="ts18 2nt"
        )
        assert (employer, created) == (existing, False)

    def test_a_site_postcode_also_matches(self, stockton):
        existing = EmployerFactory(name="Tees Components Ltd", postcode="TS18 2NT")
        EmployerSiteFactory(employer=existing, name="Assembly", postcode="TS17 7BW")
        employer, created = services.employer_find_or_create(
            name="Tees Components", postcode="TS17 7BW"
        )
        assert (employer, created) == (existing, False)

    def test_same_name_and_email_domain_finds_the_existing_record(self, stockton):
        existing = EmployerFactory(name="Tees Components Ltd", postcode="TS18 2NT",
                                   email_domain="teescomponents.co.uk")
        employer, created = services.employer_find_or_create(
            name="Tees Components", postcode="TS20 1AB", email="jo@teescomponents.co.uk"
        )
        assert (employer, created) == (existing, False)

    def test_a_new_organisation_is_created_with_its_area_and_domain(self, stockton):
        employer, created = services.employer_find_or_create(
            name="Norton Bakery", postcode="ts20 1ab", email="amy@nortonbakery.co.uk"
        )
        assert created
        assert employer.postcode == "TS20 1AB"
        assert employer.area == stockton
        assert employer.email_domain == "nortonbakery.co.uk"
        assert AuditEvent.objects.filter(
            action="employer.created", object_id=str(employer.pk)
        ).exists()

    def test_only_a_shared_email_domain_makes_a_new_record_that_is_a_suspected_duplicate(
        self, stockton
    ):
        existing = EmployerFactory(name="Thirteen Group", email_domain="thirteengroup.co.uk")
        employer, created = services.employer_find_or_create(
            name="Thirteen Care and Support", postcode="TS18 1AA", email="a@thirteengroup.co.uk"
        )
        assert created
        pairs = selectors.employer_duplicates(employer=employer)
        assert [(p.first, p.second, p.reasons) for p in pairs] == [
            (existing, employer, [REASON_EMAIL_DOMAIN])
        ]

    def test_unknown_postcode_is_refused_and_nothing_is_saved(self):
        with pytest.raises(ValidationError) as exc:
            services.employer_find_or_create(name="Nowhere Ltd", postcode="ZZ99 9ZZ")
        assert "We do not recognise the postcode ZZ99 9ZZ" in exc.value.message_dict["postcode"][0]
        assert not Employer.objects.exists()

    def test_malformed_companies_house_number_is_refused(self, stockton):
        with pytest.raises(ValidationError) as exc:
            services.employer_find_or_create(
                name="X", postcode="TS18 1AA", companies_house_number="123"
            )
        assert "like 01234567 or SC123456" in exc.value.message_dict["companies_house_number"][0]
        assert not Employer.objects.exists()


class TestDuplicates:
    def test_pairs_list_every_reason(self):
        a = EmployerFactory(name="Teesdale Care Homes Limited", companies_house_number="07654321",
                            postcode="TS20 1AB", email_domain="teesdalecare.co.uk")
        b = EmployerFactory(name="Teesdale Care Homes Ltd.", companies_house_number="07654321",
                            postcode="TS20 1AB", email_domain="teesdalecare.co.uk")
        EmployerFactory(name="Someone Else", postcode="TS20 1AB")
        pairs = selectors.employer_duplicates()
        assert len(pairs) == 1
        assert pairs[0].key == (a.pk, b.pk)
        assert pairs[0].reasons == [
            REASON_COMPANIES_HOUSE,
            REASON_NAME_POSTCODE,
            REASON_EMAIL_DOMAIN,
        ]

    def test_same_name_in_different_places_is_not_suspected(self):
        EmployerFactory(name="Greggs", postcode="TS18 1AA", email_domain="")
        EmployerFactory(name="Greggs", postcode="SN1 1AA", email_domain="")
        assert selectors.employer_duplicates() == []

    def test_dismissed_and_merged_pairs_are_not_shown_again(self, coordinator):
        a = EmployerFactory(companies_house_number="01234567")
        b = EmployerFactory(companies_house_number="01234567")
        c = EmployerFactory(companies_house_number="01234567")
        merge.employer_duplicate_dismiss(actor=coordinator, first=b, second=a)
        assert {p.key for p in selectors.employer_duplicates()} == {(a.pk, c.pk), (b.pk, c.pk)}
        merge.employer_merge(actor=coordinator, keep=a, merge=c)
        assert selectors.employer_duplicates() == []


class TestMerge:
    def test_preview_lists_what_moves_and_merge_moves_it_all(self, coordinator):
        keep = EmployerFactory(name="Tees Components Ltd", companies_house_number="", website="")
        away = EmployerFactory(name="Tees Components", companies_house_number="08412736",
                               website="https://teescomponents.co.uk")
        EmployerSiteFactory(employer=away, name="Assembly")
        InteractionFactory.create_batch(2, employer=away)
        EmployerMembershipFactory(employer=away)
        PartnerRelationshipFactory(employer=away)

        preview = selectors.employer_merge_preview(keep=keep, merge=away)
        moved = {row.label: row.count for row in preview.rows}
        assert moved["Employer sites"] == 1
        assert moved["Interactions"] == 2
        assert moved["Employer memberships"] == 1
        assert moved["Partner relationships"] == 1
        assert ("Companies house number", "08412736") in preview.filled
        assert Employer.objects.get(pk=away.pk).merged_into is None  # a preview changes nothing

        merge.employer_merge(actor=coordinator, keep=keep, merge=away)

        away.refresh_from_db()
        keep.refresh_from_db()
        assert away.merged_into == keep and away.merged_at is not None
        assert keep.companies_house_number == "08412736"
        assert EmployerSite.objects.filter(employer=keep, name="Assembly").exists()
        assert Interaction.objects.filter(employer=keep).count() == 3  # 2 moved + the merge note
        assert EmployerMembership.objects.filter(employer=keep).count() == 1
        assert PartnerRelationship.objects.filter(employer=keep).count() == 1
        assert not Employer.objects.filter(merged_into__isnull=True, pk=away.pk).exists()
        events = AuditEvent.objects.filter(action__startswith="employer.merged")
        assert {(e.action, e.object_id) for e in events} == {
            ("employer.merged", str(keep.pk)), ("employer.merged_away", str(away.pk))
        }
        assert events.first().actor == coordinator

    def test_shared_member_and_partner_keep_one_of_each_with_the_stronger_terms(self, coordinator):
        keep, away = EmployerFactory(), EmployerFactory()
        user = UserFactory(role=Role.EMPLOYER)
        EmployerMembershipFactory(employer=keep, user=user, role=MembershipRole.MEMBER)
        EmployerMembershipFactory(employer=away, user=user, role=MembershipRole.ADMIN)
        partner = PartnerFactory()
        PartnerRelationshipFactory(employer=keep, partner=partner, requires_employer_signoff=False)
        PartnerRelationshipFactory(employer=away, partner=partner, requires_employer_signoff=True)
        assert len(selectors.employer_merge_preview(keep=keep, merge=away).conflicts) == 2

        merge.employer_merge(actor=coordinator, keep=keep, merge=away)

        assert EmployerMembership.objects.get(user=user).role == MembershipRole.ADMIN
        assert PartnerRelationship.objects.get(partner=partner).requires_employer_signoff is True

    def test_models_from_other_apps_that_point_at_employer_are_found(self):
        from brokerage.employers.merge import employer_references

        for model, field_name in employer_references():
            assert model._meta.get_field(field_name).related_model is Employer

    def test_cannot_merge_a_record_into_itself_or_twice(self, coordinator):
        a, b, c = EmployerFactory(), EmployerFactory(), EmployerFactory()
        with pytest.raises(ValidationError):
            merge.employer_merge(actor=coordinator, keep=a, merge=a)
        merge.employer_merge(actor=coordinator, keep=a, merge=b)
        with pytest.raises(ValidationError, match="already been merged"):
            merge.employer_merge(actor=coordinator, keep=c, merge=b)
