import pytest
from django.urls import reverse

from brokerage.opportunities.models import Opportunity, OpportunityStatus, OpportunityType
from portal.accounts.roles import Role
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.opportunities import OpportunityFactory, in_days
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db
S = OpportunityStatus


@pytest.fixture
def member():
    return EmployerMembershipFactory()


def details_data(**overrides):
    start, close = in_days(40), in_days(20)
    data = {
        "title": "Kitchen assistant", "description": "Prep and washing up.", "sector": "hospitality",
        "postcode": "TS18 1AA", "places": "2", "hours_per_week": "20", "pay_pence": "13.00",
        "pay_basis": "hour", "start_date_day": start.day, "start_date_month": start.month,
        "start_date_year": start.year, "closing_date_day": close.day, "closing_date_month": close.month,
        "closing_date_year": close.year, "candidate_route": "key_worker", "show_employer_name": "on",
    }
    data.update(overrides)
    return data


def new_url(member, kind="vacancy"):
    return reverse("opportunities:employer_new_details", args=[kind]) + f"?employer={member.employer.pk}"


def test_employer_creates_checks_and_submits(login, member):
    client = login(member.user)
    response = client.post(reverse("opportunities:employer_new"),
                           {"opportunity_type": "vacancy", "employer": member.employer.pk})
    assert response.status_code == 302
    response = client.post(new_url(member), {**details_data(), "continue": "1"})
    opp = Opportunity.objects.get()
    assert response.url == reverse("opportunities:employer_check", args=[opp.pk])
    page = client.get(response.url)
    assert "Check your answers before submitting" in page.content.decode()
    assert "£13.00 an hour" in page.content.decode()
    response = client.post(reverse("opportunities:employer_check", args=[opp.pk]))
    opp.refresh_from_db()
    assert opp.status == S.SUBMITTED
    assert "Opportunity submitted" in client.get(response.url).content.decode()


def test_pay_below_minimum_wage_shows_a_clear_error_and_saves_nothing(login, member):
    client = login(member.user)
    response = client.post(new_url(member), {**details_data(pay_pence="6.00"), "continue": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Pay must be at least" in body
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pay_pence", "lots", "Enter the pay in pounds and pence, for example £12.71"),
        ("places", "0", "Number of places must be 1 or more"),
        ("postcode", "NOT A POSTCODE", "Enter a real postcode"),
        ("start_date_month", "13", "Enter a real date"),
        ("title", "", "Enter a title"),
    ],
)
def test_bad_input_is_refused_with_a_message(login, member, field, value, message):
    response = login(member.user).post(new_url(member), {**details_data(**{field: value}), "draft": "1"})
    assert message in response.content.decode()
    assert not Opportunity.objects.exists()


def test_save_as_draft_accepts_an_incomplete_opportunity(login, member):
    response = login(member.user).post(new_url(member), {"title": "Barista", "places": "1",
                                                        "candidate_route": "key_worker", "draft": "1"})
    opp = Opportunity.objects.get()
    assert (opp.status, opp.title) == (S.DRAFT, "Barista")
    assert response.url == reverse("opportunities:employer_detail", args=[opp.pk])


def test_fields_follow_the_type(login, member):
    body = login(member.user).get(new_url(member, "mentoring")).content.decode()
    assert "Number of people you can mentor" in body and "Hours per week" not in body
    assert login(member.user).get(new_url(member, "nonsense")).status_code == 404


def test_an_employer_cannot_see_or_edit_another_employers_opportunities(login, member):
    other = OpportunityFactory()
    client = login(member.user)
    for name in ("employer_detail", "employer_edit", "employer_check", "employer_preview", "employer_withdraw"):
        assert client.get(reverse(f"opportunities:{name}", args=[other.pk])).status_code == 404
    assert client.post(reverse("opportunities:employer_edit", args=[other.pk]), details_data()).status_code == 404
    foreign_new = reverse("opportunities:employer_new_details", args=["vacancy"]) + f"?employer={other.employer.pk}"
    assert client.get(foreign_new).status_code == 404
    assert other.title not in client.get(reverse("opportunities:employer_list")).content.decode()


def test_drafts_are_invisible_to_staff_and_live_ones_are_listed(login):
    draft = OpportunityFactory(title="Secret draft")
    live = OpportunityFactory(title="Live warehouse job", status=S.LIVE)
    key_worker = UserFactory(role=Role.KEY_WORKER)
    client = login(key_worker)
    body = client.get(reverse("opportunities:staff_list")).content.decode()
    assert "Live warehouse job" in body and "Secret draft" not in body
    assert client.get(reverse("opportunities:staff_detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("opportunities:staff_detail", args=[live.pk])).status_code == 200


def test_employers_cannot_use_staff_or_coordinator_pages(login, member):
    client = login(member.user)
    assert client.get(reverse("opportunities:staff_list")).status_code == 403
    assert client.get(reverse("opportunities:moderation_queue")).status_code == 403
    key_worker = login(UserFactory(role=Role.KEY_WORKER))
    assert key_worker.get(reverse("opportunities:moderation_queue")).status_code == 403


def test_distance_filter_uses_the_postcode(login):
    OpportunityFactory(title="Stockton job", status=S.LIVE, postcode="TS18 1AA", latitude=54.5653, longitude=-1.3186)
    OpportunityFactory(title="Swindon job", status=S.LIVE, postcode="SN1 1AA", latitude=51.5601, longitude=-1.7801)
    client = login(UserFactory(role=Role.KEY_WORKER))
    body = client.get(reverse("opportunities:staff_list"), {"postcode": "TS17 6BL", "within": "10"}).content.decode()
    assert "Stockton job" in body and "Swindon job" not in body and "miles away" in body
    body = client.get(reverse("opportunities:staff_list"), {"within": "10"}).content.decode()
    assert "Enter a postcode to search by distance" in body


def test_type_and_closing_soon_filters(login):
    OpportunityFactory(title="Soon", status=S.LIVE, closing_date=in_days(3))
    OpportunityFactory(title="Later", status=S.LIVE, closing_date=in_days(30), start_date=in_days(40))
    OpportunityFactory(title="Mentor", status=S.LIVE, opportunity_type=OpportunityType.MENTORING)
    client = login(UserFactory(role=Role.PARTNER_STAFF))
    body = client.get(reverse("opportunities:staff_list"), {"closing_soon": "on"}).content.decode()
    assert "Soon" in body and "Later" not in body
    body = client.get(reverse("opportunities:staff_list"), {"opportunity_type": "mentoring"}).content.decode()
    assert "Mentor" in body and "Later" not in body


def test_public_listing_shows_only_public_live_opportunities(client):
    public = OpportunityFactory(title="Public job", status=S.LIVE, public=True, show_employer_name=False)
    OpportunityFactory(title="Staff-only job", status=S.LIVE)
    OpportunityFactory(title="Public draft", public=True)
    body = client.get(reverse("opportunities:public_list")).content.decode()
    assert "Public job" in body and "Staff-only job" not in body and "Public draft" not in body
    detail = client.get(reverse("opportunities:public_detail", args=[public.pk])).content.decode()
    assert public.employer.name not in detail
    hidden = Opportunity.objects.get(title="Staff-only job")
    assert client.get(reverse("opportunities:public_detail", args=[hidden.pk])).status_code == 404


def test_coordinator_refers_back_and_employer_sees_comment_beside_the_field(login, member):
    opp = OpportunityFactory(employer=member.employer, status=S.SUBMITTED)
    coordinator = login(UserFactory(role=Role.COORDINATOR))
    assert opp.title in coordinator.get(reverse("opportunities:moderation_queue")).content.decode()
    url = reverse("opportunities:moderation_refer_back", args=[opp.pk])
    assert "Add a comment on at least one answer" in coordinator.post(url, {}).content.decode()
    coordinator.post(url, {"comment_title": "Use a job title people search for"})
    opp.refresh_from_db()
    assert opp.status == S.REFERRED_BACK
    employer = login(member.user)
    body = employer.get(reverse("opportunities:employer_edit", args=[opp.pk])).content.decode()
    assert "Use a job title people search for" in body
    assert body.index("Use a job title people search for") < body.index('id="id_title"')


def test_strand_report_page(login):
    from tests.factories.reference import ProgrammeFactory, StrandFactory

    strand = StrandFactory(programme=ProgrammeFactory(name="Plan 500", slug="plan-500"), name="Mentoring")
    body = login(UserFactory(role=Role.COORDINATOR)).get(
        reverse("opportunities:strand_report", args=["plan-500"])).content.decode()
    assert strand.name in body and "different employer" in body
