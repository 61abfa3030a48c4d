import pytest
from django.contrib.auth.models import Group, Permission

from portal.accounts.roles import ROLE_PERMISSIONS, Role, sync_role_groups
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db


def _codes(group: Group) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_migrate_creates_one_group_per_role():
    names = set(Group.objects.values_list("name", flat=True))
    assert {role.label for role in Role} <= names


def test_each_group_has_exactly_the_listed_permissions_that_exist():
    for role in Role:
        group = Group.objects.get(name=role.label)
        existing = {
            dotted
            for dotted in ROLE_PERMISSIONS.get(role, [])
            if Permission.objects.filter(
                content_type__app_label=dotted.split(".")[0], codename=dotted.split(".")[1]
            ).exists()
        }
        assert _codes(group) == existing, role


def test_coordinators_may_change_partners_and_employers_may_not():
    coordinator = UserFactory(role=Role.COORDINATOR)
    employer = UserFactory(role=Role.EMPLOYER)
    assert coordinator.has_perm("reference.change_partner")
    assert coordinator.has_perm("wagtailadmin.access_admin")
    assert not employer.has_perm("reference.change_partner")
    assert not employer.has_perm("wagtailadmin.access_admin")


def test_sync_is_idempotent_and_puts_back_removed_or_extra_permissions():
    coordinators = Group.objects.get(name=Role.COORDINATOR.label)
    before = _codes(coordinators)
    stray = Permission.objects.get(content_type__app_label="accounts", codename="delete_user")
    coordinators.permissions.add(stray)
    coordinators.permissions.remove(
        Permission.objects.get(content_type__app_label="reference", codename="change_partner")
    )
    sync_role_groups()
    sync_role_groups()
    assert _codes(coordinators) == before
    assert Group.objects.filter(name=Role.COORDINATOR.label).count() == 1


def test_editors_can_add_and_change_pages_from_the_root_but_not_publish():
    from wagtail.models import GroupPagePermission

    editors = Group.objects.get(name=Role.EDITOR.label)
    codenames = set(
        GroupPagePermission.objects.filter(group=editors).values_list("permission__codename", flat=True)
    )
    assert {"add_page", "change_page"} <= codenames
    assert "publish_page" not in codenames  # publishing goes through the moderation workflow
