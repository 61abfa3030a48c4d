"""Following an enquiry without an account: the confirmation names the partner and the
deadline; the reference and email (or the emailed link) show its status and history; a wrong
email learns nothing."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from brokerage.enquiries import follow
from brokerage.enquiries.models import Enquiry, EnquiryItemEvent, EventKind, ItemStatus
from tests.enquiries.test_public_views import CONTACT, fill_in, jcp  # noqa: F401

pytestmark = pytest.mark.django_db

NOT_FOUND = "We could not find an enquiry with that reference number and email address"


@pytest.fixture
def sent(client, jcp, django_capture_on_commit_callbacks):  # noqa: F811
    fill_in(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("enquiries:check"))
    return Enquiry.objects.get()


def test_the_confirmation_names_the_partner_and_the_deadline(client, sent):
    body = client.get(reverse("enquiries:sent")).content.decode()
    item = sent.items.get()
    assert "Stockton Jobcentre Plus" in body
    assert f"Will contact you by {item.deadline_display}" in body
    assert "Check on your enquiry" in body
    assert "Create an employer account" in body


def test_the_emailed_link_shows_status_and_history_without_an_account(client, sent):
    [email] = [m for m in mail.outbox if m.to == [CONTACT["email"]]]
    url = re.search(r"http\S+/employers/enquiry/(\S+)/", email.body)
    assert url, email.body
    item = sent.items.get()
    item.status = ItemStatus.ACCEPTED
    item.save()
    EnquiryItemEvent.objects.create(item=item, kind=EventKind.ACCEPTED, partner=item.partner,
                                    happened_at=timezone.now())
    EnquiryItemEvent.objects.create(item=item, kind=EventKind.ESCALATED, partner=item.partner,
                                    happened_at=timezone.now(), note="Internal: chased twice")
    client.logout()
    response = client.get(reverse("enquiries:follow_link", args=[url.group(1)]))
    body = response.content.decode()
    assert response.status_code == 200
    assert sent.reference in body
    assert "Stockton Jobcentre Plus is dealing with it" in body
    assert "Passed to Stockton Jobcentre Plus" in body and "took it on" in body
    assert "Internal: chased twice" not in body  # escalations are not the employer's business
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_reference_and_email_find_it_in_any_case(client, sent):
    response = client.post(reverse("enquiries:follow"),
                           {"reference": sent.reference.lower(), "email": CONTACT["email"].upper()})
    assert response.status_code == 200
    assert "With Stockton Jobcentre Plus: not picked up yet" in response.content.decode()


@pytest.mark.parametrize("reference, email", [
    ("right", "someone.else@example.com"),
    ("ENQ-NOPE00", CONTACT["email"]),
])
def test_a_wrong_email_gets_the_same_answer_as_an_unknown_reference(client, sent, reference, email):
    reference = sent.reference if reference == "right" else reference
    response = client.post(reverse("enquiries:follow"), {"reference": reference, "email": email})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and NOT_FOUND in body
    assert "Stockton Jobcentre Plus" not in body and "Tees Components" not in body


def test_missing_answers_are_explained(client, sent):
    body = client.post(reverse("enquiries:follow"), {"reference": "", "email": "nope"}).content.decode()
    assert "Enter your enquiry&#x27;s reference number" in body
    assert "Enter an email address in the correct format" in body


def test_an_altered_or_old_link_shows_nothing(client, sent, settings):
    token = follow.enquiry_follow_token(sent)
    response = client.get(reverse("enquiries:follow_link", args=[token[:-2] + "xx"]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
    assert sent.reference not in response.content.decode()


def test_guessing_is_rate_limited(client, sent):
    for _ in range(follow_limit := 10):
        client.post(reverse("enquiries:follow"), {"reference": "ENQ-AAAAAA", "email": "a@b.co"})
    assert follow_limit
    response = client.post(reverse("enquiries:follow"),
                           {"reference": sent.reference, "email": CONTACT["email"]})
    assert response.status_code == 429


def test_the_start_page_leads_to_check_your_enquiry_without_an_account(client):
    body = client.get(reverse("enquiries:start")).content.decode()
    assert f'href="{reverse("enquiries:follow")}"' in body and "Check your enquiry" in body
    assert f'href="{reverse("account_signup")}"' in body
