import io

import pytest

from brokerage.opportunities import demo
from brokerage.opportunities.selectors import strand_report
from brokerage.reference.models import Programme

pytestmark = pytest.mark.django_db

SEED_TABLE = {  # seed 002, "correct as of 06 May 2011": strand -> (target, employers, opportunities)
    "Mentoring": (100, 51, 40),
    "Apprenticeships": (150, 28, 102),
    "Work experience": (150, 36, 56),
    "Work-based qualifications": (50, 6, 5),
    "Diploma support to schools": (50, 10, 37),
}


def test_plan_500_demo_reproduces_the_6_may_2011_table_and_is_idempotent():
    from brokerage.reference import demo as reference_demo

    out = io.StringIO()
    reference_demo.load(out)
    demo.load(out)
    demo.load(out)  # twice: nothing doubles
    report = strand_report(Programme.objects.get(name="Plan 500"))
    got = {r.strand.name: (r.target, r.employers_registered, r.opportunities_created) for r in report.rows}
    assert got == SEED_TABLE
    assert report.employers_registered_total == 131  # the seed prints 130
    assert report.opportunities_created_total == 240
    assert report.distinct_employers == 90
