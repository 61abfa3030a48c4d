"""``portal.accounts.permissions``: every role check refuses anyone not signed in, and the one
view decorator sends anonymous users to sign in, refuses others with the 403 page's message (or
a 404 where the page is hidden)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from portal.accounts import permissions
from portal.accounts.roles import Role
from tests.factories.reference import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

CHECKS = [
    permissions.is_employer, permissions.is_coordinator, permissions.is_finance_officer,
    permissions.is_portal_staff, permissions.can_use_caseload, permissions.can_match,
    permissions.can_refer, permissions.can_request_care, permissions.can_use_inbox,
    permissions.can_see_reports, permissions.can_see_finance, permissions.can_use_fund,
    permissions.can_see_budgets, permissions.can_decide_fund_requests,
    permissions.can_confirm_fund_changes, permissions.can_manage_api_tokens,
]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_nobody_signed_out_or_inactive_passes_any_check(check):
    inactive_superuser = UserFactory(is_superuser=True, is_active=False)
    for actor in (None, AnonymousUser(), inactive_superuser):
        assert check(actor) is False, actor
    assert permissions.recorded_actor(AnonymousUser()) is None
    assert permissions.recorded_actor(None) is None


def test_who_passes_which_check():
    key_worker = UserFactory(role=Role.KEY_WORKER)
    coordinator = UserFactory(role=Role.COORDINATOR)
    finance = UserFactory(role=Role.FINANCE_OFFICER)
    employer = UserFactory(role=Role.EMPLOYER)
    superuser = UserFactory(is_superuser=True)
    assert permissions.can_use_caseload(key_worker) and permissions.can_use_caseload(coordinator)
    assert not permissions.can_use_caseload(finance) and not permissions.can_use_caseload(employer)
    assert permissions.can_see_reports(finance) and not permissions.can_see_reports(key_worker)
    assert permissions.can_confirm_fund_changes(finance) and not permissions.can_confirm_fund_changes(coordinator)
    assert permissions.is_coordinator(superuser) and permissions.is_finance_officer(superuser)
    # a transfer or shared care is asked for by a key worker in person, not a superuser
    assert permissions.can_request_care(key_worker) and not permissions.can_request_care(superuser)
    assert permissions.recorded_actor(key_worker) == key_worker


def test_api_tokens_need_a_partner_and_the_permission():
    from django.contrib.auth.models import Permission

    staff = UserFactory(role=Role.PARTNER_STAFF, partner=PartnerFactory())
    assert not permissions.can_manage_api_tokens(staff)
    staff.user_permissions.add(Permission.objects.get(codename="manage_api_tokens"))
    staff = type(staff).objects.get(pk=staff.pk)  # permissions are cached on the instance
    assert permissions.can_manage_api_tokens(staff)


def _call(view, user):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    return view(request)


def test_role_required_redirects_anonymous_users_and_refuses_others_with_the_message():
    view = permissions.role_required(Role.COORDINATOR, message="Only coordinators")(lambda r: HttpResponse("ok"))
    response = _call(view, AnonymousUser())
    assert response.status_code == 302 and "/accounts/login/" in response.url
    with pytest.raises(PermissionDenied, match="Only coordinators"):
        _call(view, UserFactory(role=Role.KEY_WORKER))
    assert _call(view, UserFactory(role=Role.COORDINATOR)).content == b"ok"


def test_access_required_can_hide_the_page_or_use_the_403_pages_own_words():
    hidden = permissions.access_required(permissions.can_use_fund, hide=True)(lambda r: HttpResponse("ok"))
    with pytest.raises(Http404):
        _call(hidden, UserFactory(role=Role.EMPLOYER))
    plain = permissions.access_required(permissions.can_see_finance, message=None)(lambda r: HttpResponse("ok"))
    with pytest.raises(PermissionDenied) as refused:
        _call(plain, UserFactory(role=Role.EMPLOYER))
    assert str(refused.value) == ""
    assert _call(plain, UserFactory(role=Role.FINANCE_OFFICER)).content == b"ok"
