"""Normalise the skills, licences and sectors stored before the one normaliser
(``brokerage.reference.vocabulary``): "Customer  Service" becomes "customer service", "CSCS card"
becomes ``cscs``. Safe to run again."""

from django.db import migrations

from brokerage.reference.vocabulary import licences_normalise, sector_normalise, skills_normalise

LISTS = {"essential_skills": skills_normalise, "desirable_skills": skills_normalise,
         "required_licences": licences_normalise}


def _normalise(apps, schema_editor):
    Opportunity = apps.get_model("opportunities", "Opportunity")
    changed = []
    for row in Opportunity.objects.only("pk", "sector", *LISTS).iterator(chunk_size=2000):
        dirty = False
        for field, normalise in LISTS.items():
            old = getattr(row, field) or []
            new = normalise(old)
            if new != old:
                setattr(row, field, new)
                dirty = True
        sector = sector_normalise(row.sector)
        if sector != (row.sector or ""):
            row.sector = sector
            dirty = True
        if dirty:
            changed.append(row)
    Opportunity.objects.bulk_update(changed, [*LISTS, "sector"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0004_apprenticeship_and_safeguarding")]

    operations = [migrations.RunPython(_normalise, migrations.RunPython.noop, elidable=True)]
