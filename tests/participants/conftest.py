import datetime

import pytest
from django.utils import timezone

from portal.accounts.roles import Role
from tests.factories.participants import ParticipantFactory, tees_programme
from tests.factories.reference import UserFactory


@pytest.fixture
def programme(db):
    return tees_programme()


@pytest.fixture
def key_worker(db, programme):
    user = UserFactory(role=Role.KEY_WORKER)
    user.programmes.add(programme)
    return user


@pytest.fixture
def coordinator(db, programme):
    user = UserFactory(role=Role.COORDINATOR)
    user.programmes.add(programme)
    return user


@pytest.fixture
def participant(key_worker, programme):
    return ParticipantFactory(
        key_worker=key_worker, programme=programme, first_name="Jordan", last_name="Reed",
        referred_on=timezone.localdate() - datetime.timedelta(days=3),
    )
