"""Issue 18: every link on the match pages opens for the person it is shown to. A key worker
(their own caseload, or a colleague's through their team) and a coordinator of the programme
(all its areas, or one area) each open a participant's matches and an opportunity's
candidates, where one pair is already proposed ("Proposed on …"), and follow every link on the
page: each opens (200), none is a 403 or 404. Someone who may not see the participant is shown
neither page, so no link at all."""

import re
from html import unescape

import pytest
from django.urls import reverse

from brokerage.pipeline.models import ProposalStatus
from portal.accounts.roles import Role
from tests.factories.participants import TeamMembershipFactory
from tests.factories.pipeline import ProposalFactory
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.usefixtures("pages_on_each_backend")

MAIN = re.compile(r'<main\b.*?</main>', re.S)
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"')


def links_in_main(html: str) -> list[str]:
    """The portal links in the page's main content (not external, mail or in-page links)."""
    main = MAIN.search(html)
    assert main, "the page has no main landmark"
    return sorted({
        unescape(href) for href in HREF.findall(main.group(0))
        if href.startswith("/") and not href.startswith("//")
    })


@pytest.fixture
def case(make_participant, make_opportunity):
    """Sam (key worker Kim) fits a labourer's job, already proposed and with the employer, and a
    shop job not yet proposed; Alex, on Kim's caseload too, fits the labourer's job."""
    key_worker = UserFactory(role=Role.KEY_WORKER, first_name="Kim", last_name="Walsh")
    sam = make_participant(licences=["cscs"], sector_interests=["construction", "retail"],
                           first_name="Sam", last_name="Lee", key_worker=key_worker)
    alex = make_participant(licences=["cscs"], sector_interests=["construction"],
                            first_name="Alex", last_name="Hart", key_worker=key_worker,
                            programme=sam.programme, area=sam.area)
    key_worker.programmes.add(sam.programme)
    labourer = make_opportunity("TS18 1AA", title="Site labourer", sector="construction",
                                required_licences=["cscs"], programme=sam.programme)
    shop = make_opportunity("TS18 1AA", title="Shop assistant", sector="retail",
                            programme=sam.programme)
    proposal = ProposalFactory(participant=sam, opportunity=labourer, proposed_by=key_worker,
                               status=ProposalStatus.WITH_EMPLOYER)
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(sam.programme)
    area_coordinator = UserFactory(role=Role.COORDINATOR)  # Stockton-on-Tees only
    area_coordinator.programmes.add(sam.programme)
    area_coordinator.areas.add(sam.area)
    # Jo sees Kim's caseload through their team.
    membership = TeamMembershipFactory(user=key_worker)
    teammate = TeamMembershipFactory(team=membership.team, sees_team_caseload=True).user
    teammate.programmes.add(sam.programme)
    return {"key worker": key_worker, "team key worker": teammate, "coordinator": coordinator,
            "area coordinator": area_coordinator, "sam": sam, "alex": alex,
            "labourer": labourer, "shop": shop, "proposal": proposal}


def _pages(case) -> dict[str, str]:
    return {
        "Sam's matches": reverse("search:participant_matches", args=[case["sam"].reference]),
        "the labourer's candidates": reverse(
            "search:opportunity_candidates", args=[case["labourer"].pk]
        ),
    }


@pytest.mark.parametrize(
    "role", ["key worker", "team key worker", "coordinator", "area coordinator"]
)
def test_every_link_on_the_match_pages_opens_for_the_person_shown_it(login, case, role):
    client = login(case[role])
    proposal_url = reverse("pipeline:proposal", args=[case["proposal"].pk])
    for name, url in _pages(case).items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert "Proposed on" in html, name
        links = links_in_main(html)
        assert proposal_url in links, name
        broken = {}
        for link in links:
            status = client.get(link).status_code
            if status != 200:
                broken[link] = status
        assert broken == {}, f"{role}, {name}: links that do not open: {broken}"

    # The proposal the link leads to is the one shown: the right person, job and status.
    page = client.get(proposal_url).content.decode()
    assert "Sam Lee" in page and "Site labourer" in page


def test_the_candidates_page_links_to_the_proposal_and_offers_the_others(login, case):
    html = login(case["coordinator"]).get(_pages(case)["the labourer's candidates"]).content.decode()
    links = links_in_main(html)
    assert reverse("pipeline:proposal", args=[case["proposal"].pk]) in links
    propose = reverse("pipeline:propose", args=[case["alex"].reference])
    assert f"{propose}?opportunity={case['labourer'].pk}" in links
    assert not any(
        link.startswith(reverse("pipeline:propose", args=[case["sam"].reference]))
        for link in links
    )


@pytest.mark.parametrize("role", [Role.KEY_WORKER, Role.COORDINATOR])
def test_someone_who_may_not_see_the_participant_gets_no_page_and_no_link(login, case, role):
    """Another programme's coordinator, or a key worker with another caseload: the matches page
    and the proposal are 404 (their existence not revealed), and Sam is not among the
    labourer's candidates for them."""
    outsider = UserFactory(role=role)
    client = login(outsider)
    pages = _pages(case)
    assert client.get(pages["Sam's matches"]).status_code == 404
    assert client.get(reverse("pipeline:proposal", args=[case["proposal"].pk])).status_code == 404
    response = client.get(pages["the labourer's candidates"])
    if response.status_code == 200:
        html = response.content.decode()
        assert "Sam Lee" not in html and case["sam"].reference not in html
        assert reverse("pipeline:proposal", args=[case["proposal"].pk]) not in html
    else:
        assert response.status_code == 404
