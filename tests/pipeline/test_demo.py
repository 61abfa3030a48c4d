import io
from importlib import import_module

import pytest
from django.utils import timezone

from brokerage.pipeline import demo
from brokerage.pipeline.models import CheckpointRule, OutcomeRecord, Placement, Proposal

pytestmark = pytest.mark.django_db

CHAIN = ["brokerage.reference.demo", "portal.accounts.demo", "brokerage.employers.demo",
         "brokerage.opportunities.demo", "brokerage.participants.demo"]


def test_demo_skips_gracefully_when_nothing_is_there():
    out = io.StringIO()
    demo.load(out)
    assert "no demo pipeline" in out.getvalue() and not Proposal.objects.exists()


def test_demo_loads_once_with_a_4_week_checkpoint_due_for_tees_components():
    out = io.StringIO()
    for dotted in CHAIN:
        import_module(dotted).load(out)
    demo.load(out)
    demo.load(out)  # idempotent
    assert Proposal.objects.count() == 5
    assert set(Proposal.objects.values_list("status", flat=True)) == {
        "proposed", "interview_booked", "declined", "started"}
    assert Placement.objects.count() == 2
    due = [c for p in Placement.objects.all() for c in p.checkpoints.filter(
        status="scheduled", counts_as="job_starts_4w", due_on__lte=timezone.localdate())]
    assert len(due) == 1 and due[0].placement.employer.name == "Tees Components Ltd"
    assert OutcomeRecord.objects.filter(kind="checkpoint_met").count() == 1
    assert CheckpointRule.objects.filter(programme__name="Routes to Work").count() == 7
