import csv
import datetime
import io

import pytest
from django.db import transaction

from brokerage.reference import demo
from brokerage.reference.models import (
    Area,
    AreaOutcode,
    Measure,
    Partner,
    PartnerStanding,
    PartnerType,
    Programme,
    Strand,
    Target,
)
from brokerage.reference.postcodes import CENTROIDS_CSV
from portal.core.management.commands import seed_demo

TODAY = datetime.date(2026, 11, 23)

MODELS = [Area, AreaOutcode, Programme, Strand, Target, Partner]


def _counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    """Load once for the module inside a transaction that is rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        demo.load(out, today=TODAY)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def loaded(_loaded_once, db):
    return _loaded_once


def test_load_prints_a_one_line_summary(loaded):
    assert loaded.count("\n") <= 1
    assert "21 areas" in loaded
    assert "4 programmes" in loaded
    assert f"{Partner.objects.count()} partners" in loaded


def test_loading_twice_changes_nothing(loaded):
    first = _counts()
    assert all(first.values()), first
    Partner.objects.filter(name="Stockton Jobcentre Plus").update(capacity=1)

    demo.load(io.StringIO(), today=TODAY)

    assert _counts() == first
    assert Partner.objects.get(name="Stockton Jobcentre Plus").capacity == 40


def test_seed_demo_runs_reference_data_before_every_other_module():
    assert seed_demo.DEMO_MODULES[0] == "brokerage.reference.demo"


def test_routes_to_work_minimum_participants_per_authority(loaded):
    targets = Target.objects.filter(
        programme__name="Routes to Work", measure=Measure.PARTICIPANTS, strand=None
    )
    assert {t.area.name: t.value for t in targets} == {
        "Stockton-on-Tees": 625,
        "Middlesbrough": 650,
        "Redcar and Cleveland": 500,
        "Hartlepool": 400,
        "Darlington": 325,
    }
    programme = Programme.objects.get(name="Routes to Work")
    assert set(programme.areas.values_list("name", flat=True)) == set(demo.TEES_VALLEY)


def test_plan_500_has_five_strands_adding_up_to_500_opportunities(loaded):
    programme = Programme.objects.get(name="Plan 500")
    assert list(programme.strands.values_list("name", flat=True)) == [
        "Mentoring",
        "Apprenticeships",
        "Work experience",
        "Work-based qualifications",
        "Diploma support to schools",
    ]
    targets = {
        t.strand.name: t.value
        for t in programme.targets.filter(measure=Measure.OPPORTUNITIES_CREATED)
    }
    assert targets == {
        "Mentoring": 100,
        "Apprenticeships": 150,
        "Work experience": 150,
        "Work-based qualifications": 50,
        "Diploma support to schools": 50,
    }
    assert sum(targets.values()) == 500
    assert "16 to 24" in programme.eligibility_summary


def test_plan_500_targets_cover_the_current_12_month_cycle(loaded):
    target = Target.objects.filter(programme__name="Plan 500").first()
    assert target.period_start == datetime.date(2026, 8, 1)
    assert target.period_end == datetime.date(2027, 7, 31)
    start, end = demo.target_period({"cycle_start_month": 8}, datetime.date(2027, 3, 1))
    assert (start, end) == (datetime.date(2026, 8, 1), datetime.date(2027, 7, 31))


def test_ambition_scr_targets_per_authority_and_measure(loaded):
    programme = Programme.objects.get(name="Ambition SCR")
    chesterfield = {t.measure: t.value for t in programme.targets.filter(area__name="Chesterfield")}
    assert chesterfield == {
        Measure.STARTS: 93,
        Measure.PLACEMENTS: 46,
        Measure.JOB_STARTS_4W: 37,
        Measure.SUSTAINED_26W: 20,
        Measure.PROGRESSIONS: 20,
    }
    starts = programme.targets.filter(measure=Measure.STARTS)
    assert starts.count() == 5
    assert sum(t.value for t in starts) == 279  # the seed's printed SCR total for starts
    assert programme.end_date < TODAY


def test_every_programme_has_a_fallback_partner_that_covers_its_areas(loaded):
    for programme in Programme.objects.all():
        fallback = programme.fallback_partner
        assert fallback is not None, programme
        assert programme in fallback.programmes.all()
        assert set(programme.areas.all()) <= set(fallback.areas.all())


def test_the_demo_partner_user_has_its_jobcentre(loaded):
    partner = Partner.objects.get(name="Stockton Jobcentre Plus")
    assert partner.partner_type == PartnerType.JOBCENTRE_PLUS
    assert partner.standing == PartnerStanding.ACTIVE
    assert list(partner.areas.values_list("name", flat=True)) == ["Stockton-on-Tees"]
    assert partner.programmes.get().name == "Routes to Work"


def test_partner_contacts_are_fictional_and_every_partner_is_placed(loaded):
    for partner in Partner.objects.prefetch_related("areas", "programmes"):
        assert partner.contact_email.endswith("@example.org"), partner
        assert partner.contact_phone.startswith("01632 960"), partner
        assert partner.areas.exists() and partner.programmes.exists(), partner
    assert set(Partner.objects.values_list("partner_type", flat=True)) >= {
        PartnerType.JOBCENTRE_PLUS,
        PartnerType.COUNCIL,
        PartnerType.TRAINING_PROVIDER,
        PartnerType.HOUSING_PROVIDER,
        PartnerType.VOLUNTARY,
    }


@pytest.mark.parametrize(
    ("postcode", "area"),
    [
        ("TS18 1AA", "Stockton-on-Tees"),
        ("ts1 3bx", "Middlesbrough"),
        ("TS10 1AB", "Redcar and Cleveland"),
        ("TS24 7AA", "Hartlepool"),
        ("DL1 5QT", "Darlington"),
        ("SN1 2JG", "Swindon"),
        ("S40 1LP", "Chesterfield"),
        ("S1 2HH", "Sheffield"),
        ("L1 8JQ", "Liverpool"),
        ("CH41 5LH", "Wirral"),
        ("WA7 2GW", "Halton"),
        ("PR8 1DA", "Sefton"),
    ],
)
def test_area_for_postcode(loaded, postcode, area):
    assert Area.for_postcode(postcode).name == area


@pytest.mark.parametrize("postcode", ["EC1A 1BB", "TS9 5AA", "not a postcode", ""])
def test_area_for_postcode_outside_the_areas_is_none(loaded, postcode):
    assert Area.for_postcode(postcode) is None


def test_every_outcode_is_a_known_centroid():
    with CENTROIDS_CSV.open(newline="") as handle:
        known = {row["outcode"] for row in csv.DictReader(handle)}
    with (demo.DATA_DIR / "outcodes.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    codes = [row["outcode"] for row in rows]
    assert set(codes) <= known
    assert len(codes) == len(set(codes)), "an outward code belongs to one area only"
    with (demo.DATA_DIR / "areas.csv").open(newline="") as handle:
        area_names = {row["area"] for row in csv.DictReader(handle)}
    assert {row["area"] for row in rows} == area_names, "every area has outward codes"


def test_loaded_outcodes_exist_in_the_centroid_csv(loaded):
    with CENTROIDS_CSV.open(newline="") as handle:
        known = {row["outcode"] for row in csv.DictReader(handle)}
    assert set(AreaOutcode.objects.values_list("code", flat=True)) <= known
