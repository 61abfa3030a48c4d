"""Distances and search boxes: one set of formulas for postcodes, the listing and matching."""

import math

import pytest

from brokerage.reference.geometry import (
    EARTH_RADIUS_MILES,
    bounding_box,
    haversine_miles,
    miles_per_degree_longitude,
)
from brokerage.reference.postcodes import centroids


def _destination(point: tuple[float, float], miles: float, bearing: float) -> tuple[float, float]:
    """The point ``miles`` from ``point`` along ``bearing`` (degrees), on the same sphere."""
    lat, lon = map(math.radians, point)
    angle, theta = miles / EARTH_RADIUS_MILES, math.radians(bearing)
    lat2 = math.asin(
        math.sin(lat) * math.cos(angle) + math.cos(lat) * math.sin(angle) * math.cos(theta)
    )
    lon2 = lon + math.atan2(
        math.sin(theta) * math.sin(angle) * math.cos(lat),
        math.cos(angle) - math.sin(lat) * math.sin(lat2),
    )
    return math.degrees(lat2), math.degrees(lon2)


def _inside(box: tuple[float, float, float, float], point: tuple[float, float]) -> bool:
    low_lat, high_lat, low_lon, high_lon = box
    return low_lat <= point[0] <= high_lat and low_lon <= point[1] <= high_lon


def test_one_degree_of_latitude_is_69_miles():
    assert haversine_miles((54.0, -1.0), (55.0, -1.0)) == pytest.approx(69.09, abs=0.01)


def test_distance_is_zero_to_itself_and_the_same_both_ways():
    stockton, middlesbrough = (54.5639, -1.3130), (54.5742, -1.2350)
    assert haversine_miles(stockton, stockton) == 0
    assert haversine_miles(stockton, middlesbrough) == haversine_miles(middlesbrough, stockton)
    assert 3 < haversine_miles(stockton, middlesbrough) < 4


def test_opposite_sides_of_the_earth_are_half_way_round():
    assert haversine_miles((0.0, 0.0), (0.0, 180.0)) == pytest.approx(math.pi * EARTH_RADIUS_MILES)
    assert haversine_miles((54.0, -1.0), (-54.0, 179.0)) == pytest.approx(
        math.pi * EARTH_RADIUS_MILES
    )


@pytest.mark.parametrize("latitude", [0.0, 50.1, 54.6, 60.4, -33.9])
@pytest.mark.parametrize("miles", [1, 10, 25, 100])
def test_the_box_holds_every_point_within_reach(latitude, miles):
    centre = (latitude, -1.3)
    box = bounding_box(centre, miles)
    for bearing in range(0, 360, 5):
        edge = _destination(centre, miles, bearing)
        assert haversine_miles(centre, edge) == pytest.approx(miles)
        assert _inside(box, edge), (bearing, edge, box)


def test_the_box_is_only_a_little_larger_than_it_needs_to_be():
    low_lat, high_lat, low_lon, high_lon = bounding_box((54.6, -1.3), 10)
    north_south = haversine_miles((low_lat, -1.3), (high_lat, -1.3))
    east_west = haversine_miles((54.6, low_lon), (54.6, high_lon))
    assert 20 < north_south < 20.1
    assert 20 < east_west < 20.6


def test_every_outward_code_within_reach_is_in_the_box():
    points = centroids()
    for origin in ("TS18", "ZE1", "TR18", "SW1A", "BT1"):
        centre = points[origin]
        for miles in (5, 30, 100):
            box = bounding_box(centre, miles)
            near = [p for p in points.values() if haversine_miles(centre, p) <= miles]
            assert near, origin
            assert all(_inside(box, p) for p in near), (origin, miles)


def test_a_degree_of_longitude_narrows_towards_the_poles_but_never_to_nothing():
    assert miles_per_degree_longitude(0.0, 0) == pytest.approx(69.0)
    assert miles_per_degree_longitude(60.0, 0) == pytest.approx(34.5)
    assert miles_per_degree_longitude(-60.0, 0) == miles_per_degree_longitude(60.0, 0)
    assert miles_per_degree_longitude(54.0, 100) < miles_per_degree_longitude(54.0, 10)
    assert miles_per_degree_longitude(89.9, 100) == pytest.approx(0.69)
