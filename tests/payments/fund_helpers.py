"""Shared set-up for the flexible fund tests."""

from brokerage.participants.models import ActionKind
from brokerage.payments.fund import services as fund
from brokerage.payments.models import FundCategory, FundPaymentMethod
from brokerage.reference.choices import Barrier
from portal.accounts.roles import Role
from tests.factories.participants import ActionItemFactory, ParticipantFactory
from tests.factories.payments import FundBudgetFactory
from tests.factories.reference import UserFactory


def fund_world(*, budget_pence: int = 50_000):
    """A participant held by a key worker, a coordinator of the programme, and a budget."""
    participant = ParticipantFactory()
    key_worker = participant.key_worker
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(participant.programme)
    budget = FundBudgetFactory(programme=participant.programme, amount_pence=budget_pence)
    action = ActionItemFactory(
        participant=participant, kind=ActionKind.BARRIER, barrier=Barrier.TRANSPORT,
        description="Get to interviews in Middlesbrough by bus",
    )
    return participant, key_worker, coordinator, budget, action


def request_kwargs(**overrides) -> dict:
    values = {
        "category": FundCategory.TRAVEL,
        "barrier": Barrier.TRANSPORT,
        "description": "Four-week Arriva bus pass to get to interviews",
        "amount_pence": 6_000,
        "not_available_elsewhere": "Not eligible for the Jobcentre's Flexible Support Fund.",
        "payment_method": FundPaymentMethod.CARD,
    }
    values.update(overrides)
    return values


def submit(participant, actor, **overrides):
    return fund.fund_request_submit(participant=participant, actor=actor, **request_kwargs(**overrides))
