"""A partner admin creates an API token (seen once), a system uses it, and the admin revokes it.
Every page is checked with axe-core."""

import re
import urllib.request

import pytest

from tests.api.conftest import make_partner_admin
from tests.browser.helpers import assert_accessible
from tests.factories.reference import PartnerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _get(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_partner_admin_creates_uses_and_revokes_a_token(page, browser_login, live_server):
    admin = make_partner_admin(PartnerFactory(name="Tees Works"))
    browser_login(admin)

    page.goto(f"{live_server.url}/partner/api-tokens/")
    assert "no API tokens yet" in page.content()
    assert_accessible(page, context="token list, empty")
    page.get_by_role("link", name="Create a token").click()
    assert_accessible(page, context="token form")

    page.get_by_role("button", name="Create token").click()  # nothing filled in
    assert page.get_by_role("link", name="Enter what the token is for").is_visible()
    assert_accessible(page, context="token form with errors")

    page.get_by_label("What is the token for?").fill("Case system")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Create token").click()
    assert page.get_by_role("heading", name="Token created").is_visible()
    token = page.get_by_label("Token").input_value()
    assert re.fullmatch(r"obp_[0-9a-f]{8}_\S{40,}", token)
    assert_accessible(page, context="token created")

    assert _get(f"{live_server.url}/api/v1/employers", token) == 200

    page.get_by_role("link", name="Back to API tokens").click()
    assert token not in page.content()
    page.get_by_role("button", name="Revoke Case system").click()
    assert page.get_by_text("has been revoked").is_visible()
    assert_accessible(page, context="token list after revoking")
    assert _get(f"{live_server.url}/api/v1/employers", token) == 401
