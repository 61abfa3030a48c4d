import io

import pytest

from brokerage.enquiries import demo
from brokerage.enquiries.models import Enquiry, EnquiryItem, RoutingRule

pytestmark = pytest.mark.django_db


def test_demo_loads_twice_without_duplicates():
    reference = pytest.importorskip("brokerage.reference.demo")
    accounts = pytest.importorskip("portal.accounts.demo")
    out = io.StringIO()
    reference.load(out)
    accounts.load(out)

    demo.load(out)
    counts = (RoutingRule.objects.count(), Enquiry.objects.count(), EnquiryItem.objects.count())
    demo.load(out)

    assert counts == (RoutingRule.objects.count(), Enquiry.objects.count(), EnquiryItem.objects.count())
    assert counts[0] == len(demo.RULES)
    assert counts[1] == len(demo.ENQUIRIES)
    assert "skipped" not in out.getvalue()
    # The demo partner user has something in their inbox.
    assert EnquiryItem.objects.filter(partner__name="Stockton Jobcentre Plus").count() >= 2


def test_demo_skips_what_is_missing():
    out = io.StringIO()
    demo.load(out)
    assert "skipped" in out.getvalue()
    assert Enquiry.objects.count() == 0
