"""Every snippet's listing, "add" and edit pages in the Wagtail admin open for an administrator, with
the demo data loaded (an admin page that fails shows up here, not when a coordinator first
needs it)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from wagtail.snippets.models import get_snippet_models

from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db


def test_every_snippet_listing_add_and_edit_page_opens(client):
    call_command("seed_demo", stdout=io.StringIO())
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    failed = []
    for model in get_snippet_models():
        viewset = model.snippet_viewset
        for name in ("list", "add"):
            response = client.get(reverse(viewset.get_url_name(name)))
            if response.status_code != 200:
                failed.append(f"{model._meta.label} {name}: {response.status_code}")
        row = model._default_manager.first()
        if row is None:
            failed.append(f"{model._meta.label}: no demo rows, so its listing was not really checked")
        elif client.get(reverse(viewset.get_url_name("edit"), args=[row.pk])).status_code != 200:
            failed.append(f"{model._meta.label} edit: did not open")
    assert not failed, failed


def _policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in (part.strip() for part in header.split(";"))
        if directive
    }


def test_admin_pages_send_a_content_security_policy_and_still_render_for_an_editor(client):
    """The Wagtail admin gets a policy too (portal/core/middleware.py): as strict as the public
    pages except what Wagtail 8 still needs (inline scripts, framing its own preview)."""
    from wagtail.models import Page

    from cms.demo import home_page_ensure
    from portal.accounts.roles import Role, sync_role_groups

    sync_role_groups()
    home = home_page_ensure()
    client.force_login(UserFactory(role=Role.EDITOR))
    pages = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[home.pk]),
        reverse("wagtailadmin_pages:edit", args=[home.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[home.pk]),
        reverse("wagtailadmin_pages:history", args=[home.pk]),
        reverse("wagtailsnippets_reference_partner:list"),
        reverse("wagtailsnippets_reference_partner:add"),
    ]
    assert Page.objects.filter(pk=home.pk).exists()
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        assert policy, f"{url} sends no Content-Security-Policy"
        assert policy["default-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"], url
        assert policy["frame-ancestors"] == ["'self'"], url  # the preview panel, nothing else
        assert policy["form-action"] == ["'self'"], url
        assert "'unsafe-eval'" not in policy["script-src"], url
        assert "Content-Security-Policy-Report-Only" not in response, url


def test_the_django_admin_and_the_admin_sign_in_page_send_a_policy_too(client):
    assert _policy(client.get("/admin/login/"))["default-src"] == ["'self'"]
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/django-admin/")
    assert response.status_code == 200
    assert _policy(response)["default-src"] == ["'self'"]


def test_public_pages_keep_the_strict_policy(client):
    response = client.get(reverse("enquiries:start"))
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"]  # no inline scripts outside the admin
    assert policy["frame-ancestors"] == ["'none'"]
