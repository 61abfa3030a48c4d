"""The fund's demo data loads on top of the earlier apps' demo data, and again harmlessly."""

import io

import pytest

from brokerage.participants import demo as participants_demo
from brokerage.payments import demo
from brokerage.payments.models import FundBudget, FundCatalogueItem, FundRequest, FundRequestStatus
from brokerage.reference import demo as reference_demo
from portal.accounts import demo as accounts_demo

pytestmark = pytest.mark.django_db


def test_demo_fund_loads_and_is_idempotent():
    out = io.StringIO()
    reference_demo.load(out)
    accounts_demo.load(out)
    participants_demo.load(out)
    demo.load(out)
    counts = (FundBudget.objects.count(), FundCatalogueItem.objects.count(), FundRequest.objects.count())
    demo.load(out)
    assert (FundBudget.objects.count(), FundCatalogueItem.objects.count(), FundRequest.objects.count()) == counts
    assert counts[0] == 8 and counts[1] == 10 and counts[2] == 4
    # £45 and £90 are approved at once; £210 (SIA licence) waits for a coordinator.
    statuses = dict(FundRequest.objects.values_list("amount_pence", "status"))
    assert statuses[4_500] == FundRequestStatus.APPROVED
    assert statuses[21_000] == FundRequestStatus.REQUESTED
    stockton = FundBudget.objects.get(programme__name="Routes to Work", area__name="Stockton-on-Tees")
    assert stockton.committed_pence > 0
