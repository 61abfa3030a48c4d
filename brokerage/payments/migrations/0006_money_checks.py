# Money checks (issue 16): claims keep their own copy of the scheme's rules, runs keep every
# check as its own record and expire, held payments and retries are kept, and fund budgets and
# limits change only through a change a second person confirms.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def copy_scheme_rules_to_claims(apps, schema_editor):
    """Claims made before this migration take the rules their scheme has now (the best record of
    what they were made under); from now on each claim keeps its own copy."""
    IncentiveClaim = apps.get_model("payments", "IncentiveClaim")
    IncentivePayment = apps.get_model("payments", "IncentivePayment")
    for claim in IncentiveClaim.objects.select_related("scheme").iterator():
        IncentiveClaim.objects.filter(pk=claim.pk).update(min_hours=claim.scheme.min_hours)
    for payment in IncentivePayment.objects.select_related("stage").iterator():
        IncentivePayment.objects.filter(pk=payment.pk).update(
            check_employer_verified=payment.stage.check_employer_verified,
            check_participant_eligible=payment.stage.check_participant_eligible,
        )


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0005_fund_receipt_private"),
        ("reference", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # --- incentives: claims keep their own copy of the scheme's rules ----------------------
        migrations.AddField(
            model_name="incentiveclaim",
            name="min_hours",
            field=models.DecimalField(decimal_places=1, default=16, max_digits=4, verbose_name="minimum hours a week"),
        ),
        migrations.AddField(
            model_name="incentivepayment",
            name="check_employer_verified",
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name="incentivepayment",
            name="check_participant_eligible",
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(copy_scheme_rules_to_claims, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="incentivestage",
            name="checkpoint_measure",
            field=models.CharField(
                choices=[("job_starts_4w", "Job starts sustained 4 weeks"), ("sustained_13w", "Sustained 13 weeks"),
                         ("sustained_26w", "Sustained 26 weeks")],
                error_messages={"blank": "Choose the checkpoint that must be confirmed before this stage is paid"},
                help_text="The sustainment checkpoint that must be confirmed before this stage is paid.",
                max_length=40, verbose_name="checkpoint needed",
            ),
        ),
        # --- incentives: attempts and retries ----------------------------------------------------
        migrations.AddField(
            model_name="incentivepayment",
            name="attempt",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.CreateModel(
            name="IncentivePaymentRetry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("attempt", models.PositiveSmallIntegerField(help_text="The new attempt's number.")),
                ("reason", models.TextField()),
                ("reference", models.CharField(max_length=100)),
                ("at", models.DateTimeField(auto_now_add=True)),
                ("previous_failure_reason", models.CharField(blank=True, max_length=500)),
                ("previous_idempotency_key", models.CharField(blank=True, max_length=100)),
                ("previous_transfer_id", models.CharField(blank=True, max_length=255)),
                ("actor", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                            to=settings.AUTH_USER_MODEL)),
                ("payment", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="retries",
                                              to="payments.incentivepayment")),
                ("previous_run", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                   related_name="+", to="payments.paymentrun")),
            ],
            options={"ordering": ["-at", "-id"]},
        ),
        migrations.AddConstraint(
            model_name="incentivepaymentretry",
            constraint=models.UniqueConstraint(fields=("payment", "attempt"), name="incentive_one_retry_per_attempt"),
        ),
        # --- incentives: checks kept as history, holds, expiry -----------------------------------
        migrations.AddField(
            model_name="incentivevalidation",
            name="moment",
            field=models.CharField(
                choices=[("check", "Checked"), ("approval", "Held at approval"), ("sending", "Held before sending"),
                         ("retry", "Checked before sending again")],
                default="check", max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="paymentrun",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="paymentrun",
            name="expiry_days",
            field=models.PositiveSmallIntegerField(default=7),
        ),
        migrations.AlterField(
            model_name="paymentrun",
            name="status",
            field=models.CharField(
                choices=[("proposed", "Waiting for approval"), ("approved", "Approved"), ("cancelled", "Cancelled"),
                         ("expired", "Approval expired")],
                db_index=True, default="proposed", max_length=10,
            ),
        ),
        migrations.CreateModel(
            name="PaymentRunCheck",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("checked_at", models.DateTimeField(auto_now_add=True)),
                ("proposal", models.BooleanField(default=False, help_text="The check made when the run was proposed.")),
                ("total_pence", models.PositiveBigIntegerField(default=0)),
                ("payment_count", models.PositiveIntegerField(default=0)),
                ("checked_by", models.ForeignKey(blank=True, help_text="Empty when the weekly task checked the run.",
                                                 null=True, on_delete=django.db.models.deletion.PROTECT,
                                                 related_name="+", to=settings.AUTH_USER_MODEL)),
                ("run", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="checks",
                                          to="payments.paymentrun")),
            ],
            options={"ordering": ["checked_at", "id"]},
        ),
        # --- flexible fund: budget and limit changes wait for a second person ---------------------
        migrations.CreateModel(
            name="FundChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("budget_amount", "Budget amount"),
                                                   ("auto_approve_limit", "Limit for approval at once")],
                                          max_length=20)),
                ("old_pence", models.PositiveBigIntegerField()),
                ("new_pence", models.PositiveBigIntegerField()),
                ("note", models.TextField(blank=True)),
                ("status", models.CharField(choices=[("pending", "Waiting for finance"), ("confirmed", "Confirmed"),
                                                     ("rejected", "Rejected"),
                                                     ("superseded", "Replaced by a later change")],
                                            db_index=True, default="pending", max_length=12)),
                ("proposed_at", models.DateTimeField(auto_now_add=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                ("decision_note", models.TextField(blank=True)),
                ("budget", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                             related_name="changes", to="payments.fundbudget")),
                ("decided_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                                 related_name="+", to=settings.AUTH_USER_MODEL)),
                ("programme", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                related_name="fund_changes", to="reference.programme")),
                ("proposed_by", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                  to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["-proposed_at", "-id"]},
        ),
        migrations.AddConstraint(
            model_name="fundchange",
            constraint=models.CheckConstraint(
                condition=models.Q(models.Q(("budget__isnull", False), ("kind", "budget_amount")),
                                   models.Q(("budget__isnull", True), ("kind", "auto_approve_limit")), _connector="OR"),
                name="fund_change_budget_matches_kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="fundchange",
            constraint=models.UniqueConstraint(condition=models.Q(("kind", "budget_amount"), ("status", "pending")),
                                               fields=("budget",), name="fund_change_one_pending_per_budget"),
        ),
        migrations.AddConstraint(
            model_name="fundchange",
            constraint=models.UniqueConstraint(condition=models.Q(("kind", "auto_approve_limit"), ("status", "pending")),
                                               fields=("programme",), name="fund_change_one_pending_limit_per_programme"),
        ),
    ]
