import pytest
from django.core.cache import cache

from tests.factories.reference import AreaFactory, PartnerFactory, ProgrammeFactory


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # the public form's rate limit counts in the cache
    yield
    cache.clear()


@pytest.fixture
def stockton(db):
    return AreaFactory(name="Stockton-on-Tees", outcodes=["TS17", "TS18", "TS19", "TS20", "TS21"])


@pytest.fixture
def middlesbrough(db):
    return AreaFactory(name="Middlesbrough", outcodes=["TS1", "TS2", "TS3", "TS4", "TS5"])


@pytest.fixture
def fallback_partner(db):
    return PartnerFactory(name="Tees Valley Employer Hub")


@pytest.fixture
def programme(stockton, middlesbrough, fallback_partner):
    programme = ProgrammeFactory(name="Routes to Work", areas=[stockton, middlesbrough])
    programme.fallback_partner = fallback_partner
    programme.save()
    return programme
