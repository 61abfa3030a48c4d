from django.urls import path

from brokerage.payments.fund import views as fund_views
from brokerage.payments.incentives import views as incentive_views
from brokerage.payments.ledger import views as ledger_views
from brokerage.payments.outbox import views as outbox_views
from brokerage.payments.stripe import views as stripe_views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", stripe_views.stripe_webhook, name="stripe_webhook"),
    path("payments/", ledger_views.home, name="home"),
    path("payments/ledger.csv", ledger_views.ledger_csv, name="ledger_csv"),
    path("payments/reconciliation/", ledger_views.reconciliation, name="reconciliation"),
    path("employer/payments/", stripe_views.employer_payouts, name="employer_payouts"),
    path(
        "employer/payments/<int:pk>/", stripe_views.employer_payouts_organisation,
        name="employer_payouts_organisation",
    ),
    path("employer/payments/<int:pk>/start/", stripe_views.employer_payouts_start, name="employer_payouts_start"),
    path(
        "employer/payments/<int:pk>/return/", stripe_views.employer_payouts_return,
        name="employer_payouts_return",
    ),
    path(
        "employer/payments/<int:pk>/refresh/", stripe_views.employer_payouts_refresh,
        name="employer_payouts_refresh",
    ),
    # flexible fund
    path("payments/fund/", fund_views.fund_home, name="fund_home"),
    path("payments/fund/approvals/", fund_views.fund_approvals, name="fund_approvals"),
    path("payments/fund/approvals/<int:pk>/", fund_views.fund_approval_decide, name="fund_approval_decide"),
    path("payments/fund/changes/", fund_views.fund_changes, name="fund_changes"),
    path(
        "payments/fund/changes/<int:pk>/", fund_views.fund_change_decide,
        name="fund_change_decide",
    ),
    path("participants/<str:reference>/fund/", fund_views.fund_participant, name="fund_participant"),
    path("participants/<str:reference>/fund/request/", fund_views.fund_request_new, name="fund_request_new"),
    path(
        "participants/<str:reference>/fund/request/check/", fund_views.fund_request_check,
        name="fund_request_check",
    ),
    path(
        "participants/<str:reference>/fund/<int:pk>/", fund_views.fund_request_detail,
        name="fund_request_detail",
    ),
    path(
        "participants/<str:reference>/fund/<int:pk>/receipt/", fund_views.fund_receipt,
        name="fund_receipt",
    ),
    path(
        "participants/<str:reference>/fund/<int:pk>/quote/", fund_views.fund_quote,
        name="fund_quote",
    ),
]

# employer incentives (brokerage/payments/incentives/views.py)

urlpatterns += [
    path("employer/incentives/", incentive_views.employer_incentives, name="employer_incentives"),
    path("payments/runs/", incentive_views.runs, name="incentive_runs"),
    path("payments/runs/propose/", incentive_views.run_propose, name="incentive_run_propose"),
    path("payments/runs/<int:pk>/", incentive_views.run_detail, name="incentive_run"),
    path("payments/runs/<int:pk>/approve/", incentive_views.run_approve, name="incentive_run_approve"),
    path("payments/runs/<int:pk>/check/", incentive_views.run_revalidate, name="incentive_run_revalidate"),
    path("payments/runs/<int:pk>/cancel/", incentive_views.run_cancel, name="incentive_run_cancel"),
    path("payments/incentives/", incentive_views.claims, name="incentive_claims"),
    path("payments/incentives/<int:pk>/", incentive_views.claim_detail, name="incentive_claim"),
    path("payments/incentives/payments/<int:pk>/claw-back/", incentive_views.payment_reverse,
         name="incentive_payment_reverse"),
    path("payments/incentives/payments/<int:pk>/send-again/", incentive_views.payment_retry,
         name="incentive_payment_retry"),
    path("payments/incentives/employers/<int:pk>/block/", incentive_views.employer_block,
         name="incentive_employer_block"),
    path(
        "payments/clawbacks/<int:pk>/recover/", incentive_views.clawback_recover,
        name="incentive_clawback_recover",
    ),
    path(
        "payments/clawbacks/<int:pk>/write-off/", incentive_views.clawback_write_off,
        name="incentive_clawback_write_off",
    ),
]

# the money outbox: what needs finance's attention (brokerage/payments/outbox/views.py)

urlpatterns += [
    path("payments/attention/", outbox_views.needs_attention, name="needs_attention"),
    path("payments/attention/<int:pk>/", outbox_views.attention_resolve, name="attention_resolve"),
]
