"""Keep the reasons picked when an opportunity is referred back or rejected as data, and fill them
for the decisions recorded before from the event's note ("Reason one; reason two. Own words");
a note that does not start with known labels is left without reasons."""

from django.db import migrations, models

CONTEXTS = {"referred_back": "opportunity_referred_back", "rejected": "opportunity_rejected"}


def _parse(text, labels):
    """The labels ``text`` starts with (as ``brokerage.pipeline.reasons.reasons_text`` writes
    them), or [] when it is not such a text. A copy: migrations must not follow app code."""
    known = sorted(set(labels), key=len, reverse=True)
    found, rest = [], (text or "").strip()
    while rest:
        for label in known:
            if rest == label:
                return [*found, label]
            if rest.startswith(label + "; ") and label not in found:
                found.append(label)
                rest = rest[len(label) + 2:]
                break
            if rest.startswith(label + ". ") and label not in found:
                return [*found, label]
        else:
            break
    return []


def fill(apps, schema_editor):
    OpportunityEvent = apps.get_model("opportunities", "OpportunityEvent")
    DecisionReason = apps.get_model("pipeline", "DecisionReason")
    by_context = {}
    for reason in DecisionReason.objects.filter(context__in=CONTEXTS.values()):
        by_context.setdefault(reason.context, {})[reason.label] = reason
    events = OpportunityEvent.objects.filter(to_status__in=CONTEXTS).exclude(note="")
    for event in events.iterator():
        reasons = by_context.get(CONTEXTS[event.to_status], {})
        labels = _parse(event.note, reasons)
        if labels:
            event.reasons.set([reasons[label] for label in labels])


class Migration(migrations.Migration):

    dependencies = [
        ("opportunities", "0005_normalise_matching_vocabulary"),
        ("pipeline", "0006_decision_reasons"),
    ]

    operations = [
        migrations.AddField(
            model_name="opportunityevent",
            name="reasons",
            field=models.ManyToManyField(
                blank=True, related_name="opportunity_events", to="pipeline.decisionreason"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
