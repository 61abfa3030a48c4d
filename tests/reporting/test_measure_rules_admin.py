"""Which opportunity types count toward each measure, edited in the Wagtail admin (issue 20,
item 2): scoped to the coordinator's programmes, and refused without a type."""

import pytest

from brokerage.reference.models import Measure
from brokerage.reporting.models import MeasureRule
from portal.accounts.roles import Role, sync_role_groups
from tests.factories.reference import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

LISTING = "/admin/snippets/reporting/measurerule/"


def test_a_coordinator_edits_only_their_programmes_measure_rules(client):
    sync_role_groups()
    ours, theirs = ProgrammeFactory(name="Ours"), ProgrammeFactory(name="Theirs")
    our_rule = MeasureRule.objects.create(programme=ours, measure=Measure.SUSTAINED_26W,
                                          opportunity_types=["vacancy"])
    their_rule = MeasureRule.objects.create(programme=theirs, measure=Measure.SUSTAINED_26W,
                                            opportunity_types=["vacancy"])
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(ours)
    client.force_login(coordinator)

    page = client.get(LISTING).content.decode()
    assert f"edit/{our_rule.pk}/" in page and f"edit/{their_rule.pk}/" not in page
    assert client.get(f"{LISTING}edit/{their_rule.pk}/").status_code == 404

    edit = f"{LISTING}edit/{our_rule.pk}/"
    refused = client.post(edit, {"programme": ours.pk, "measure": Measure.SUSTAINED_26W})
    assert refused.status_code == 200
    assert "Choose at least one opportunity type" in refused.content.decode()
    our_rule.refresh_from_db()
    assert our_rule.opportunity_types == ["vacancy"]

    saved = client.post(edit, {"programme": ours.pk, "measure": Measure.SUSTAINED_26W,
                               "opportunity_types": ["vacancy", "apprenticeship"]})
    assert saved.status_code == 302
    our_rule.refresh_from_db()
    assert our_rule.opportunity_types == ["vacancy", "apprenticeship"]
    # Not for another programme.
    client.post(f"{LISTING}add/", {"programme": theirs.pk, "measure": Measure.STARTS,
                                   "opportunity_types": ["vacancy"]})
    assert not MeasureRule.objects.filter(programme=theirs, measure=Measure.STARTS).exists()
