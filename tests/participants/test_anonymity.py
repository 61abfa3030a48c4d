"""The anonymity rule (brokerage/participants/anonymity.py): what in free text could identify
the participant, named so the key worker knows what to remove."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from brokerage.participants.anonymity import anonymity_check, anonymity_screen, identifying_details
from brokerage.participants.models import Participant


def _person(**overrides) -> Participant:
    values = {
        "first_name": "Jordan", "last_name": "Reed", "email": "jordan.reed@example.com",
        "phone": "07700 900123", "ni_number": "QQ123456C", "postcode": "TS18 1AA",
        "address": "12 Station Road\nStockton-on-Tees", "date_of_birth": datetime.date(1990, 5, 17),
    }
    values.update(overrides)
    return Participant(**values)


@pytest.mark.parametrize("text,expected", [
    ("Jordan is keen to start", "their first name (Jordan)"),
    ("Ms REED has forklift experience", "their surname (Reed)"),
    ("Call on 07700 900 123", "their phone number (07700 900123)"),
    ("Ring +44 7700 900123 after 5", "their phone number (07700 900123)"),
    ("Email Jordan.Reed@example.com", "their email address (jordan.reed@example.com)"),
    ("NI QQ 12 34 56 C", "their National Insurance number (QQ123456C)"),
    ("Born 17/05/1990", "their date of birth"),
    ("Birthday 17th May 1990", "their date of birth"),
    ("Lives at ts181aa", "their postcode (TS18 1AA)"),
    ("Near 12 Station Road", "their address (12 Station Road)"),
    ("Lives on Station Road", "their address (Station Road)"),
    ("Another number: 01642 123456", "a phone number"),
    ("Write to someone@elsewhere.org", "an email address"),
    ("NI AB 12 34 56 D on file", "a National Insurance number"),
])
def test_each_kind_of_identifying_detail_is_named(text, expected):
    assert expected in identifying_details(text, _person())


@pytest.mark.parametrize("text", [
    "Keen to get back into manufacturing; has used a lathe at college.",
    "They will start as soon as the DBS check is back.",  # not Will
    "Two years in a Stockton-on-Tees warehouse, 37.5 hours a week from 2019 to 2021.",
    "Forklift licence (counterbalance) since 2018; CSCS card.",
])
def test_ordinary_notes_pass(text):
    assert identifying_details(text, _person()) == []


def test_a_common_word_name_matches_only_as_a_name():
    person = _person(first_name="Will")
    assert identifying_details("They will start on Monday", person) == []
    assert identifying_details("Will has a forklift licence", person) == ["their first name (Will)"]


def test_the_error_names_everything_to_remove_at_once():
    with pytest.raises(ValidationError) as refused:
        anonymity_check("Jordan, 07700900123", _person(), field="note", what="the note for the employer")
    message = refused.value.message_dict["note"][0]
    assert message.startswith(
        "Remove their first name (Jordan) and their phone number (07700 900123) from the note for "
        "the employer."
    )


def test_screening_leaves_out_what_identifies():
    assert anonymity_screen(["Forklift", "Reed's lathe certificate", "CSCS"], _person()) == [
        "Forklift", "CSCS",
    ]
