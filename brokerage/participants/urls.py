from django.urls import path

from brokerage.participants import views

app_name = "participants"

urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("caseload/requests/", views.care_requests, name="care_requests"),
    path("caseload/requests/<int:pk>/decide/", views.care_request_decide, name="care_request_decide"),
    path("caseload/teams/", views.teams, name="teams"),
    path("caseload/import/", views.import_start, name="import_start"),
    path("caseload/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("participants/refer/", views.referral_start, name="referral_start"),
    path("participants/refer/sent/", views.referral_sent, name="referral_sent"),
    path("participants/<str:reference>/", views.detail, name="detail"),
    path("participants/<str:reference>/request/", views.care_request, name="care_request"),
    path("participants/<str:reference>/details/", views.details, name="details"),
    path("participants/<str:reference>/eligibility/", views.eligibility, name="eligibility"),
    path("participants/<str:reference>/consent/", views.consent, name="consent"),
    path("participants/<str:reference>/consent/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("participants/<str:reference>/assessment/", views.assessment, name="assessment"),
    path("participants/<str:reference>/readiness/", views.readiness, name="readiness"),
    path("participants/<str:reference>/plan/", views.plan, name="plan"),
    path("participants/<str:reference>/plan/<int:pk>/status/", views.action_status, name="action_status"),
    path("participants/<str:reference>/contacts/", views.contacts, name="contacts"),
    path("participants/<str:reference>/access-log/", views.access_log, name="access_log"),
    path("participants/<str:reference>/assign/", views.assign, name="assign"),
    path("participants/<str:reference>/export/", views.export, name="export"),
    path("participants/<str:reference>/export.json", views.export_json, name="export_json"),
    path("participants/<str:reference>/erase/", views.erase, name="erase"),
]
