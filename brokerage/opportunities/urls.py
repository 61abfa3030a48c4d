from django.urls import path

from brokerage.opportunities import views

app_name = "opportunities"

urlpatterns = [
    # Employers (and partner staff acting for an employer)
    path("employer/opportunities/", views.employer_list, name="employer_list"),
    path("employer/opportunities/new/", views.employer_new, name="employer_new"),
    path("employer/opportunities/new/<slug:opportunity_type>/", views.employer_new_details,
         name="employer_new_details"),
    path("employer/opportunities/<int:pk>/", views.employer_detail, name="employer_detail"),
    path("employer/opportunities/<int:pk>/edit/", views.employer_edit, name="employer_edit"),
    path("employer/opportunities/<int:pk>/check/", views.employer_check, name="employer_check"),
    path("employer/opportunities/<int:pk>/submitted/", views.employer_submitted, name="employer_submitted"),
    path("employer/opportunities/<int:pk>/preview/", views.employer_preview, name="employer_preview"),
    path("employer/opportunities/<int:pk>/duplicate/", views.employer_duplicate, name="employer_duplicate"),
    path("employer/opportunities/<int:pk>/withdraw/", views.employer_withdraw, name="employer_withdraw"),
    path("employer/opportunities/<int:pk>/reopen/", views.employer_reopen, name="employer_reopen"),
    path("employer/opportunities/<int:pk>/places/", views.employer_places, name="employer_places"),
    path("employer/opportunities/<int:pk>/evidence/<slug:kind>/", views.employer_evidence, name="employer_evidence"),
    # Staff
    path("opportunities/", views.staff_list, name="staff_list"),
    path("opportunities/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("opportunities/<int:pk>/evidence/<slug:kind>/", views.staff_evidence, name="staff_evidence"),
    # Coordinators
    path("opportunities/moderation/", views.moderation_queue, name="moderation_queue"),
    path("opportunities/moderation/<int:pk>/", views.moderation_detail, name="moderation_detail"),
    path("opportunities/moderation/<int:pk>/refer-back/", views.moderation_refer_back, name="moderation_refer_back"),
    path("opportunities/moderation/<int:pk>/reject/", views.moderation_reject, name="moderation_reject"),
    path("opportunities/moderation/<int:pk>/evidence/<slug:kind>/", views.moderation_evidence,
         name="moderation_evidence"),
    path("opportunities/strands/", views.strand_reports, name="strand_reports"),
    path("opportunities/strands/<slug:slug>/", views.strand_report, name="strand_report"),
    # Public (no login)
    path("find-opportunities/", views.public_list, name="public_list"),
    path("find-opportunities/<int:pk>/", views.public_detail, name="public_detail"),
]
