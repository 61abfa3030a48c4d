"""The database backend's packed candidates (search.packed) follow every committed change.

Each process keeps the candidate side packed between requests; these tests change one record
after a ranking has been read and check that the very next ranking shows the change, that only
that record was read again (no full reload), and that dates are judged as of the day asked.
"""

import datetime
from decimal import Decimal

from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.participants.models import Participant
from search.backends.base import MatchFilters
from search.backends.database import DatabaseBackend
from search.models import MatchingChange
from search.packed import OpportunityPack, ParticipantPack, pack_for
from tests.search.conftest import today


def _jobs_for(person, day=None):
    person.refresh_from_db()
    found = DatabaseBackend().opportunities_for_participant(
        person, filters=MatchFilters(), today=day or today())
    return [(m.opportunity_id, m.score) for m in found]


def _people_for(job):
    job.refresh_from_db()
    found = DatabaseBackend().participants_for_opportunity(
        job, filters=MatchFilters(), today=today())
    return [(m.participant_id, m.score) for m in found]


def test_a_changed_opportunity_shows_in_the_next_ranking(make_participant, make_opportunity):
    person = make_participant(hours_min=16, hours_max=25)
    near_fit = make_opportunity(hours_per_week=Decimal("20"))
    too_long = make_opportunity(hours_per_week=Decimal("40"))
    before = _jobs_for(person)
    assert [pk for pk, _ in before] == [near_fit.pk, too_long.pk]
    rebuilds = pack_for(OpportunityPack).rebuilds

    too_long.hours_per_week = Decimal("20")
    too_long.sector = "retail"
    too_long.save()
    person.sector_interests = ["retail"]
    person.save()
    after = _jobs_for(person)
    assert [pk for pk, _ in after] == [too_long.pk, near_fit.pk]
    assert dict(after)[too_long.pk] > dict(before)[too_long.pk]
    assert pack_for(OpportunityPack).rebuilds == rebuilds  # just that record read again

    too_long.status = OpportunityStatus.CLOSED
    too_long.save()
    assert [pk for pk, _ in _jobs_for(person)] == [near_fit.pk]
    near_fit.delete()
    assert _jobs_for(person) == []
    fresh = make_opportunity()
    assert [pk for pk, _ in _jobs_for(person)] == [fresh.pk]
    assert pack_for(OpportunityPack).rebuilds == rebuilds


def test_a_changed_participant_shows_in_the_next_ranking(make_participant, make_opportunity):
    job = make_opportunity(hours_per_week=Decimal("30"))
    keen = make_participant(hours_min=25, hours_max=35)
    other = make_participant(hours_min=0, hours_max=10)
    assert [pk for pk, _ in _people_for(job)] == [keen.pk, other.pk]
    rebuilds = pack_for(ParticipantPack).rebuilds

    other.hours_min, other.hours_max = 28, 32
    other.save()
    keen.consent_employer_profile = False  # withdrawn: never matched again
    keen.save()
    assert [pk for pk, _ in _people_for(job)] == [other.pk]
    assert pack_for(ParticipantPack).rebuilds == rebuilds


def test_a_change_the_pack_cannot_account_for_reads_everything_again(
    make_participant, make_opportunity
):
    """A change rolled back after a process applied it, or rows loaded without signals."""
    person = make_participant()
    job = make_opportunity()
    assert [pk for pk, _ in _jobs_for(person)] == [job.pk]
    pack = pack_for(OpportunityPack)
    rebuilds = pack.rebuilds

    MatchingChange.objects.filter(model_label=pack.label).delete()  # as after a rollback
    assert [pk for pk, _ in _jobs_for(person)] == [job.pk]
    assert pack_for(OpportunityPack).rebuilds == rebuilds + 1

    loaded = Opportunity.objects.bulk_create([Opportunity(
        employer=job.employer, opportunity_type=job.opportunity_type, title="Bulk loaded",
        status=OpportunityStatus.LIVE, sector=job.sector, postcode=job.postcode,
        latitude=job.latitude, longitude=job.longitude, places=1,
        hours_per_week=Decimal("30"), start_date=job.start_date, approved_at=job.approved_at,
    )])[0]
    assert sorted(pk for pk, _ in _jobs_for(person)) == sorted([job.pk, loaded.pk])
    assert pack_for(OpportunityPack).rebuilds == rebuilds + 2


def test_closing_and_ages_are_judged_on_the_day_asked(make_participant, make_opportunity):
    """Nothing date-bound is stored in the pack: the closing date passing, or a birthday,
    changes the ranking without any change to the records."""
    day = today()
    person = make_participant(date_of_birth=day.replace(year=day.year - 24) + datetime.timedelta(days=3))
    closing = make_opportunity(closing_date=day + datetime.timedelta(days=1), rolling=False)
    young = make_opportunity(max_age=23)
    assert {pk for pk, _ in _jobs_for(person)} == {closing.pk, young.pk}
    later = day + datetime.timedelta(days=5)
    assert [pk for pk, _ in _jobs_for(person, later)] == []


def test_every_save_and_delete_is_noted_for_other_processes(make_participant, make_opportunity):
    job = make_opportunity()
    person = make_participant()
    job.delete()
    noted = list(MatchingChange.objects.order_by("id").values_list("model_label", "object_id", "kind"))
    assert ("opportunities.opportunity", job_pk := noted[0][1], "c") in noted
    assert ("participants.participant", person.pk, "c") in noted
    assert ("opportunities.opportunity", job_pk, "d") in noted
    assert Participant.objects.filter(pk=person.pk).exists()


def test_old_change_notes_are_pruned_and_a_pack_behind_them_reads_everything(
    make_participant, make_opportunity
):
    from django.utils import timezone

    from search.packed import CHANGES_KEPT, changes_prune

    person = make_participant()
    job = make_opportunity()
    assert [pk for pk, _ in _jobs_for(person)] == [job.pk]
    rebuilds = pack_for(OpportunityPack).rebuilds
    MatchingChange.objects.update(changed_at=timezone.now() - CHANGES_KEPT - datetime.timedelta(minutes=1))
    fresh = make_opportunity()
    assert changes_prune(now=timezone.now()) >= 2
    assert MatchingChange.objects.filter(object_id=fresh.pk, model_label=OpportunityPack.label).exists()
    assert sorted(pk for pk, _ in _jobs_for(person)) == sorted([job.pk, fresh.pk])
    assert pack_for(OpportunityPack).rebuilds == rebuilds + 1
