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


def test_every_enquiry_type_in_every_demo_area_reaches_a_partner_with_a_demo_login(client):
    from django.conf import settings
    from django.urls import reverse

    from brokerage.enquiries.models import EnquiryType
    from brokerage.enquiries.routing import route_enquiry
    from brokerage.reference import demo as reference
    from brokerage.reference.models import Area
    from portal.accounts import demo as accounts
    from portal.accounts.models import User
    from portal.accounts.roles import Role

    out = io.StringIO()
    reference.load(out)
    accounts.load(out)
    demo.load(out)

    areas = list(Area.objects.filter(programmes__isnull=False).distinct())
    assert areas
    for area in areas:
        for enquiry_type in EnquiryType.values:
            for route in route_enquiry(area=area, types=[enquiry_type]):
                logins = User.objects.filter(partner=route.partner, groups__name=Role.PARTNER_STAFF.label)
                assert logins.exists(), f"{enquiry_type} in {area} goes to {route.partner}, which has no demo login"

    login = User.objects.get(email=demo.partner_login_email(route.partner))
    assert login.check_password(settings.DEMO_PASSWORD) and login.skip_two_factor
    client.force_login(login)
    assert client.get(reverse("enquiries:inbox")).status_code == 200
