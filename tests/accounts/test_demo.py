import io

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings

from portal.accounts import demo
from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.factories.reference import PartnerFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "employer@example.org": Role.EMPLOYER,
    "partner@example.org": Role.PARTNER_STAFF,
    "keyworker@example.org": Role.KEY_WORKER,
    "keyworker2@example.org": Role.KEY_WORKER,
    "coordinator@example.org": Role.COORDINATOR,
    "finance@example.org": Role.FINANCE_OFFICER,
    "finance2@example.org": Role.FINANCE_OFFICER,
    "editor@example.org": Role.EDITOR,
}


def test_demo_users_one_per_role_scoped_and_idempotent():
    partner = PartnerFactory(name="Stockton Jobcentre Plus")
    routes = ProgrammeFactory(name="Routes to Work")
    plan = ProgrammeFactory(name="Plan 500")

    demo.load(io.StringIO())
    demo.load(io.StringIO())  # safe to run again

    assert User.objects.filter(email__in=[*EXPECTED, "admin@example.org"]).count() == 9
    for email, role in EXPECTED.items():
        user = User.objects.get(email=email)
        assert user.roles == frozenset({role}), email
        assert user.check_password(settings.DEMO_PASSWORD)
        assert user.skip_two_factor
        assert user.first_name and user.last_name
        assert EmailAddress.objects.get(user=user).verified
    admin = User.objects.get(email="admin@example.org")
    assert admin.is_superuser and admin.is_staff
    assert User.objects.get(email="partner@example.org").partner == partner
    for email in ("keyworker@example.org", "keyworker2@example.org", "coordinator@example.org", "finance@example.org",
                  "finance2@example.org"):
        assert set(User.objects.get(email=email).programmes.all()) == {routes, plan}
    assert User.objects.get(email="employer@example.org").partner is None
    assert EmailAddress.objects.filter(email="employer@example.org").count() == 1


def test_demo_users_load_without_reference_data():
    out = io.StringIO()
    demo.load(out)
    assert User.objects.get(email="partner@example.org").partner is None
    assert "not found" in out.getvalue()


def test_demo_login_works(client):
    demo.load(io.StringIO())
    response = client.post("/accounts/login/", {"login": "keyworker@example.org", "password": settings.DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == "/dashboard/"
