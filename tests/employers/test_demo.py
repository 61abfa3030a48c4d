import io

import pytest

from brokerage.employers import demo, selectors
from brokerage.employers.models import (
    Employer,
    EmployerMembership,
    MembershipRole,
    PartnerRelationship,
)

pytestmark = pytest.mark.django_db


def test_demo_data_loads_twice_with_an_admin_a_relationship_and_a_duplicate_pair():
    from brokerage.reference import demo as reference_demo
    from portal.accounts import demo as accounts_demo

    out = io.StringIO()
    reference_demo.load(out)
    accounts_demo.load(out)
    demo.load(out)
    demo.load(out)  # idempotent

    assert Employer.objects.filter(name="Tees Components Ltd").count() == 1
    tees = Employer.objects.get(name="Tees Components Ltd")
    assert tees.area.name == "Stockton-on-Tees"
    assert EmployerMembership.objects.get(employer=tees).user.email == "employer@example.org"
    assert EmployerMembership.objects.get(employer=tees).role == MembershipRole.ADMIN
    assert PartnerRelationship.objects.filter(employer=tees, partner__name="Stockton Jobcentre Plus").exists()
    assert tees.interactions.values("partner").distinct().count() >= 3
    pairs = selectors.employer_duplicates()
    assert [sorted((p.first.name, p.second.name)) for p in pairs] == [
        ["Teesdale Care Homes Limited", "Teesdale Care Homes Ltd."]
    ]
    assert "partners not found" not in out.getvalue()
