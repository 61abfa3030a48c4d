import pytest

from brokerage.reference.postcodes import (
    PostcodeError,
    centroid,
    distance_miles,
    normalise_postcode,
    outward_code,
    validate_known_postcode,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ts1 3bx", "TS1 3BX"),
        ("TS13BX", "TS1 3BX"),
        ("  sn1  2jg ", "SN1 2JG"),
        ("ec1a1bb", "EC1A 1BB"),
        ("ts18", "TS18"),
    ],
)
def test_normalise_postcode(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["", "hello", "12345", "TS1 3B", None])
def test_normalise_postcode_rejects_nonsense_with_an_example(raw):
    with pytest.raises(PostcodeError, match="Enter a real postcode, like TS1 3BX"):
        normalise_postcode(raw)


def test_outward_code():
    assert outward_code("ts18 1aa") == "TS18"


def test_validate_known_postcode_returns_the_tidy_postcode():
    assert validate_known_postcode("ts18 1aa") == "TS18 1AA"


def test_validate_known_postcode_names_an_unknown_postcode():
    with pytest.raises(PostcodeError) as excinfo:
        validate_known_postcode("zz9 9zz")
    assert str(excinfo.value) == (
        "We do not recognise the postcode ZZ9 9ZZ. Check it and try again"
    )


def test_validate_known_postcode_rejects_a_malformed_one():
    with pytest.raises(PostcodeError, match="Enter a real postcode"):
        validate_known_postcode("not a postcode")


def test_distance_from_middlesbrough_to_swindon():
    miles = distance_miles("TS1 3BX", "SN1 2JG")
    assert 195 < miles < 225  # about 210 miles as the crow flies
    assert distance_miles("SN1", "TS1") == pytest.approx(miles)


def test_distance_within_a_town_is_short_and_unknown_is_none():
    assert distance_miles("TS18 1AA", "TS17 6BX") < 5
    assert distance_miles("TS1", "TS1") == 0
    assert distance_miles("TS1 3BX", "ZZ9 9ZZ") is None
    assert distance_miles("TS1 3BX", "nonsense") is None
    assert centroid("nonsense") is None

