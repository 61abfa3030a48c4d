"""Routing: area × type × capacity × standing × responsiveness, and the fallback owner."""

import pytest

from brokerage.enquiries.models import EnquiryType, ItemStatus
from brokerage.enquiries.routing import route_enquiry
from brokerage.reference.models import PartnerStanding
from tests.factories.enquiries import EnquiryItemFactory, RoutingRuleFactory, responded_item
from tests.factories.reference import PartnerFactory

pytestmark = pytest.mark.django_db

VACANCY = EnquiryType.VACANCY.value
MENTORING = EnquiryType.MENTORING.value
SKILLS = EnquiryType.SKILLS.value


def owners(routes):
    return {route.partner.name: sorted(route.types) for route in routes}


def test_rule_for_the_area_and_type_wins(stockton, middlesbrough, programme):
    jcp = PartnerFactory(name="Stockton JCP")
    boro = PartnerFactory(name="Middlesbrough JCP")
    RoutingRuleFactory(area=stockton, enquiry_type=VACANCY, partner=jcp, programme=programme)
    RoutingRuleFactory(area=middlesbrough, enquiry_type=VACANCY, partner=boro, programme=programme)

    assert owners(route_enquiry(area=stockton, types=[VACANCY])) == {"Stockton JCP": [VACANCY]}
    assert owners(route_enquiry(area=middlesbrough, types=[VACANCY])) == {"Middlesbrough JCP": [VACANCY]}


def test_a_more_specific_rule_beats_a_catch_all(stockton, programme):
    catch_all = PartnerFactory(name="Everything Ltd")
    specialist = PartnerFactory(name="Mentoring Trust")
    RoutingRuleFactory(partner=catch_all, programme=programme)
    RoutingRuleFactory(area=stockton, enquiry_type=MENTORING, partner=specialist)

    assert owners(route_enquiry(area=stockton, types=[MENTORING, VACANCY])) == {
        "Mentoring Trust": [MENTORING],
        "Everything Ltd": [VACANCY],
    }


def test_type_rule_does_not_catch_other_types(stockton, programme, fallback_partner):
    RoutingRuleFactory(area=stockton, enquiry_type=MENTORING, partner=PartnerFactory(name="Mentors"))

    routes = route_enquiry(area=stockton, types=[SKILLS])

    assert owners(routes) == {fallback_partner.name: [SKILLS]}
    assert "fallback owner of Routes to Work" in routes[0].reason


def test_rule_for_another_area_does_not_apply(stockton, middlesbrough, programme, fallback_partner):
    RoutingRuleFactory(area=middlesbrough, enquiry_type=VACANCY, partner=PartnerFactory(name="Boro"))

    assert owners(route_enquiry(area=stockton, types=[VACANCY])) == {fallback_partner.name: [VACANCY]}


@pytest.mark.parametrize(
    ("standing", "open_items", "capacity", "expected"),
    [
        (PartnerStanding.ACTIVE, 0, 5, "Fast"),
        (PartnerStanding.ACTIVE, 4, 5, "Fast"),
        (PartnerStanding.ACTIVE, 5, 5, "Slow"),  # full: the next eligible partner
        (PartnerStanding.PAUSED, 0, 5, "Slow"),
        (PartnerStanding.AT_CAPACITY, 0, 5, "Slow"),
    ],
)
def test_capacity_and_standing_decide_eligibility(stockton, programme, standing, open_items, capacity, expected):
    fast = PartnerFactory(name="Fast", standing=standing, capacity=capacity)
    slow = PartnerFactory(name="Slow")
    responded_item(fast, hours=2)
    responded_item(slow, hours=40)
    for _ in range(open_items):
        EnquiryItemFactory(partner=fast)
    EnquiryItemFactory(partner=fast, status=ItemStatus.CLOSED)  # closed items do not use capacity
    for partner in (fast, slow):
        RoutingRuleFactory(area=stockton, enquiry_type=VACANCY, partner=partner, programme=programme)

    assert owners(route_enquiry(area=stockton, types=[VACANCY])) == {expected: [VACANCY]}


def test_best_measured_responsiveness_wins(stockton, programme):
    quick, slow, new = (PartnerFactory(name=n) for n in ("Quick", "Slow", "New"))
    for hours in (1, 3, 5):
        responded_item(quick, hours=hours)  # median 3 hours
    for hours in (2, 30, 50):
        responded_item(slow, hours=hours)  # median 30 hours
    for partner in (quick, slow, new):
        RoutingRuleFactory(area=stockton, enquiry_type=VACANCY, partner=partner)

    assert owners(route_enquiry(area=stockton, types=[VACANCY])) == {"Quick": [VACANCY]}


def test_a_partner_with_no_history_beats_a_slow_one(stockton, programme):
    slow, new = PartnerFactory(name="Slow"), PartnerFactory(name="New")
    responded_item(slow, hours=48)
    for partner in (slow, new):
        RoutingRuleFactory(area=stockton, enquiry_type=VACANCY, partner=partner)

    assert owners(route_enquiry(area=stockton, types=[VACANCY])) == {"New": [VACANCY]}


def test_when_every_rule_partner_is_unavailable_the_fallback_owns_it(stockton, programme, fallback_partner):
    RoutingRuleFactory(
        area=stockton, enquiry_type=VACANCY, partner=PartnerFactory(standing=PartnerStanding.PAUSED)
    )
    RoutingRuleFactory(
        area=stockton, partner=PartnerFactory(standing=PartnerStanding.AT_CAPACITY)
    )

    routes = route_enquiry(area=stockton, types=[VACANCY])

    assert owners(routes) == {fallback_partner.name: [VACANCY]}
    assert routes[0].programme == programme


def test_inactive_rules_are_ignored(stockton, programme, fallback_partner):
    RoutingRuleFactory(area=stockton, enquiry_type=VACANCY, partner=PartnerFactory(name="Off"), active=False)

    assert owners(route_enquiry(area=stockton, types=[VACANCY])) == {fallback_partner.name: [VACANCY]}


def test_an_enquiry_from_outside_every_area_still_has_one_owner(programme, fallback_partner):
    routes = route_enquiry(area=None, types=[VACANCY, MENTORING])

    assert owners(routes) == {fallback_partner.name: [MENTORING, VACANCY]}


def test_several_types_to_the_same_partner_make_one_route(stockton, programme):
    jcp = PartnerFactory(name="JCP")
    RoutingRuleFactory(area=stockton, enquiry_type=VACANCY, partner=jcp)
    RoutingRuleFactory(area=stockton, enquiry_type=SKILLS, partner=jcp)
    RoutingRuleFactory(area=stockton, enquiry_type=MENTORING, partner=PartnerFactory(name="Mentors"))

    routes = route_enquiry(area=stockton, types=[VACANCY, SKILLS, MENTORING])

    assert owners(routes) == {"JCP": [SKILLS, VACANCY], "Mentors": [MENTORING]}


def test_a_partner_with_one_place_left_can_take_several_parts_of_one_enquiry(stockton, programme):
    jcp = PartnerFactory(name="JCP", capacity=1)
    RoutingRuleFactory(area=stockton, partner=jcp)

    assert owners(route_enquiry(area=stockton, types=[VACANCY, SKILLS])) == {"JCP": [SKILLS, VACANCY]}


def test_rule_working_days_override_the_default(stockton, programme):
    RoutingRuleFactory(area=stockton, partner=PartnerFactory(), response_working_days=5)

    assert route_enquiry(area=stockton, types=[VACANCY])[0].working_days == 5
