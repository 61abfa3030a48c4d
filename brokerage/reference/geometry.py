"""Distances on the Earth, in miles, between points given as (latitude, longitude) in degrees.

The one place for these formulas: postcode distances, the opportunity listing's "within N
miles" filter and matching's travel limit (both search backends) all use them.

``bounding_box`` narrows a search in the database before the exact ``haversine_miles`` check,
so it must never leave out a point that is within reach: it may be a little too large, never
too small. It divides by ``MILES_PER_DEGREE_LATITUDE`` (69.0, a little under the true 69.09 of
a sphere of ``EARTH_RADIUS_MILES``) and measures a degree of longitude at the latitude in the
box furthest from the equator, where it is narrowest.
"""

import math

Point = tuple[float, float]

#: The Earth's mean radius.
EARTH_RADIUS_MILES = 3958.8
#: Miles in a degree of latitude, rounded down (EARTH_RADIUS_MILES × π / 180 is 69.09).
MILES_PER_DEGREE_LATITUDE = 69.0
#: The smallest cosine a box uses, so that a box reaching a pole stays finite.
_MIN_COSINE = 0.01


def haversine_miles(a: Point, b: Point) -> float:
    """The distance between two points as the crow flies (along a great circle)."""
    lat1, lat2 = math.radians(a[0]), math.radians(b[0])
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def miles_per_degree_longitude(latitude: float, miles: float) -> float:
    """Miles in a degree of longitude at its narrowest within ``miles`` north or south of
    ``latitude`` (degrees of longitude narrow towards the poles)."""
    furthest = abs(latitude) + miles / MILES_PER_DEGREE_LATITUDE
    return MILES_PER_DEGREE_LATITUDE * max(math.cos(math.radians(furthest)), _MIN_COSINE)


def bounding_box(point: Point, miles: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) of a box holding every point within ``miles``."""
    lat, lon = point
    dlat = miles / MILES_PER_DEGREE_LATITUDE
    dlon = miles / miles_per_degree_longitude(lat, miles)
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
