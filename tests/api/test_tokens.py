"""Partner admins create and revoke their partnership's API tokens on a portal page."""

import datetime
import re

import pytest
from django.utils import timezone

from brokerage.api.models import ApiToken
from brokerage.audit.models import AuditEvent
from portal.accounts.roles import Role
from tests.api.conftest import bearer, make_partner_admin
from tests.factories.reference import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def date_fields(name: str, day: datetime.date) -> dict:
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


@pytest.fixture
def admin():
    return make_partner_admin(PartnerFactory(name="Tees Works"))


def create(client, **overrides):
    data = {"name": "Case system", "scope": "read",
            **date_fields("expires_on", timezone.localdate() + datetime.timedelta(days=30)),
            **overrides}
    return client.post("/partner/api-tokens/new/", data)


def test_admin_creates_a_token_shown_once_and_kept_only_as_a_hash(login, admin):
    client = login(admin)
    response = create(client)
    assert response.status_code == 200
    raw = re.search(r'value="(obp_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert (token.partner, token.created_by, token.scope) == (admin.partner, admin, "read")
    assert raw not in str(ApiToken.objects.values().get())  # only the hash is stored
    assert token.token_hash != raw and len(token.token_hash) == 64
    assert AuditEvent.objects.filter(action="api_token.created", object_id=str(token.pk)).exists()

    listing = client.get("/partner/api-tokens/").content.decode()
    assert "Case system" in listing and f"obp_{token.prefix}_" in listing
    assert raw not in listing  # never shown again
    assert "Never" in listing  # not used yet

    assert bearer(raw).get("/api/v1/employers").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert "Never" not in client.get("/partner/api-tokens/").content.decode()


@pytest.mark.parametrize("overrides, message", [
    ({"name": ""}, "Enter what the token is for"),
    ({"scope": ""}, "Select what the token may do"),
    (date_fields("expires_on", datetime.date(2020, 1, 1)), "The expiry date must be in the future"),
    (date_fields("expires_on", timezone.localdate() + datetime.timedelta(days=400)),
     "within a year"),
])
def test_bad_answers_are_explained_and_nothing_is_created(login, admin, overrides, message):
    response = create(login(admin), **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_stops_the_token_at_once(login, admin):
    client = login(admin)
    raw = re.search(r'value="(obp_[^"]+)"', create(client).content.decode()).group(1)
    token = ApiToken.objects.get()
    response = client.post(f"/partner/api-tokens/{token.pk}/revoke/", follow=True)
    assert "has been revoked" in response.content.decode()
    assert "Revoked" in response.content.decode()
    assert bearer(raw).get("/api/v1/employers").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoked", object_id=str(token.pk)).exists()


def test_another_partners_admin_cannot_see_or_revoke_a_token(login, admin, client):
    login(admin)
    create(client)
    token = ApiToken.objects.get()
    other = make_partner_admin(PartnerFactory(name="Hartlepool Routes"))
    client.force_login(other)
    assert "Case system" not in client.get("/partner/api-tokens/").content.decode()
    assert client.post(f"/partner/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("role", [Role.PARTNER_STAFF, Role.KEY_WORKER, Role.EMPLOYER,
                                  Role.COORDINATOR])
def test_only_partner_admins_may_manage_tokens(client, role):
    user = UserFactory(role=role, partner=PartnerFactory())
    client.force_login(user)
    assert client.get("/partner/api-tokens/").status_code == 403
    assert create(client).status_code == 403
    assert not ApiToken.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/partner/api-tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_partner_admins_reach_the_token_page_from_the_navigation(client):
    """The navigation offers "API tokens" to partner staff holding the permission, and to
    nobody else (a key worker of the same partner does not see it)."""
    partner = PartnerFactory()
    admin = make_partner_admin(partner)
    colleague = UserFactory(role=Role.PARTNER_STAFF, partner=partner)

    client.force_login(admin)
    assert 'href="/partner/api-tokens/"' in client.get("/partner/enquiries/").content.decode()
    client.force_login(colleague)
    assert "/partner/api-tokens/" not in client.get("/partner/enquiries/").content.decode()
