"""Errors people see: GOV.UK pages with a way on, never Django's plain pages or a stack trace."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from portal.accounts.roles import Role
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_a_page_not_found_page(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1 class=\"govuk-heading-l\">Page not found</h1>" in html
    assert "If you typed the web address, check it is correct." in html
    assert "govuk-header" in html, "inside the service's layout"


def test_a_page_the_role_may_not_see_says_why(client):
    client.force_login(UserFactory(role=Role.EMPLOYER))
    response = client.get("/caseload/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "You cannot see this page" in html
    assert "You do not have access to participant records." in html
    assert 'href="/dashboard/"' in html


def test_a_form_sent_without_its_security_token_says_nothing_was_saved():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/employers/enquire/", {"types": ["vacancy"]})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Your answers could not be sent" in html and "Nothing was saved" in html


def test_a_server_error_page_renders_without_a_request_context():
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in html and "Try again later." in html


@pytest.mark.parametrize("path", ["/find-opportunities/?q=chef%00", "/search/?q=%00"])
def test_a_nul_character_in_an_address_gets_the_bad_request_page(client, path):
    """A NUL cannot be stored or compared by PostgreSQL: refused with a 400 page, not a 500."""
    client.force_login(UserFactory(role=Role.KEY_WORKER))
    response = client.get(path)
    assert response.status_code == 400
    assert "govuk-header" in response.content.decode()
