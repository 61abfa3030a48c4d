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
