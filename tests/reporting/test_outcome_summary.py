"""The outcome report's kept counts (issue 20, 7): after commit a task recounts the default view
into ``OutcomeSummary``; what it keeps equals a recount of the raw records, and the report never
reads a summary that a newer record has made stale."""

import datetime
import random

from django.db.models import QuerySet

from brokerage.pipeline.models import OutcomeRecord
from brokerage.reporting import selectors
from brokerage.reporting.fixtures import OutcomeCounts, outcomes_bulk_create
from brokerage.reporting.models import OutcomeSummary
from brokerage.reporting.reports import outcomes, report_tables
from brokerage.reporting.summaries import outcome_summaries_refresh
from tests.factories.reference import AreaFactory
from tests.reporting.test_one_pass_counts import _recount


def _shuffle(programme, north, south):
    elsewhere = AreaFactory(name="Elsewhere")
    rng = random.Random(7)
    areas = [north.pk, south.pk, elsewhere.pk, None]
    for record in OutcomeRecord.objects.all():
        QuerySet.update(  # arranging the data: the records themselves refuse changes
            OutcomeRecord.objects.filter(pk=record.pk),
            area_id=rng.choice(areas),
            occurred_on=datetime.date(2025, 6, 2) + datetime.timedelta(days=rng.randrange(200)),
        )


def _kept(programme) -> outcomes.OutcomeCounts:
    return outcomes.OutcomeCounts.from_json(OutcomeSummary.objects.get(programme=programme).counts)


def test_kept_counts_equal_a_recount_of_random_data(records, programme, north, south, coordinator):
    _shuffle(programme, north, south)
    assert outcome_summaries_refresh(programme_ids=[programme.pk]) == 1
    scope = selectors.report_scope(coordinator, programme)
    measures = outcomes.outcome_measures(programme)
    kept = _kept(programme)
    by_area, people, by_month = _recount(scope, measures)
    assert (kept.by_area, kept.people, kept.by_month) == (by_area, people, by_month)
    assert outcomes.outcome_counts_kept(scope, measures) == outcomes.outcome_counts(scope, measures)


def test_report_reads_the_summary_and_shows_what_a_recount_shows(records, programme, coordinator):
    scope = selectors.report_scope(coordinator, programme)
    recounted = report_tables("outcomes", scope)  # the first view recounts and keeps
    assert OutcomeSummary.objects.filter(programme=programme).exists()
    again = report_tables("outcomes", scope)
    assert [t.rows for t in again] == [t.rows for t in recounted]
    assert [t.total for t in again] == [t.total for t in recounted]


def test_a_new_record_is_counted_at_once_and_the_task_keeps_it(
    records, programme, north, coordinator, django_capture_on_commit_callbacks
):
    outcome_summaries_refresh(programme_ids=[programme.pk])
    scope = selectors.report_scope(coordinator, programme)
    measures = outcomes.outcome_measures(programme)
    before = outcomes.outcome_counts_kept(scope, measures).people["starts"]
    # Written without signals (bulk_create): the report must still see it, by recounting.
    outcomes_bulk_create(
        programme=programme, area=north, prefix="X", counts=OutcomeCounts(starts=1),
        first_start=datetime.date(2025, 7, 1), spread_days=1,
    )
    assert outcomes.outcome_counts_kept(scope, measures).people["starts"] == before + 1
    # A record saved the ordinary way has the task recount after commit.
    template = OutcomeRecord.objects.filter(measure="starts").order_by("pk").last()
    assert template is not None
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        OutcomeRecord.objects.create(**{
            **{f.attname: getattr(template, f.attname) for f in OutcomeRecord._meta.concrete_fields
               if f.name not in ("id", "key", "created_at", "participant")},
            "key": "test:extra", "participant": OutcomeRecord.objects.filter(
                measure="starts").exclude(participant=template.participant)
                .order_by("pk").first().participant,
        })
    assert callbacks
    summary = OutcomeSummary.objects.get(programme=programme)
    assert summary.last_record_id == OutcomeRecord.objects.order_by("pk").last().pk
    assert _kept(programme) == outcomes.outcome_counts(scope, measures)


def test_another_view_is_recounted_not_read_from_the_summary(
    records, programme, south, coordinator
):
    outcome_summaries_refresh(programme_ids=[programme.pk])
    measures = outcomes.outcome_measures(programme)
    one_area = selectors.report_scope(coordinator, programme, area=south)
    assert outcomes.outcome_counts_kept(one_area, measures) == outcomes.outcome_counts(
        one_area, measures
    )
    assert outcomes.outcome_counts_kept(one_area, measures) != _kept(programme)


def test_money_reads_the_same_totals_from_the_summary(records, programme, coordinator):
    scope = selectors.report_scope(coordinator, programme)
    measures = [outcomes.Measure.STARTS, outcomes.Measure.PLACEMENTS,
                outcomes.Measure.SUSTAINED_26W]
    counted = outcomes.outcome_people(scope, measures)
    outcome_summaries_refresh(programme_ids=[programme.pk])
    assert outcomes.outcome_totals_for(scope) == counted
    assert counted["starts"] == 8 and counted["sustained_26w"] == 2
