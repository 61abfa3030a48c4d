"""Site settings (partnership name, contact details, footer links) appear on every page."""

import json

import pytest
from django.urls import reverse

from cms.models import SiteSettings
from cms.settings_access import site_contact

pytestmark = pytest.mark.django_db


def test_settings_appear_in_header_and_footer(client, site):
    settings = SiteSettings.for_site(site)
    settings.partnership_name = "Tees Valley employment partnership"
    settings.contact_email = "employers@example.org"
    settings.contact_phone = "0300 123 4567"
    settings.footer_links = json.dumps(
        [{"type": "link", "value": {"title": "Privacy notice", "url": "/privacy/"}}]
    )
    settings.save()

    html = client.get("/").content.decode()

    assert "Tees Valley employment partnership" in html
    assert 'href="mailto:employers@example.org"' in html
    assert "0300 123 4567" in html
    assert '<a class="govuk-footer__link" href="/privacy/">Privacy notice</a>' in html


def test_as_context_shape(site):
    settings = SiteSettings.for_site(site)
    settings.footer_links = json.dumps(
        [{"type": "link", "value": {"title": "Cookies", "url": "/cookies/"}}]
    )
    settings.save()

    assert SiteSettings.for_site(site).as_context() == {
        "partnership_name": "Local employment partnership",
        "email": "",
        "phone": "",
        "footer_links": [{"title": "Cookies", "url": "/cookies/"}],
    }


def test_no_site_gives_empty_contact(rf, db):
    from wagtail.models import Site

    Site.objects.all().delete()

    assert site_contact(rf.get("/")) == {}


def test_editor_can_edit_site_settings(client, site, editor):
    client.force_login(editor)
    url = reverse("wagtailsettings:edit", args=["cms", "sitesettings", site.pk])

    assert client.get(url).status_code == 200


def test_footer_link_must_be_a_path_or_web_address():
    from django.core.exceptions import ValidationError

    from cms.blocks import FooterLinkBlock

    block = FooterLinkBlock()
    with pytest.raises(ValidationError):
        block.clean({"title": "Bad", "url": "javascript:alert(1)"})
    assert block.clean({"title": "Good", "url": "/privacy/"})["url"] == "/privacy/"
