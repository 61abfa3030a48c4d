import pytest
from django.core.exceptions import ValidationError

from brokerage.employers.matching import (
    email_domain,
    normalise_companies_house_number,
    normalise_employer_name,
)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Tees Components Ltd", "tees components"),
        ("TEES COMPONENTS LIMITED.", "tees components"),
        ("The Tees Components Ltd", "tees components"),
        ("Smith & Co", "smith"),
        ("Smith and Co. Ltd", "smith"),
        ("Marks & Spencer plc", "marks and spencer"),
        ("Bloggs  Partners LLP", "bloggs partners"),
        ("O'Brien's Bakery", "obriens bakery"),
    ],
)
def test_normalised_names_ignore_case_punctuation_and_legal_suffixes(name, expected):
    assert normalise_employer_name(name) == expected


def test_email_domain_ignores_webmail():
    assert email_domain("Mark@TeesComponents.co.uk") == "teescomponents.co.uk"
    assert email_domain("someone@gmail.com") == ""
    assert email_domain("not-an-email") == ""


@pytest.mark.parametrize("value, expected", [("01234567", "01234567"), (" sc 123456 ", "SC123456"), ("", "")])
def test_companies_house_numbers_are_normalised(value, expected):
    assert normalise_companies_house_number(value) == expected


@pytest.mark.parametrize("value", ["1234567", "123456789", "S1234567", "AB12345C"])
def test_malformed_companies_house_numbers_get_a_clear_message(value):
    with pytest.raises(ValidationError) as exc:
        normalise_companies_house_number(value)
    assert "8 characters, like 01234567 or SC123456" in exc.value.messages[0]
