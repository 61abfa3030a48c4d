"""Fill the context of outcome records written before facts kept it.

As best it can: the programme the person is enrolled on (enrolment), the area already stored
with the fact (or the person's area when none was stored), their key worker's partner, and the
opportunity's strand and type. It prints how many records it could not place in an area or give
a key worker's partner; those keep ``context = "not_known"`` and count in "Area not known".
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    OutcomeRecord = apps.get_model("pipeline", "OutcomeRecord")
    Opportunity = apps.get_model("opportunities", "Opportunity")
    Participant = apps.get_model("participants", "Participant")
    old = OutcomeRecord._base_manager.all()  # facts are immutable, except to this migration
    total = old.count()
    if not total:
        return
    opportunity = Opportunity.objects.filter(pk=OuterRef("opportunity_id"))
    person = Participant.objects.filter(pk=OuterRef("participant_id"))
    old.update(
        opportunity_type=Subquery(opportunity.values("opportunity_type")[:1]),
        strand_id=Subquery(opportunity.values("strand_id")[:1]),
        enrolment_id=Subquery(person.values("programme_id")[:1]),
        key_worker_partner_id=Subquery(person.values("key_worker__partner_id")[:1]),
        context="filled",
    )
    old.filter(area__isnull=True).update(area_id=Subquery(person.values("area_id")[:1]))
    no_area = old.filter(area__isnull=True)
    no_partner = old.filter(key_worker_partner__isnull=True)
    not_known = no_area.count()
    no_partner_count = no_partner.count()
    no_area.update(context="not_known")
    print(
        f"\n  Outcome records: filled the context of {total - not_known} of {total}; "
        f"{not_known} could not be placed in an area (counted under 'Area not known'); "
        f"{no_partner_count} have no key worker's partner (the person had no key worker)."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0004_outcome_context_at_the_time"),
        ("opportunities", "0001_initial"),
        ("participants", "0001_initial"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
