"""UK postcodes without a network service: outward codes, centroids and distances.

Distances are measured between outward-code centroids with ``geometry.haversine_miles``.
"""

import csv
import re
from functools import lru_cache
from pathlib import Path

from brokerage.reference.geometry import haversine_miles

CENTROIDS_CSV = Path(__file__).parent / "data" / "uk-outcode-centroids.csv"

_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
_OUTCODE_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


class PostcodeError(ValueError):
    pass


def normalise_postcode(value: str) -> str:
    """'ts1 3bx' -> 'TS1 3BX'. A bare outward code ('TS1') is kept as it is."""
    compact = re.sub(r"\s+", "", (value or "").upper())
    match = _POSTCODE_RE.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    if _OUTCODE_RE.match(compact):
        return compact
    raise PostcodeError("Enter a real postcode, like TS1 3BX")


def outward_code(postcode: str) -> str:
    return normalise_postcode(postcode).split(" ")[0]


@lru_cache(maxsize=1)
def centroids() -> dict[str, tuple[float, float]]:
    with CENTROIDS_CSV.open(newline="") as handle:
        return {
            row["outcode"].upper(): (float(row["latitude"]), float(row["longitude"]))
            for row in csv.DictReader(handle)
        }


def centroid(postcode_or_outcode: str) -> tuple[float, float] | None:
    try:
        return centroids().get(outward_code(postcode_or_outcode))
    except PostcodeError:
        return None


def validate_known_postcode(value: str) -> str:
    """Return the normalised postcode, or raise PostcodeError with a message for the user."""
    postcode = normalise_postcode(value)
    if outward_code(postcode) not in centroids():
        raise PostcodeError(
            f"We do not recognise the postcode {postcode}. Check it and try again"
        )
    return postcode


def distance_miles(postcode_a: str, postcode_b: str) -> float | None:
    a, b = centroid(postcode_a), centroid(postcode_b)
    if a is None or b is None:
        return None
    return haversine_miles(a, b)
