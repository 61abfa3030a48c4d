import pytest

from portal.accounts.roles import Role
from tests.factories.reference import AreaFactory, PartnerFactory, ProgrammeFactory, UserFactory


@pytest.fixture
def stockton(db):
    return AreaFactory(name="Stockton-on-Tees", outcodes=["TS17", "TS18", "TS20"])


@pytest.fixture
def swindon(db):
    return AreaFactory(name="Swindon", region="South West", outcodes=["SN1", "SN2"])


@pytest.fixture
def jcp(stockton):
    return PartnerFactory(name="Stockton Jobcentre Plus", areas=[stockton])


@pytest.fixture
def partner_user(jcp):
    return UserFactory(role=Role.PARTNER_STAFF, partner=jcp, email="gareth@jcp.example.org")


@pytest.fixture
def coordinator(stockton):
    programme = ProgrammeFactory(name="Routes to Work", areas=[stockton])
    user = UserFactory(role=Role.COORDINATOR, email="helen@council.example.org")
    user.programmes.set([programme])
    return user
