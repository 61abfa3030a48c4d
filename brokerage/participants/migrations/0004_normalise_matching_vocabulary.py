"""Normalise the skills, licences and sector interests stored before the one normaliser
(``brokerage.reference.vocabulary``): "Customer  Service" becomes "customer service", "CSCS card"
becomes ``cscs``. Participants and their assessments; safe to run again."""

from django.db import migrations

from brokerage.reference.vocabulary import licences_normalise, sectors_normalise, skills_normalise

FIELDS = {"skills": skills_normalise, "licences": licences_normalise,
          "sector_interests": sectors_normalise}


def _normalise(apps, schema_editor):
    for name in ("Participant", "Assessment"):
        model = apps.get_model("participants", name)
        changed = []
        for row in model.objects.only("pk", *FIELDS).iterator(chunk_size=2000):
            dirty = False
            for field, normalise in FIELDS.items():
                old = getattr(row, field) or []
                new = sorted(normalise(old)) if field == "skills" else normalise(old)
                if new != old:
                    setattr(row, field, new)
                    dirty = True
            if dirty:
                changed.append(row)
        model.objects.bulk_update(changed, list(FIELDS), batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("participants", "0003_referral_import_expired")]

    operations = [migrations.RunPython(_normalise, migrations.RunPython.noop, elidable=True)]
