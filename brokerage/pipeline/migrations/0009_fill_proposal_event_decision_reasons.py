"""Fill the picked reasons of decisions recorded while they were kept only as text.

A decline or a missed interview recorded through the reasons list reads "Reason one; reason two.
Their own words". Each such event gets the reasons its text starts with, looked up among the
reasons for that decision (declining a candidate, or an interview outcome); a text that does not
start with known labels (free text only, or a label renamed since) is left without reasons.
"""

from django.db import migrations

CANDIDATE_DECLINED = "candidate_declined"
INTERVIEW_OUTCOME = "interview_outcome"


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
    ProposalEvent = apps.get_model("pipeline", "ProposalEvent")
    DecisionReason = apps.get_model("pipeline", "DecisionReason")
    by_context = {}
    for reason in DecisionReason.objects.filter(
        context__in=[CANDIDATE_DECLINED, INTERVIEW_OUTCOME]
    ):
        by_context.setdefault(reason.context, {})[reason.label] = reason
    events = ProposalEvent.objects.filter(to_status__in=["declined", "no_show"]).exclude(reason="")
    for event in events.iterator():
        if event.to_status == "no_show" or event.from_status == "interviewed":
            contexts = [INTERVIEW_OUTCOME, CANDIDATE_DECLINED]
        else:
            contexts = [CANDIDATE_DECLINED, INTERVIEW_OUTCOME]
        for context in contexts:
            reasons = by_context.get(context, {})
            labels = _parse(event.reason, reasons)
            if labels:
                event.reasons.set([reasons[label] for label in labels])
                break


class Migration(migrations.Migration):

    dependencies = [
        ("pipeline", "0008_proposal_event_decision_reasons"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
