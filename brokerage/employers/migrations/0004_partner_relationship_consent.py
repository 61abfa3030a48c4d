# Partner relationships become requests the employer accepts (or a coordinator approves).
#
# Relationships recorded before this migration count as accepted, so partners keep working
# with the employers they already work with; each is marked with the reason below, and the
# employer's admins see it on their organisation page and can stop it at any time.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

EXISTING_REASON = (
    "Recorded before employers were asked to accept partners, so counted as accepted."
)


def mark_existing_as_accepted(apps, schema_editor):
    PartnerRelationship = apps.get_model("employers", "PartnerRelationship")
    for relationship in PartnerRelationship.objects.all().iterator():
        PartnerRelationship.objects.filter(pk=relationship.pk).update(
            status="accepted",
            requested_by_id=relationship.created_by_id,
            requested_at=relationship.created_at,
            decided_at=relationship.created_at,
            decision_reason=EXISTING_REASON,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('employers', '0003_organisations_relationships_duplicates'),
        ('reference', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='partnerrelationship',
            name='decided_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='partnerrelationship',
            name='decided_by',
            field=models.ForeignKey(blank=True, help_text="The employer's admin or the coordinator who decided; empty when the portal did.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='partnerrelationship',
            name='decision_reason',
            field=models.TextField(blank=True, help_text='Why a coordinator approved (required), or why it was declined.'),
        ),
        migrations.AddField(
            model_name='partnerrelationship',
            name='requested_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='partnerrelationship',
            name='requested_by',
            field=models.ForeignKey(blank=True, help_text='Who asked most recently.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        # Existing rows are filled as accepted; new rows start as requests.
        migrations.AddField(
            model_name='partnerrelationship',
            name='status',
            field=models.CharField(choices=[('requested', 'Waiting for the employer'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('approved', 'Approved by a coordinator')], db_index=True, default='accepted', max_length=10),
        ),
        migrations.RunPython(mark_existing_as_accepted, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='partnerrelationship',
            name='status',
            field=models.CharField(choices=[('requested', 'Waiting for the employer'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('approved', 'Approved by a coordinator')], db_index=True, default='requested', max_length=10),
        ),
        migrations.AddConstraint(
            model_name='partnerrelationship',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'approved'), _negated=True), models.Q(('decision_reason', ''), _negated=True), _connector='OR'), name='approved_relationship_has_reason'),
        ),
    ]
