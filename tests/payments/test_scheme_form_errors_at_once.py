"""Issue 18: the incentive scheme form (scheme, age bands, stages) shows every error at once, in
one error summary, instead of the scheme's own checks only after the fields are put right."""

import pytest

from brokerage.payments.models import IncentiveScheme, IncentiveStage
from portal.accounts.roles import Role, sync_role_groups
from tests.factories.reference import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

ADD = "/admin/snippets/payments/incentivescheme/add/"


def _post(programme, *, name="Sustained job incentive", shares=(50, 50), stage_offset="28"):
    data = {"name": name, "programme": programme.pk, "description": "",
            "starts_from": "2026-01-01", "starts_until": "", "min_hours": "16", "active": "on",
            "age_bands-TOTAL_FORMS": "2", "age_bands-INITIAL_FORMS": "0",
            "age_bands-MIN_NUM_FORMS": "0", "age_bands-MAX_NUM_FORMS": "1000",
            "stages-TOTAL_FORMS": str(len(shares)), "stages-INITIAL_FORMS": "0",
            "stages-MIN_NUM_FORMS": "0", "stages-MAX_NUM_FORMS": "1000"}
    for i, (low, high) in enumerate(((18, 24), (25, None))):
        data.update({f"age_bands-{i}-min_age": str(low),
                     f"age_bands-{i}-max_age": "" if high is None else str(high),
                     f"age_bands-{i}-amount_pence": "150000", f"age_bands-{i}-ORDER": str(i),
                     f"age_bands-{i}-id": "", f"age_bands-{i}-DELETE": ""})
    for i, (share, checkpoint) in enumerate(zip(shares, ("job_starts_4w", "sustained_26w"),
                                                strict=False)):
        data.update({f"stages-{i}-name": f"Stage {i + 1}",
                     f"stages-{i}-day_offset": stage_offset if i == 0 else "182",
                     f"stages-{i}-share_percent": str(share),
                     f"stages-{i}-checkpoint_measure": checkpoint,
                     f"stages-{i}-check_employer_verified": "on",
                     f"stages-{i}-check_participant_eligible": "on",
                     f"stages-{i}-ORDER": str(i), f"stages-{i}-id": "", f"stages-{i}-DELETE": ""})
    return data


@pytest.fixture
def coordinator_client(client):
    sync_role_groups()
    programme = ProgrammeFactory()
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(programme)
    client.force_login(coordinator)
    return client, programme


def test_a_missing_name_and_shares_that_do_not_add_up_show_together(coordinator_client):
    client, programme = coordinator_client
    response = client.post(ADD, _post(programme, name="", shares=(50, 40)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "This field is required" in html  # the name
    assert "The stages&#x27; shares add up to 90%" in html  # the scheme as a whole, same page
    assert not IncentiveScheme.objects.exists() and not IncentiveStage.objects.exists()


def test_a_row_in_error_is_not_counted_in_the_totals(coordinator_client):
    """A stage whose own answer is wrong is reported on its own; its share is not summed."""
    client, programme = coordinator_client
    response = client.post(ADD, _post(programme, name="", shares=(50, 50), stage_offset="soon"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a whole number" in html
    assert "shares add up to" not in html
    assert not IncentiveScheme.objects.exists()


def test_a_sound_scheme_is_saved(coordinator_client):
    client, programme = coordinator_client
    assert client.post(ADD, _post(programme)).status_code == 302
    assert IncentiveScheme.objects.get().stages.count() == 2
