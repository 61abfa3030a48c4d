"""Rules kept per programme, in the Wagtail admin: a coordinator assigned to one programme sees,
opens and changes only that programme's rows; an administrator sees every programme's."""

import datetime

import pytest

from brokerage.participants.models import EligibilityRule
from brokerage.payments.models import FundBudget, FundSettings, IncentiveScheme
from portal.accounts.roles import Role, sync_role_groups
from tests.factories.opportunities import OpportunityRuleFactory
from tests.factories.participants import EligibilityRuleFactory, TeamFactory
from tests.factories.payments import FundBudgetFactory
from tests.factories.pipeline import CheckpointRuleFactory
from tests.factories.reference import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

SNIPPETS = "/admin/snippets"


def _rows(programme):
    """One row of every programme-scoped snippet for ``programme``: {listing url: row}."""
    return {
        f"{SNIPPETS}/participants/eligibilityrule/": EligibilityRuleFactory(programme=programme),
        f"{SNIPPETS}/participants/team/": TeamFactory(
            programme=programme, name=f"Team of {programme.name}"
        ),
        f"{SNIPPETS}/pipeline/checkpointrule/": CheckpointRuleFactory(programme=programme),
        f"{SNIPPETS}/opportunities/opportunityrule/": OpportunityRuleFactory(programme=programme),
        f"{SNIPPETS}/payments/fundbudget/": FundBudgetFactory(programme=programme),
        f"{SNIPPETS}/payments/fundsettings/": FundSettings.objects.create(programme=programme),
        f"{SNIPPETS}/payments/incentivescheme/": IncentiveScheme.objects.create(
            programme=programme,
            name=f"Scheme of {programme.name}",
            starts_from=datetime.date(2026, 1, 1),
        ),
        f"{SNIPPETS}/reference/programme/": programme,
    }


@pytest.fixture
def two_programmes():
    sync_role_groups()
    ours, theirs = ProgrammeFactory(name="Ours"), ProgrammeFactory(name="Theirs")
    return ours, theirs, _rows(ours), _rows(theirs)


def test_a_coordinator_of_one_programme_reaches_only_its_rows(client, two_programmes):
    ours, theirs, our_rows, their_rows = two_programmes
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(ours)
    client.force_login(coordinator)

    for listing, row in our_rows.items():
        page = client.get(listing)
        assert page.status_code == 200, listing
        assert f"edit/{row.pk}/" in page.content.decode(), f"{listing} lists our row"
        assert f"edit/{their_rows[listing].pk}/" not in page.content.decode(), (
            f"{listing} hides theirs"
        )
        assert client.get(f"{listing}edit/{row.pk}/").status_code == 200, listing
        assert client.get(f"{listing}edit/{their_rows[listing].pk}/").status_code == 404, listing
    # A new row can only be for the coordinator's own programme.
    add = f"{SNIPPETS}/payments/fundbudget/add/"
    budget = {
        "area": "",
        "starts_on": "2026-04-01",
        "ends_on": "2027-03-31",
        "amount_pence": "500000",
    }
    refused = client.post(add, {**budget, "programme": theirs.pk})
    assert refused.status_code == 200 and FundBudget.objects.filter(programme=theirs).count() == 1
    assert client.post(add, {**budget, "programme": ours.pk}).status_code == 302
    assert FundBudget.objects.filter(programme=ours).count() == 2
    rule = their_rows[f"{SNIPPETS}/participants/eligibilityrule/"]
    client.post(f"/admin/bulk/participants/eligibilityrule/delete/?id={rule.pk}")
    assert EligibilityRule.objects.filter(pk=rule.pk).exists(), (
        "bulk actions cannot reach it either"
    )


def test_a_coordinator_of_one_programme_reads_the_history_and_usage_of_only_its_rows(
    client, two_programmes
):
    """A rule's history names who changed what and when; its usage lists what refers to it. For
    another programme's rule both are "not found", as its edit page is."""
    from wagtail.log_actions import log

    ours, theirs, our_rows, their_rows = two_programmes
    administrator = UserFactory(
        is_superuser=True, is_staff=True, first_name="Alex", last_name="Admin"
    )
    for row in [*our_rows.values(), *their_rows.values()]:
        log(instance=row, action="wagtail.edit", user=administrator)
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(ours)
    client.force_login(coordinator)

    for listing, row in our_rows.items():
        history = client.get(f"{listing}history/{row.pk}/")
        assert history.status_code == 200, listing
        assert "Alex Admin" in history.content.decode(), f"{listing}: our row's history is shown"
        assert client.get(f"{listing}history-results/{row.pk}/").status_code == 200, listing
        assert client.get(f"{listing}usage/{row.pk}/").status_code == 200, listing
        theirs_pk = their_rows[listing].pk
        for view in ("history", "history-results", "usage"):
            response = client.get(f"{listing}{view}/{theirs_pk}/")
            assert response.status_code == 404, f"{listing} {view} of another programme's row"
            assert "Alex Admin" not in response.content.decode()

    client.force_login(administrator)  # not limited: every programme's history and usage
    for listing, row in their_rows.items():
        assert client.get(f"{listing}history/{row.pk}/").status_code == 200, listing
        assert client.get(f"{listing}usage/{row.pk}/").status_code == 200, listing


def test_a_coordinator_of_one_programme_chooses_only_its_rows(client, two_programmes):
    """The chooser modal (e.g. "Choose a programme" on a rule's form) neither lists another
    programme's rows nor hands one back."""
    from functools import partial

    from django.urls import reverse

    ours, theirs, our_rows, their_rows = two_programmes
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(ours)
    client.force_login(coordinator)

    def chooser_url(row, name, *args):
        return reverse(type(row).snippet_viewset.chooser_viewset.get_url_name(name), args=args)

    for listing, row in our_rows.items():
        url = partial(chooser_url, row)
        theirs_pk = their_rows[listing].pk
        for name in ("choose", "choose_results"):
            page = client.get(url(name)).content.decode()
            assert f"chosen/{row.pk}/" in page, f"{listing} {name} lists our row"
            assert f"chosen/{theirs_pk}/" not in page, f"{listing} {name} hides theirs"
        assert client.get(url("chosen", row.pk)).status_code == 200, listing
        assert client.get(url("chosen", theirs_pk)).status_code == 404, listing
        chosen = client.get(url("chosen_multiple"), {"id": [row.pk, theirs_pk]}).json()
        assert [item["id"] for item in chosen["result"]] == [str(row.pk)], listing


def test_the_site_history_report_leaves_out_other_programmes_rows(client, two_programmes):
    from wagtail.log_actions import log

    ours, theirs, our_rows, their_rows = two_programmes
    administrator = UserFactory(is_superuser=True, is_staff=True)
    for row in [*our_rows.values(), *their_rows.values()]:
        log(instance=row, action="wagtail.edit", user=administrator)
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(ours)
    client.force_login(coordinator)

    for url in ("/admin/reports/site-history/", "/admin/reports/site-history/results/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Team of Ours" in page and "Scheme of Ours" in page, url
        assert "Team of Theirs" not in page and "Scheme of Theirs" not in page, url

    client.force_login(administrator)
    page = client.get("/admin/reports/site-history/").content.decode()
    assert "Team of Theirs" in page and "Team of Ours" in page


def test_an_administrator_sees_every_programme(client, two_programmes):
    _, _, our_rows, their_rows = two_programmes
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for listing, row in their_rows.items():
        page = client.get(listing).content.decode()
        assert f"edit/{row.pk}/" in page and f"edit/{our_rows[listing].pk}/" in page, listing
