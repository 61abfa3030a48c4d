"""One ``IllegalTransition`` for every app, still importable where it used to live."""

from django.core.exceptions import ValidationError

from brokerage.opportunities import services as opportunity_services
from brokerage.pipeline import services as pipeline_services
from portal.core.exceptions import IllegalTransition


def test_there_is_one_illegal_transition_and_it_is_a_validation_error():
    assert opportunity_services.IllegalTransition is IllegalTransition
    assert pipeline_services.IllegalTransition is IllegalTransition
    assert issubclass(IllegalTransition, ValidationError)
    assert IllegalTransition("You cannot do that").messages == ["You cannot do that"]
