"""Two enquiries routed at the same moment to a partner with room for one: it gets exactly one.

Real concurrency (``tests.concurrency.race``): routing locks the candidate partners' rows, so
the second routing waits and then counts the first's item.
"""

from functools import partial

import pytest

from brokerage.enquiries import services
from brokerage.enquiries.models import EnquiryItem, EnquiryType, ItemStatus
from tests.concurrency import race
from tests.factories.enquiries import RoutingRuleFactory
from tests.factories.reference import PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _answers(name: str) -> dict:
    return {
        "types": [EnquiryType.VACANCY.value], "organisation_name": name, "postcode": "ts18 1aa",
        "size_band": "small", "sector": "manufacturing", "contact_name": "Priya Shah",
        "email": f"priya@{name.split()[0].lower()}.co.uk", "phone": "01642 555000",
        "preferred_contact": "email", "message": "Two warehouse operatives, days.",
    }


def test_simultaneous_enquiries_never_put_a_partner_over_capacity(stockton, programme, fallback_partner,
                                                                   monkeypatch):
    # Not the emails sent after commit: on SQLite their reads can meet the other thread's lock
    # after the enquiry is saved, and race() would then send that enquiry a second time.
    monkeypatch.setattr(services.emails, "send_enquiry_confirmation", lambda pk: None)
    monkeypatch.setattr(services.emails, "send_partner_notification", lambda pk: None)
    small = PartnerFactory(name="Small Partner", capacity=1)
    RoutingRuleFactory(area=stockton, enquiry_type=EnquiryType.VACANCY, partner=small, programme=programme)

    outcomes = race(*(partial(services.enquiry_submit, answers=_answers(name))
                      for name in ("Tees Components Ltd", "Stockton Bakery Ltd")))

    assert len(outcomes) == 2 and not any(isinstance(o, Exception) for o in outcomes), outcomes
    open_items = EnquiryItem.objects.exclude(status=ItemStatus.CLOSED)
    assert open_items.filter(partner=small).count() == 1, "the partner had room for one"
    assert open_items.filter(partner=fallback_partner).count() == 1, "the other went to the fallback owner"
