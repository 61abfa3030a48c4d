import io

import pytest

from brokerage.payments.incentives import demo as incentive_demo
from brokerage.payments.models import IncentiveClaim, IncentiveScheme
from tests.factories.employers import EmployerFactory
from tests.factories.participants import tees_programme
from tests.payments.incentive_helpers import days_ago, start_create

pytestmark = pytest.mark.django_db


def test_demo_schemes_load_twice_without_duplicates_and_claim_demo_starts():
    programme = tees_programme()
    start_create(programme=programme, employer=EmployerFactory(), start_date=days_ago(30))
    out = io.StringIO()
    incentive_demo.load(out)
    incentive_demo.load(out)
    scheme = IncentiveScheme.objects.get(name="Routes to Work employer incentive")
    assert scheme.stages.count() == 2 and scheme.age_bands.count() == 2 and scheme.min_hours == 16
    assert IncentiveClaim.objects.count() == 1
    assert "Ambition SCR not found" in out.getvalue()
