from django.urls import path

from brokerage.payments import fund_views, views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("payments/", views.home, name="home"),
    path("payments/ledger.csv", views.ledger_csv, name="ledger_csv"),
    path("payments/reconciliation/", views.reconciliation, name="reconciliation"),
    path("employer/payments/", views.employer_payouts, name="employer_payouts"),
    path(
        "employer/payments/<int:pk>/", views.employer_payouts_organisation,
        name="employer_payouts_organisation",
    ),
    path("employer/payments/<int:pk>/start/", views.employer_payouts_start, name="employer_payouts_start"),
    path(
        "employer/payments/<int:pk>/return/", views.employer_payouts_return,
        name="employer_payouts_return",
    ),
    path(
        "employer/payments/<int:pk>/refresh/", views.employer_payouts_refresh,
        name="employer_payouts_refresh",
    ),
    # flexible fund
    path("payments/fund/", fund_views.fund_home, name="fund_home"),
    path("payments/fund/approvals/", fund_views.fund_approvals, name="fund_approvals"),
    path("payments/fund/approvals/<int:pk>/", fund_views.fund_approval_decide, name="fund_approval_decide"),
    path("participants/<str:reference>/fund/", fund_views.fund_participant, name="fund_participant"),
    path("participants/<str:reference>/fund/request/", fund_views.fund_request_new, name="fund_request_new"),
    path(
        "participants/<str:reference>/fund/<int:pk>/", fund_views.fund_request_detail,
        name="fund_request_detail",
    ),
]
