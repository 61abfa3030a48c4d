import pytest
from django.contrib.auth.models import Group

from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db


def test_create_user_uses_email_as_the_login_and_lowercases_it():
    user = User.objects.create_user("Jane.Doe@Example.ORG", "a-long-password-1")
    assert user.email == "jane.doe@example.org"
    assert user.check_password("a-long-password-1")
    assert not user.is_staff and not user.is_superuser
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(user, "username") or user.username is None


def test_create_user_without_an_email_is_refused():
    with pytest.raises(ValueError, match="email address is required"):
        User.objects.create_user("", "a-long-password-1")


def test_create_superuser_sets_the_flags():
    admin = User.objects.create_superuser("root@example.org", "a-long-password-1", is_staff=False)
    assert admin.is_staff and admin.is_superuser


def test_has_role_follows_group_membership():
    key_worker = UserFactory(role=Role.KEY_WORKER)
    assert key_worker.has_role(Role.KEY_WORKER)
    assert key_worker.has_role(Role.COORDINATOR, Role.KEY_WORKER)
    assert not key_worker.has_role(Role.COORDINATOR)
    assert key_worker.is_portal_staff
    assert key_worker.roles == frozenset({Role.KEY_WORKER})


def test_employers_are_not_portal_staff():
    employer = UserFactory(role=Role.EMPLOYER)
    assert employer.has_role(Role.EMPLOYER)
    assert not employer.is_portal_staff


def test_inactive_users_have_no_role():
    user = UserFactory(role=Role.COORDINATOR, is_active=False)
    assert not user.has_role(Role.COORDINATOR)


def test_superuser_has_every_role():
    admin = UserFactory(is_superuser=True)
    assert admin.has_role(Role.FINANCE_OFFICER)
    assert admin.is_portal_staff


def test_groups_that_are_not_roles_are_ignored():
    user = UserFactory()
    user.groups.add(Group.objects.create(name="Wagtail moderators"))
    assert user.roles == frozenset()
    assert not user.has_role(Role.EMPLOYER)


def test_display_name_falls_back_to_email():
    assert UserFactory(first_name="", last_name="", email="x@example.org").display_name == "x@example.org"
    assert str(UserFactory(first_name="Ann", last_name="Lee")) == "Ann Lee"
