"""Match pages, archiving, saved searches and staff search, as a key worker would use them."""

import pytest
from django.urls import reverse

from brokerage.audit.models import AuditEvent
from portal.accounts.roles import Role
from search.models import ArchivedMatch, SavedSearch

pytestmark = pytest.mark.usefixtures("pages_on_each_backend")


@pytest.fixture
def worker_case(make_participant, make_opportunity):
    person = make_participant(licences=["cscs"], sector_interests=["construction"])
    opp = make_opportunity("DL1 1AA", title="Site labourer", sector="construction", required_licences=["cscs"])
    return person, opp


def test_key_worker_reads_reasons_on_participant_matches(login, worker_case):
    person, opp = worker_case
    response = login(person.key_worker).get(reverse("search:participant_matches", args=[person.reference]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Site labourer" in html
    assert "8 miles — within 15" in html
    assert "holds CSCS card" in html
    assert "wants construction" in html


def test_another_key_worker_gets_404(login, make_user, worker_case):
    person, opp = worker_case
    other = make_user(Role.KEY_WORKER)
    client = login(other)
    assert client.get(reverse("search:participant_matches", args=[person.reference])).status_code == 404
    response = client.get(reverse("search:opportunity_candidates", args=[opp.pk]))
    assert response.status_code == 200
    assert person.reference not in response.content.decode()


def test_employer_cannot_open_candidates(login, make_user, worker_case):
    _, opp = worker_case
    employer = make_user(Role.EMPLOYER)
    assert login(employer).get(reverse("search:opportunity_candidates", args=[opp.pk])).status_code == 404


def test_candidates_list_own_caseload(login, worker_case):
    person, opp = worker_case
    html = login(person.key_worker).get(reverse("search:opportunity_candidates", args=[opp.pk])).content.decode()
    assert person.reference in html
    assert "holds CSCS card" in html


def test_archive_hides_the_match_and_is_audited(login, worker_case):
    person, opp = worker_case
    client = login(person.key_worker)
    url = reverse("search:participant_match_archive", args=[person.reference, opp.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Already applied there"}, follow=True)
    assert "Match archived" in response.content.decode()
    assert "govuk-summary-card__title" not in response.content.decode()
    assert ArchivedMatch.objects.get(participant=person, opportunity=opp).reason == "Already applied there"
    assert AuditEvent.objects.filter(action="match.archived").count() == 1


def test_archive_reason_too_long_saves_nothing(login, worker_case):
    person, opp = worker_case
    url = reverse("search:participant_match_archive", args=[person.reference, opp.pk])
    response = login(person.key_worker).post(url, {"reason": "x" * 301})
    assert "The reason must be 300 characters or fewer" in response.content.decode()
    assert not ArchivedMatch.objects.exists()


def test_an_archived_match_can_be_restored_from_either_list(login, worker_case):
    person, opp = worker_case
    client = login(person.key_worker)
    client.post(reverse("search:participant_match_archive", args=[person.reference, opp.pk]), {"reason": "Too far"})
    matches = client.get(reverse("search:participant_matches", args=[person.reference])).content.decode()
    assert "Archived matches (1)" in matches
    archived_url = reverse("search:participant_archived", args=[person.reference])
    page = client.get(archived_url).content.decode()
    assert "Site labourer" in page and "Too far" in page
    assert person.access_log.filter(page="Archived matches", user=person.key_worker).exists()
    # the opportunity's side lists it too
    candidates_side = client.get(reverse("search:opportunity_archived", args=[opp.pk])).content.decode()
    assert person.reference in candidates_side

    item = ArchivedMatch.objects.get()
    response = client.post(archived_url, {"archived": item.pk}, follow=True)
    html = response.content.decode()
    assert "Match restored" in html and "No matches have been archived" in html
    assert not ArchivedMatch.objects.exists()
    assert AuditEvent.objects.filter(action="match.restored").count() == 1
    assert (
        "Site labourer"
        in client.get(
            reverse("search:participant_matches", args=[person.reference])
        ).content.decode()
    )
    # restoring again (a second click) changes nothing and says so
    again = client.post(archived_url, {"archived": item.pk}, follow=True).content.decode()
    assert "That match is not archived any more" in again
    assert client.post(archived_url, {"archived": "nonsense"}).status_code == 302


def test_archived_matches_of_someone_elses_participant_stay_hidden(login, make_user, worker_case):
    person, opp = worker_case
    item = ArchivedMatch.objects.create(participant=person, opportunity=opp, archived_by=person.key_worker)
    other = login(make_user(Role.KEY_WORKER))
    assert other.get(reverse("search:participant_archived", args=[person.reference])).status_code == 404
    assert other.post(reverse("search:participant_archived", args=[person.reference]),
                      {"archived": item.pk}).status_code == 404
    # on the opportunity's side they see only their own caseload's, and cannot restore this one
    url = reverse("search:opportunity_archived", args=[opp.pk])
    assert person.reference not in other.get(url).content.decode()
    other.post(url, {"archived": item.pk})
    assert ArchivedMatch.objects.filter(pk=item.pk).exists()
    employer = login(make_user(Role.EMPLOYER))
    assert employer.get(url).status_code == 404


def test_bad_filter_shows_a_clear_message(login, worker_case):
    person, _ = worker_case
    url = reverse("search:participant_matches", args=[person.reference])
    html = login(person.key_worker).get(url, {"within_miles": "far"}).content.decode()
    assert "There is a problem" in html
    assert "Distance must be a whole number of miles, like 10" in html


def test_save_and_reopen_a_search(login, worker_case):
    person, _ = worker_case
    client = login(person.key_worker)
    url = reverse("search:participant_matches", args=[person.reference]) + "?sector=construction&within_miles=10"
    client.post(url, {"name": "Construction nearby"})
    saved = SavedSearch.objects.get(owner=person.key_worker)
    assert saved.filters == {"sector": "construction", "within_miles": 10}
    response = client.get(reverse("search:saved_search_open", args=[saved.pk]))
    assert response.status_code == 302 and "within_miles=10" in response.url
    # the same name twice is refused with a message
    html = client.post(url, {"name": "Construction nearby"}).content.decode()
    assert "You already have a saved search with this name" in html
    assert SavedSearch.objects.count() == 1


def test_saved_search_of_someone_else_is_404(login, make_user, worker_case):
    person, _ = worker_case
    saved = SavedSearch.objects.create(
        owner=person.key_worker, name="Mine", direction="opportunities", subject=person.reference
    )
    other = login(make_user(Role.KEY_WORKER))
    assert other.get(reverse("search:saved_search_open", args=[saved.pk])).status_code == 404
    assert other.post(reverse("search:saved_search_delete", args=[saved.pk])).status_code == 404


def test_staff_search_only_shows_own_participants(login, make_participant, make_user):
    mine = make_participant(last_name="Zebedee")
    theirs = make_participant(last_name="Zebedee")
    html = login(mine.key_worker).get(reverse("search:staff_search"), {"q": "zebedee"}).content.decode()
    assert mine.reference in html
    assert theirs.reference not in html


def test_staff_search_finds_live_opportunities(login, make_opportunity, make_user):
    make_opportunity(title="Barista wanted")
    make_opportunity(title="Barista draft", status="draft")
    html = login(make_user(Role.KEY_WORKER)).get(reverse("search:staff_search"), {"q": "barista"}).content.decode()
    assert "Barista wanted" in html
    assert "Barista draft" not in html


def test_staff_search_is_for_staff(login, make_user):
    assert login(make_user(Role.EMPLOYER)).get(reverse("search:staff_search")).status_code == 403


def test_staff_search_finds_an_enquiry_by_its_reference_only_for_those_who_hold_it(login, make_user):
    from tests.factories.enquiries import EnquiryFactory, EnquiryItemFactory
    from tests.factories.reference import PartnerFactory, UserFactory

    partner, other_partner = PartnerFactory(name="Stockton Jobcentre Plus"), PartnerFactory(name="Elsewhere Works")
    item = EnquiryItemFactory(enquiry=EnquiryFactory(reference="ENQ-7QK2MD", organisation_name="Tees Bakery Ltd"),
                              partner=partner)
    holder = UserFactory(role=Role.PARTNER_STAFF, partner=partner)
    outsider = UserFactory(role=Role.PARTNER_STAFF, partner=other_partner)

    html = login(holder).get(reverse("search:staff_search"), {"q": "enq-7qk2md"}).content.decode()
    assert "ENQ-7QK2MD: Tees Bakery Ltd" in html
    assert reverse("enquiries:item", args=[item.pk]) in html

    html = login(outsider).get(reverse("search:staff_search"), {"q": "ENQ-7QK2MD"}).content.decode()
    assert "Tees Bakery" not in html and "Nothing matches" in html
