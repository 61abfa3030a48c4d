import io

import pytest

from brokerage.participants import demo
from brokerage.participants.models import EligibilityRule, Participant
from brokerage.participants.services import ni_number_normalise
from portal.accounts.roles import Role
from tests.factories.reference import AreaFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_skips_gracefully():
    out = io.StringIO()
    demo.load(out)
    assert "missing" in out.getvalue() and not Participant.objects.exists()

    areas = [
        AreaFactory(name="Stockton-on-Tees", outcodes=["TS17", "TS18", "TS19", "TS20", "TS22", "TS23"]),
        AreaFactory(name="Middlesbrough", outcodes=["TS1", "TS3", "TS4", "TS5"]),
        AreaFactory(name="Redcar and Cleveland", outcodes=["TS6", "TS10", "TS12"]),
        AreaFactory(name="Hartlepool", outcodes=["TS24", "TS25"]),
        AreaFactory(name="Darlington", outcodes=["DL1", "DL2", "DL3"]),
    ]
    ProgrammeFactory(name="Routes to Work", areas=areas)
    ProgrammeFactory(name="Plan 500")
    UserFactory(role=Role.KEY_WORKER, email="keyworker@example.org")
    UserFactory(role=Role.KEY_WORKER, email="keyworker2@example.org")
    demo.load(out)
    demo.load(out)
    assert Participant.objects.count() == 20
    assert all(p.is_eligible for p in Participant.objects.all())
    assert Participant.objects.filter(readiness="job_ready", consent_employer_profile=True).count() >= 8
    assert Participant.objects.filter(licences__icontains='"cscs"').count() >= 4
    assert EligibilityRule.objects.filter(programme__name="Plan 500", kind="age", minimum=16, maximum=24).exists()
    for p in Participant.objects.all():
        assert ni_number_normalise(p.ni_number) == p.ni_number
