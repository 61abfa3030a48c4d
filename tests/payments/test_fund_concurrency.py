"""Two requests at the same moment against a budget that covers only one: exactly one approved;
the same check-your-answers page sent twice at the same moment: exactly one request.

Real concurrency (``tests.concurrency.race``): on PostgreSQL the budget row lock
(select_for_update) makes the second wait and then see the first's commitment; SQLite's
IMMEDIATE transactions serialise the writers the same way.
"""

import uuid
from functools import partial

import pytest
from django.core.exceptions import ValidationError

from brokerage.payments.models import FundBudget, FundRequest, FundRequestStatus
from portal.accounts.roles import Role
from tests.concurrency import race
from tests.factories.reference import UserFactory
from tests.payments.fund_helpers import fund_world, submit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _race(participant, actors, **overrides):
    return race(*(partial(submit, participant, actor, **overrides) for actor in actors))


def test_two_simultaneous_requests_never_overspend_the_budget():
    participant, key_worker, _, budget, _ = fund_world(budget_pence=10_000)
    # Two key workers (a coordinator's own request is never approved at once: issue 16).
    colleague = UserFactory(role=Role.KEY_WORKER)
    outcomes = _race(participant, [key_worker, colleague], amount_pence=6_000)

    assert len(outcomes) == 2
    approved = [o for o in outcomes if isinstance(o, FundRequest) and o.status == FundRequestStatus.APPROVED]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(approved) == 1 and len(refused) == 1
    assert "not enough for £60.00" in refused[0].message_dict["amount"][0]
    budget = FundBudget.objects.get(pk=budget.pk)
    assert budget.committed_pence == 6_000
    assert FundRequest.objects.filter(status=FundRequestStatus.APPROVED).count() == 1
    assert FundRequest.objects.count() == 1


def test_the_same_answers_sent_twice_at_once_make_one_request():
    participant, key_worker, _, budget, _ = fund_world(budget_pence=50_000)
    key = str(uuid.uuid4())
    outcomes = _race(participant, [key_worker, key_worker], amount_pence=6_000, submission_key=key)

    assert len(outcomes) == 2 and all(isinstance(o, FundRequest) for o in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk, "both sendings lead to the one request"
    assert FundRequest.objects.count() == 1
    assert FundBudget.objects.get(pk=budget.pk).committed_pence == 6_000, "committed once"
