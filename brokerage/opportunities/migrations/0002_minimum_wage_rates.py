"""The real UK National Minimum Wage and National Living Wage rates, and starter banned phrases."""

import datetime

from django.db import migrations

# (effective from, {age band: hourly pence})
RATES = [
    (datetime.date(2024, 4, 1), {"21_plus": 1144, "18_20": 860, "under_18": 640, "apprentice": 640}),
    (datetime.date(2025, 4, 1), {"21_plus": 1221, "18_20": 1000, "under_18": 755, "apprentice": 755}),
    (datetime.date(2026, 4, 1), {"21_plus": 1271, "18_20": 1085, "under_18": 800, "apprentice": 800}),
]

BANNED = [
    ("young and energetic", "Describes an age: say what the job needs instead"),
    ("recent graduate", "Can exclude older candidates: describe the skills instead"),
    ("digital native", "Describes an age: describe the digital skills needed"),
    ("no benefit claimants", "Excludes the people the programme supports"),
    ("no dss", "Excludes the people the programme supports"),
    ("must be under", "Age limits are set in the eligibility questions, not the description"),
    ("able-bodied", "Discriminates against disabled people"),
    ("native english speaker", "Discriminates by nationality: say what English level is needed"),
]


def load(apps, schema_editor):
    MinimumWageRate = apps.get_model("opportunities", "MinimumWageRate")
    BannedPhrase = apps.get_model("opportunities", "BannedPhrase")
    for effective_from, bands in RATES:
        for band, pence in bands.items():
            MinimumWageRate.objects.update_or_create(
                age_band=band, effective_from=effective_from, defaults={"hourly_pence": pence}
            )
    for phrase, reason in BANNED:
        BannedPhrase.objects.get_or_create(phrase=phrase, defaults={"reason": reason})


class Migration(migrations.Migration):
    dependencies = [("opportunities", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
